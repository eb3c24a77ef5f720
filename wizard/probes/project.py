"""Tilt project probe: the Tiltfile, tilt_option.json, and whether .gitignore ignores that file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from wizard.imageref import has_registry_host
from wizard.model import OPTION_FILE, OPTION_KEYS, DefaultRegistryCall, ProbeWarning, ProjectResult
from wizard.probes.tiltfile import Call, TiltfileSyntax, is_option_file, scan_tiltfile

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


def probe_project(directory: Path, timeout: float = 2.0) -> ProjectResult:
    """Read the project's Tiltfile, its tilt_option.json and the .gitignore state of that file.

    `timeout` bounds the `git check-ignore` run, in seconds. Expected failures become warnings.
    """
    result = ProjectResult(directory=directory, option_path=directory / OPTION_FILE)
    _read_tiltfile(result)
    _read_option_file(result)
    _check_gitignore(result, timeout)
    return result


# --- Tiltfile ----------------------------------------------------------------------------------


def _read_tiltfile(result: ProjectResult) -> None:
    path = result.directory / TILTFILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        result.warnings.append(
            ProbeWarning(
                "tiltfile-missing",
                f"No Tiltfile found in {result.directory}. Run the wizard in your Tilt project or pass --project.",
            )
        )
        return
    except (OSError, UnicodeDecodeError) as error:
        result.tiltfile = path
        result.warnings.append(ProbeWarning("tiltfile-unreadable", f"Cannot read {path}: {error}."))
        return

    result.tiltfile = path
    result.tiltfile_text = text
    syntax = scan_tiltfile(text)
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
        if call.name == "read_json" and path is not None and is_option_file(path.literal):
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
    names = ", ".join(hosted)
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


def _read_option_file(result: ProjectResult) -> None:
    path = result.option_path
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError) as error:
        result.option_error = f"{OPTION_FILE}: cannot be read: {error}"
        result.warnings.append(ProbeWarning("option-file-unreadable", f"{result.option_error}."))
        return

    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        result.option_error = (
            f"{OPTION_FILE}: invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
        )
    except RecursionError:
        result.option_error = f"{OPTION_FILE}: invalid JSON: nested too deeply"
    else:
        if isinstance(value, dict):
            result.options = value
            return
        json_type = _JSON_TYPES.get(type(value), "value")
        result.option_error = f"{OPTION_FILE}: holds a JSON {json_type}, not an object"

    result.warnings.append(
        ProbeWarning(
            "option-file-invalid",
            f"{result.option_error}. Tilt cannot read it, and the wizard will not rewrite it, so fix it first.",
        )
    )


# --- .gitignore ---------------------------------------------------------------------------------


def _check_gitignore(result: ProjectResult, timeout: float) -> None:
    """Fill gitignored and gitignore_source from git when it can tell, else from .gitignore."""
    answer = _git_check_ignore(result.directory, timeout)
    if answer is None:
        answer = match_gitignore_file(result.directory / ".gitignore", OPTION_FILE)
    result.gitignored, result.gitignore_source = answer


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
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False, None

    decision: tuple[bool, str | None] = (False, None)
    for number, line in enumerate(text.splitlines(), start=1):
        parsed = _parse_gitignore_line(line)
        if parsed is None:
            continue
        regex, negated = parsed
        if regex.fullmatch(name):
            source = f"{path.name}:{number}:{line.rstrip()}"
            decision = (not negated, None if negated else source)
    return decision


def _parse_gitignore_line(line: str) -> tuple[re.Pattern[str], bool] | None:
    """Compile one .gitignore line to a regex over paths relative to its directory, with its negation.

    Returns None for blanks, comments and directory-only patterns, which never match a file here.
    """
    pattern = _strip_trailing_spaces(line.rstrip("\r"))
    if not pattern or pattern.startswith("#"):
        return None

    negated = pattern.startswith("!")
    if negated:
        pattern = pattern[1:]
    if pattern.endswith("/"):
        return None

    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.lstrip("/") if pattern.startswith("/") else pattern
    body = _glob_to_regex(pattern)
    if not anchored:
        body = f"(?:.*/)?{body}"
    return re.compile(body, re.DOTALL), negated


def _strip_trailing_spaces(pattern: str) -> str:
    """Remove trailing spaces unless a backslash escapes them, as git does."""
    stripped = pattern.rstrip(" ")
    if len(stripped) < len(pattern) and stripped.endswith("\\") and not stripped.endswith("\\\\"):
        return stripped + " "
    return stripped


def _glob_to_regex(pattern: str) -> str:
    """Translate gitignore glob syntax (`*`, `?`, `[...]`, `**`, backslash escapes) into a regex."""
    parts = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        at_component_start = index == 0 or pattern[index - 1] == "/"
        if at_component_start and pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif at_component_start and pattern[index:] == "**":
            parts.append(".*")
            index += 2
        elif char == "*":
            parts.append("[^/]*")
            index += 1
        elif char == "?":
            parts.append("[^/]")
            index += 1
        elif char == "[":
            bracket, index = _bracket_to_regex(pattern, index)
            parts.append(bracket)
        elif char == "\\" and index + 1 < len(pattern):
            parts.append(re.escape(pattern[index + 1]))
            index += 2
        else:
            parts.append(re.escape(char))
            index += 1
    return "".join(parts)


def _bracket_to_regex(pattern: str, start: int) -> tuple[str, int]:
    """Translate the `[...]` class that starts at `start`. An unclosed `[` stays a literal character."""
    end = start + 1
    if end < len(pattern) and pattern[end] in "!^":
        end += 1
    if end < len(pattern) and pattern[end] == "]":
        end += 1
    end = pattern.find("]", end)
    if end == -1:
        return re.escape("["), start + 1

    # NOTE: POSIX classes such as `[[:alpha:]]`, which git accepts, are not translated here.
    inner = pattern[start + 1 : end]
    negated = inner[:1] in ("!", "^")
    if negated:
        inner = inner[1:]
    inner = inner.replace("\\", "\\\\").replace("^", "\\^")
    return f"[{'^' if negated else ''}{inner}]", end + 1
