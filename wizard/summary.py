"""Explain the cluster's registry situation to a newcomer in two or three sentences."""

from __future__ import annotations

from wizard.model import CloudIdentity, Findings, RegistryOption
from wizard.recommend import (
    CLOUD_KINDS,
    KIND_LABELS,
    advertised_registry,
    cluster_kind,
    needs_registry_note,
    recommend,
    registry_unchecked,
    team_default,
    with_article,
)
from wizard.runtime_build import docker_caveat


def cluster_summary(findings: Findings) -> str:
    """Return two or three sentences that explain the cluster's registry situation to a newcomer."""
    cluster = findings.cluster
    if cluster is None:
        return "The wizard is still reading the kubeconfig."
    first = _identity_sentence(findings)
    option = recommend(findings)[0]
    second = _situation_sentence(findings, option)
    parts = [first, second]

    kind = cluster.kind
    local = findings.local_registry
    if kind not in CLOUD_KINDS + ("none",):
        if local is None:
            parts.append("The check for a registry inside the cluster is still running.")
        elif local.reachable is False:
            parts.append("The cluster did not answer, so a registry it advertises cannot be seen yet.")
    return " ".join(part for part in parts if part)


def _identity_sentence(findings: Findings) -> str:
    cluster = findings.cluster
    kind = cluster.kind
    if kind == "none":
        return "There is no current Kubernetes context, so the wizard cannot tell which cluster Tilt deploys to."
    context = cluster.context or cluster.cluster
    if kind == "unknown":
        where = f" at {cluster.server}" if cluster.server else ""
        return f"The context {context} points to a cluster{where} that the wizard does not recognise."
    label = KIND_LABELS.get(kind, kind)
    details = _cloud_details(cluster.cloud)
    return f"The context {context} points to {with_article(label)} cluster{details}."


def _cloud_details(cloud: CloudIdentity | None) -> str:
    if cloud is None:
        return ""
    parts = []
    if cloud.project:
        parts.append(f"project {cloud.project}")
    if cloud.account:
        parts.append(f"account {cloud.account}")
    if cloud.region or cloud.location:
        parts.append(f"region {cloud.region or cloud.location}")
    return f" ({', '.join(parts)})" if parts else ""


def _situation_sentence(findings: Findings, option: RegistryOption) -> str:
    if option.key == "keep" and cluster_kind(findings) in ("kind", "k3d") and registry_unchecked(findings):
        return (
            f"tilt_option.json already sets default_registry to {option.default_registry}. The wizard could not "
            "check the cluster's registry, so it keeps that value."
        )
    if option.key == "keep" and cluster_kind(findings) == "unknown":
        return (
            f"tilt_option.json already sets default_registry to {option.default_registry}. The cluster kind is "
            "unknown, so the wizard cannot check whether that registry suits it."
        )
    if option.key == "keep":
        return f"tilt_option.json already sets default_registry to {option.default_registry}, which suits this cluster."
    if option.key == "cluster":
        host = advertised_registry(findings).host
        return f"It advertises the registry {host}, so Tilt pushes there and ignores default_registry on this cluster."
    if option.key == "runtime":
        caveat = docker_caveat(cluster_kind(findings), findings.docker)
        sentence = "Tilt builds images straight into its container runtime, so no registry is needed."
        return f"{sentence} {caveat}" if caveat else sentence
    if option.key == "kind-load" and registry_unchecked(findings):
        return (
            "Its registry could not be checked, so the wizard offers copying images into its nodes with "
            "`kind load docker-image`."
        )
    if option.key == "kind-load":
        return "It has no registry, so Tilt copies images into its nodes with `kind load docker-image`."
    if option.key in ("ecr", "gar", "acr", "docr"):
        return f"It pulls images from {option.title}, so Tilt pushes there."
    sentence = "Tilt needs a registry that this machine can push to and the cluster can pull from."
    if option.key == "team":
        sentence = f"The Tiltfile sets the team registry {team_default(findings)}, and Tilt pushes there."
    note = needs_registry_note(findings)
    if note:
        return f"{note.split('. ')[0].rstrip('.')}. {sentence}"
    return sentence
