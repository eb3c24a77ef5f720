"""The non-interactive commands: `detect` and `apply`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from wizard.errors import InvalidInput, WizardError
from wizard.model import OPTION_FILE, OPTION_KEYS, Choice, Findings, RegistryOption

log = logging.getLogger(__name__)

EXIT_OK = 0


def resolve_project(value: str | None) -> Path:
    """Return the project directory from --project or the nearest Tiltfile above the cwd."""
    from wizard.probes.project import find_project_dir

    if value is None:
        return find_project_dir(Path.cwd())
    path = Path(value).expanduser()
    if path.is_file():
        raise InvalidInput(f"--project {value}: is a file, not a directory; pass the directory that contains the Tiltfile")
    if not path.is_dir():
        raise InvalidInput(f"--project {value}: directory not found; pass the directory that contains the Tiltfile")
    return path.resolve()


def _probe(args: argparse.Namespace) -> Findings:
    """Run every probe for the project and context named in `args`; log what they warn about."""
    from wizard.probes.runner import run_probes

    project = resolve_project(args.project)
    findings = run_probes(project, os.environ, context_name=args.context)
    _check_context(args.context, findings)
    for warning in findings.warnings():
        log.warning("%s: %s", warning.code, warning.message)
    return findings


def _check_context(name: str | None, findings: Findings) -> None:
    kubeconfig = findings.kubeconfig
    if name is None or kubeconfig is None or kubeconfig.context(name) is not None:
        return
    known = ", ".join(context.name for context in kubeconfig.contexts) or "none"
    raise InvalidInput(f"--context {name}: no such context in the kubeconfig (contexts: {known})")


def detect(args: argparse.Namespace) -> int:
    """Print what the probes found and what the wizard recommends."""
    from wizard.recommend import recommend
    from wizard.report import detect_json, detect_text

    findings = _probe(args)
    options = recommend(findings)
    if args.json:
        print(json.dumps(detect_json(findings, options), indent=2))
    else:
        print(detect_text(findings, options))
    return EXIT_OK


def _validated(flag: str, value: str | None) -> str | None:
    from wizard.steps import clean_registry

    # An empty value means "not set", so that --host-from-cluster '' removes the key.
    if value is None or not value.strip():
        return None
    cleaned = clean_registry(value)
    if cleaned.problem:
        raise InvalidInput(f"{flag}: {cleaned.problem}")
    for notice in cleaned.notices:
        print(f"note: {flag}: {notice}", file=sys.stderr)
    return cleaned.registry


def _registry_flag(value: str | None) -> str | None:
    """Return the cleaned --registry value; unlike the other flags, an empty one is an error."""
    if value is not None and not value.strip():
        # An empty registry would silently remove default_registry from tilt_option.json.
        raise InvalidInput(
            "--registry: the value is empty; pass a registry such as --registry registry.example.com/team, "
            "or use --recommended"
        )
    return _validated("--registry", value)


def _single_name(value: str | None) -> str | None:
    from wizard.imageref import single_name_problem

    if value is None or not value.strip():
        return None
    problem = single_name_problem(value)
    if problem:
        raise InvalidInput(f"--single-name: {problem}")
    return value.strip()


def _recommended(findings: Findings) -> RegistryOption:
    from wizard.recommend import recommend

    best = recommend(findings)[0]
    if best.needs_input:
        example = best.placeholder or "registry.example.com/team"
        raise InvalidInput(
            f"--recommended: the recommendation ({best.title}) needs a value only you can give; "
            f"pass --registry instead, such as --registry {example}"
        )
    print(f"Recommended: {best.title}. {best.reason}", file=sys.stderr)
    return best


def _choice_from_flags(args: argparse.Namespace, findings: Findings) -> Choice:
    """Turn apply's flags into a Choice; options not given keep their value for the same registry."""
    host_from_cluster = _validated("--host-from-cluster", args.host_from_cluster)
    single_name = _single_name(args.single_name)
    keep_option_file = False

    if args.recommended:
        best = _recommended(findings)
        registry = best.default_registry
        keep_option_file = best.keeps_option_file
        host_from_cluster = host_from_cluster or best.host_from_cluster
        single_name = single_name or best.single_name
    else:
        registry = _registry_flag(args.registry)

    if registry is None and (host_from_cluster or single_name):
        raise InvalidInput(
            "--host-from-cluster and --single-name need a default_registry, but the recommendation "
            "writes none; pass --registry REF with them"
        )

    # Re-running with the same registry keeps the other settings unless a flag names them.
    # An empty value (--single-name '' or --host-from-cluster '') removes one.
    current = (findings.project.options if findings.project else None) or {}
    if registry is not None and registry == current.get("default_registry"):
        if args.host_from_cluster is None:
            host_from_cluster = current.get("host_from_cluster") or None
        if args.single_name is None:
            single_name = current.get("single_name") or None

    return Choice(
        default_registry=registry,
        host_from_cluster=host_from_cluster,
        single_name=single_name,
        add_tiltfile_lines=args.add_tiltfile_lines,
        add_gitignore_entry=not args.no_gitignore,
        keep_option_file=keep_option_file,
    )


def _require_tiltfile(findings: Findings) -> None:
    project = findings.project
    if project is not None and project.tiltfile is None:
        raise InvalidInput(
            f"no Tiltfile in {project.directory}: run apply in your Tilt project or pass --project DIR"
        )


def _print_snippet(plan, choice: Choice) -> None:
    if not plan.tiltfile_snippet or (choice.add_tiltfile_lines and plan.tiltfile_problem is None):
        return
    rerun = "" if choice.add_tiltfile_lines else " (or rerun with --add-tiltfile-lines)"
    line = plan.snippet_replaces_line
    if line:
        print(f"Replace the default_registry call on line {line} of the Tiltfile with these lines{rerun}:",
              file=sys.stderr)
    else:
        print(f"Add these lines near the top of the Tiltfile{rerun}:", file=sys.stderr)
    print(plan.tiltfile_snippet.rstrip("\n"), file=sys.stderr)


def _check_tiltfile_edit(plan, choice: Choice) -> None:
    """Raise before anything is written when --add-tiltfile-lines cannot edit the Tiltfile."""
    if choice.add_tiltfile_lines and plan.tiltfile_problem:
        raise WizardError(
            f"--add-tiltfile-lines: {plan.tiltfile_problem}. Nothing was written. Fix the Tiltfile and run "
            "apply again, or add the lines printed above by hand."
        )


def _nothing_to_write(findings: Findings, choice: Choice) -> str:
    current = (findings.project.options if findings.project else None) or {}
    if choice.keep_option_file and any(current.get(key) for key in OPTION_KEYS):
        return (
            f"Nothing to write: {OPTION_FILE} stays as it is for other clusters, because Tilt ignores its "
            "registry settings on this cluster."
        )
    if choice.default_registry is None:
        return f"Nothing to write: no personal registry is needed, and {OPTION_FILE} holds none."
    return f"Nothing to change: {OPTION_FILE} already holds this choice."


def apply(args: argparse.Namespace) -> int:
    """Write tilt_option.json (and the .gitignore entry) from command-line flags."""
    from wizard.files import apply_plan
    from wizard.plan import build_plan, unified_diff

    findings = _probe(args)
    _require_tiltfile(findings)
    choice = _choice_from_flags(args, findings)
    plan = build_plan(findings, choice)
    for notice in plan.notices:
        print(f"warning: {notice}", file=sys.stderr)
    _print_snippet(plan, choice)
    _check_tiltfile_edit(plan, choice)

    if args.dry_run:
        for change in plan.changes:
            if change.changed:
                sys.stdout.write(unified_diff(change))
        if plan.empty:
            print("Nothing to change.")
        return EXIT_OK

    if plan.empty:
        print(_nothing_to_write(findings, choice))
        return EXIT_OK

    written = apply_plan(plan)
    for path in written:
        print(f"Wrote {path}")
    log.info("apply wrote %s", ", ".join(str(path) for path in written))
    _print_next_steps(findings, choice)
    return EXIT_OK


def _print_next_steps(findings: Findings, choice: Choice) -> None:
    """Print the login and ECR commands, then the command to run next, as the wizard's Done step does."""
    from wizard.next_steps import before_tilt_up, next_command

    for sentence, command in before_tilt_up(findings, choice):
        if sentence:
            print(sentence)
        if command:
            print(f"  {command}")
    print(f"Next: {next_command(findings)}")
