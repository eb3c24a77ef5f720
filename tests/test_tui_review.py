"""Pilot tests of the Review step's focus order and of the sign that a diff line scrolls sideways."""

from __future__ import annotations

import pytest
from test_tui_app import SIZE, eks_app, pilot_test

from textual.widgets import Button, Switch

from wizard.tui.examples import write_project
from wizard.tui.screens.review import ReviewScreen
from wizard.tui.widgets import DiffScroll


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


async def go_to_review(pilot):
    await pilot.press("enter", "enter", "enter")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)


def change_of(app, file_name):
    """Return the .change container whose title names `file_name`."""
    for change in app.screen.query(".change"):
        if str(change.query_one(".change-label").render()).startswith(file_name):
            return change
    raise AssertionError(f"no change for {file_name}")


@pilot_test
async def test_review_tab_reaches_first_switch(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_review(pilot)
        assert isinstance(app.screen.focused, Button)
        await pilot.press("tab")
        assert app.screen.focused is app.screen.query_one("#include-1", Switch)


@pilot_test
async def test_review_focus_chain_puts_controls_first(project):
    # The write button is focused when the step opens, so it leads and the switches follow.
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_review(pilot)
        chain = app.screen.focus_chain
        ids = [widget.id for widget in chain[:3]]
        assert ids == ["write", "include-1", "include-2"]
        assert any(isinstance(widget, DiffScroll) for widget in chain[3:])


@pilot_test
async def test_review_wide_diff_shows_scroll_hint(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_review(pilot)
        tiltfile = change_of(app, "Tiltfile")
        assert tiltfile.has_class("-wide-diff")
        assert tiltfile.query_one(".scroll-hint").display


@pilot_test
async def test_review_narrow_diff_hides_scroll_hint(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_review(pilot)
        option_file = change_of(app, "tilt_option.json")
        assert not option_file.query_one(".scroll-hint").display
        assert not option_file.query_one(DiffScroll).can_focus


@pilot_test
async def test_review_wide_diff_scrolls_with_arrow(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_review(pilot)
        diff = change_of(app, "Tiltfile").query_one(DiffScroll)
        await pilot.press("tab", "tab", "tab")
        assert app.screen.focused is diff
        await pilot.press("right", "right")
        await pilot.pause()
        assert diff.scroll_x > 0


@pilot_test
async def test_review_scroll_hint_follows_resize(project):
    app = eks_app(project)
    async with app.run_test(size=(200, 40)) as pilot:
        await go_to_review(pilot)
        tiltfile = change_of(app, "Tiltfile")
        assert not tiltfile.has_class("-wide-diff")
        await pilot.resize_terminal(*SIZE)
        await pilot.pause()
        assert tiltfile.has_class("-wide-diff")
