"""Pilot tests of the layout at small and large terminal sizes."""

from __future__ import annotations

import pytest
from test_tui_app import eks_app, pilot_test

from dataclasses import replace

from wizard.tui.app import WizardApp
from wizard.tui.examples import EKS_CONTEXT, example_findings, write_project
from wizard.tui.widgets import DiffView

SMALL = (60, 20)
LARGE = (200, 60)


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


@pilot_test
async def test_header_small_keeps_path_and_context(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        widget = app.screen.query_one("#header-subtitle")
        subtitle = str(widget.render())
        assert "~/shop" in subtitle
        assert "context kind-dev" in subtitle
        assert len(subtitle) <= widget.content_region.width


@pilot_test
async def test_cluster_small_stacks_checks_column(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        contexts = app.screen.query_one("#contexts-panel").region
        checks = app.screen.query_one("#probes-panel").region
        assert checks.y >= contexts.bottom
        label = app.screen.query_one("#probe-rows .status-label")
        assert label.region.width >= len("kubeconfig")


@pilot_test
async def test_cluster_large_context_list_grows(project):
    app = WizardApp(project, findings=example_findings(project))
    async with app.run_test(size=LARGE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#contexts-panel").region.width > 60


@pilot_test
async def test_review_small_diff_lines_not_wrapped(project):
    app = eks_app(project)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        for diff in app.screen.query(DiffView):
            lines = str(diff.render()).splitlines()
            # One rendered row per diff line: the widget is as tall as the diff has lines.
            assert diff.region.height == len(lines)


@pilot_test
async def test_review_small_title_ends_in_ellipsis(project):
    app = eks_app(project)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        label = app.screen.query(".change-label").last()
        text = "".join(segment.text for segment in label.render_line(1))
        assert text.rstrip().endswith("…")


ARN_CONTEXT = "arn:aws:eks:us-west-2:123456789012:cluster/shop-platform-dev"


@pytest.mark.parametrize("size", [(100, 40), SMALL])
@pilot_test
async def test_cluster_long_context_keeps_marker(project, size):
    findings = example_findings(project)
    findings.kubeconfig.contexts.append(replace(EKS_CONTEXT, name=ARN_CONTEXT))
    app = WizardApp(project, findings=findings)
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        contexts = app.screen.query_one("#contexts")
        contexts.scroll_end(animate=False)
        await pilot.pause()
        region = contexts.content_region
        strips = app.screen._compositor.render_strips()
        rows = [strip.text[region.x:region.right].strip() for strip in strips[region.y:region.bottom]]
        first = next(index for index, row in enumerate(rows) if row.startswith("○ arn:"))
        kind_row = rows.index("eks", first)
        name = rows[first].removeprefix("○ ") + "".join(rows[first + 1:kind_row])
        assert "○" not in rows
        assert name == ARN_CONTEXT
