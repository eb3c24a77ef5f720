"""Turn a choice into a Plan of file changes, and render plans as unified diffs."""

from __future__ import annotations

from wizard.model import Choice, FileChange, Findings, Plan


def build_plan(findings: Findings, choice: Choice) -> Plan:
    """Compute every file change for `choice` without writing anything.

    Raises UnparsableFile when a file that would change cannot be parsed.
    """
    raise NotImplementedError


def tiltfile_snippet(findings: Findings) -> str:
    """Return the Tiltfile lines that read tilt_option.json, keeping the team default if there is one."""
    raise NotImplementedError


def unified_diff(change: FileChange) -> str:
    """Return the change as a unified diff with paths relative to the project."""
    raise NotImplementedError
