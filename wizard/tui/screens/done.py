"""Step 5: what was written, what was left out, and the command to run next."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Label, Static

from wizard.model import FileChange, Findings
from wizard import steps
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets import SCROLL_HINT, DiffScroll, StatusList

# Shown above the Tiltfile lines when the Review step left them out: on stdout, and on the Done screen.
SNIPPET_INTRO = "To let the Tiltfile read tilt_option.json later, add these lines:"
SNIPPET_HINT = "To let the Tiltfile read tilt_option.json later, add these lines. The wizard prints them again when it exits."


def left_out_snippet(findings: Findings, left_out: list[FileChange]) -> str | None:
    """Return the Tiltfile lines to add by hand when the Review step left them out, or None."""
    if not any(change.path.name == "Tiltfile" for change in left_out):
        return None
    from wizard.plan import tiltfile_snippet

    return tiltfile_snippet(findings)


class DoneScreen(StepScreen):
    """The closing step; enter (or ctrl+q) exits with status 0."""

    STEP = "Done"
    BINDINGS = [Binding("enter", "continue", "Exit", priority=True)]
    HELP = (
        "The files listed were written. Run the commands shown, in order, to start Tilt with the "
        "new registry: a registry login or ECR repositories come before `tilt up` when they are "
        "missing. Every value in them is quoted for the shell.\n\n"
        "When the Review step left the Tiltfile lines out, they show here without wrapping: a line "
        "wider than the screen scrolls sideways (`tab`, then `←` and `→`), and the wizard prints "
        "the lines again when it exits.\n\n`enter` or `ctrl+q` exits; `escape` goes back to the review."
    )

    def __init__(self, written: list[Path], left_out: list[FileChange]) -> None:
        super().__init__()
        self.written = written
        self.left_out = left_out

    def compose_body(self) -> ComposeResult:
        rows = [("ok", "Wrote", steps.display_path(path)) for path in self.written]
        if not self.written:
            rows.append(("ok", "Nothing written", "no file needed a change"))
        rows += [("info", "Left out", f"{steps.display_path(c.path)} · {c.summary}") for c in self.left_out]
        snippet = self._snippet()
        with VerticalScroll(classes="step-body"):
            yield StatusList(rows, label_width=16, id="done-rows")
            if snippet:
                yield from self._compose_snippet(snippet)
            yield from self._compose_before_tilt_up()
            yield Static("Next", classes="section-title")
            yield Static(steps.next_command(self.findings), id="next-command", classes="command", markup=False)
            yield Static("Press enter to exit.", classes="hint")

    def _compose_snippet(self, snippet: str) -> ComposeResult:
        # The lines never wrap, since a wrap inside a string literal would break the Starlark
        # when copied, so a line wider than the screen scrolls sideways behind a "→ scroll" sign.
        with Vertical(id="snippet-block"):
            with Horizontal(classes="snippet-title"):
                yield Static(SNIPPET_HINT, classes="hint", markup=False)
                yield Label(SCROLL_HINT, classes="scroll-hint", markup=False)
            with DiffScroll(classes="diff-scroll"):
                yield Static(snippet.rstrip("\n"), id="snippet", classes="code", markup=False)

    def _compose_before_tilt_up(self) -> ComposeResult:
        commands = steps.before_tilt_up(self.findings, self.wizard.choice)
        if not commands:
            return
        yield Static("Before tilt up", classes="section-title")
        with Vertical(id="before-tilt-up"):
            for sentence, command in commands:
                if sentence:
                    yield Static(sentence, classes="step-sentence", markup=False)
                if command:
                    yield Static(command, classes="command", markup=False)

    def _snippet(self) -> str | None:
        return left_out_snippet(self.findings, self.left_out)

    @property
    def findings(self) -> Findings:
        """The findings the write was planned from, since the project is being read again."""
        return self.wizard.written_findings or self.wizard.findings

    def go_next(self) -> None:
        self.app.exit(0)
