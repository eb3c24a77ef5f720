"""Pilot tests of ctrl+c in the full-screen wizard: it shows how to quit and does not quit."""

from __future__ import annotations

import pytest
from test_tui_app import SIZE, eks_app, pilot_test

from wizard.tui.app import QUIT_HINT
from wizard.tui.examples import write_project
from wizard.tui.help import HelpScreen
from wizard.tui.screens.project import ProjectScreen
from wizard.tui.screens.registry import RegistryScreen


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


def notification_messages(app):
    # Textual keeps the shown notifications in App._notifications; there is no public reader.
    return [notification.message for notification in app._notifications]


@pilot_test
async def test_ctrl_c_shows_quit_hint(project):
    app = eks_app(project)
    # run_test hides notifications unless asked, and this test checks that the toast is shown.
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert QUIT_HINT in notification_messages(app)
        assert len(app.screen.query("Toast")) == 1


@pilot_test
async def test_ctrl_c_does_not_quit(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running
        assert isinstance(app.screen, ProjectScreen)
    assert not (project / "tilt_option.json").exists()


@pilot_test
async def test_ctrl_c_in_text_field_shows_quit_hint(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, RegistryScreen)
        screen = app.screen
        screen.query_one("#options").highlighted = [option.key for option in screen.options].index("custom")
        await pilot.pause()
        await pilot.click("#registry-input")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert QUIT_HINT in notification_messages(app)
        assert isinstance(app.screen, RegistryScreen)


@pilot_test
async def test_help_explains_ctrl_c(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one("Markdown").source
        assert "`ctrl+c` does not quit" in text
        assert "`ctrl+q` quits" in text
