"""Pilot tests of steps that wait for a running check: Registry before the cluster check, Review after a write."""

from __future__ import annotations

import threading

import pytest
from kubeapi_server import OFFICE_KUBECONFIG
from test_tui_app import SIZE, eks_app, pilot_test

from wizard.model import LocalRegistryResult
from wizard.tui.app import WizardApp
from wizard.tui.examples import CTLPTL_HOSTING, write_project
from wizard.tui.screens.done import DoneScreen
from wizard.tui.screens.registry import RegistryScreen
from wizard.tui.screens.review import ReviewScreen

KUBECONFIG = OFFICE_KUBECONFIG


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


@pytest.fixture
def live_env(home):
    """The environment of a live app whose kubeconfig has one context on a closed loopback port."""
    path = home / ".kube" / "config"
    path.parent.mkdir()
    path.write_text(KUBECONFIG, encoding="utf-8")
    return {"HOME": str(home), "KUBECONFIG": str(path)}


@pytest.fixture
def held_registry_check(monkeypatch):
    """Hold the cluster registry check until the test sets `result["hosting"]` and the event."""
    import wizard.probes.local_registry

    release = threading.Event()
    result = {"hosting": None}

    def held_probe(context, cluster, timeout=2.0):
        release.wait(10)
        return LocalRegistryResult(reachable=True, hosting=result["hosting"])

    monkeypatch.setattr(wizard.probes.local_registry, "probe_local_registry", held_probe)
    yield release, result
    release.set()


async def enter_registry_while_checking(app, pilot):
    await pilot.pause()
    await pilot.press("enter", "enter")
    await pilot.pause()
    assert isinstance(app.screen, RegistryScreen)
    assert app.probe_pending("local_registry")
    await pilot.press("enter")
    await pilot.pause()


@pilot_test
async def test_registry_enter_waits_for_cluster_check(project, live_env, held_registry_check):
    app = WizardApp(project, env=live_env)
    async with app.run_test(size=SIZE) as pilot:
        await enter_registry_while_checking(app, pilot)
        assert isinstance(app.screen, RegistryScreen)
        assert "Waiting for the cluster check…" in str(app.screen.query_one("#reason").render())


@pilot_test
async def test_registry_continues_when_check_keeps_options(project, live_env, held_registry_check):
    release, _ = held_registry_check
    app = WizardApp(project, env=live_env)
    async with app.run_test(size=SIZE) as pilot:
        await enter_registry_while_checking(app, pilot)
        release.set()
        await app.wait_for_probes()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)


@pilot_test
async def test_registry_stays_when_check_changes_options(project, live_env, held_registry_check):
    release, result = held_registry_check
    app = WizardApp(project, env=live_env)
    async with app.run_test(size=SIZE) as pilot:
        await enter_registry_while_checking(app, pilot)
        provisional = app.screen.option.key
        result["hosting"] = CTLPTL_HOSTING
        release.set()
        await app.wait_for_probes()
        await pilot.pause()
        assert isinstance(app.screen, RegistryScreen)
        assert app.screen.options[0].key == "cluster"
        assert provisional != "cluster"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.option.key == "cluster"


@pilot_test
async def test_review_after_done_waits_for_reread(project, monkeypatch):
    import wizard.probes.project

    app = eks_app(project)
    release = threading.Event()
    real_probe = wizard.probes.project.probe_project

    def held_probe(directory, timeout=2.0):
        release.wait(10)
        return real_probe(directory, timeout=timeout)

    monkeypatch.setattr(wizard.probes.project, "probe_project", held_probe)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.query("#reading")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        release.set()
        await app.wait_for_probes()
        await pilot.pause()
        assert not app.screen.query("#reading")


@pilot_test
async def test_escape_from_done_then_enter_adds_lines_once(project):
    app = eks_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
        # Enter right after escape, before the project is read again, then once more after it.
        await pilot.press("escape", "enter")
        await app.wait_for_probes()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DoneScreen)
    tiltfile = (project / "Tiltfile").read_text(encoding="utf-8")
    assert tiltfile.count("tilt_option.json") == 1
