"""Command-line entry: parse arguments, pick the front end, map failures to exit statuses."""

from __future__ import annotations

import argparse
import os
import sys

# Heavy modules (textual, yaml, the probes) are imported inside the commands that need them,
# so `--help` stays fast.

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
# The shell's status for a program ended by SIGINT (128 + 2).
EXIT_INTERRUPTED = 130

DESCRIPTION = (
    "Find the image registry your Kubernetes cluster can pull from, set it up for Tilt, and "
    "write tilt_option.json. Run without a command for the interactive wizard."
)


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    # Subcommands repeat the shared options with SUPPRESS defaults, so an option given before the
    # subcommand is not reset by the subparser.
    default = argparse.SUPPRESS if suppress else None
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project", metavar="DIR", default=default,
        help="the Tilt project directory (default: the nearest directory at or above the "
        "current one that holds a Tiltfile, else the current directory)",
    )
    common.add_argument(
        "--context", metavar="NAME", default=default,
        help="the kube context to use (default: kubeconfig's current context)",
    )
    common.add_argument(
        "--verbose", action="store_true", default=default if suppress else False,
        help="also write the log to stderr",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser for every command."""
    from wizard import __version__

    parser = argparse.ArgumentParser(
        prog="tilt-registry-wizard", description=DESCRIPTION, parents=[_common_options(False)]
    )
    parser.add_argument("--plain", action="store_true", help="ask line by line instead of full screen")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    detect = commands.add_parser(
        "detect", parents=[_common_options(True)],
        help="report the cluster, its registry and the recommendation",
        description="Report the cluster, its registry and the recommendation; writes nothing.",
    )
    detect.add_argument("--json", action="store_true", help="print one JSON object")

    apply = commands.add_parser(
        "apply", parents=[_common_options(True)],
        help="write tilt_option.json and the .gitignore entry without questions",
        description="Write tilt_option.json and the .gitignore entry without asking questions.",
    )
    source = apply.add_mutually_exclusive_group(required=True)
    source.add_argument("--registry", metavar="REF", help="the default_registry to write, e.g. ttl.sh/me")
    source.add_argument("--recommended", action="store_true", help="write what `detect` recommends")
    apply.add_argument("--host-from-cluster", metavar="HOST", help="the registry as the cluster sees it")
    apply.add_argument("--single-name", metavar="NAME", help="push every image to one repository NAME")
    apply.add_argument("--dry-run", action="store_true", help="print the diff and write nothing")
    apply.add_argument(
        "--add-tiltfile-lines", action="store_true",
        help="also change the Tiltfile so it reads tilt_option.json",
    )
    apply.add_argument(
        "--no-gitignore", action="store_true", help="do not add tilt_option.json to .gitignore"
    )
    return parser


def run_interactive(args: argparse.Namespace) -> int:
    """Start the Textual wizard, or the questionary one with --plain."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "tilt-registry-wizard: the interactive wizard needs a terminal; use --plain in a "
            "terminal, `detect --json` to inspect, or `apply --registry REF` to write the file",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from wizard.commands import resolve_project

    project = resolve_project(args.project)
    env = dict(os.environ)
    if args.plain:
        from wizard.plain import run_plain

        return run_plain(project, env, context_name=args.context)
    from wizard.tui.app import run_app

    return run_app(project, env, context_name=args.context)


def dispatch(args: argparse.Namespace) -> int:
    """Run the command named in `args`."""
    if args.command == "detect":
        from wizard.commands import detect

        return detect(args)
    if args.command == "apply":
        from wizard.commands import apply

        return apply(args)
    return run_interactive(args)


def _log_location() -> str:
    from wizard.logs import log_path

    try:
        return str(log_path())
    except Exception:  # noqa: BLE001 - only used inside an error message
        return "the wizard's log file"


def _discard_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail again."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)

    import logging

    from wizard.errors import WizardError
    from wizard.logs import setup_logging

    setup_logging(verbose=args.verbose)
    log = logging.getLogger("wizard.cli")
    try:
        status = dispatch(args)
        sys.stdout.flush()
        return status
    except WizardError as error:
        log.error("%s", error.message)
        print(f"tilt-registry-wizard: {error.message}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        # apply_plan restores every file it already replaced before the interrupt goes on.
        print("No changes were written.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away.
        _discard_stdout()
        return EXIT_FAILED
    except OSError as error:
        # Expected file errors arrive as WizardError, so this is a bug or a closed output stream.
        log.exception("unexpected OS error")
        where = error.filename
        if where is None:
            where = "standard output"
            _discard_stdout()
        print(f"tilt-registry-wizard: {where}: {error.strerror or error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - the last guard: a bug must not print a traceback
        log.exception("unexpected error")
        print(
            f"tilt-registry-wizard: unexpected error: {type(error).__name__}: {error}. "
            f"This is a bug; the log has the details: {_log_location()}",
            file=sys.stderr,
        )
        return EXIT_FAILED
