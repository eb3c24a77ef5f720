"""Run every probe concurrently and gather the results into one Findings."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from wizard.model import (
    ClusterResult,
    DockerResult,
    Findings,
    KubeconfigResult,
    LocalRegistryResult,
    ProbeWarning,
    ProjectResult,
)

log = logging.getLogger(__name__)

# Every probe bounds its own network and subprocess calls by this many seconds.
PROBE_TIMEOUT = 2.0


def _failed(probe: str, error: BaseException) -> ProbeWarning:
    log.exception("probe %s failed", probe, exc_info=error)
    return ProbeWarning("probe-failed", f"The {probe} check failed unexpectedly: {error}")


def run_project_probe(project_dir: Path) -> ProjectResult:
    """Probe the project, turning an unexpected exception into a warning."""
    from wizard.probes.project import probe_project

    try:
        return probe_project(project_dir, timeout=PROBE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - a probe bug must not stop the report
        return ProjectResult(directory=project_dir, warnings=[_failed("project", error)])


def run_docker_probe(env: Mapping[str, str]) -> DockerResult:
    """Probe Docker's client configuration, turning an unexpected exception into a warning."""
    from wizard.probes.docker_config import probe_docker

    try:
        return probe_docker(env)
    except Exception as error:  # noqa: BLE001
        return DockerResult(warnings=[_failed("Docker config", error)])


def run_cluster_probes(
    env: Mapping[str, str], context_name: str | None = None
) -> tuple[KubeconfigResult, ClusterResult, LocalRegistryResult]:
    """Read kubeconfig, classify the chosen context's cluster and ask it for its registry."""
    from wizard.probes.clusters import classify_cluster
    from wizard.probes.kubeconfig import load_kubeconfig, select_context
    from wizard.probes.local_registry import probe_local_registry

    try:
        kubeconfig = load_kubeconfig(env)
    except Exception as error:  # noqa: BLE001
        kubeconfig = KubeconfigResult(warnings=[_failed("kubeconfig", error)])

    context = select_context(kubeconfig, context_name)
    if context_name and context is None:
        kubeconfig.warnings.append(
            ProbeWarning("context-not-found", f"Context {context_name!r} is not in the kubeconfig.")
        )

    try:
        cluster = classify_cluster(context, env)
    except Exception as error:  # noqa: BLE001
        cluster = ClusterResult(warnings=[_failed("cluster kind", error)])

    try:
        registry = probe_local_registry(context, cluster, timeout=PROBE_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        registry = LocalRegistryResult(reachable=None, warnings=[_failed("cluster registry", error)])
    return kubeconfig, cluster, registry


def run_probes(
    project_dir: Path, env: Mapping[str, str] | None = None, context_name: str | None = None
) -> Findings:
    """Run all probes at once; the whole run costs about as much as the slowest probe."""
    env = os.environ if env is None else env
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="probe") as pool:
        project = pool.submit(run_project_probe, project_dir)
        docker = pool.submit(run_docker_probe, env)
        cluster = pool.submit(run_cluster_probes, env, context_name)
        kubeconfig_result, cluster_result, registry_result = cluster.result()
        return Findings(
            project=project.result(),
            kubeconfig=kubeconfig_result,
            cluster=cluster_result,
            local_registry=registry_result,
            docker=docker.result(),
        )
