"""Turn a choice into a Plan of file changes, and render plans as unified diffs."""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from wizard.errors import InvalidInput, UnparsableFile, WizardError
from wizard.files import add_gitignore_entry, merge_options, parse_options, read_text
from wizard.imageref import registry_problem, single_name_problem
from wizard.model import (
    OPTION_FILE,
    OPTION_KEYS,
    Choice,
    DefaultRegistryCall,
    FileChange,
    Findings,
    Plan,
    ProjectResult,
)
from wizard.probes.project import read_tiltfile_facts
from wizard.probes.tiltfile import TiltfileSyntax
from wizard.text import escape_control_chars
from wizard.tiltfile_lines import add_tiltfile_lines, snippet_lines_for, split_lines

_NO_NEWLINE = "\\ No newline at end of file\n"


@dataclass
class _Tiltfile:
    """The Tiltfile as it is on disk now, with the facts the project probe reads, taken from that text."""

    facts: ProjectResult
    text: str | None = None
    syntax: TiltfileSyntax | None = None


def build_plan(findings: Findings, choice: Choice) -> Plan:
    """Compute every file change for `choice` without writing anything.

    Reads tilt_option.json, .gitignore and the Tiltfile from disk, so that apply_plan can tell
    whether they changed since. Whether the Tiltfile reads tilt_option.json, and its
    default_registry call, come from the text read now, so a plan built after an earlier one was
    applied does not add the lines again. A choice with keep_option_file gives an empty plan.
    When the requested Tiltfile lines cannot be added, Plan.tiltfile_problem states the reason
    and a notice gives the user what to do instead. Raises InvalidInput for an invalid registry or
    single_name, and UnparsableFile when a file that would change cannot be parsed.
    """
    project = findings.project
    if project is None:
        raise WizardError("The project directory has not been read yet; wait for the Project step to finish.")
    _validate_choice(choice)
    if choice.keep_option_file:
        # Tilt ignores tilt_option.json on this cluster, and the user needs it on other clusters.
        return Plan(choice=choice)

    tiltfile = _read_tiltfile(project, choice)
    choice, team_notice = _as_team_choice(tiltfile.facts.default_registry_call, choice)
    plan = Plan(choice=choice)
    if team_notice:
        plan.notices.append(team_notice)

    option_change = _option_change(project, choice, plan)
    option_path = project.option_path or project.directory / OPTION_FILE
    option_file_exists = option_change is not None or option_path.exists()
    if option_change is not None:
        plan.changes.append(option_change)

    if option_file_exists and not project.gitignored and choice.add_gitignore_entry:
        gitignore_change = _gitignore_change(project)
        if gitignore_change is not None:
            plan.changes.append(gitignore_change)

    _plan_tiltfile(tiltfile, choice, plan)
    _add_notices(findings, tiltfile.facts, choice, plan)
    return plan


def _read_tiltfile(project: ProjectResult, choice: Choice) -> _Tiltfile:
    if project.tiltfile is None:
        return _Tiltfile(facts=project)
    try:
        text = read_text(project.tiltfile)
    except WizardError:
        if choice.add_tiltfile_lines:
            raise
        # Nothing edits the Tiltfile, so the probe's facts serve for the notices.
        return _Tiltfile(facts=project)
    if text is None:
        return _Tiltfile(facts=project)

    facts = ProjectResult(directory=project.directory, tiltfile=project.tiltfile)
    syntax = read_tiltfile_facts(facts, text)
    return _Tiltfile(facts=facts, text=text, syntax=syntax)


def repeats_team_default(
    call: DefaultRegistryCall | None, registry: str | None, host_from_cluster: str | None, single_name: str | None
) -> bool:
    """Tell whether these values repeat the Tiltfile's literal default_registry call.

    host_from_cluster and single_name match when they equal the call's or are unset.
    """
    if call is None or call.host is None or call.reads_option_file or registry != call.host:
        return False
    extras = {"host_from_cluster": host_from_cluster, "single_name": single_name}
    return all(not value or value == getattr(call, key) for key, value in extras.items())


def _as_team_choice(call: DefaultRegistryCall | None, choice: Choice) -> tuple[Choice, str | None]:
    """Turn a choice that repeats the Tiltfile's literal default_registry into the team choice.

    A personal copy of the team default would keep the user on the old value when the team
    changes its Tiltfile, so such a choice removes the personal keys instead. The choice's
    host_from_cluster and single_name must match the call's or be unset. Returns the choice to
    plan and a notice, or the choice unchanged and None.
    """
    if not repeats_team_default(call, choice.default_registry, choice.host_from_cluster, choice.single_name):
        return choice, None
    team = replace(choice, default_registry=None, host_from_cluster=None, single_name=None, add_tiltfile_lines=False)
    return team, f"{call.host} is the Tiltfile's team default, so nothing personal is written."


def _validate_choice(choice: Choice) -> None:
    for key in ("default_registry", "host_from_cluster"):
        value = getattr(choice, key)
        problem = registry_problem(value) if value else None
        if problem:
            raise InvalidInput(f"{key}: {problem}")
    if choice.single_name:
        problem = single_name_problem(choice.single_name)
        if problem:
            raise InvalidInput(problem)


def _option_values(choice: Choice) -> dict[str, str | None]:
    # An empty string counts as "not set", so it removes the key like None does.
    return {key: (getattr(choice, key) or None) for key in OPTION_KEYS}


def _option_change(project: ProjectResult, choice: Choice, plan: Plan) -> FileChange | None:
    path = project.option_path or project.directory / OPTION_FILE
    before = read_text(path)
    values = _option_values(choice)
    writes_values = any(value is not None for value in values.values())

    if before is None and not writes_values:
        return None
    if not writes_values:
        try:
            parse_options(before, path)
        except UnparsableFile as error:
            # Nothing to write, so the file stays as it is; Tilt's read_json fails on it all the same.
            plan.notices.append(error.message)
            return None

    after = merge_options(before, values, path)
    if after == before:
        return None
    _note_dropped_keys(parse_options(before, path), values, plan)
    return FileChange(path=path, before=before, after=after, summary=_option_summary(before, values, path))


def _note_dropped_keys(current: dict, values: dict[str, str | None], plan: Plan) -> None:
    """Add a notice when a new registry drops the host_from_cluster or single_name set for the old one."""
    old_registry = current.get("default_registry")
    if not old_registry or old_registry == values["default_registry"]:
        return
    dropped = [key for key in ("host_from_cluster", "single_name") if key in current and values[key] is None]
    if dropped:
        plan.notices.append(
            f"{OPTION_FILE} sets {' and '.join(dropped)} for {old_registry}. This choice writes "
            f"{'another' if values['default_registry'] else 'no'} registry, so it removes "
            f"{'them' if len(dropped) > 1 else 'it'}."
        )


def _option_summary(before: str | None, values: dict[str, str | None], path: Path) -> str:
    current = parse_options(before, path)
    parts = []
    for key, value in values.items():
        if value is None and key in current:
            parts.append(f"remove {key}")
        elif value is not None and current.get(key) != value:
            parts.append(f"set {key} to {value}")
    return ", ".join(parts)


def _gitignore_change(project: ProjectResult) -> FileChange | None:
    path = project.directory / ".gitignore"
    before = read_text(path)
    # Called only when the project probe found the file not ignored, so a listed line does not count.
    after = add_gitignore_entry(before, listed_line_fails=True)
    if after == before:
        return None
    return FileChange(path=path, before=before, after=after, summary=f"add {OPTION_FILE} entry", optional=True)


def _plan_tiltfile(tiltfile: _Tiltfile, choice: Choice, plan: Plan) -> None:
    facts = tiltfile.facts
    if facts.reads_option_file or not choice.default_registry:
        # Without a registry in tilt_option.json there is nothing for the Tiltfile to read.
        return
    call = facts.default_registry_call
    plan.tiltfile_snippet = "\n".join(snippet_lines_for(tiltfile.text, call)) + "\n"
    plan.snippet_replaces_line = call.line if call is not None else None
    if not choice.add_tiltfile_lines or tiltfile.text is None:
        return

    cause = _tiltfile_edit_problem(tiltfile.syntax)
    after = tiltfile.text
    if cause is None:
        after, cause = add_tiltfile_lines(tiltfile.text, call)
    if cause:
        path = escape_control_chars(facts.tiltfile)
        plan.tiltfile_problem = f"{path}: {cause}"
        plan.notices.append(f"The wizard did not change {path}, because {cause}. {_edit_advice(cause, call)}")
        return
    plan.changes.append(
        FileChange(
            path=facts.tiltfile, before=tiltfile.text, after=after, summary=f"read {OPTION_FILE} in the Tiltfile",
            optional=True,
        )
    )


def _tiltfile_edit_problem(syntax: TiltfileSyntax) -> str | None:
    """Return why the wizard must not edit this Tiltfile text itself (a clause about the Tiltfile), or None."""
    if not syntax.parsed_as_python:
        return f"it does not parse ({escape_control_chars(syntax.parse_error or 'unknown error')})"
    lines = [str(call.line) for call in syntax.calls if call.name == "default_registry"]
    if len(lines) > 1:
        listed = f"{', '.join(lines[:-1])} and {lines[-1]}"
        return f"it calls default_registry on lines {listed}, and Tilt fails on the second call"
    return None


def _edit_advice(cause: str, call: DefaultRegistryCall | None) -> str:
    if cause.startswith("it calls default_registry on lines"):
        return "Keep one call, then run the wizard again."
    if "inside a block" in cause:
        return "Then run the wizard again, or adapt the lines below to the block by hand."
    if call is not None:
        return "Replace that call with the lines below by hand."
    return "Add the lines below to the Tiltfile by hand."


def _add_notices(findings: Findings, project: ProjectResult, choice: Choice, plan: Plan) -> None:
    """Add the notices about the Tiltfile (`project` contains its current facts), git and the cluster."""
    adds_lines = any(change.path == project.tiltfile for change in plan.changes)
    values = _option_values(choice)

    if project.tiltfile is None:
        plan.notices.append(
            f"No Tiltfile was found in {project.directory}, and Tilt reads {OPTION_FILE} only through Tiltfile code."
        )
    elif not project.reads_option_file and not adds_lines and plan.tiltfile_problem is None and any(values.values()):
        plan.notices.append(
            f"The Tiltfile does not read {OPTION_FILE}, so Tilt ignores the file until the Tiltfile reads it. "
            "Add the lines shown below to the Tiltfile."
        )
    elif project.reads_option_file:
        for key in ("host_from_cluster", "single_name"):
            if values[key] and key not in project.option_keys_read:
                plan.notices.append(
                    f"The Tiltfile reads {OPTION_FILE} but not its {key} key, so Tilt ignores {key} = {values[key]} "
                    "until the Tiltfile passes it to default_registry."
                )

    writes_option_file = any(change.path.name == OPTION_FILE for change in plan.changes)
    if findings.project.option_file_tracked and writes_option_file:
        plan.notices.append(
            f"{OPTION_FILE} is committed to git, so this change reaches everyone who pulls it. Run "
            f"`git rm --cached {OPTION_FILE}` in {escape_control_chars(findings.project.directory)} and commit, "
            "so that each developer keeps their own copy."
        )

    hosting = findings.local_registry.hosting if findings.local_registry else None
    if hosting and values["default_registry"]:
        plan.notices.append(
            f"This cluster advertises the registry {hosting.host}, so Tilt ignores default_registry on this "
            f"cluster and uses {hosting.host}."
        )


def tiltfile_snippet(findings: Findings) -> str:
    """Return the Tiltfile lines that read tilt_option.json, keeping the team default if there is one.

    Uses the probe's facts and the Tiltfile text as it is now; build_plan fills Plan.tiltfile_snippet from the Tiltfile as it is now.
    """
    project = findings.project
    call = project.default_registry_call if project else None
    text = None
    if project is not None and project.tiltfile is not None:
        try:
            text = read_text(project.tiltfile)
        except WizardError:
            text = None
    return "\n".join(snippet_lines_for(text, call)) + "\n"


def unified_diff(change: FileChange, root: Path | None = None) -> str:
    """Return the change as a unified diff with paths relative to the project.

    `root` is the project directory. Without it, paths are relative to the file's own directory,
    which is the project directory for every file the wizard writes. A new file's "before" side is
    /dev/null. An unchanged file gives "". Control characters in the text and paths come out as
    escapes such as `\\x1b` (tabs and line endings stay), so the diff is for display only.
    """
    if not change.changed:
        return ""
    base = root if root is not None else change.path.parent
    relative = Path(os.path.relpath(change.path, base)).as_posix()
    # Split at "\n" only, as the Tiltfile edits count lines.
    before_lines = split_lines(change.before) if change.before else []
    after_lines = split_lines(change.after)
    from_label = "/dev/null" if change.before is None else f"a/{relative}"

    lines = difflib.unified_diff(before_lines, after_lines, fromfile=from_label, tofile=f"b/{relative}")
    output = []
    for line in lines:
        output.append(_display_line(line))
        if not line.endswith("\n"):
            output.append("\n" + _NO_NEWLINE)
    return "".join(output)


def _display_line(line: str) -> str:
    """Escape the control characters of one diff line for the terminal, keeping tabs and its line ending."""
    ending = ""
    if line.endswith("\r\n"):
        ending = "\r\n"
    elif line.endswith("\n"):
        ending = "\n"
    body = line[: len(line) - len(ending)]
    return "\t".join(escape_control_chars(part) for part in body.split("\t")) + ending
