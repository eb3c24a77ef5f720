"""The probe runner: failed probes become warnings, and the CLI and both wizards share its steps."""

from __future__ import annotations

import asyncio

import pytest

from wizard.model import KubeconfigResult
from wizard.probes import runner
from wizard.tui.examples import KIND_CONTEXT


@pytest.fixture
def broken_docker(monkeypatch):
    import wizard.probes.docker_config

    def broken_probe(env=None):
        raise RuntimeError("config exploded\nsecond line")

    monkeypatch.setattr(wizard.probes.docker_config, "probe_docker", broken_probe)


def test_failure_text_keeps_first_line():
    assert runner.failure_text(ValueError("first\nsecond")) == "ValueError: first"


def test_failure_text_shortened():
    assert len(runner.failure_text(ValueError("x" * 1000))) == runner.MAX_FAILURE_TEXT


def test_run_probes_failed_probe_becomes_warning(home, tmp_path, broken_docker):
    findings = runner.run_probes(tmp_path, {"HOME": str(home)})
    message = "The Docker config check failed unexpectedly: RuntimeError: config exploded"
    assert runner.probe_failure(findings.docker) == message


def test_probe_failure_none_when_probe_ran(home, tmp_path):
    findings = runner.run_probes(tmp_path, {"HOME": str(home)})
    assert runner.probe_failure(findings.docker) is None


def test_classify_unknown_context_warns():
    kubeconfig = KubeconfigResult(contexts=[KIND_CONTEXT], current=KIND_CONTEXT)
    context, cluster = runner.run_classify_probe(kubeconfig, "missing", {})
    assert context is None
    assert [warning.code for warning in cluster.warnings] == ["context-not-found"]


def test_classify_without_name_uses_current():
    kubeconfig = KubeconfigResult(contexts=[KIND_CONTEXT], current=KIND_CONTEXT)
    context, cluster = runner.run_classify_probe(kubeconfig, None, {})
    assert context == KIND_CONTEXT
    assert cluster.context == KIND_CONTEXT.name


def test_classify_failure_becomes_warning(monkeypatch):
    import wizard.probes.clusters

    def broken_classify(context, env=None):
        raise KeyError("server")

    monkeypatch.setattr(wizard.probes.clusters, "classify_cluster", broken_classify)
    kubeconfig = KubeconfigResult(contexts=[KIND_CONTEXT], current=KIND_CONTEXT)
    _, cluster = runner.run_classify_probe(kubeconfig, None, {})
    assert "cluster kind check failed" in runner.probe_failure(cluster)


def test_app_registry_check_uses_runner_timeout(home, monkeypatch):
    import wizard.probes.local_registry
    from wizard.model import LocalRegistryResult
    from wizard.tui.app import WizardApp

    timeouts = []

    def recording_probe(context, cluster, timeout=2.0):
        timeouts.append(timeout)
        return LocalRegistryResult()

    monkeypatch.setattr(wizard.probes.local_registry, "probe_local_registry", recording_probe)
    monkeypatch.setattr(runner, "PROBE_TIMEOUT", 0.25)

    async def run_app():
        app = WizardApp(home, env={"HOME": str(home)})
        async with app.run_test(size=(100, 32)) as pilot:
            await app.wait_for_probes()
            await pilot.pause()
            await app.wait_for_probes()

    asyncio.run(run_app())
    assert timeouts == [0.25]
