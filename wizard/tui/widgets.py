"""Reusable widgets: status rows, the step header, and a coloured unified diff in a sideways-scrolling frame."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.content import Content
from textual.widgets import Static

from wizard.rows import MARK_TEXT

# The style only reinforces the text mark, so the state reads without colour.
MARK_STYLES = {
    "pending": "$text-muted",
    "ok": "bold $text-success",
    "warn": "bold $text-warning",
    "fail": "bold $text-error",
    "info": "$text-muted",
}
MARKS = {state: (MARK_TEXT[state], style) for state, style in MARK_STYLES.items()}
# Shown beside a title while a line below it is wider than the view and scrolls sideways.
SCROLL_HINT = "→ scroll"
# Below this many columns, side-by-side panels stack and the header takes two lines.
NARROW_WIDTH = 90


class StatusRow(Horizontal):
    """One check: its mark (`…` while it runs, then ✓, ! or ✗), a label, and a detail that wraps under itself."""

    DEFAULT_CSS = """
    StatusRow {
        height: auto;
    }
    StatusRow > .status-mark {
        width: 2;
    }
    StatusRow > .status-label {
        text-style: bold;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StatusRow > .status-detail {
        width: 1fr;
    }
    """

    def __init__(self, state: str, label: str, detail: str, label_width: int) -> None:
        super().__init__()
        self.row = (state, label, detail)
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        yield Static(classes="status-mark", markup=False)
        label = Static(classes="status-label", markup=False)
        label.styles.width = self.label_width
        yield label
        yield Static(classes="status-detail", markup=False)

    def on_mount(self) -> None:
        self.show(*self.row)

    def show(self, state: str, label: str, detail: str) -> None:
        """Show a new state, label and detail."""
        self.row = (state, label, detail)
        if len(self.children) != 3:
            return
        mark, style = MARKS[state]
        mark_widget, label_widget, detail_widget = self.children
        mark_widget.update(Content.styled(mark, style))
        label_widget.styles.width = self.label_width
        label_widget.update(label)
        detail_widget.update(detail)


class StatusList(Vertical):
    """Rows of (state, label, detail), updated in place while the probes fill them in."""

    DEFAULT_CSS = """
    StatusList {
        height: auto;
    }
    """

    def __init__(self, rows: list[tuple[str, str, str]] | None = None, *, label_width: int = 18,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows = rows or []
        self.label_width = label_width

    def compose(self) -> ComposeResult:
        for row in self.rows:
            yield StatusRow(*row, label_width=self.label_width)

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """Show `rows`, reusing the row widgets when the count is unchanged."""
        current = list(self.query_children(StatusRow))
        self.rows = rows
        if len(current) == len(rows):
            for widget, row in zip(current, rows):
                widget.label_width = self.label_width
                widget.show(*row)
            return
        self.remove_children()
        self.mount_all(StatusRow(*row, label_width=self.label_width) for row in rows)

    @property
    def text(self) -> str:
        """The rows as plain text, one per line, for tests and logs."""
        return "\n".join(f"{MARKS[state][0]} {label} {detail}" for state, label, detail in self.rows)


class StepHeader(Horizontal):
    """The product and step on the left; the project directory and context on the right.

    Below NARROW_WIDTH columns the directory and context move to a second line. When a line is
    too narrow, the directory loses its leading characters first, so the context stays readable.
    A context that is too long by itself ends in an ellipsis.
    """

    DEFAULT_CSS = """
    StepHeader {
        height: 1;
        dock: top;
        background: $panel;
        color: $foreground;
    }
    StepHeader > #header-title {
        width: auto;
        padding: 0 1;
        text-style: bold;
        color: $text-primary;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    StepHeader > #header-subtitle {
        width: 1fr;
        padding: 0 1;
        text-align: right;
        color: $text-muted;
        text-wrap: nowrap;
    }
    StepHeader.-narrow {
        height: 2;
        layout: vertical;
    }
    StepHeader.-narrow > #header-title {
        width: 1fr;
    }
    StepHeader.-narrow > #header-subtitle {
        text-align: left;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.parts = ("", "", "")

    def compose(self) -> ComposeResult:
        yield Static(id="header-title", markup=False)
        yield Static(id="header-subtitle", markup=False)

    def show(self, title: str, directory: str, context: str) -> None:
        """Show the step title, the project directory and the context."""
        self.parts = (title, directory, context)
        self.query_one("#header-title", Static).update(title)
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        title, directory, context = self.parts
        width = self.size.width
        if not width:
            return
        narrow = width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        room = width - 2 if narrow else width - len(title) - 4
        tail = f" · {context}"
        if len(tail) > room - 2:
            tail = tail[: max(room - 3, 0)] + "…"
        room -= len(tail)
        if len(directory) > room:
            directory = "…" + directory[-(room - 1):] if room > 1 else ""
        self.query_one("#header-subtitle", Static).update(directory + tail)


def diff_content(diff: str) -> Content:
    """Colour a unified diff line by line with the theme's success and error colours."""
    parts: list[str | tuple[str, str]] = []
    for line in diff.splitlines(keepends=True):
        if line.startswith(("+++", "---")):
            parts.append((line, "bold"))
        elif line.startswith("+"):
            parts.append((line, "$text-success"))
        elif line.startswith("-"):
            parts.append((line, "$text-error"))
        elif line.startswith("@@"):
            parts.append((line, "$text-primary"))
        else:
            parts.append(line)
    return Content.assemble(*parts).rstrip()


class DiffView(Static):
    """A unified diff, added lines in the success colour and removed lines in the error colour.

    Lines never wrap, because a wrapped line would lose its `+` or `-` prefix. The view is as wide
    as its longest line, so put it in a horizontally scrolling container.
    """

    DEFAULT_CSS = """
    DiffView {
        width: auto;
        min-width: 100%;
        height: auto;
        padding: 0 1;
        background: $boost;
        text-wrap: nowrap;
    }
    """

    def __init__(self, diff: str, *, id: str | None = None) -> None:
        super().__init__(diff_content(diff), id=id, markup=False)


class DiffScroll(HorizontalScroll):
    """A sideways-scrolling frame for one DiffView (or other unwrapped code) that marks when a line is wider than the view.

    While a line is too wide, the frame can take focus (so `←` and `→` scroll it) and its parent
    has the `-wide-diff` class, which the stylesheet uses to show a scroll hint. A diff that fits
    takes no focus, so `tab` skips it.
    """

    DEFAULT_CSS = """
    DiffScroll {
        height: auto;
    }
    """

    def on_resize(self) -> None:
        self.check_width()

    def watch_virtual_size(self) -> None:
        self.check_width()

    def check_width(self) -> None:
        """Update focusability and the parent's `-wide-diff` class from the current widths."""
        wide = self.max_scroll_x > 0
        self.can_focus = wide
        if self.parent is not None:
            self.parent.set_class(wide, "-wide-diff")
