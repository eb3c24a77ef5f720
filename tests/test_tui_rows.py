"""Tests of the status rows and the push preview that both front ends show, checked in the full-screen wizard."""

from __future__ import annotations

import pytest
from test_tui_app import SIZE, go_to_registry, pilot_test

from wizard.model import Context, LocalRegistryResult, ProbeWarning
from wizard.rows import ProbeState, cluster_rows
from wizard.tui.app import WizardApp
from wizard.tui.examples import example_findings, write_project
from wizard.tui.screens.cluster import ClusterScreen
from wizard.tui.widgets import StatusList

DOCKER_DESKTOP_CONTEXT = Context(
    name="docker-desktop", cluster="docker-desktop", user="docker-desktop",
    server="https://kubernetes.docker.internal:6443",
)
NOT_ANSWERING = ProbeWarning(
    "registry-not-answering",
    "The cluster's registry localhost:5001 does not answer (connection refused). Start the registry container.",
)
HOST_INVALID = ProbeWarning(
    "registry-host-invalid",
    "kube-public/local-registry-hosting advertises host 'Local Host', which is not a valid registry, so the wizard ignores it.",
)


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


def registry_row(findings):
    return next(row for row in cluster_rows(ProbeState(findings)) if row[1] == "cluster registry")


def test_registry_row_unanswered_registry_warns(project):
    findings = example_findings(project)
    findings.local_registry.warnings.append(NOT_ANSWERING)
    state, _, detail = registry_row(findings)
    assert state == "warn"
    assert detail == "localhost:5001 does not answer"


def test_registry_row_invalid_host_warns(project):
    findings = example_findings(project, hosting=None)
    findings.local_registry = LocalRegistryResult(reachable=True, warnings=[HOST_INVALID])
    state, _, detail = registry_row(findings)
    assert state == "warn"
    assert "not a valid registry" in detail


def test_registry_row_answering_registry_ok(project):
    state, _, _ = registry_row(example_findings(project))
    assert state == "ok"


def test_registry_row_keeps_warning_row(project):
    findings = example_findings(project)
    findings.local_registry.warnings.append(NOT_ANSWERING)
    rows = cluster_rows(ProbeState(findings))
    assert ("warn", "warning", NOT_ANSWERING.message) in rows


@pilot_test
async def test_cluster_screen_unanswered_registry_marked(project):
    findings = example_findings(project)
    findings.local_registry.warnings.append(NOT_ANSWERING)
    app = WizardApp(project, findings=findings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ClusterScreen)
        text = app.screen.query_one("#probe-rows", StatusList).text
        assert "! cluster registry localhost:5001" in text
        assert "✓ cluster registry" not in text


async def preview_details(pilot):
    await go_to_registry(pilot)
    return [detail for _, _, detail in pilot.app.screen.query_one("#preview", StatusList).rows]


@pilot_test
async def test_preview_kind_load_names_kind_load(project):
    app = WizardApp(project, findings=example_findings(project, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        details = await preview_details(pilot)
        assert app.screen.option.key == "kind-load"
        assert details == ["Tilt loads each image into the kind nodes with `kind load docker-image` and pushes nothing"]


@pilot_test
async def test_preview_runtime_builds_into_runtime(project):
    app = WizardApp(project, findings=example_findings(project, current=DOCKER_DESKTOP_CONTEXT, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        details = await preview_details(pilot)
        assert app.screen.option.key == "runtime"
        assert details == ["Tilt builds into the cluster runtime; nothing is pushed"]


def test_gitignore_row_says_when_entry_added(project):
    from wizard.rows import gitignore_row

    state, _, detail = gitignore_row(example_findings(project).project)
    assert state == "warn"
    assert detail.endswith("the Review step adds the entry when it writes the file")


def cluster_row_of(findings):
    return next(row for row in cluster_rows(ProbeState(findings)) if row[1] == "cluster")


def test_cluster_row_unreachable_api_warns(project):
    findings = example_findings(project)
    findings.local_registry = LocalRegistryResult(reachable=False)
    state, _, detail = cluster_row_of(findings)
    assert state == "warn"
    assert "not reachable" in detail


def test_cluster_row_failed_credentials_warns(project):
    findings = example_findings(project)
    warning = ProbeWarning("cluster-credentials-failed", "The credentials could not be obtained.")
    findings.local_registry = LocalRegistryResult(reachable=None, warnings=[warning])
    state, _, detail = cluster_row_of(findings)
    assert state == "warn"
    assert "not reachable" in detail


def test_cluster_row_answering_api_ok(project):
    findings = example_findings(project)
    findings.local_registry = LocalRegistryResult(reachable=True)
    state, _, detail = cluster_row_of(findings)
    assert state == "ok"
    assert "not reachable" not in detail
