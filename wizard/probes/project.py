"""Tilt project probe: the Tiltfile, tilt_option.json, and whether .gitignore ignores that file."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

from wizard.imageref import has_registry_host
from wizard.model import OPTION_FILE, OPTION_KEYS, DefaultRegistryCall, ProbeWarning, ProjectResult
from wizard.probes.gitignore import match_gitignore_text
from wizard.probes.tiltfile import Call, TiltfileSyntax, scan_tiltfile
from wizard.text import escape_control_chars

TILTFILE = "Tiltfile"

# docker_build_with_restart comes from Tilt's restart_process extension and takes docker_build's arguments.
BUILD_FUNCTIONS = ("docker_build", "custom_build", "docker_build_with_restart")

_DOCKER_HUB_DOMAINS = ("docker.io", "index.docker.io")

_JSON_TYPES = {
    list: "array", str: "string", bool: "boolean", int: "number", float: "number", type(None): "null",
}  # fmt: skip


def find_project_dir(start: Path) -> Path:
    """Return the nearest directory at or above `start` that contains a Tiltfile, else `start`."""
    for directory in (start, *start.absolute().parents):
        if (directory / TILTFILE).is_file():
            return directory
    return start


class NotRegularFileError(OSError):
    """A path that exists but is a directory, FIFO, socket or device, so it is not read."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{escape_control_chars(path)} is not a regular file")


def read_regular_file(path: Path, errors: str = "strict") -> str:
    """Read a UTF-8 text file without blocking on a FIFO or device; `errors` is passed to `bytes.decode`.

    Raises FileNotFoundError, NotRegularFileError, another OSError or UnicodeDecodeError.
    """
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise NotRegularFileError(path)
    # O_NONBLOCK keeps open() from waiting for a writer if the path became a FIFO after the stat.
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotRegularFileError(path)
        return handle.read().decode("utf-8", errors)


def probe_project(directory: Path, timeout: float = 2.0) -> ProjectResult:
    """Read the project's Tiltfile, its tilt_option.json and the git state of that file.

    `timeout` bounds each git run (`check-ignore`, `ls-files`), in seconds. Expected failures become warnings.
    """
    result = ProjectResult(directory=directory, option_path=directory / OPTION_FILE)
    _read_tiltfile(result)
    _read_option_file(result)
    _check_gitignore(result, timeout)
    _check_tracked(result, timeout)
    return result


# --- Tiltfile ----------------------------------------------------------------------------------


def _read_tiltfile(result: ProjectResult) -> None:
    path = result.directory / TILTFILE
    try:
        text = read_regular_file(path)
    except FileNotFoundError:
        directory = escape_control_chars(result.directory)
        result.warnings.append(
            ProbeWarning(
                "tiltfile-missing",
                f"No Tiltfile found in {directory}. Run the wizard in your Tilt project or pass --project.",
            )
        )
        return
    except (OSError, UnicodeDecodeError) as error:
        result.tiltfile = path
        result.warnings.append(
            ProbeWarning("tiltfile-unreadable", f"Cannot read the Tiltfile: {_read_error(path, error)}.")
        )
        return

    result.tiltfile = path
    result.tiltfile_text = text
    syntax = scan_tiltfile(text)
    result.tiltfile_parsed = syntax.parsed_as_python
    result.images = _images(syntax.calls)
    _read_option_use(syntax, result)
    _read_default_registry(syntax.calls, result)
    _warn_about_images(result)


def _images(calls: list[Call]) -> list[str]:
    images: list[str] = []
    for call in calls:
        if call.name not in BUILD_FUNCTIONS:
            continue
        argument = call.argument(0, "ref")
        if argument is not None and argument.literal and argument.literal not in images:
            images.append(argument.literal)
    return images


def _read_option_use(syntax: TiltfileSyntax, result: ProjectResult) -> None:
    """Record whether the Tiltfile reads tilt_option.json, and which of the wizard's keys it names."""
    for call in syntax.calls:
        path = call.argument(0, "path")
        if call.name == "read_json" and path is not None and path.names_option_file:
            result.reads_option_file = True
            break

    if result.reads_option_file:
        result.option_keys_read = tuple(key for key in OPTION_KEYS if key in syntax.strings)
    else:
        result.warnings.append(
            ProbeWarning(
                "tiltfile-ignores-option-file",
                f"The Tiltfile does not read {OPTION_FILE}, so Tilt ignores a registry written there "
                "until the Tiltfile reads it with read_json.",
            )
        )


def _read_default_registry(calls: list[Call], result: ProjectResult) -> None:
    found = [call for call in calls if call.name == "default_registry"]
    result.default_registry_lines = [call.line for call in found]
    if not found:
        return

    call = found[0]
    host = call.argument(0, "host", "name")
    registry_call = DefaultRegistryCall(line=call.line)
    if host is not None:
        registry_call.reads_option_file = host.reads_option_file
        # With the read_json pattern, the literal default of .get() is the team's registry.
        registry_call.host = host.literal or (host.option_default if host.reads_option_file else None)
    registry_call.host_from_cluster = _literal(call, 1, "host_from_cluster")
    registry_call.single_name = _literal(call, 2, "single_name")
    result.default_registry_call = registry_call

    if len(found) > 1:
        lines = ", ".join(str(each.line) for each in found)
        result.warnings.append(
            ProbeWarning(
                "default-registry-repeated",
                f"The Tiltfile calls default_registry on lines {lines}. Tilt stops with "
                '"default registry already defined" when more than one of these calls runs.',
            )
        )


def _literal(call: Call, position: int, name: str) -> str | None:
    argument = call.argument(position, name)
    return argument.literal if argument is not None else None


def _warn_about_images(result: ProjectResult) -> None:
    hosted = [image for image in result.images if _names_registry_host(image)]
    if not hosted:
        return
    names = ", ".join(escape_control_chars(image) for image in hosted)
    result.warnings.append(
        ProbeWarning(
            "image-has-registry-host",
            f"These image names already start with a registry host: {names}. With a registry set, Tilt "
            "prefixes it again (localhost:5000/app becomes <registry>/localhost_5000_app) unless the "
            "name already starts with that registry. Drop the host from these names in the Tiltfile.",
        )
    )


def _names_registry_host(image: str) -> bool:
    """Tell whether the image's first component is a registry host other than Docker Hub.

    Docker Hub names lose their host in Tilt's renaming, so they are not double-prefixed.
    """
    return has_registry_host(image) and image.partition("/")[0] not in _DOCKER_HUB_DOMAINS


# --- tilt_option.json --------------------------------------------------------------------------


class _RejectedJSON(ValueError):
    """Text that Python's json module parses but that the wizard rejects as invalid JSON."""


def _reject_constant(name: str) -> float:
    # Python's json accepts NaN, Infinity and -Infinity, which RFC 8259 does not allow.
    raise _RejectedJSON(f"{name} is not a JSON value")


def _reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict:
    # RFC 8259 leaves the meaning of repeated keys open, and rewriting the file would keep only one value.
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise _RejectedJSON(f'the key "{escape_control_chars(key)}" appears more than once in one object')
        seen.add(key)
    return dict(pairs)


def _read_option_file(result: ProjectResult) -> None:
    path = result.option_path
    try:
        text = read_regular_file(path)
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as error:
        result.option_error = f"{OPTION_FILE}: cannot be read: {_read_error(path, error)}"
        result.warnings.append(ProbeWarning("option-file-unreadable", f"{result.option_error}."))
        return

    consequence = "Tilt cannot read it, and the wizard will not rewrite it, so fix it first."
    try:
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicate_keys)
    except json.JSONDecodeError as error:
        result.option_error = (
            f"{OPTION_FILE}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        )
    except RecursionError:
        result.option_error = f"{OPTION_FILE}: invalid JSON: nested too deeply"
    except _RejectedJSON as error:
        result.option_error = f"{OPTION_FILE}: invalid JSON: {error}"
        consequence = "The wizard will not rewrite it, so fix it first."
    else:
        if isinstance(value, dict):
            result.options = value
            return
        json_type = _JSON_TYPES.get(type(value), "value")
        result.option_error = f"{OPTION_FILE}: holds a JSON {json_type}, not an object"

    result.warnings.append(ProbeWarning("option-file-invalid", f"{result.option_error}. {consequence}"))


def _read_error(path: Path, error: OSError | UnicodeDecodeError) -> str:
    """Describe why `path` could not be read, naming the path."""
    if isinstance(error, NotRegularFileError):
        return str(error)
    display_path = escape_control_chars(path)
    if isinstance(error, UnicodeDecodeError):
        return f"{display_path}: byte {error.start} is not UTF-8"
    return f"{display_path}: {error.strerror or error}"


# --- .gitignore ---------------------------------------------------------------------------------


def _check_gitignore(result: ProjectResult, timeout: float) -> None:
    """Fill gitignored and gitignore_source from git when it can tell, else from .gitignore."""
    gitignore = result.directory / ".gitignore"
    if gitignore.exists() and not gitignore.is_file():
        # git would block on a FIFO until its timeout, and skips a directory, so neither is asked.
        result.warnings.append(
            ProbeWarning(
                "gitignore-unreadable",
                f"Cannot read .gitignore: {escape_control_chars(gitignore)} is not a regular file, so the "
                f"wizard cannot tell whether git ignores {OPTION_FILE}. Replace it with a text file.",
            )
        )
        return

    answer = _git_check_ignore(result.directory, timeout)
    if answer is None:
        answer = match_gitignore_file(gitignore, OPTION_FILE)
    ignored, source = answer
    result.gitignored = ignored
    result.gitignore_source = escape_control_chars(source) if source is not None else None


def _check_tracked(result: ProjectResult, timeout: float) -> None:
    """Set option_file_tracked when git's index contains tilt_option.json, which .gitignore cannot hide."""
    git = shutil.which("git")
    if git is None or not result.directory.is_dir():
        return

    # ls-files exits 1 for an untracked path and 128 outside a work tree; both count as not tracked.
    command = [git, "-C", str(result.directory), "ls-files", "--error-unmatch", "--", OPTION_FILE]
    try:
        completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return
    if completed.returncode != 0:
        return

    result.option_file_tracked = True
    result.warnings.append(
        ProbeWarning(
            "option-file-tracked",
            f"{OPTION_FILE} is committed to git, so .gitignore does not hide it. Run "
            f"`git rm --cached {OPTION_FILE}` in {escape_control_chars(result.directory)} and commit, "
            "so each developer keeps their own copy.",
        )
    )


def _git_check_ignore(directory: Path, timeout: float) -> tuple[bool, str | None] | None:
    """Ask git whether a .gitignore of the repository ignores tilt_option.json.

    Returns None when git is missing, fails, times out or `directory` is not in a work tree.
    The user's global excludes file and .git/info/exclude do not count, because teammates lack them.
    """
    git = shutil.which("git")
    if git is None or not directory.is_dir():
        return None

    with tempfile.TemporaryDirectory(prefix="wizard-git-") as empty_dir:
        empty_excludes = Path(empty_dir) / "excludes"
        empty_excludes.write_bytes(b"")
        command = [
            git, "-C", str(directory), "-c", f"core.excludesFile={empty_excludes}",
            "check-ignore", "--verbose", "--no-index", "--stdin", "-z",
        ]  # fmt: skip
        try:
            completed = subprocess.run(
                command, input=f"{OPTION_FILE}\0".encode(), capture_output=True, timeout=timeout, check=False
            )
        except (OSError, subprocess.TimeoutExpired):
            return None

    # git check-ignore exits 1 when nothing matches, and 128 outside a work tree or on another fatal error.
    if completed.returncode == 1:
        return False, None
    if completed.returncode != 0:
        return None

    fields = completed.stdout.decode("utf-8", "replace").split("\0")
    if len(fields) < 3:
        return None
    source, line, pattern = fields[:3]
    if Path(source).name != ".gitignore" or pattern.startswith("!"):
        return False, None
    return True, f"{source}:{line}:{pattern}"


def match_gitignore_file(path: Path, name: str) -> tuple[bool, str | None]:
    """Tell whether the .gitignore at `path` ignores the file `name` next to it.

    Returns (ignored, "<file>:<line>:<pattern>") with the deciding pattern, as git check-ignore shows it.
    A missing, unreadable or non-regular .gitignore ignores nothing.
    """
    try:
        text = read_regular_file(path, errors="replace")
    except OSError:
        return False, None
    return match_gitignore_text(text, name, path.name)
