"""Tilt project probe: the Tiltfile, tilt_option.json, and whether .gitignore ignores that file."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from wizard.errors import UnparsableFile, WizardError
from wizard.files import parse_options, read_text
from wizard.imageref import has_registry_host
from wizard.model import OPTION_FILE, OPTION_KEYS, DefaultRegistryCall, ProbeWarning, ProjectResult
from wizard.probes.gitignore import match_gitignore_text
from wizard.probes.tiltfile import Call, TiltfileSyntax, scan_tiltfile
from wizard.registry_hosts import DOCKER_HUB_ALIASES
from wizard.text import escape_control_chars

TILTFILE = "Tiltfile"

# docker_build_with_restart comes from Tilt's restart_process extension and takes docker_build's arguments.
BUILD_FUNCTIONS = ("docker_build", "custom_build", "docker_build_with_restart")


def find_project_dir(start: Path) -> Path:
    """Return the nearest directory at or above `start` that contains a Tiltfile, else `start`."""
    for directory in (start, *start.absolute().parents):
        if (directory / TILTFILE).is_file():
            return directory
    return start


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
        text = read_text(path)
    except WizardError as error:
        result.tiltfile = path
        result.warnings.append(ProbeWarning("tiltfile-unreadable", escape_control_chars(error.message)))
        return
    if text is None:
        directory = escape_control_chars(result.directory)
        result.warnings.append(
            ProbeWarning(
                "tiltfile-missing",
                f"No Tiltfile found in {directory}. Run the wizard in your Tilt project or pass --project.",
            )
        )
        return

    result.tiltfile = path
    read_tiltfile_facts(result, text)


def read_tiltfile_facts(result: ProjectResult, text: str) -> TiltfileSyntax:
    """Fill the images, the tilt_option.json use and the default_registry call of `result` from Tiltfile text.

    Adds the warnings about them to `result` and returns the scan of the text.
    """
    syntax = scan_tiltfile(text)
    result.images = _images(syntax.calls)
    _read_option_use(syntax, result)
    _read_default_registry(syntax.calls, result)
    _warn_about_images(result)
    return syntax


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
    return has_registry_host(image) and image.partition("/")[0] not in DOCKER_HUB_ALIASES


# --- tilt_option.json --------------------------------------------------------------------------


def _read_option_file(result: ProjectResult) -> None:
    """Parse tilt_option.json with the reader and parser that build_plan uses, so both agree on it."""
    path = result.option_path
    try:
        text = read_text(path)
    except WizardError as error:
        result.option_error = escape_control_chars(error.message)
        result.warnings.append(ProbeWarning("option-file-unreadable", result.option_error))
        return
    if text is None:
        return

    try:
        result.options = parse_options(text, path)
    except UnparsableFile as error:
        result.option_error = escape_control_chars(error.message)
        result.warnings.append(ProbeWarning("option-file-invalid", result.option_error))


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
        text = read_text(path)
    except WizardError:
        return False, None
    if text is None:
        return False, None
    return match_gitignore_text(text, name, path.name)
