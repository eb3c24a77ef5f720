"""The help dialog; its own module because Markdown is slow to import and rarely needed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown

# Keys that work on every step, shown under each step's own help.
COMMON_KEYS = (
    "`ctrl+q` quits at once and writes nothing. `ctrl+c` does not quit, because some terminals "
    "use it to copy: it copies the selected text, or else shows how to quit."
)

class HelpScreen(ModalScreen[None]):
    """A short help text for the current step; any of escape, ? or enter closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 72;
        max-width: 90%;
        height: auto;
        max-height: 80%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen Button {
        margin: 1 0 0 0;
    }
    """

    BINDINGS = [
        Binding("escape", "dismiss", "Close", show=True),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.help_title = title
        self.help_text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(f"## {self.help_title}\n\n{self.help_text}\n\n{COMMON_KEYS}")
            yield Button("Close", id="close-help", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#close-help", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
