"""Step 1: what the wizard found in the Tilt project."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wizard import steps
from wizard.rows import project_rows
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets import StatusList


class ProjectScreen(StepScreen):
    """The Tiltfile, its images, the current tilt_option.json and the .gitignore state."""

    STEP = "Project"
    HELP = (
        "The wizard reads the **Tiltfile** to list the images Tilt builds and to see whether it "
        "reads `tilt_option.json`, the personal file the wizard writes.\n\n"
        "Nothing is written until the Review step.\n\n"
        "- `enter` continue\n- `escape` back\n- `ctrl+q` quit without writing"
    )

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="step-body"):
            yield Static(id="project-dir", classes="lead", markup=False)
            yield StatusList(id="project-rows")
            yield Static("Press enter to look at the cluster next.", classes="hint")

    def show_findings(self) -> None:
        project = self.wizard.findings.project
        self.query_one("#project-dir", Static).update(f"Project  {steps.display_path(self.wizard.project_dir)}")
        if project is None:
            rows = [("pending", "Project", "checking")]
        else:
            rows = project_rows(project)
        self.query_one("#project-rows", StatusList).set_rows(rows)

    def go_next(self) -> None:
        from wizard.tui.screens.cluster import ClusterScreen

        self.app.push_screen(ClusterScreen())
