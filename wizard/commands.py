"""The non-interactive commands: `detect` and `apply`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys

from wizard.cli import EXIT_FAILED, EXIT_OK, resolve_project
from wizard.errors import InvalidInput
from wizard.model import Choice, Findings
from wizard.probes.runner import run_probes, run_project_probe

log = logging.getLogger(__name__)


def detect(args: argparse.Namespace) -> int:
    """Print what the probes found and what the wizard recommends."""
    from wizard.recommend import recommend
    from wizard.report import detect_json, detect_text

    project = resolve_project(args.project)
    findings = run_probes(project, os.environ, context_name=args.context)
    options = recommend(findings)
    if args.json:
        print(json.dumps(detect_json(findings, options), indent=2))
    else:
        print(detect_text(findings, options))
    return EXIT_OK


def _validated(flag: str, value: str | None) -> str | None:
    from wizard.imageref import normalize_registry

    if value is None:
        return None
    try:
        registry, notices = normalize_registry(value)
    except InvalidInput as error:
        raise InvalidInput(f"{flag}: {error.message}") from None
    for notice in notices:
        print(f"note: {flag}: {notice}", file=sys.stderr)
    return registry


def _choice_from_flags(args: argparse.Namespace, findings: Findings) -> Choice:
    from wizard.imageref import single_name_problem
    from wizard.recommend import recommend

    if args.single_name is not None:
        problem = single_name_problem(args.single_name)
        if problem:
            raise InvalidInput(f"--single-name: {problem}")

    if args.recommended:
        best = recommend(findings)[0]
        if best.needs_input:
            raise InvalidInput(
                f"the recommendation ({best.title}) needs a value only you can give; "
                f"pass --registry, e.g. --registry {best.placeholder or 'registry.example.com/team'}"
            )
        registry = best.default_registry
        host_from_cluster = _validated("--host-from-cluster", args.host_from_cluster) or best.host_from_cluster
        single_name = args.single_name or best.single_name
    else:
        registry = _validated("--registry", args.registry)
        host_from_cluster = _validated("--host-from-cluster", args.host_from_cluster)
        single_name = args.single_name

    return Choice(
        default_registry=registry,
        host_from_cluster=host_from_cluster,
        single_name=single_name,
        add_tiltfile_lines=args.add_tiltfile_lines,
        add_gitignore_entry=not args.no_gitignore,
    )


def apply(args: argparse.Namespace) -> int:
    """Write tilt_option.json (and the .gitignore entry) from command-line flags."""
    from wizard.files import apply_plan
    from wizard.plan import build_plan, unified_diff

    project = resolve_project(args.project)
    if args.recommended:
        findings = run_probes(project, os.environ, context_name=args.context)
    else:
        # An explicit registry needs no cluster facts, so only the project is probed.
        findings = Findings(project=run_project_probe(project))

    choice = _choice_from_flags(args, findings)
    plan = build_plan(findings, choice)
    for notice in plan.notices:
        print(f"warning: {notice}", file=sys.stderr)
    if plan.tiltfile_snippet and not choice.add_tiltfile_lines:
        print("Add these lines to the Tiltfile (or rerun with --add-tiltfile-lines):", file=sys.stderr)
        print(plan.tiltfile_snippet.rstrip("\n"), file=sys.stderr)

    if args.dry_run:
        for change in plan.changes:
            if change.changed:
                sys.stdout.write(unified_diff(change))
        if plan.empty:
            print("Nothing to change.")
        return EXIT_OK

    if plan.empty:
        print("Nothing to change: the files already hold this choice.")
        return EXIT_OK
    written = apply_plan(plan)
    for path in written:
        print(f"wrote {path}")
    log.info("apply wrote %s", ", ".join(str(path) for path in written))
    print("Next: tilt up")
    return EXIT_OK if written else EXIT_FAILED
