"""The line-by-line wizard (`--plain`): the same five steps as questionary prompts."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

import questionary

from wizard.errors import WizardError
from wizard.model import Choice, FileChange, Findings, LocalRegistryResult, Plan, RegistryOption
from wizard import steps
from wizard.rows import (
    CREDENTIAL_STATES, MARK_TEXT, ProbeState, Row, cluster_rows, no_push_sentence, option_file_blocker, project_rows,
)

# The shell's status for a program ended by SIGINT (128 + 2), used for Ctrl-C and end of input.
INTERRUPTED = 130


class Cancelled(Exception):
    """The user declined the write; the wizard stops with status 0."""


class Interrupted(Exception):
    """The user pressed Ctrl-C or ended the input; the wizard stops with status 130."""


def ask(question: questionary.Question):
    """Ask one question; Ctrl-C, end of input or no answer interrupts the wizard."""
    try:
        answer = question.unsafe_ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted from None
    if answer is None:
        raise Interrupted
    return answer


def say(text: str, indent: str = "  ", subsequent: str | None = None) -> None:
    """Print a paragraph wrapped to the terminal width, so no word is split by the terminal."""
    width = max(shutil.get_terminal_size().columns - 1, 20)
    subsequent = indent if subsequent is None else subsequent
    lines = _wrap(text, width, indent, subsequent)
    if any(len(line) > width for line in lines) and len(subsequent) > 4:
        # A long name (an ARN, an image reference) fits better under a short indent.
        lines = _wrap(text, width, indent, "    ")
    print("\n".join(lines))


def _wrap(text: str, width: int, indent: str, subsequent: str) -> list[str]:
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=subsequent,
        break_long_words=False, break_on_hyphens=False,
    ) or [indent.rstrip()]


def print_step(step: str) -> None:
    """Print a step heading such as "Tilt registry wizard · Step 2 of 5 · Cluster"."""
    print()
    print(steps.step_title(step))


def print_rows(rows: list[Row]) -> None:
    """Print status rows with their text marks."""
    width = max((len(label) for _, label, _ in rows), default=0)
    for state, label, detail in rows:
        say(f"{MARK_TEXT[state]} {label.ljust(width)}  {detail}", subsequent=" " * (width + 6))


def run_plain(
    project_dir: Path,
    env: Mapping[str, str] | None = None,
    context_name: str | None = None,
    findings: Findings | None = None,
) -> int:
    """Run the wizard line by line and return the exit status.

    With `findings` given, no probe runs. Declining the write returns 0; Ctrl-C or the end of
    input returns 130; a file that cannot be parsed or written returns 1. None of them writes a
    file.
    """
    try:
        return walk_steps(project_dir, env, context_name, findings)
    except Cancelled:
        print(steps.NOTHING_WRITTEN)
        return 0
    except (Interrupted, KeyboardInterrupt):
        print()
        print(steps.NOTHING_WRITTEN)
        return INTERRUPTED


def walk_steps(project_dir: Path, env: Mapping[str, str] | None, context_name: str | None,
               findings: Findings | None) -> int:
    """Show each step and ask its question, then write the accepted plan."""
    live = findings is None
    if findings is None:
        from wizard.probes.runner import run_probes

        findings = run_probes(project_dir, env, context_name)

    print_step("Project")
    print(f"  {steps.display_path(project_dir)}")
    print_rows(project_rows(findings.project))

    findings = cluster_step(findings, env, live)
    choice = registry_step(findings)
    reviewed = review_step(findings, choice)
    if reviewed is None:
        return 1
    return done_step(findings, *reviewed)


def cluster_step(findings: Findings, env: Mapping[str, str] | None, live: bool) -> Findings:
    """Show the cluster checks, let the user pick another context, and return the findings for it."""
    print_step("Cluster")
    contexts = findings.kubeconfig.contexts if findings.kubeconfig else []
    if len(contexts) > 1:
        in_use = findings.cluster.context if findings.cluster else None
        choices = [questionary.Choice(context.name, value=context.name) for context in contexts]
        name = ask(questionary.select("Kube context to set up:", choices=choices, default=in_use))
        if name != in_use:
            findings = switch_context(findings, name, env, live)
    print_rows(cluster_rows(ProbeState(findings)))
    print()
    say(steps.cluster_summary_text(findings), indent="")
    return findings


def switch_context(findings: Findings, name: str, env: Mapping[str, str] | None, live: bool) -> Findings:
    """Return the findings for context `name`; the cluster's registry is asked again when live."""
    from wizard.probes.runner import run_cluster_probes, run_classify_probe

    if live:
        kubeconfig, cluster, registry = run_cluster_probes(os.environ if env is None else env, name)
        return replace(findings, kubeconfig=kubeconfig, cluster=cluster, local_registry=registry)
    _, cluster = run_classify_probe(findings.kubeconfig, name, env)
    return replace(findings, cluster=cluster, local_registry=LocalRegistryResult())


def registry_step(findings: Findings) -> Choice:
    """Offer the options (recommended first, its reason above), then ask for any typed fields."""
    from wizard.recommend import recommend

    print_step("Registry")
    blocker = option_file_blocker(findings.project)
    if blocker:
        say(f"{MARK_TEXT['fail']} {blocker}", subsequent="    ")
    options = recommend(findings)
    say(f"Recommended: {options[0].title}")
    say(options[0].reason)
    choices = [questionary.Choice(steps.option_label(option), value=option.key) for option in options]
    key = ask(questionary.select("Where should Tilt push images?", choices=choices, default=options[0].key))
    option = next(option for option in options if option.key == key)
    if not option.recommended:
        say(option.reason)
    say(steps.writes_sentence(option))

    typed = ask_registry(option, findings)
    host_from_cluster, single_name = ask_advanced(option)
    choice = steps.make_choice(option, findings, typed, host_from_cluster, single_name)
    print_preview(findings, option, choice)
    return choice


def ask_until_valid(message: str, problem_of: Callable[[str], str | None]) -> str:
    """Ask for a line of text until `problem_of` returns None for it, and return that text.

    A rejected value is printed with its problem, and the next prompt starts empty. A questionary
    `validate` callback would keep the rejected text in the input, so typing again would append to
    it. The other choice, `default`, could only pre-fill the rejected text, because an invalid
    value has no cleaned form.
    """
    while True:
        text = ask(questionary.text(message))
        problem = problem_of(text)
        if problem is None:
            return text
        say(f"{MARK_TEXT['fail']} {problem}", subsequent="    ")


def ask_registry(option: RegistryOption, findings: Findings) -> str:
    """Ask for the registry when the option needs one typed in; return it cleaned, or ""."""
    if not option.needs_input:
        return ""
    text = ask_until_valid(
        f"Registry (for example {option.placeholder or 'registry.example.com:5000/me'}):",
        lambda value: steps.typed_registry_problem(option, value),
    )
    cleaned = steps.clean_registry(text)
    if cleaned.problem:
        # ask_until_valid returns only values without a problem, so only a bug in it gets here.
        say(f"{MARK_TEXT['fail']} {cleaned.problem}")
        raise Cancelled
    for notice in cleaned.notices:
        say(f"{MARK_TEXT['info']} {notice}", subsequent="    ")
    note = steps.ignored_registry_note(findings)
    if note:
        say(f"{MARK_TEXT['warn']} {note}", subsequent="    ")
    return cleaned.registry


def ask_advanced(option: RegistryOption) -> tuple[str, str]:
    """Ask for host_from_cluster and single_name when the user wants to set them."""
    if not steps.offers_advanced(option):
        return "", ""
    if not ask(questionary.confirm("Set host_from_cluster or single_name (advanced)?", default=False)):
        return "", ""
    host = ask_until_valid(
        "host_from_cluster (the registry as the cluster sees it; empty for none):",
        steps.host_from_cluster_problem,
    )
    single_name = ask_until_valid(
        "single_name (one repository for every image; empty for none):",
        steps.optional_single_name_problem,
    )
    return host.strip(), single_name.strip()


def print_preview(findings: Findings, option: RegistryOption, choice: Choice) -> None:
    """Print where each image goes and whether Docker can log in to that registry."""
    from wizard.credentials import credential_status
    from wizard.next_steps import pushed_registry
    from wizard.recommend import push_previews

    print()
    print("  Images Tilt will push")
    if not option.push:
        say(f"{no_push_sentence(option)}.", indent="    ")
        return
    pairs = push_previews(findings, choice.default_registry, choice.single_name)
    width = max((len(image) for image, _ in pairs), default=0)
    for image, target in pairs:
        say(f"{image.ljust(width)} → {target}", indent="    ", subsequent=" " * (width + 7))
    if not pairs:
        say("The wizard found no docker_build images in the Tiltfile.", indent="    ")

    registry = pushed_registry(findings, choice)
    if registry:
        mark, sentence = credential_status(registry, findings.docker)
        say(f"{MARK_TEXT[CREDENTIAL_STATES.get(mark, 'info')]} Credentials: {sentence}", subsequent="    ")


def review_step(findings: Findings, choice: Choice) -> tuple[Plan, list[FileChange]] | None:
    """Print each diff, ask about each optional change, and confirm the write.

    Returns the plan to write and the changes left out, or None when a file cannot be parsed.
    """
    from wizard.plan import build_plan, unified_diff

    print_step("Review")
    try:
        plan = build_plan(findings, choice)
    except WizardError as error:
        say(f"{MARK_TEXT['fail']} {error.message}", subsequent="    ")
        print(steps.NOTHING_WRITTEN)
        return None
    for notice in plan.notices:
        say(f"{MARK_TEXT['info']} {notice}", subsequent="    ")
    changes = steps.changed_files(plan)
    if not changes:
        say(steps.nothing_to_change_sentence(plan))
        return plan, []

    left_out = []
    for change in changes:
        print()
        say(f"{change.path.name}: {change.summary}")
        print(unified_diff(change, findings.project.directory).rstrip("\n"))
        if change.optional and not ask(questionary.confirm(f"Include this change to {change.path.name}?", default=True)):
            left_out.append(change)
    plan = steps.without_changes(plan, left_out)
    count = len(steps.changed_files(plan))
    if count and not ask(questionary.confirm(f"{steps.write_button_label(count)}?", default=True)):
        raise Cancelled
    return plan, left_out


def done_step(findings: Findings, plan: Plan, left_out: list[FileChange]) -> int:
    """Write the plan and print what was written, what was left out and the next command."""
    from wizard.files import apply_plan

    written: list[Path] = []
    if not plan.empty:
        try:
            written = apply_plan(plan)
        except WizardError as error:
            print(f"{MARK_TEXT['fail']} {error.message}", file=sys.stderr)
            return 1
    print_step("Done")
    for line in steps.done_lines(written, left_out, findings, plan.choice):
        # Commands are printed whole, so they can be copied; sentences are wrapped.
        if line.startswith("  ") or line.startswith("Next: "):
            print(f"  {line}")
        else:
            say(line)
    if plan.tiltfile_snippet and any(change.path.name == "Tiltfile" for change in left_out):
        say("To let the Tiltfile read tilt_option.json later, add:")
        print(plan.tiltfile_snippet.rstrip("\n"))
    return 0
