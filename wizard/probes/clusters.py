"""Classify the cluster a context points to, with Tilt's rules plus cloud server-URL rules."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from wizard.model import CloudIdentity, ClusterResult, Context

# Tilt's rules on the cluster name, in Tilt's order; the first match wins
# (tilt-dev/clusterid v0.1.6, product.go ProductFromContext).
_NAME_RULES: tuple[tuple[str, str, str], ...] = (
    ("minikube", "prefix", "minikube"),
    ("docker-desktop", "prefix", "docker-for-desktop-cluster"),
    ("docker-desktop", "prefix", "docker-desktop"),
    ("gke", "prefix", "gke"),
    ("eks", "prefix", "arn:aws:eks:"),
    ("eks", "suffix", ".eksctl.io"),
    ("kind", "equals", "kind"),
    ("kind", "prefix", "kind-"),
    ("microk8s", "prefix", "microk8s"),
    ("crc", "prefix", "api-crc-testing"),
    ("krucible", "prefix", "krucible-"),
    ("k3d", "prefix", "k3d-"),
    ("rancher-desktop", "prefix", "rancher-desktop"),
    ("colima", "prefix", "colima"),
    ("orbstack", "equals", "orbstack"),
)

_EKS_ARN = re.compile(r"^arn:(aws[a-z-]*):eks:([a-z0-9-]+):(\d{12}):cluster/(.+)$")
_EKSCTL = re.compile(r"^(?:[^@]+@)?([^.@]+)\.([a-z0-9-]+)\.eksctl\.io$")
_EKS_SERVER = re.compile(r"\.([a-z0-9-]+)\.eks\.amazonaws\.com(\.cn)?$")
_AKS_SERVER = re.compile(r"\.(?:hcp|privatelink)\.([a-z0-9]+)\.azmk8s\.io$")
_DOKS_NAME = re.compile(r"^do-([a-z]{3}\d)-(.+)$")
_GKE_NAME = re.compile(r"^gke_([^_]+)_([^_]+)_(.+)$")
_GKE_ZONE = re.compile(r"^([a-z]+-[a-z]+\d+)-[a-z]$")

# ECR host suffix by AWS partition; aws and aws-us-gov share amazonaws.com.
_ECR_SUFFIX = {"aws-cn": "amazonaws.com.cn", "aws-eusc": "amazonaws.eu"}


def classify_cluster(context: Context | None, env: Mapping[str, str] | None = None) -> ClusterResult:
    """Return the kind and cloud identity of the cluster that `context` points to.

    The kind comes from Tilt's cluster-name rules, then Tilt's file-path fallbacks, then
    server-URL and name rules for EKS, AKS and DOKS that Tilt lacks. No context gives "none".
    """
    if context is None:
        return ClusterResult(kind="none")

    env = os.environ if env is None else env
    kind = (
        _kind_from_cluster_name(context.cluster)
        or _kind_from_paths(context, _home(env))
        or _kind_from_cloud_names(context)
        or "unknown"
    )
    return ClusterResult(
        context=context.name,
        cluster=context.cluster,
        server=context.server,
        kind=kind,
        cloud=cloud_identity(context, kind),
    )


def _kind_from_cluster_name(name: str) -> str | None:
    for kind, match, pattern in _NAME_RULES:
        if match == "prefix" and name.startswith(pattern):
            return kind
        if match == "suffix" and name.endswith(pattern):
            return kind
        if match == "equals" and name == pattern:
            return kind
    return None


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _kind_from_paths(context: Context, home: Path) -> str | None:
    """Apply Tilt's fallbacks on where the kubeconfig and the cluster's CA file live."""
    source = context.source
    if source is not None and _is_under(source, home / ".config" / "k3d"):
        return "k3d"

    authority = context.cluster_entry.get("certificate-authority")
    if isinstance(authority, str) and authority and _is_under(Path(authority), home / ".minikube"):
        return "minikube"

    # kind before 0.6 wrote one kubeconfig per cluster, named kind-config-<cluster>.
    if source is not None and source.name.startswith("kind-config-"):
        return "kind"
    return None


def _is_under(path: Path, directory: Path) -> bool:
    if not path.is_absolute():
        return False
    return Path(os.path.normpath(path)).is_relative_to(os.path.normpath(directory))


def _kind_from_cloud_names(context: Context) -> str | None:
    """Recognise cloud clusters from server URLs and from context names that Tilt does not check.

    A context keeps the name its cloud CLI gave it (an EKS ARN, an eksctl name, gke_<project>_...)
    more often than its cluster entry does, e.g. after kubeconfigs are merged by hand.
    """
    host = server_host(context.server)
    names = (context.cluster, context.name)
    eks_names = any(_EKS_ARN.match(name) or _EKSCTL.match(name) for name in names)
    if eks_names or _EKS_SERVER.search(host):
        return "eks"
    if _GKE_NAME.match(context.name):
        return "gke"
    if host.endswith(".azmk8s.io"):
        return "aks"
    if host.endswith(".k8s.ondigitalocean.com") or any(_DOKS_NAME.match(name) for name in names):
        return "doks"
    return None


def server_host(server: str) -> str:
    """Return the lower-case host name of a server URL, or "" when it has none."""
    try:
        return (urlsplit(server).hostname or "").lower()
    except ValueError:
        return ""


def cloud_identity(context: Context, kind: str) -> CloudIdentity | None:
    """Return what the context's names and server URL tell about the cloud account."""
    if kind == "eks":
        return _eks_identity(context)
    if kind == "gke":
        return _gke_identity(context)
    if kind == "aks":
        match = _AKS_SERVER.search(server_host(context.server))
        return CloudIdentity("azure", region=match.group(1) if match else None)
    if kind == "doks":
        return _doks_identity(context)
    return None


def _eks_identity(context: Context) -> CloudIdentity:
    identity = CloudIdentity("aws")
    names = (context.cluster, context.name)

    for name in names:
        arn = _EKS_ARN.match(name)
        if arn:
            partition, identity.region, identity.account = arn.group(1), arn.group(2), arn.group(3)
            suffix = _ECR_SUFFIX.get(partition, "amazonaws.com")
            identity.registry_host = f"{identity.account}.dkr.ecr.{identity.region}.{suffix}"
            return identity

    for name in names:
        eksctl = _EKSCTL.match(name)
        if eksctl:
            identity.region = eksctl.group(2)
            return identity

    server = _EKS_SERVER.search(server_host(context.server))
    if server:
        identity.region = server.group(1)
    return identity


def _gke_identity(context: Context) -> CloudIdentity:
    identity = CloudIdentity("gcp")
    match = _GKE_NAME.match(context.cluster) or _GKE_NAME.match(context.name)
    if match is None:
        return identity

    identity.project, identity.location = match.group(1), match.group(2)
    identity.region = gcp_region(identity.location)
    identity.registry_host = f"{identity.region}-docker.pkg.dev"
    return identity


def gcp_region(location: str) -> str:
    """Return the region of a GCP zone (us-central1-a -> us-central1); a region stays as is."""
    zone = _GKE_ZONE.match(location)
    return zone.group(1) if zone else location


def _doks_identity(context: Context) -> CloudIdentity:
    identity = CloudIdentity("digitalocean", registry_host="registry.digitalocean.com")
    for name in (context.cluster, context.name):
        match = _DOKS_NAME.match(name)
        if match:
            identity.region = match.group(1)
            break
    return identity
