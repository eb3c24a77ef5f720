"""Pilot tests of the Textual wizard, step by step, on hand-made findings and a real project directory."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import threading

import pytest

from wizard.tui.app import WizardApp
from wizard.tui.examples import EKS_CONTEXT, GKE_CONTEXT, example_findings, write_project
from wizard.tui.screens.cluster import ClusterScreen
from wizard.tui.screens.done import DoneScreen
from wizard.tui.screens.project import ProjectScreen
from wizard.tui.screens.registry import RegistryScreen
from wizard.tui.screens.review import ReviewScreen
from wizard.tui.help import HelpScreen
from wizard.tui.widgets import StatusList

SIZE = (100, 32)
ECR_HOST = "123456789012.dkr.ecr.us-west-2.amazonaws.com"
OLD_OPTIONS = '{\n  "default_registry": "gcr.io/old-team",\n  "team": "shop"\n}\n'


def pilot_test(function):
    """Run an async test with asyncio.run, since no async pytest plugin is installed."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        return asyncio.run(function(*args, **kwargs))

    return run


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


def eks_app(project):
    return WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))


def snapshot_files(directory):
    return {path.name: path.read_text(encoding="utf-8") for path in directory.iterdir() if path.is_file()}


async def go_to_registry(pilot):
    await pilot.press("enter", "enter")
    await pilot.pause()


async def highlight_option(pilot, key):
    screen = pilot.app.screen
    index = [option.key for option in screen.options].index(key)
    screen.query_one("#options").highlighted = index
    await pilot.pause()


async def type_registry(pilot, text):
    await pilot.click("#registry-input")
    await pilot.press(*text)
    await pilot.pause()


@pilot_test
async def test_app_enter_through_steps_writes_files(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        for expected in (ProjectScreen, ClusterScreen, RegistryScreen, ReviewScreen, DoneScreen):
            await pilot.pause()
            assert isinstance(app.screen, expected)
            await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == ECR_HOST
    assert "tilt_option.json" in (project / ".gitignore").read_text()
    assert "read_json('tilt_option.json'" in (project / "Tiltfile").read_text()


@pilot_test
async def test_app_rerun_on_kind_keeps_option_file(home):
    # Tilt ignores default_registry on a cluster that advertises a registry, and the user still
    # needs the old value on other clusters, so the file stays as it is.
    project = write_project(home / "shop", options=OLD_OPTIONS)
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    assert (project / "tilt_option.json").read_text() == OLD_OPTIONS


@pilot_test
async def test_app_escape_goes_back_each_step(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        for expected in (RegistryScreen, ClusterScreen, ProjectScreen, ProjectScreen):
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, expected)


@pilot_test
async def test_app_escape_from_done_shows_review_again(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        await app.wait_for_probes()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query_one("#nothing") is not None


@pilot_test
async def test_app_ctrl_q_on_review_writes_nothing(project):
    before = snapshot_files(project)
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    assert app.written is None
    assert snapshot_files(project) == before


@pilot_test
async def test_app_invalid_typed_registry_blocks_continue(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp/Me")
        message = app.screen.query_one("#registry-message", StatusList)
        assert message.rows[0][0] == "fail"
        assert "uppercase" in message.rows[0][2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RegistryScreen)
    assert not (project / "tilt_option.json").exists()


@pilot_test
async def test_app_typed_registry_with_port_accepted(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp:5000/me")
        assert app.screen.query_one("#registry-message", StatusList).rows[0] == ("ok", "Registry", "valid")
        preview = app.screen.query_one("#preview", StatusList).text
        assert "registry.corp:5000/me/acme_api:tilt-<hash>" in preview
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("enter")
        await pilot.pause()
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "registry.corp:5000/me"


@pilot_test
async def test_app_invalid_single_name_blocks_continue(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        app.screen.query_one("#advanced").collapsed = False
        await pilot.pause()
        await pilot.click("#single-name")
        await pilot.press(*"Team/Dev")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RegistryScreen)
        assert "single_name" in app.screen.problems


@pilot_test
async def test_app_single_name_changes_preview(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        app.screen.query_one("#advanced").collapsed = False
        await pilot.pause()
        await pilot.click("#single-name")
        await pilot.press(*"team/dev")
        await pilot.pause()
        assert f"{ECR_HOST}/team/dev:api-tilt-<hash>" in app.screen.query_one("#preview", StatusList).text


@pilot_test
async def test_app_picking_context_reclassifies(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.findings.cluster.kind == "kind"
        await pilot.press("down")
        await pilot.pause()
        assert app.findings.cluster.context == GKE_CONTEXT.name
        assert app.findings.cluster.kind == "gke"
        assert GKE_CONTEXT.name in app.subtitle
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.options[0].key == "gar"


@pilot_test
async def test_app_runtime_option_shows_no_push(project):
    app = WizardApp(project, findings=example_findings(project, current=GKE_CONTEXT, hosting=None))
    app.findings.cluster.kind = "docker-desktop"
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        assert app.screen.options[0].push is False
        assert "nothing is pushed" in app.screen.query_one("#preview", StatusList).text


@pilot_test
async def test_app_unparsable_option_file_blocks_write(home):
    project = write_project(home / "shop", options="{not json")
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert "tilt_option.json" in app.screen.query_one("#plan-error", StatusList).text
        assert not app.screen.query("#write")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    assert (project / "tilt_option.json").read_text() == "{not json"


@pilot_test
async def test_app_switch_leaves_tiltfile_out(project):
    tiltfile_before = (project / "Tiltfile").read_text()
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        screen = app.screen
        index = [change.path.name for change in screen.changes].index("Tiltfile")
        await pilot.click(f"#include-{index}")
        await pilot.pause()
        assert str(screen.query_one("#write").label) == "Write 2 files"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        assert "Tiltfile" in app.screen.query_one("#done-rows", StatusList).text
    assert (project / "Tiltfile").read_text() == tiltfile_before
    assert (project / "tilt_option.json").exists()


@pilot_test
async def test_app_empty_plan_says_nothing_to_change(home):
    project = write_project(home / "shop")
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert str(app.screen.query_one("#write").label) == "Nothing to change"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    assert app.written == []
    assert sorted(path.name for path in project.iterdir()) == ["Tiltfile"]


@pilot_test
async def test_app_question_mark_shows_help(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ProjectScreen)


@pilot_test
async def test_app_failed_probe_shows_warning_row(project, monkeypatch):
    import wizard.probes.docker_config

    def broken_probe(env=None):
        raise RuntimeError("config exploded")

    monkeypatch.setattr(wizard.probes.docker_config, "probe_docker", broken_probe)
    app = WizardApp(project, env={"HOME": str(project.parent)})
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_for_probes()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        rows = app.screen.query_one("#probe-rows", StatusList).rows
        message = "The Docker config check failed unexpectedly: RuntimeError: config exploded"
        assert ("fail", "Docker config", message) in rows


@pilot_test
async def test_app_probe_row_checking_until_result(project, monkeypatch):
    import wizard.probes.docker_config

    release = threading.Event()
    real_probe = wizard.probes.docker_config.probe_docker

    def slow_probe(env=None):
        release.wait(5)
        return real_probe(env)

    monkeypatch.setattr(wizard.probes.docker_config, "probe_docker", slow_probe)
    app = WizardApp(project, env={"HOME": str(project.parent)})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        rows = app.screen.query_one("#probe-rows", StatusList).rows
        assert ("pending", "Docker config", "checking") in rows
        release.set()
        await app.wait_for_probes()
        await pilot.pause()
        states = {label: state for state, label, _ in app.screen.query_one("#probe-rows", StatusList).rows}
        assert states["Docker config"] != "pending"


@pilot_test
async def test_app_live_probes_read_project(project):
    app = WizardApp(project, env={"HOME": str(project.parent)})
    async with app.run_test(size=SIZE) as pilot:
        await app.wait_for_probes()
        await pilot.pause()
        assert app.findings.project.images == ["acme/api", "web", "tools/batch"]
        assert app.findings.cluster.kind == "none"
        assert "found · builds 3 images" in app.screen.query_one("#project-rows", StatusList).text


def test_run_app_ctrl_q_prints_nothing_written(project, monkeypatch, capsys):
    from wizard.tui import app as app_module

    monkeypatch.setattr(app_module.WizardApp, "run", lambda self: self.exit(0))
    assert app_module.run_app(project, {}) == 0
    assert capsys.readouterr().out == "No changes were written.\n"


def test_run_app_after_done_prints_written(project, monkeypatch, capsys):
    from wizard.tui import app as app_module

    def finish(self):
        self.written = [project / "tilt_option.json"]

    monkeypatch.setattr(app_module.WizardApp, "run", finish)
    assert app_module.run_app(project, {}) == 0
    output = capsys.readouterr().out
    assert "Wrote ~/shop/tilt_option.json" in output
    assert output.rstrip().endswith("Next: tilt up")


@pilot_test
async def test_app_review_header_after_escape_from_done(project):
    from wizard.tui.widgets import StepHeader

    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        await app.wait_for_probes()
        await pilot.press("escape")
        await pilot.pause()
        header = app.screen.query_one(StepHeader)
        title = str(header.query_one("#header-title").render())
        subtitle = str(header.query_one("#header-subtitle").render())
    assert title.endswith("Step 4 of 5 · Review")
    assert subtitle.endswith("shop · context eks-dev")


@pilot_test
async def test_app_review_header_after_reentering_review(project):
    from wizard.tui.widgets import StepHeader

    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        await app.wait_for_probes()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("escape", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        subtitle = str(app.screen.query_one(StepHeader).query_one("#header-subtitle").render())
    assert subtitle.endswith("shop · context eks-dev")


@pilot_test
async def test_app_review_after_write_names_written_files(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        await app.wait_for_probes()
        await pilot.press("escape")
        await pilot.pause()
        text = str(app.screen.query_one("#nothing").render())
    assert "tilt_option.json" in text
    assert "already hold this choice" in text
    assert "needs no file written" not in text


class ListHandler(logging.Handler):
    """Keep the formatted messages of the records it receives."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def app_log():
    """Collect the log messages of the full-screen wizard's loggers."""
    handler = ListHandler()
    loggers = [logging.getLogger(name) for name in ("wizard.tui.app", "wizard.tui.screens.review")]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.messages
    for logger in loggers:
        logger.removeHandler(handler)


@pilot_test
async def test_app_logs_written_files(project, app_log):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    assert f"wrote {project / 'tilt_option.json'}" in app_log


@pilot_test
async def test_app_logs_write_failure(project, app_log, monkeypatch):
    import wizard.files
    from wizard.errors import WizardError

    def failing_apply(plan):
        raise WizardError("Cannot write /x/tilt_option.json: permission denied.")

    monkeypatch.setattr(wizard.files, "apply_plan", failing_apply)
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
    assert "write failed: Cannot write /x/tilt_option.json: permission denied." in app_log


@pilot_test
async def test_app_logs_probe_warning_once(project, app_log):
    from wizard.model import ProbeWarning, ProjectResult
    from wizard.tui.app import ProbeFinished

    warning = ProbeWarning("tiltfile-missing", "No Tiltfile here.")
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(2):
            app.post_message(ProbeFinished("project", ProjectResult(directory=project, warnings=[warning])))
            await pilot.pause()
    expected = "project probe: tiltfile-missing: No Tiltfile here."
    assert app_log.count(expected) == 1


@pilot_test
async def test_app_registry_step_says_invalid_option_file_blocks(home):
    project = write_project(home / "shop", options="{not json")
    app = WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        assert isinstance(app.screen, RegistryScreen)
        panel = app.screen.query_one("#option-file-blocker", StatusList)
        shown = panel.display
        text = panel.text
    assert shown
    assert "Nothing can be written until tilt_option.json is fixed" in text


@pilot_test
async def test_app_registry_step_hides_blocker_for_valid_file(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        shown = app.screen.query_one("#option-file-blocker", StatusList).display
    assert not shown


@pilot_test
async def test_app_review_error_reads_as_sentence(home):
    project = write_project(home / "shop", options="{not json")
    app = WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        text = app.screen.query_one("#plan-error", StatusList).text
    assert text.startswith("✗ Cannot write: ")
