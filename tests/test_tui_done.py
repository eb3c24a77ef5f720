"""Pilot tests of the Done step's Tiltfile lines: every character reachable on screen, and printed whole on exit."""

from __future__ import annotations

import pytest
from test_tui_app import eks_app, pilot_test

from wizard.model import FileChange
from wizard.plan import tiltfile_snippet
from wizard.tui.examples import write_project
from wizard.tui.screens.done import SNIPPET_INTRO, DoneScreen
from wizard.tui.widgets import DiffScroll


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


async def finish_without_tiltfile(pilot):
    """Go to Review, switch the Tiltfile change off, and write the rest."""
    await pilot.press("enter", "enter", "enter")
    await pilot.pause()
    screen = pilot.app.screen
    index = [change.path.name for change in screen.changes].index("Tiltfile")
    await pilot.click(f"#include-{index}")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


def visible_rows(app, region):
    """Return the screen's text inside `region`, one string per row."""
    strips = app.screen._compositor.render_strips()
    return [strip.text[region.x:region.right] for strip in strips[region.y:region.bottom]]


async def read_snippet_by_scrolling(pilot, frame):
    """Scroll `frame` across its whole width and return the text seen on each row, pieced together."""
    width = frame.scrollable_content_region.width
    rows: list[str] = []
    positions = list(range(0, frame.max_scroll_x, width)) + [frame.max_scroll_x]
    for x in positions:
        frame.scroll_to(x=x, animate=False)
        await pilot.pause()
        assert frame.scroll_x == x
        seen = visible_rows(pilot.app, frame.scrollable_content_region)
        for row, text in enumerate(seen):
            if row == len(rows):
                rows.append("")
            rows[row] = rows[row][:x].ljust(x) + text
    # The frame's left padding is cut off, so the lines keep their own indentation.
    rows = [row.rstrip() for row in rows if row.strip()]
    padding = min(len(row) - len(row.lstrip()) for row in rows)
    return [row[padding:] for row in rows]


@pytest.mark.parametrize("width", [100, 120])
@pilot_test
async def test_done_snippet_every_character_reachable(project, width):
    app = eks_app(project)
    async with app.run_test(size=(width, 40)) as pilot:
        await finish_without_tiltfile(pilot)
        assert isinstance(app.screen, DoneScreen)
        expected = tiltfile_snippet(app.written_findings).splitlines()
        frame = app.screen.query_one("#snippet-block").query_one(DiffScroll)
        seen = await read_snippet_by_scrolling(pilot, frame)
        assert seen == expected


@pytest.mark.parametrize("width", [100, 120])
@pilot_test
async def test_done_snippet_shows_scroll_hint(project, width):
    app = eks_app(project)
    async with app.run_test(size=(width, 40)) as pilot:
        await finish_without_tiltfile(pilot)
        block = app.screen.query_one("#snippet-block")
        assert block.has_class("-wide-diff")
        hint = block.query_one(".scroll-hint")
        assert hint.display
        assert "→ scroll" in visible_rows(app, hint.region)[0]


@pilot_test
async def test_done_snippet_scrolls_with_arrow(project):
    app = eks_app(project)
    async with app.run_test(size=(100, 40)) as pilot:
        await finish_without_tiltfile(pilot)
        frame = app.screen.query_one("#snippet-block").query_one(DiffScroll)
        frame.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        assert frame.scroll_x > 0


@pilot_test
async def test_done_fitting_snippet_hides_hint(project):
    app = eks_app(project)
    async with app.run_test(size=(200, 40)) as pilot:
        await finish_without_tiltfile(pilot)
        block = app.screen.query_one("#snippet-block")
        assert not block.has_class("-wide-diff")
        assert not block.query_one(".scroll-hint").display


def test_run_app_prints_left_out_snippet(project, monkeypatch, capsys):
    from wizard.tui import app as app_module

    tiltfile = project / "Tiltfile"

    def finish(self):
        self.findings = eks_app(project).findings
        self.written = [project / "tilt_option.json"]
        self.left_out = [FileChange(path=tiltfile, before="", after="x", summary="read tilt_option.json", optional=True)]

    monkeypatch.setattr(app_module.WizardApp, "run", finish)
    assert app_module.run_app(project, {}) == 0
    output = capsys.readouterr().out.splitlines()
    snippet = tiltfile_snippet(eks_app(project).findings).rstrip("\n").splitlines()
    start = output.index(SNIPPET_INTRO) + 1
    assert output[start:start + len(snippet)] == snippet
    assert output[-1].startswith("Next: ")
