"""The Textual wizard: runs the probes in background threads and walks through the five steps."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.message import Message

from wizard import steps
from wizard.model import Choice, FileChange, Findings, LocalRegistryResult, RegistryOption
from wizard.probes import runner

log = logging.getLogger(__name__)

# The notification for ctrl+c when no text was selected to copy. The help dialog repeats it.
QUIT_HINT = "Press ctrl+q to quit (nothing is written)"


class ProbeFinished(Message):
    """A probe worker finished; the runner has already turned any exception into a warning."""

    def __init__(self, probe: str, result: object, context: str = "") -> None:
        super().__init__()
        self.probe = probe
        self.result = result
        self.context = context


class WizardApp(App[int]):
    """The full-screen wizard; with `findings` given no probe runs, so the screens are reproducible."""

    CSS_PATH = "wizard.tcss"
    TITLE = steps.PRODUCT
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "quit_wizard", "Quit", priority=True),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(
        self,
        project_dir: Path,
        env: Mapping[str, str] | None = None,
        findings: Findings | None = None,
        context_name: str | None = None,
    ) -> None:
        super().__init__()
        self.project_dir = project_dir
        self.env = env
        self.live = findings is None
        self.findings = findings if findings is not None else Findings()
        self.initial_context = context_name
        self.probe_threads: list[threading.Thread] = []
        # Given findings keep their registry result per context, so switching back restores it.
        self.registry_by_context: dict[str, LocalRegistryResult] = {}
        if findings is not None and findings.cluster and findings.local_registry:
            self.registry_by_context[findings.cluster.context] = findings.local_registry
        self.option: RegistryOption | None = None
        self.choice: Choice | None = None
        self.written: list[Path] | None = None
        # The findings the last write was planned from; Done reports from them while the project is read again.
        self.written_findings: Findings | None = None
        self.left_out: list[FileChange] = []
        # The Registry step's highlighted option key, typed fields and Advanced state, kept across Back.
        self.registry_form: dict = {}
        # The (probe, code, message) of each warning already logged, so a probe run again logs only new ones.
        self.logged_warnings: set[tuple[str, str, str]] = set()

    # -- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        from wizard.tui.screens.project import ProjectScreen

        self.push_screen(ProjectScreen())
        if self.live:
            self.run_probe("project", lambda: runner.run_project_probe(self.project_dir))
            self.run_probe("kubeconfig", lambda: runner.run_kubeconfig_probe(self.env))
            self.run_probe("docker", lambda: runner.run_docker_probe(self.env))
        elif self.initial_context and self.findings.cluster and self.initial_context != self.findings.cluster.context:
            self.use_context(self.initial_context)

    def reread_project(self) -> None:
        """Read the project again after a write, so a second review starts from the files on disk.

        The project result is cleared first, so every step treats the project as pending (and the
        review waits) until the new result arrives.
        """
        self.written_findings = replace(self.findings)
        self.findings.project = None
        self.run_probe("project", lambda: runner.run_project_probe(self.project_dir))

    # -- probes ----------------------------------------------------------------------------

    def run_probe(self, probe: str, call: Callable[[], object], context: str = "") -> None:
        """Start `call` (a wizard.probes.runner function) in a daemon thread; its result arrives as a ProbeFinished message.

        Daemon threads rather than Textual's thread workers: the app waits for its workers when
        it exits, so ctrl+q would hang until a slow exec plugin or API request gave up. Probes
        only read, so leaving one behind at exit loses nothing.
        """

        def task() -> None:
            self.post_message(ProbeFinished(probe, call(), context))

        thread = threading.Thread(target=task, name=f"probe-{probe}", daemon=True)
        self.probe_threads = [running for running in self.probe_threads if running.is_alive()]
        self.probe_threads.append(thread)
        thread.start()

    async def wait_for_probes(self) -> None:
        """Wait until every probe thread started so far has finished (used by tests)."""
        while any(thread.is_alive() for thread in self.probe_threads):
            await asyncio.sleep(0.01)

    def on_probe_finished(self, message: ProbeFinished) -> None:
        """Store a probe's result and refresh the screens; a registry result for another context is dropped."""
        if message.probe == "local_registry" and message.context != self.context_in_use:
            return
        setattr(self.findings, message.probe, message.result)
        self.log_warnings(message.probe, message.result)
        if message.probe == "kubeconfig":
            self.use_context(self.initial_context)
            return
        self.refresh_screens()

    def log_warnings(self, probe: str, result: object) -> None:
        """Log each warning of a probe result the first time it arrives; probes already remove secrets from messages."""
        for warning in getattr(result, "warnings", None) or ():
            key = (probe, warning.code, warning.message)
            if key not in self.logged_warnings:
                self.logged_warnings.add(key)
                log.warning("%s probe: %s: %s", probe, warning.code, warning.message)

    @property
    def context_in_use(self) -> str:
        """The name of the context the wizard sets up for ("" when there is none)."""
        return self.findings.cluster.context if self.findings.cluster else ""

    def use_context(self, name: str | None) -> None:
        """Classify the cluster of context `name` (None: current) and probe its registry again."""
        context, cluster = runner.run_classify_probe(self.findings.kubeconfig, name, self.env)
        self.findings.cluster = cluster
        self.log_warnings("cluster", cluster)
        self.findings.local_registry = None
        if self.live:
            self.run_probe("local_registry", lambda: runner.run_registry_probe(context, cluster), cluster.context)
        else:
            self.findings.local_registry = self.registry_by_context.get(cluster.context, LocalRegistryResult())
        self.refresh_screens()

    def probe_pending(self, probe: str) -> bool:
        """Tell whether a probe's result has not arrived yet."""
        if probe == "cluster":
            return self.findings.kubeconfig is None
        return getattr(self.findings, probe) is None

    # -- screens ---------------------------------------------------------------------------

    @property
    def subtitle(self) -> str:
        """The header subtitle: the project directory and the kube context in use."""
        return f"{steps.display_path(self.project_dir)} · {steps.context_label(self.findings)}"

    def refresh_screens(self) -> None:
        """Let every step screen on the stack show the latest findings."""
        from wizard.tui.screens.base import StepScreen

        for screen in self.screen_stack:
            if isinstance(screen, StepScreen) and screen.is_mounted:
                screen.update_header()
                screen.show_findings()

    def action_help(self) -> None:
        """Show the help text of the current step."""
        from wizard.tui.help import HelpScreen
        from wizard.tui.screens.base import StepScreen

        if isinstance(self.screen, StepScreen):
            self.push_screen(HelpScreen(self.screen.STEP, self.screen.HELP))

    def action_help_quit(self) -> None:
        """Tell how to quit when ctrl+c copied no text.

        Textual binds ctrl+c to copy the selected text, and otherwise to this action. Textual's
        own version names the key bound to its `quit` action, and ctrl+q runs `quit_wizard` here,
        so without this override ctrl+c would do nothing. ctrl+c does not quit, because some
        terminals send it for copy.
        """
        self.notify(QUIT_HINT, timeout=4)

    def action_quit_wizard(self) -> None:
        """Leave at once; files are written only by the review step, so this writes nothing."""
        self.exit(0)


def run_app(
    project_dir: Path, env: Mapping[str, str] | None = None, context_name: str | None = None
) -> int:
    """Run the full-screen wizard and print what it wrote (or that it wrote nothing).

    Tiltfile lines that the Review step left out are printed whole before the next command, so
    they can be copied from the terminal after the app exits.
    """
    from wizard.tui.screens.done import SNIPPET_INTRO, left_out_snippet

    app = WizardApp(project_dir, env, context_name=context_name)
    app.run()
    if app.written is None:
        print(steps.NOTHING_WRITTEN)
        return app.return_code or 0
    findings = app.written_findings or app.findings
    lines = steps.done_lines(app.written, app.left_out, findings, app.choice)
    snippet = left_out_snippet(findings, app.left_out)
    if snippet:
        next_index = next((index for index, line in enumerate(lines) if line.startswith("Next: ")), len(lines))
        lines[next_index:next_index] = [SNIPPET_INTRO, *snippet.rstrip("\n").splitlines()]
    for line in lines:
        print(line)
    return app.return_code or 0
