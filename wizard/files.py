"""File writing: atomic replace, tilt_option.json merge and .gitignore merge."""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
from pathlib import Path

from wizard.errors import UnparsableFile, WizardError
from wizard.model import GITIGNORE_COMMENT, OPTION_FILE, FileChange, Plan

# surrogateescape round-trips bytes that are not UTF-8, so rewriting a file keeps every byte.
ENCODING = "utf-8"
ERRORS = "surrogateescape"

_IGNORE_LINE = re.compile(rf"^/?{re.escape(OPTION_FILE)}\s*$")
_FIX_JSON = "Fix or delete it, then run the wizard again."


def read_text(path: Path) -> str | None:
    """Read a file's text exactly as stored (no newline translation); None when it does not exist.

    Reads only a regular file or a symlink to one. Raises UnparsableFile for a directory, FIFO,
    socket or device, and WizardError when the file cannot be read.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise _not_regular(path)
        # O_NONBLOCK keeps open() from waiting for a writer if a FIFO replaced the file after stat().
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise WizardError(f"Cannot read {path}: {error.strerror or error}. Fix the cause and run the wizard again.") from None

    try:
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _not_regular(path)
            return handle.read().decode(ENCODING, ERRORS)
    except OSError as error:
        raise WizardError(f"Cannot read {path}: {error.strerror or error}. Fix the cause and run the wizard again.") from None


def _not_regular(path: Path) -> UnparsableFile:
    return UnparsableFile(f"{path} is not a regular file; move it away and run again.")


def atomic_write(path: Path, text: str) -> None:
    """Write `text` through a temporary file in the same directory, fsync, rename; keep the mode.

    A new file gets 0666 minus the umask, as `open()` would give it. A symlink is followed, so the
    file it points to is replaced. On any error the temporary file is removed and the target is
    left as it was.
    """
    target = Path(os.path.realpath(path))
    mode = _mode_for(target)
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode(ENCODING, ERRORS))
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    _fsync_directory(target.parent)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        return 0o666 & ~_current_umask()


def _current_umask() -> int:
    # Linux reports the umask in /proc; elsewhere read it by setting and restoring it.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    """Persist the rename; some platforms and file systems cannot open a directory, which is fine."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class _NotJson(ValueError):
    """A JSON text that Python's parser accepts but JSON (RFC 8259) or the wizard does not."""


def _reject_constant(name: str) -> float:
    raise _NotJson("it uses NaN/Infinity, which is not JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _NotJson(f"it uses NaN/Infinity, which is not JSON ({text[:40]} is too large and becomes Infinity)")
    return value


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    for key, value in pairs:
        if key in seen:
            raise _NotJson(f"it defines {json.dumps(key)} twice; keep one")
        seen[key] = value
    return seen


def parse_options(text: str | None, path: Path) -> dict:
    """Parse tilt_option.json text into a dict in file order; empty or missing text gives {}.

    Raises UnparsableFile naming `path`: with the line and column for a syntax error, and with the
    reason for NaN, Infinity, a number too large for a float, a repeated key or nesting too deep.
    """
    if text is None or not text.strip():
        return {}
    try:
        data = json.loads(
            text, parse_constant=_reject_constant, parse_float=_finite_float, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as error:
        raise UnparsableFile(
            f"{path} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}). {_FIX_JSON}"
        ) from None
    except _NotJson as error:
        raise UnparsableFile(f"{path} is not valid JSON: {error}. {_FIX_JSON}") from None
    except RecursionError:
        raise UnparsableFile(f"{path} is not valid JSON: it is nested too deeply. {_FIX_JSON}") from None
    except ValueError:
        # The only other ValueError: Python rejects integers of more than 4300 digits by default.
        raise UnparsableFile(f"{path} is not valid JSON: it has a number with too many digits. {_FIX_JSON}") from None
    if not isinstance(data, dict):
        raise UnparsableFile(f"{path} contains a JSON {json_type_name(data)}, not an object. {_FIX_JSON}")
    return data


def json_type_name(value: object) -> str:
    """Return the JSON name of a parsed value's type: object, array, string, number, boolean or null."""
    names = {
        dict: "object", list: "array", str: "string", bool: "boolean", int: "number", float: "number",
        type(None): "null",
    }  # fmt: skip
    return names.get(type(value), "value")


def merge_options(before: str | None, values: dict[str, str | None], path: Path) -> str:
    """Return tilt_option.json text with `values` merged in (None removes a key).

    Keys the wizard does not own keep their values and order; two-space indent, trailing newline.
    When nothing changes, `before` comes back byte for byte, whatever its formatting.
    Raises UnparsableFile naming `path` when `before` is not a JSON object.
    """
    current = parse_options(before, path)
    merged = dict(current)
    for key, value in values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value

    if before is not None and list(merged.items()) == list(current.items()):
        return before
    return json.dumps(merged, indent=2, ensure_ascii=False) + "\n"


def add_gitignore_entry(before: str | None, *, listed_line_fails: bool = False) -> str:
    """Return .gitignore text with `tilt_option.json` under `# personal tilt settings`.

    Keeps every existing byte and the file's line endings. A file that already lists
    `tilt_option.json` (or `/tilt_option.json`) on a line of its own comes back unchanged, unless
    `listed_line_fails`: git reports the file as not ignored, for example because a later
    `!tilt_option.json` negates that line. Then the block goes at the end, because git's last
    matching pattern wins, and only a file that already ends with the block comes back unchanged.
    """
    if before is None:
        before = ""
    newline = "\r\n" if "\r\n" in before else "\n"
    block = f"{GITIGNORE_COMMENT}{newline}{OPTION_FILE}{newline}"
    if listed_line_fails:
        if before.endswith(block):
            return before
    elif any(_IGNORE_LINE.match(line) for line in before.split("\n")):
        return before

    text = before
    if text and not text.endswith("\n"):
        text += newline
    return f"{text}{block}"


# Written in this order, and restored in reverse when a later write fails.
_WRITE_ORDER = {OPTION_FILE: 0, ".gitignore": 1}


def apply_plan(plan: Plan) -> list[Path]:
    """Write every changed file of the plan (tilt_option.json, .gitignore, Tiltfile); return the paths written.

    Checks every file against the text the plan was built from before writing any of them, and
    raises WizardError when one changed on disk meanwhile. When a write fails, restores the files
    already written to their previous bytes (removing the ones that did not exist) and raises
    WizardError naming the file and the reason.
    """
    changes = sorted(
        (change for change in plan.changes if change.changed), key=lambda c: _WRITE_ORDER.get(c.path.name, 2)
    )

    for change in changes:
        if read_text(change.path) != change.before:
            raise WizardError(f"{change.path} changed since it was read; run the wizard again.")

    written: list[FileChange] = []
    for change in changes:
        try:
            atomic_write(change.path, change.after)
        except (OSError, UnicodeError) as error:
            reason = getattr(error, "strerror", None) or str(error)
            raise WizardError(_failed_write_message(change.path, reason, _restore(written))) from error
        except BaseException:
            # KeyboardInterrupt or SystemExit: the rename may already have happened, so this file is
            # restored too (rewriting its old bytes is harmless), and the exception goes on.
            _restore([*written, change])
            raise
        written.append(change)
    return [change.path for change in written]


def _restore(written: list[FileChange]) -> list[Path]:
    """Put back the files of `written` as they were; return the ones that could not be restored."""
    failed: list[Path] = []
    for change in reversed(written):
        try:
            if change.before is None:
                # atomic_write wrote through a dangling symlink, so remove what it created.
                os.unlink(os.path.realpath(change.path))
            else:
                atomic_write(change.path, change.before)
        except FileNotFoundError:
            pass
        except OSError:
            failed.append(change.path)
    return failed


def _failed_write_message(path: Path, reason: str, not_restored: list[Path]) -> str:
    if not not_restored:
        return f"Could not write {path}: {reason}. Nothing was changed; fix the cause and run the wizard again."
    names = ", ".join(str(each) for each in not_restored)
    return (
        f"Could not write {path}: {reason}. Restoring the files written before it failed for {names}, "
        "so check them, fix the cause and run the wizard again."
    )
