"""Fixed example projects and findings, so tests and screenshots show the same screens every run."""

from __future__ import annotations

from pathlib import Path

from wizard.model import (
    Context,
    DockerResult,
    Findings,
    KubeconfigResult,
    LocalRegistryResult,
    RegistryHosting,
)

EXAMPLE_TILTFILE = """\
docker_build('acme/api', 'api')
docker_build('web', 'web')
docker_build('tools/batch', 'batch')
k8s_yaml('k8s.yaml')
"""

KIND_CONTEXT = Context(name="kind-dev", cluster="kind-dev", user="kind-dev", server="https://127.0.0.1:6443")
GKE_CONTEXT = Context(
    name="gke_acme-shop_us-central1-a_prod", cluster="gke_acme-shop_us-central1-a_prod",
    user="gke_acme-shop_us-central1-a_prod", server="https://gke.example.invalid",
)
EKS_CONTEXT = Context(
    name="eks-dev", cluster="arn:aws:eks:us-west-2:123456789012:cluster/dev",
    user="eks-dev", server="https://eks.example.invalid",
)
UNKNOWN_CONTEXT = Context(name="office", cluster="office", user="office", server="https://k8s.example.invalid")

CTLPTL_HOSTING = RegistryHosting(
    host="localhost:5001",
    host_from_cluster_network="ctlptl-registry:5000",
    help="https://github.com/tilt-dev/ctlptl",
    source="kube-public/local-registry-hosting",
)


def write_project(directory: Path, tiltfile: str | None = EXAMPLE_TILTFILE, options: str | None = None,
                  gitignore: str | None = None) -> Path:
    """Create an example Tilt project in `directory`; None leaves that file out."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in (("Tiltfile", tiltfile), ("tilt_option.json", options), (".gitignore", gitignore)):
        if text is not None:
            (directory / name).write_text(text, encoding="utf-8")
    return directory


def example_findings(directory: Path, current: Context = KIND_CONTEXT, hosting: RegistryHosting | None = CTLPTL_HOSTING,
                     docker: DockerResult | None = None) -> Findings:
    """Return findings for the project in `directory` with a hand-made kubeconfig, cluster and Docker config.

    The project part comes from the real project probe, which reads only local files. The
    cluster is classified by the real rules, which read only the context.
    """
    from wizard.probes.clusters import classify_cluster
    from wizard.probes.project import probe_project

    contexts = [KIND_CONTEXT, GKE_CONTEXT, EKS_CONTEXT, UNKNOWN_CONTEXT]
    if current not in contexts:
        contexts.append(current)
    kubeconfig = KubeconfigResult(files=[Path("~/.kube/config")], contexts=contexts, current=current)
    return Findings(
        project=probe_project(directory),
        kubeconfig=kubeconfig,
        cluster=classify_cluster(current, {}),
        local_registry=LocalRegistryResult(reachable=True, hosting=hosting),
        docker=docker if docker is not None else DockerResult(
            config_path=Path("~/.docker/config.json"), config_state="ok", creds_store="desktop",
            helpers_on_path={"desktop": True},
        ),
    )
