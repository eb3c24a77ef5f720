"""Snapshot tests of every wizard screen at a fixed terminal size (pytest-textual-snapshot)."""

from __future__ import annotations

import pytest

from wizard.tui.app import WizardApp
from wizard.tui.examples import EKS_CONTEXT, example_findings, write_project

SIZE = (100, 32)
OLD_OPTIONS = '{\n  "default_registry": "gcr.io/old-team"\n}\n'


@pytest.fixture
def kind_app(home):
    """A re-run on a kind cluster with a ctlptl registry; the project shows as ~/shop."""
    project = write_project(home / "shop", options=OLD_OPTIONS, gitignore="node_modules/\n")
    return WizardApp(project, findings=example_findings(project))


@pytest.fixture
def eks_app(home):
    """A first run on an EKS cluster, which needs a registry chosen."""
    project = write_project(home / "shop")
    return WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))


def test_snapshot_project(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE)


def test_snapshot_cluster(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE, press=["enter"])


def test_snapshot_registry_kind(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE, press=["enter", "enter"])


def test_snapshot_registry_eks(eks_app, snap_compare):
    assert snap_compare(eks_app, terminal_size=SIZE, press=["enter", "enter"])


def test_snapshot_registry_invalid_typed(eks_app, snap_compare):
    async def type_invalid(pilot):
        await pilot.press("enter", "enter")
        screen = pilot.app.screen
        screen.query_one("#options").highlighted = [o.key for o in screen.options].index("custom")
        await pilot.pause()
        await pilot.click("#registry-input")
        await pilot.press(*"registry.corp/Me")

    assert snap_compare(eks_app, terminal_size=SIZE, run_before=type_invalid)


def test_snapshot_review(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE, press=["enter", "enter", "enter"])


def test_snapshot_review_eks(eks_app, snap_compare):
    assert snap_compare(eks_app, terminal_size=(100, 48), press=["enter", "enter", "enter"])


def test_snapshot_done(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE, press=["enter", "enter", "enter", "enter"])


def test_snapshot_help(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=SIZE, press=["enter", "question_mark"])


def test_snapshot_review_light_theme(eks_app, snap_compare):
    async def light_review(pilot):
        pilot.app.theme = "textual-light"
        await pilot.press("enter", "enter", "enter")

    assert snap_compare(eks_app, terminal_size=(100, 48), run_before=light_review)


def test_snapshot_cluster_small(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=(60, 20), press=["enter"])


def test_snapshot_review_small(eks_app, snap_compare):
    assert snap_compare(eks_app, terminal_size=(60, 20), press=["enter", "enter", "enter"])


def test_snapshot_cluster_large(kind_app, snap_compare):
    assert snap_compare(kind_app, terminal_size=(200, 60), press=["enter"])


def test_snapshot_done_eks_steps(eks_app, snap_compare):
    eks_app.findings.docker.creds_store = None
    assert snap_compare(eks_app, terminal_size=SIZE, press=["enter", "enter", "enter", "enter"])


def test_snapshot_done_left_out_tiltfile(eks_app, snap_compare):
    async def leave_out_tiltfile(pilot):
        await pilot.press("enter", "enter", "enter")
        await pilot.pause()
        screen = pilot.app.screen
        index = [change.path.name for change in screen.changes].index("Tiltfile")
        await pilot.click(f"#include-{index}")
        await pilot.press("enter")
        await pilot.pause()

    assert snap_compare(eks_app, terminal_size=SIZE, run_before=leave_out_tiltfile)
