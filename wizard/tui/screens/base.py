"""The base of every step screen: header, footer, and the enter, escape and help bindings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from wizard import steps
from wizard.tui.widgets import NARROW_WIDTH, StepHeader

if TYPE_CHECKING:
    from wizard.tui.app import WizardApp


class StepScreen(Screen):
    """A wizard step; subclasses compose the body and implement `go_next`."""

    STEP = ""
    HELP = ""
    # Enter has priority so that it continues from any focused widget, as the footer promises.
    BINDINGS = [
        Binding("enter", "continue", "Continue", priority=True),
        Binding("escape", "back", "Back"),
        Binding("space", "toggle_collapsible", "Open or close", show=False),
    ]

    @property
    def wizard(self) -> WizardApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield StepHeader()
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """Yield the step's widgets between the header and the footer."""
        yield from ()

    def on_resize(self) -> None:
        self.set_class(self.size.width < NARROW_WIDTH, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < NARROW_WIDTH, "-narrow")
        self.title = steps.step_title(self.STEP)
        self.update_header()
        self.show_findings()

    def update_header(self) -> None:
        """Show the step title, the project directory and the kube context in the header."""
        self.sub_title = self.wizard.subtitle
        directory = steps.display_path(self.wizard.project_dir)
        self.query_one(StepHeader).show(steps.step_title(self.STEP), directory, steps.context_label(self.wizard.findings))

    def show_findings(self) -> None:
        """Render the latest findings; called again whenever a probe finishes."""

    def action_continue(self) -> None:
        """Accept what the step shows and go to the next one, unless a collapsible title has focus: open that instead."""
        if self.action_toggle_collapsible():
            return
        self.go_next()

    def action_toggle_collapsible(self) -> bool:
        """Open or close the collapsible whose title has focus, and return whether one had focus."""
        from textual.widgets import Collapsible

        # The title widget is not exported, so it is recognised by its parent.
        focused = self.focused
        if focused is not None and isinstance(focused.parent, Collapsible):
            focused.parent.collapsed = not focused.parent.collapsed
            return True
        return False

    def go_next(self) -> None:
        """Move to the next step."""

    def leave_input(self) -> None:
        """Move focus out of a text field. Steps with a main list override this to focus that list."""
        if self.focused is not None:
            self.focused.blur()

    def action_back(self) -> None:
        """Leave a focused text field, or else go back one step (the first step stays)."""
        from textual.widgets import Input

        if isinstance(self.focused, Input):
            self.leave_input()
            return
        stack = self.app.screen_stack
        if len(stack) > 1 and isinstance(stack[-2], StepScreen):
            self.app.pop_screen()
        else:
            self.notify("This is the first step. Press ctrl+q to quit.", timeout=3)
