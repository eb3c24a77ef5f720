"""File writing: atomic replace, tilt_option.json merge and .gitignore merge."""

from __future__ import annotations

from pathlib import Path

from wizard.model import Plan


def atomic_write(path: Path, text: str) -> None:
    """Write `text` through a temporary file in the same directory, fsync, rename; keep the mode."""
    raise NotImplementedError


def merge_options(before: str | None, values: dict[str, str | None], path: Path) -> str:
    """Return tilt_option.json text with `values` merged in (None removes a key).

    Keys the wizard does not own keep their values and order; two-space indent, trailing newline.
    Raises UnparsableFile naming `path` when `before` is not a JSON object.
    """
    raise NotImplementedError


def add_gitignore_entry(before: str | None) -> str:
    """Return .gitignore text with `tilt_option.json` under `# personal tilt settings`.

    Keeps every existing byte and the file's line endings.
    """
    raise NotImplementedError


def apply_plan(plan: Plan) -> list[Path]:
    """Write every changed file of the plan; return the paths written."""
    raise NotImplementedError
