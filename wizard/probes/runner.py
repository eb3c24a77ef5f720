"""Run the probes, each turning an unexpected exception into a warning, for the CLI and both wizards."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from wizard.model import (
    ClusterResult,
    Context,
    DockerResult,
    Findings,
    KubeconfigResult,
    LocalRegistryResult,
    ProbeWarning,
    ProjectResult,
)

log = logging.getLogger(__name__)

# Seconds allowed for the project's subprocess calls and for the cluster's API requests. An exec
# credential plugin gets its own kubecreds.EXEC_TIMEOUT (5 s) first, and the API deadline starts
# after it, so a cluster check can take about 7 s.
PROBE_TIMEOUT = 2.0

# The warning code of a probe that raised; the status rows show it as a failed check.
PROBE_FAILED = "probe-failed"

# The name of each probe in messages.
PROBE_NAMES = {
    "project": "project",
    "kubeconfig": "kubeconfig",
    "cluster": "cluster kind",
    "local_registry": "cluster registry",
    "docker": "Docker config",
}

# Maximum length of the exception text in a warning, so a huge message cannot flood the screen.
MAX_FAILURE_TEXT = 160


def failure_text(error: BaseException) -> str:
    """Return the exception's type and the first line of its message, shortened for one row."""
    first_line = (str(error).splitlines() or [""])[0]
    return f"{type(error).__name__}: {first_line}"[:MAX_FAILURE_TEXT]


def failed_warning(probe: str, error: BaseException) -> ProbeWarning:
    """Log the exception of probe `probe` (a PROBE_NAMES key) and return the warning that replaces its result."""
    log.error("probe %s failed", probe, exc_info=error)
    return ProbeWarning(PROBE_FAILED, f"The {PROBE_NAMES[probe]} check failed unexpectedly: {failure_text(error)}")


def probe_failure(result: object) -> str | None:
    """Return the message of the result's probe-failed warning, or None when the probe ran."""
    for warning in getattr(result, "warnings", None) or ():
        if warning.code == PROBE_FAILED:
            return warning.message
    return None


def run_project_probe(project_dir: Path) -> ProjectResult:
    """Probe the project, turning an unexpected exception into a warning."""
    from wizard.probes.project import probe_project

    try:
        return probe_project(project_dir, timeout=PROBE_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - a probe bug must not stop the report
        return ProjectResult(directory=project_dir, warnings=[failed_warning("project", error)])


def run_docker_probe(env: Mapping[str, str] | None) -> DockerResult:
    """Probe Docker's client configuration, turning an unexpected exception into a warning."""
    from wizard.probes.docker_config import probe_docker

    try:
        return probe_docker(env)
    except Exception as error:  # noqa: BLE001
        return DockerResult(warnings=[failed_warning("docker", error)])


def run_kubeconfig_probe(env: Mapping[str, str] | None) -> KubeconfigResult:
    """Read the kubeconfig files, turning an unexpected exception into a warning."""
    from wizard.probes.kubeconfig import load_kubeconfig

    try:
        return load_kubeconfig(env)
    except Exception as error:  # noqa: BLE001
        return KubeconfigResult(warnings=[failed_warning("kubeconfig", error)])


def run_classify_probe(
    kubeconfig: KubeconfigResult | None, context_name: str | None, env: Mapping[str, str] | None
) -> tuple[Context | None, ClusterResult]:
    """Return the context called `context_name` (None: the current one) and its classified cluster.

    Classifying reads only the kubeconfig entries, so the Textual app calls it on the UI thread.
    """
    from wizard.probes.clusters import classify_cluster
    from wizard.probes.kubeconfig import select_context

    context = select_context(kubeconfig, context_name) if kubeconfig is not None else None
    try:
        cluster = classify_cluster(context, env)
    except Exception as error:  # noqa: BLE001
        cluster = ClusterResult(warnings=[failed_warning("cluster", error)])
    if context_name and context is None:
        cluster.warnings.append(
            ProbeWarning("context-not-found", f"Context {context_name!r} is not in the kubeconfig.")
        )
    return context, cluster


def run_registry_probe(context: Context | None, cluster: ClusterResult) -> LocalRegistryResult:
    """Ask the cluster for its advertised registry, turning an unexpected exception into a warning."""
    from wizard.probes.local_registry import probe_local_registry

    try:
        return probe_local_registry(context, cluster, timeout=PROBE_TIMEOUT)
    except Exception as error:  # noqa: BLE001
        return LocalRegistryResult(reachable=None, warnings=[failed_warning("local_registry", error)])


def run_cluster_probes(
    env: Mapping[str, str] | None, context_name: str | None = None
) -> tuple[KubeconfigResult, ClusterResult, LocalRegistryResult]:
    """Read kubeconfig, classify the chosen context's cluster and ask it for its registry."""
    kubeconfig = run_kubeconfig_probe(env)
    context, cluster = run_classify_probe(kubeconfig, context_name, env)
    return kubeconfig, cluster, run_registry_probe(context, cluster)


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
