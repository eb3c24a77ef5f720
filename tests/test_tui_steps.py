"""Pilot tests of step behaviour: kept registry fields, escape, review switches, Done commands, summaries."""

from __future__ import annotations

from test_tui_app import ECR_HOST, SIZE, eks_app, go_to_registry, highlight_option, pilot_test, type_registry

from wizard.model import Context
from wizard.tui.app import WizardApp
from wizard.tui.examples import example_findings, write_project
from wizard.tui.screens.cluster import ClusterScreen
from wizard.tui.screens.done import DoneScreen
from wizard.tui.screens.registry import RegistryScreen
from wizard.tui.screens.review import ReviewScreen
from wizard.tui.widgets import StatusList

import pytest


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


def message_rows(app):
    return app.screen.query_one("#registry-message", StatusList).rows


@pilot_test
async def test_registry_typed_value_kept_after_back(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp:5000/me")
        app.screen.query_one("#advanced").collapsed = False
        app.screen.query_one("#single-name").value = "team/dev"
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ClusterScreen)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.option.key == "custom"
        assert screen.query_one("#registry-input").value == "registry.corp:5000/me"
        assert screen.query_one("#single-name").value == "team/dev"
        assert screen.query_one("#advanced").collapsed is False


@pilot_test
async def test_registry_escape_in_input_leaves_field(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RegistryScreen)
        assert app.screen.focused.id == "options"


@pilot_test
async def test_registry_space_opens_advanced(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        advanced = app.screen.query_one("#advanced")
        advanced.query_one("CollapsibleTitle").focus()
        await pilot.press("space")
        await pilot.pause()
        assert advanced.collapsed is False


@pilot_test
async def test_registry_url_notice_shown_live(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "https://registry.example.com/team/")
        details = " ".join(detail for _, _, detail in message_rows(app))
        assert "https://" in details
        assert "trailing /" in details
        assert "registry.example.com/team." in details


@pilot_test
async def test_registry_typed_on_advertising_cluster_noted(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp/me")
        rows = message_rows(app)
        assert rows[0] == ("ok", "Registry", "valid")
        assert any(state == "warn" and "localhost:5001" in detail for state, _, detail in rows)


@pilot_test
async def test_registry_long_image_keeps_table_whole(project):
    findings = example_findings(project, hosting=None, current=eks_context())
    findings.project.images.append("team/" + "x" * 220)
    app = WizardApp(project, findings=findings)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        preview = app.screen.query_one("#preview", StatusList)
        assert len(preview.rows) == 4
        assert preview.label_width <= SIZE[0] // 2
        body = app.screen.query_one(".step-body")
        assert body.virtual_size.width <= body.size.width
        credentials = app.screen.query_one("#credentials")
        assert credentials.region.height >= 1
        assert credentials.region.right <= SIZE[0]


def eks_context():
    from wizard.tui.examples import EKS_CONTEXT

    return EKS_CONTEXT


@pilot_test
async def test_review_switch_shows_state_text(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        screen = app.screen
        index = [change.path.name for change in screen.changes].index("Tiltfile")
        assert str(screen.query_one(f"#state-{index}").render()) == "included"
        screen.query_one(f"#include-{index}").focus()
        await pilot.press("space")
        await pilot.pause()
        assert str(screen.query_one(f"#state-{index}").render()) == "left out"
        assert screen.query_one(f"#change-{index} .diff-scroll").display is False


@pilot_test
async def test_review_nothing_to_change_names_no_missing_file(home):
    project = write_project(home / "shop")
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = str(app.screen.query_one("#nothing").render())
        assert text.startswith("✓ Nothing to change:")
        assert "already hold" not in text


@pilot_test
async def test_done_quotes_switched_context(project):
    odd = Context(name="my ctx; echo PWNED", cluster="odd", user="odd", server="https://k8s.example.invalid")
    findings = example_findings(project, current=odd, hosting=None)
    findings.kubeconfig.current = eks_context()
    app = WizardApp(project, findings=findings)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "ttl")
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        command = str(app.screen.query_one("#next-command").render())
        assert command == "kubectl config use-context 'my ctx; echo PWNED' && tilt up"


@pilot_test
async def test_done_lists_login_and_repositories(project):
    findings = example_findings(project, current=eks_context(), hosting=None)
    findings.docker.creds_store = None
    app = WizardApp(project, findings=findings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        steps = " ".join(str(widget.render()) for widget in app.screen.query("#before-tilt-up Static"))
        assert f"--password-stdin {ECR_HOST}" in steps
        assert "--repository-name tools_batch" in steps


@pilot_test
async def test_cluster_summary_waits_for_registry_check(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        app.findings.local_registry = None
        app.refresh_screens()
        await pilot.pause()
        summary = str(app.screen.query_one("#cluster-summary").render())
        assert "Checking whether" in summary
        assert "advertises the registry" not in summary


@pilot_test
async def test_review_focused_switch_border_changes_shape(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        switch = app.screen.query_one("#include-1")
        assert switch.styles.border_top[0] != "double"
        switch.focus()
        await pilot.pause()
        assert switch.styles.border_top[0] == "double"


@pilot_test
async def test_registry_invalid_single_name_in_preview(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp:5000/me")
        app.screen.query_one("#advanced").collapsed = False
        await pilot.pause()
        await pilot.click("#single-name")
        await pilot.press(*"Team/Dev")
        await pilot.pause()
        assert message_rows(app)[0] == ("ok", "Registry", "valid")
        problem = app.screen.problems["single_name"]
        assert app.screen.query_one("#preview", StatusList).rows == [("fail", "Invalid", problem)]
        credential_state = app.screen.query_one("#credentials", StatusList).rows[0][0]
        assert credential_state != "pending"


@pilot_test
async def test_registry_invalid_host_from_cluster_keeps_preview(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_registry(pilot)
        await highlight_option(pilot, "custom")
        await type_registry(pilot, "registry.corp:5000/me")
        app.screen.query_one("#advanced").collapsed = False
        await pilot.pause()
        await pilot.click("#host-from-cluster")
        await pilot.press(*"bad host")
        await pilot.pause()
        assert "host_from_cluster" in app.screen.problems
        preview = app.screen.query_one("#preview", StatusList).text
        assert "registry.corp:5000/me/acme_api:tilt-<hash>" in preview
