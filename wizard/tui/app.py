"""The Textual wizard: runs the probes in background threads and walks through the five steps."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.message import Message

from wizard.model import (
    Choice,
    ClusterResult,
    Context,
    DockerResult,
    FileChange,
    Findings,
    KubeconfigResult,
    LocalRegistryResult,
    ProbeWarning,
    ProjectResult,
    RegistryOption,
)
from wizard.tui import flow

# Each probe's own calls are bounded by this many seconds.
PROBE_TIMEOUT = 2.0


class ProbeFinished(Message):
    """A probe worker finished: its result, or the error text when it raised."""

    def __init__(self, probe: str, result: object, error: str | None, context: str = "") -> None:
        super().__init__()
        self.probe = probe
        self.result = result
        self.error = error
        self.context = context


def _failure_text(error: Exception) -> str:
    first_line = (str(error).splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:160]


class WizardApp(App[int]):
    """The full-screen wizard; with `findings` given no probe runs, so the screens are reproducible."""

    CSS_PATH = "wizard.tcss"
    TITLE = flow.PRODUCT
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
        self.probe_errors: dict[str, str] = {}
        self.probe_threads: list[threading.Thread] = []
        # Given findings keep their registry result per context, so switching back restores it.
        self.registry_by_context: dict[str, LocalRegistryResult] = {}
        if findings is not None and findings.cluster and findings.local_registry:
            self.registry_by_context[findings.cluster.context] = findings.local_registry
        self.option: RegistryOption | None = None
        self.choice: Choice | None = None
        self.written: list[Path] | None = None
        self.left_out: list[FileChange] = []
        # The Registry step's highlighted option key, typed fields and Advanced state, kept across Back.
        self.registry_form: dict = {}

    # -- lifecycle -------------------------------------------------------------------------

    def on_mount(self) -> None:
        from wizard.tui.screens.project import ProjectScreen

        self.push_screen(ProjectScreen())
        if self.live:
            self.run_probe("project", lambda: self._probe_project())
            self.run_probe("kubeconfig", lambda: self._load_kubeconfig())
            self.run_probe("docker", lambda: self._probe_docker())
        elif self.initial_context and self.findings.cluster and self.initial_context != self.findings.cluster.context:
            self.use_context(self.initial_context)

    def reread_project(self) -> None:
        """Read the project again after a write, so a second review starts from the files on disk."""
        self.run_probe("project", lambda: self._probe_project())

    def _probe_project(self) -> ProjectResult:
        from wizard.probes.project import probe_project

        return probe_project(self.project_dir, timeout=PROBE_TIMEOUT)

    def _load_kubeconfig(self) -> KubeconfigResult:
        from wizard.probes.kubeconfig import load_kubeconfig

        return load_kubeconfig(self.env)

    def _probe_docker(self) -> DockerResult:
        from wizard.probes.docker_config import probe_docker

        return probe_docker(self.env)

    # -- probes ----------------------------------------------------------------------------

    def run_probe(self, probe: str, call: Callable[[], object], context: str = "") -> None:
        """Start `call` in a daemon thread; its result arrives as a ProbeFinished message.

        Daemon threads rather than Textual's thread workers: the app waits for its workers when
        it exits, so ctrl+q would hang until a slow exec plugin or API request gave up. Probes
        only read, so leaving one behind at exit loses nothing.
        """

        def task() -> None:
            try:
                result, error = call(), None
            except Exception as exc:  # noqa: BLE001 - a failed probe becomes a warning row
                result, error = None, _failure_text(exc)
            self.post_message(ProbeFinished(probe, result, error, context))

        thread = threading.Thread(target=task, name=f"probe-{probe}", daemon=True)
        self.probe_threads = [running for running in self.probe_threads if running.is_alive()]
        self.probe_threads.append(thread)
        thread.start()

    async def wait_for_probes(self) -> None:
        """Wait until every probe thread started so far has finished (used by tests)."""
        while any(thread.is_alive() for thread in self.probe_threads):
            await asyncio.sleep(0.01)

    def on_probe_finished(self, message: ProbeFinished) -> None:
        """Store a probe's result (or a warning for its failure) and refresh the screens."""
        if message.probe == "local_registry" and message.context != self.context_in_use:
            return
        if message.error:
            self.probe_errors[message.probe] = message.error
        else:
            self.probe_errors.pop(message.probe, None)
        result = message.result if message.error is None else self._failed_result(message)
        if message.probe == "kubeconfig":
            self.findings.kubeconfig = result
            self.use_context(self.initial_context)
            return
        setattr(self.findings, message.probe, result)
        self.refresh_screens()

    def _failed_result(self, message: ProbeFinished) -> object:
        names = {"project": "project", "kubeconfig": "kubeconfig", "docker": "Docker config",
                 "local_registry": "cluster registry"}
        warnings = [ProbeWarning("probe-failed", f"The {names[message.probe]} check failed: {message.error}")]
        if message.probe == "project":
            return ProjectResult(directory=self.project_dir, warnings=warnings)
        if message.probe == "kubeconfig":
            return KubeconfigResult(warnings=warnings)
        if message.probe == "docker":
            return DockerResult(warnings=warnings)
        return LocalRegistryResult(reachable=None, warnings=warnings)

    @property
    def context_in_use(self) -> str:
        """The name of the context the wizard sets up for ("" when there is none)."""
        return self.findings.cluster.context if self.findings.cluster else ""

    def use_context(self, name: str | None) -> None:
        """Classify the cluster of context `name` (None: current) and probe its registry again."""
        try:
            context, cluster = flow.classify_context(self.findings, name, self.env)
        except Exception as exc:  # noqa: BLE001 - shown as a warning row
            context = None
            cluster = ClusterResult(warnings=[ProbeWarning("probe-failed", f"Classifying the cluster failed: {_failure_text(exc)}")])
        if name and context is None:
            cluster.warnings.append(ProbeWarning("context-not-found", f"Context {name!r} is not in the kubeconfig."))
        self.findings.cluster = cluster
        self.findings.local_registry = None
        self.probe_errors.pop("local_registry", None)
        if self.live:
            self.run_probe("local_registry", lambda: self._probe_registry(context, cluster), cluster.context)
        else:
            self.findings.local_registry = self.registry_by_context.get(cluster.context, LocalRegistryResult())
        self.refresh_screens()

    def _probe_registry(self, context: Context | None, cluster: ClusterResult) -> LocalRegistryResult:
        from wizard.probes.local_registry import probe_local_registry

        return probe_local_registry(context, cluster, timeout=PROBE_TIMEOUT)

    def probe_pending(self, probe: str) -> bool:
        """Tell whether a probe's result has not arrived yet."""
        if probe == "cluster":
            return self.findings.kubeconfig is None
        return getattr(self.findings, probe) is None and probe not in self.probe_errors

    # -- screens ---------------------------------------------------------------------------

    @property
    def subtitle(self) -> str:
        """The header subtitle: the project directory and the kube context in use."""
        return f"{flow.display_path(self.project_dir)} · {flow.context_label(self.findings)}"

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

    def action_quit_wizard(self) -> None:
        """Leave at once; files are written only by the review step, so this writes nothing."""
        self.exit(0)


def run_app(
    project_dir: Path, env: Mapping[str, str] | None = None, context_name: str | None = None
) -> int:
    """Run the full-screen wizard and print what it wrote (or that it wrote nothing)."""
    app = WizardApp(project_dir, env, context_name=context_name)
    app.run()
    if app.written is None:
        print(flow.NOTHING_WRITTEN)
        return app.return_code or 0
    for line in flow.done_lines(app.written, app.left_out, app.findings, app.choice):
        print(line)
    return app.return_code or 0
