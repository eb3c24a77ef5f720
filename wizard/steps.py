"""Step logic shared by the Textual and questionary front ends; imports no front-end library."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from wizard.errors import InvalidInput
from wizard.imageref import normalize_registry, single_name_problem
from wizard.model import Choice, FileChange, Findings, Plan, RegistryOption
from wizard.next_steps import before_tilt_up, next_command  # noqa: F401  (re-exported for the front ends)

STEPS = ("Project", "Cluster", "Registry", "Review", "Done")
PRODUCT = "Tilt registry wizard"
NOTHING_WRITTEN = "No changes were written."


def step_title(step: str) -> str:
    """Return the header title for a step, e.g. "Tilt registry wizard · Step 2 of 5 · Cluster"."""
    return f"{PRODUCT} · Step {STEPS.index(step) + 1} of {len(STEPS)} · {step}"


def display_path(path: Path) -> str:
    """Return `path` with the home directory shortened to `~`."""
    home = os.path.expanduser("~")
    text = str(path)
    if home not in ("", "/", "~") and (text == home or text.startswith(home + os.sep)):
        return "~" + text[len(home):]
    return text


def context_label(findings: Findings) -> str:
    """Return the name of the kube context in use, or a phrase saying there is none yet."""
    if findings.cluster is not None and findings.cluster.context:
        return f"context {findings.cluster.context}"
    if findings.kubeconfig is None:
        return "context …"
    return "no kube context"


def cluster_summary_text(findings: Findings) -> str:
    """Return the cluster summary, or a sentence saying the registry check still runs.

    While the cluster's registry is unknown (`findings.local_registry` is None), any conclusion
    about it could be wrong, so the domain summary waits for the check.
    """
    from wizard.summary import cluster_summary

    cluster = findings.cluster
    if cluster is None:
        return "Reading the kubeconfig…"
    if findings.local_registry is None and cluster.kind != "none":
        name = cluster.context or cluster.cluster
        return (
            f"Checking whether the cluster of context {name} advertises a registry… "
            "The recommendation follows when the check finishes."
        )
    return cluster_summary(findings)


def ignored_registry_note(findings: Findings) -> str | None:
    """Return a note when the cluster advertises a registry, because Tilt then ignores default_registry."""
    hosting = findings.local_registry.hosting if findings.local_registry else None
    if hosting is None:
        return None
    return (
        f"This cluster advertises the registry {hosting.host}, so Tilt pushes there and ignores the "
        "registry typed here. Tilt uses it only on clusters that advertise no registry."
    )


@dataclass(frozen=True)
class CleanedRegistry:
    """A typed registry after cleaning: the value to write and its notices, or why it is invalid."""

    registry: str | None
    notices: list[str] = field(default_factory=list)
    problem: str | None = None


def clean_registry(typed: str) -> CleanedRegistry:
    """Clean a typed registry (blanks, a URL scheme, a trailing /) and validate it.

    Every front end cleans typed registries here, so the TUI, the plain prompts and the `apply`
    flags accept, rewrite and reject the same values with the same notices.
    """
    try:
        registry, notices = normalize_registry(typed)
    except InvalidInput as error:
        return CleanedRegistry(registry=None, problem=error.message)
    return CleanedRegistry(registry=registry, notices=notices)


def registry_notices(typed: str) -> list[str]:
    """Return the cleanups made to a typed registry, then the value written, or [] when none or invalid."""
    cleaned = clean_registry(typed)
    if cleaned.problem or not cleaned.notices:
        return []
    return [*cleaned.notices, f"The wizard writes {cleaned.registry}."]


def option_label(option: RegistryOption) -> str:
    """Return the one-line label for an option, marking the recommended one."""
    return f"{option.title} (recommended)" if option.recommended else option.title


def writes_sentence(option: RegistryOption) -> str:
    """Return what the option puts in tilt_option.json, in one line."""
    if option.needs_input:
        return "Writes the registry you type as default_registry."
    if option.default_registry:
        return f"Writes default_registry = {option.default_registry}"
    if option.keeps_option_file:
        return "Writes nothing: tilt_option.json stays as it is for other clusters."
    if option.removes_registry:
        return f"Removes the personal default_registry {option.removes_registry} from tilt_option.json."
    return "Writes no registry to tilt_option.json."


def offers_advanced(option: RegistryOption) -> bool:
    """Tell whether `host_from_cluster` and `single_name` apply: only options that push to a registry."""
    return option.push and (option.writes_registry or option.needs_input)


def typed_registry_problem(option: RegistryOption, typed: str) -> str | None:
    """Return why the typed registry cannot be used for `option`, or None when it can."""
    if not option.needs_input:
        return None
    if not typed.strip():
        return "Type a registry, for example " + (option.placeholder or "registry.example.com:5000/me") + "."
    return clean_registry(typed).problem


def host_from_cluster_problem(text: str) -> str | None:
    """Return why a typed `host_from_cluster` is invalid, or None (blank means not set)."""
    if not text.strip():
        return None
    problem = clean_registry(text).problem
    return f"host_from_cluster: {problem}" if problem else None


def optional_single_name_problem(text: str) -> str | None:
    """Return why a typed `single_name` is invalid, or None (blank means not set)."""
    if not text.strip():
        return None
    return single_name_problem(text)


def field_problems(option: RegistryOption, typed: str, host_from_cluster: str, single_name: str) -> dict[str, str]:
    """Return each invalid field ("registry", "host_from_cluster", "single_name") with its problem."""
    problems = {"registry": typed_registry_problem(option, typed)}
    if offers_advanced(option):
        problems["host_from_cluster"] = host_from_cluster_problem(host_from_cluster)
        problems["single_name"] = optional_single_name_problem(single_name)
    return {name: problem for name, problem in problems.items() if problem}


def cleaned_field(typed: str) -> str | None:
    """Return a typed registry or host_from_cluster as clean_registry writes it, or None when blank.

    An invalid value comes back stripped but otherwise as typed, so that validation reports it.
    """
    if not typed.strip():
        return None
    cleaned = clean_registry(typed)
    return typed.strip() if cleaned.problem else cleaned.registry


def chosen_registry(option: RegistryOption, typed: str) -> str | None:
    """Return the registry Tilt pushes to for this option and typed text."""
    if option.needs_input:
        return cleaned_field(typed)
    return option.default_registry


def make_choice(
    option: RegistryOption,
    findings: Findings,
    typed: str = "",
    host_from_cluster: str = "",
    single_name: str = "",
) -> Choice:
    """Build the Choice for an option, the typed registry and the advanced fields.

    The Tiltfile lines are proposed when a registry is written and the Tiltfile does not read
    tilt_option.json; the review step may leave them out. An option that keeps tilt_option.json
    gives a choice that writes nothing.
    """
    project = findings.project
    advanced = offers_advanced(option)
    registry = chosen_registry(option, typed)
    return Choice(
        default_registry=registry,
        host_from_cluster=(cleaned_field(host_from_cluster) or option.host_from_cluster) if advanced else None,
        single_name=(single_name.strip() or option.single_name) if advanced else None,
        add_tiltfile_lines=bool(registry and project and project.tiltfile and not project.reads_option_file),
        add_gitignore_entry=True,
        keep_option_file=option.keeps_option_file,
    )


def without_changes(plan: Plan, left_out: list[FileChange]) -> Plan:
    """Return the plan minus the optional changes the user left out, with the choice to match."""
    names = {change.path.name for change in left_out}
    choice = replace(
        plan.choice,
        add_tiltfile_lines=plan.choice.add_tiltfile_lines and "Tiltfile" not in names,
        add_gitignore_entry=plan.choice.add_gitignore_entry and ".gitignore" not in names,
    )
    remaining = [change for change in plan.changes if change not in left_out]
    return replace(plan, choice=choice, changes=remaining)


def changed_files(plan: Plan) -> list[FileChange]:
    """Return the changes of a plan that alter a file."""
    return [change for change in plan.changes if change.changed]


def write_button_label(count: int) -> str:
    """Return the primary button's label on the review step."""
    if count == 0:
        return "Nothing to change"
    return "Write 1 file" if count == 1 else f"Write {count} files"


def nothing_to_change_sentence(plan: Plan) -> str:
    """Return why the review has nothing to write, naming the files only when they exist."""
    existing = [change.path.name for change in plan.changes if change.before is not None]
    if not existing:
        return "Nothing to change: this choice needs no file written."
    verb = "holds" if len(existing) == 1 else "hold"
    return f"Nothing to change: {', '.join(existing)} already {verb} this choice."


def done_lines(written: list[Path], left_out: list[FileChange], findings: Findings,
               choice: Choice | None = None) -> list[str]:
    """Return the closing report: files written, changes left out and the commands to run next."""
    lines = [f"Wrote {display_path(path)}" for path in written]
    if not written:
        lines.append("No files needed a change.")
    lines += [f"Left out: {display_path(change.path)} ({change.summary})" for change in left_out]
    for sentence, command in before_tilt_up(findings, choice):
        if sentence:
            lines.append(sentence)
        if command:
            lines.append(f"  {command}")
    lines.append(f"Next: {next_command(findings)}")
    return lines
