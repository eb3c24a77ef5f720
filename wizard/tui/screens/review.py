"""Step 4: one coloured diff per file, a switch per optional change, and the write button."""

from __future__ import annotations

import logging

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Label, Static, Switch

from wizard.errors import UnparsableFile, WizardError
from wizard.model import FileChange, Plan
from wizard import steps
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets import SCROLL_HINT, DiffScroll, DiffView, StatusList


# The text beside each switch, so its state reads without colour.
INCLUDED = "included"
LEFT_OUT = "left out"
READING_PROJECT = "the project files again, to show what is left to change…"

log = logging.getLogger(__name__)


class ReviewScreen(StepScreen):
    """The plan as diffs; nothing is written before the primary button (or enter) is pressed."""

    STEP = "Review"
    HELP = (
        "Each file the wizard would change is shown as a unified diff: `+` lines are added, "
        "`-` lines removed.\n\n"
        "Optional changes (the Tiltfile lines, the `.gitignore` entry) have a switch, and the "
        "word next to it says whether the change is *included* or *left out*. The write button "
        "has focus first, `tab` moves to each switch in turn (`shift+tab` back), and `space` "
        "turns the focused switch on or off. "
        "A left-out change hides its diff. Diff lines never wrap: when a line is wider than the "
        "screen, *→ scroll* shows beside the file name, and that diff scrolls sideways (`tab` "
        "reaches it after the switches, then `←` and `→`).\n\n"
        "`enter` writes the files. `escape` goes back and writes nothing."
    )

    def __init__(self) -> None:
        super().__init__()
        self.plan: Plan | None = None
        self.error: str | None = None
        self.hint = ""
        self.changes: list[FileChange] = []

    def build(self) -> None:
        """Compute the plan for the app's choice; an unparsable file becomes the error shown."""
        from wizard.plan import build_plan

        self.plan, self.error, self.hint = None, None, ""
        self.changes = []
        if self.wizard.probe_pending("project"):
            # Wait for the project to be read again after a write, because a plan from the old
            # facts would repeat the write.
            return
        try:
            self.plan = build_plan(self.wizard.findings, self.wizard.choice)
        except UnparsableFile as error:
            self.error = error.message
            self.hint = "Fix that file or move it aside, then run the wizard again. Nothing was written."
        except WizardError as error:
            # An invalid value that slipped past the registry step; go back and change it.
            self.error = error.message
            self.hint = "Press escape to go back and change the registry. Nothing was written."
        self.changes = steps.changed_files(self.plan) if self.plan else []

    def compose_body(self) -> ComposeResult:
        self.build()
        with VerticalScroll(classes="step-body", id="review-body"):
            if self.plan is None and self.error is None:
                yield StatusList([("pending", "Reading", READING_PROJECT)], label_width=13, id="reading")
                return
            if self.error:
                yield StatusList([("fail", "Cannot write:", self.error)], label_width=13, id="plan-error", classes="error-panel")
                yield Static(self.hint, classes="hint")
                return
            if self.changes:
                yield Static(
                    "Nothing is written until you press the button. Turn a switch off to leave that change out.",
                    classes="hint lead-hint",
                )
            yield from self._compose_changes()
            with Horizontal(id="review-actions"):
                yield Button(steps.write_button_label(len(self.changes)), id="write", variant="primary")

    def _compose_changes(self) -> ComposeResult:
        from wizard.plan import unified_diff

        if not self.changes and self.plan is not None:
            yield Static(f"✓ {self.nothing_to_change()}", id="nothing", classes="nothing", markup=False)
        for index, change in enumerate(self.changes):
            with Vertical(classes="change", id=f"change-{index}"):
                with Horizontal(classes="change-title"):
                    if change.optional:
                        yield Switch(value=True, id=f"include-{index}")
                        yield Label(INCLUDED, id=f"state-{index}", classes="switch-state")
                    yield Label(f"{self._relative(change)}  ·  {change.summary}", classes="change-label", markup=False)
                    yield Label(SCROLL_HINT, classes="scroll-hint", markup=False)
                with DiffScroll(classes="diff-scroll"):
                    yield DiffView(unified_diff(change, self.wizard.project_dir))
        notices = self.plan.notices if self.plan else []
        if notices:
            yield StatusList([("info", "Note", notice) for notice in notices], label_width=5, id="notices")

    def nothing_to_change(self) -> str:
        """Return why the plan has nothing to write; after a write, name the files that now hold the choice."""
        sentence = steps.nothing_to_change_sentence(self.plan)
        if self.plan.changes or not self.wizard.written:
            return sentence
        # After a write the plan lists no file, so the domain sentence would wrongly claim that none is needed.
        names = list(dict.fromkeys(path.name for path in self.wizard.written))
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        verb = "holds" if len(names) == 1 else "hold"
        return f"Nothing to change: {listed} already {verb} this choice."

    def _relative(self, change: FileChange) -> str:
        try:
            return str(change.path.relative_to(self.wizard.project_dir))
        except ValueError:
            return steps.display_path(change.path)

    def on_mount(self) -> None:
        super().on_mount()
        self.focus_write()

    @property
    def focus_chain(self) -> list[Widget]:
        """The focusable widgets in `tab` order: the write button, the switches, the wide diffs, the page.

        The write button has focus when the step opens, so one `tab` reaches the first switch.
        """
        chain = super().focus_chain
        ordered = [widget for kind in (Button, Switch, DiffScroll) for widget in chain if isinstance(widget, kind)]
        return ordered + [widget for widget in chain if widget not in ordered]

    def focus_write(self) -> None:
        """Focus the write button when the plan has one."""
        buttons = self.query("#write")
        if buttons:
            buttons.first(Button).focus()

    async def on_screen_resume(self) -> None:
        # Back from Done: the files changed, so compute the plan again.
        if self.wizard.written is not None:
            await self.rebuild()

    def show_findings(self) -> None:
        # The project is read again after a write; the plan must follow it.
        if self.wizard.written is not None and self.is_current:
            self.call_later(self.rebuild)

    async def rebuild(self) -> None:
        """Compute the plan again and show it."""
        await self.recompose()
        # recompose replaces the header widget with an empty one, so fill it in again.
        self.update_header()
        self.focus_write()

    def left_out(self) -> list[FileChange]:
        """Return the optional changes whose switch is off."""
        return [
            change for index, change in enumerate(self.changes)
            if change.optional and not self.query_one(f"#include-{index}", Switch).value
        ]

    def on_switch_changed(self, event: Switch.Changed) -> None:
        index = (event.switch.id or "").removeprefix("include-")
        self.query_one(f"#state-{index}", Label).update(INCLUDED if event.value else LEFT_OUT)
        self.query_one(f"#change-{index}").set_class(not event.value, "-left-out")
        count = len(self.changes) - len(self.left_out())
        self.query_one("#write", Button).label = steps.write_button_label(count)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "write":
            event.stop()
            self.go_next()

    def go_next(self) -> None:
        """Write the kept changes and move to Done; a failed write stays here with the message."""
        from wizard.files import apply_plan

        if self.plan is None and self.error is None:
            self.notify("Waiting for the project to be read…", timeout=3)
            return
        if self.plan is None:
            self.notify("Nothing can be written until the file above is fixed.", severity="error", timeout=4)
            return
        left_out = self.left_out()
        plan = steps.without_changes(self.plan, left_out)
        try:
            written = apply_plan(plan) if not plan.empty else []
        except WizardError as error:
            log.error("write failed: %s", error.message)
            self.notify(error.message, title="Write failed", severity="error", timeout=8)
            return
        for path in written:
            log.info("wrote %s", path)
        if not written:
            log.info("wrote nothing: no file needed a change")
        previous = self.wizard.written or []
        self.wizard.written = previous + [path for path in written if path not in previous]
        self.wizard.left_out = left_out
        self.wizard.reread_project()

        from wizard.tui.screens.done import DoneScreen

        self.app.push_screen(DoneScreen(written, left_out))
