"""Turn Findings into ordered registry options, the recommended one first."""

from __future__ import annotations

from pathlib import Path

from wizard.errors import WizardError
from wizard.imageref import (
    PREVIEW_TAG,
    familiar_name,
    has_registry_host,
    mask_credentials,
    push_reference,
    registry_problem,
    show,
)
from wizard.model import RUNTIME_KINDS, Findings, RegistryHosting, RegistryOption
from wizard.options import (
    KIND_CTLPTL,
    acr_option,
    custom_option,
    docr_option,
    ecr_option,
    gar_option,
    kind_load_option,
    public_options,
)
from wizard.plan import repeats_team_default
from wizard.probes.clusters import server_host
from wizard.registry_hosts import fits_cloud_kind, is_loopback, registry_host
from wizard.runtime_build import docker_caveat

CLOUD_KINDS = ("eks", "gke", "aks", "doks")
KIND_LABELS = {
    "docker-desktop": "Docker Desktop", "rancher-desktop": "Rancher Desktop", "orbstack": "OrbStack",
    "colima": "Colima", "kind": "kind", "k3d": "k3d", "minikube": "minikube", "microk8s": "MicroK8s",
    "crc": "CodeReady Containers", "krucible": "Krucible", "gke": "GKE", "eks": "EKS", "aks": "AKS",
    "doks": "DigitalOcean Kubernetes",
}
_AN_LABELS = ("OrbStack", "EKS", "AKS")


def with_article(label: str) -> str:
    """Return the label with "a" or "an" before it, as it is spoken ("an EKS")."""
    return f"an {label}" if label in _AN_LABELS else f"a {label}"


def recommend(findings: Findings) -> list[RegistryOption]:
    """Return the options for the cluster in `findings`, recommended first, each with its reason.

    Works on partial findings (probes still running): missing parts count as unknown. The ttl.sh
    name depends only on the user and the project directory, so every run offers the same one.

    A cluster that advertises a registry, or whose runtime needs no push, gets one option that
    leaves tilt_option.json as it is: Tilt ignores its registry settings there, and the user
    still needs them on other clusters. Only an invalid default_registry is removed then.

    Elsewhere, a default_registry already in tilt_option.json becomes the "keep" option. It comes
    first only when it still suits the cluster. A cloud cluster gets its own provider's registry,
    kind without a registry is not made to push, and a cluster that runs in containers or
    elsewhere is not asked to pull from a loopback host. On a kind or k3d cluster whose API could
    not be asked for its registry, "keep" comes first too. Otherwise the usual recommendation
    comes first, its reason states what changes, and "keep" follows it.
    """
    options = _options_forcluster_kind(findings)
    options = _with_current(findings, options)
    options.append(custom_option())
    for index, option in enumerate(options):
        option.recommended = index == 0
    return options


def cluster_kind(findings: Findings) -> str:
    """Return the cluster kind in `findings`, "unknown" while the cluster is not classified yet."""
    return findings.cluster.kind if findings.cluster else "unknown"


def advertised_registry(findings: Findings) -> RegistryHosting | None:
    """Return the registry the cluster advertises, or None (also while the check runs)."""
    return findings.local_registry.hosting if findings.local_registry else None


def _node_runtime(findings: Findings) -> str | None:
    return findings.local_registry.node_runtime if findings.local_registry else None


def team_default(findings: Findings) -> str | None:
    """Return the registry of the Tiltfile's own default_registry call, or None."""
    return findings.project.team_default if findings.project else None


def registry_unchecked(findings: Findings) -> bool:
    """Tell whether the cluster's API has not yet returned whether it advertises a registry."""
    local = findings.local_registry
    return local is None or local.reachable is not True


def _project_directory(findings: Findings) -> Path:
    return findings.project.directory if findings.project else Path(".")


def _options_forcluster_kind(findings: Findings) -> list[RegistryOption]:
    kind = cluster_kind(findings)
    hosting = advertised_registry(findings)
    runtime = _node_runtime(findings)
    if hosting:
        return [_cluster_option(findings, hosting)]
    if kind in CLOUD_KINDS:
        return _cloud_options(findings, kind)
    if kind in RUNTIME_KINDS and (kind == "docker-desktop" or _is_docker_runtime(runtime)):
        return [_runtime_option(findings)]
    if kind == "minikube" and _is_docker_runtime(runtime):
        return [_runtime_option(findings)]
    if kind == "kind" and not team_default(findings):
        return [kind_load_option(registry_checked=not registry_unchecked(findings))]
    return _push_options(findings, needs_registry_note(findings))


def _is_docker_runtime(runtime: str | None) -> bool:
    return runtime is None or runtime.startswith("docker")


def _cluster_option(findings: Findings, hosting: RegistryHosting) -> RegistryOption:
    source = f" in {hosting.source}" if hosting.source else ""
    advertises = f"The cluster advertises the registry {hosting.host}{source}, so Tilt pushes there"
    kept_note = _kept_sentence(findings)
    if kept_note:
        reason = f"{advertises}. {kept_note}"
    else:
        reason = f"{advertises} and ignores default_registry on this cluster. Nothing needs to be written."
    if hosting.host_from_container_runtime:
        reason += (
            f" Tilt pushes to {hosting.host} from this machine and writes "
            f"{hosting.host_from_container_runtime} into the YAML, which is how the cluster's nodes reach it."
        )
    prefixed = [image for image in _images(findings) if has_registry_host(image)]
    if prefixed:
        example = _preview(prefixed[0], hosting.host, None)
        reason += f" {prefixed[0]} already names a registry host, so Tilt pushes it as {example}."
    return RegistryOption(
        key="cluster", title=f"Use the cluster's registry ({hosting.host})", reason=reason, push=True,
        keeps_option_file=True,
    )


def _runtime_option(findings: Findings) -> RegistryOption:
    kind = cluster_kind(findings)
    if kind == "minikube":
        reason = (
            "minikube runs Docker inside the cluster, and Tilt builds with that Docker daemon "
            "(as `minikube docker-env` does), so images are on the node without a push. No registry is needed."
        )
    else:
        reason = (
            f"{KIND_LABELS.get(kind, kind)} runs images from the same container runtime that builds them, "
            "so Tilt builds straight into the cluster's runtime and skips the push. No registry is needed."
        )
    kept_note = _kept_sentence(findings)
    if kept_note:
        reason += " " + kept_note
    runtime = _node_runtime(findings)
    if kind == "docker-desktop" and not _is_docker_runtime(runtime):
        reason += (
            f" The node runs {runtime}, which works only with Docker Desktop's containerd image store turned on."
        )
    caveat = docker_caveat(kind, findings.docker)
    if caveat:
        reason += " " + caveat
    return RegistryOption(
        key="runtime", title="Build into the cluster's container runtime", reason=reason, push=False,
        keeps_option_file=True,
    )


def _kept_sentence(findings: Findings) -> str | None:
    """Say that tilt_option.json keeps its valid default_registry for other clusters, or return None."""
    current = _current_options(findings)
    value = current.get("default_registry")
    if not isinstance(value, str) or not value or registry_problem(value):
        return None
    extras = [key for key in ("host_from_cluster", "single_name") if _string_or_none(current.get(key))]
    with_extras = f" (with its {' and '.join(extras)})" if extras else ""
    return f"tilt_option.json keeps default_registry = {value}{with_extras} for other clusters, and Tilt ignores it on this one."


def needs_registry_note(findings: Findings) -> str | None:
    """Explain why a local cluster needs a registry after all, and how to give it one."""
    kind = cluster_kind(findings)
    runtime = _node_runtime(findings) or "a runtime other than Docker"
    label = KIND_LABELS.get(kind, kind)
    if kind == "minikube":
        return (
            f"minikube runs {runtime}, so Tilt cannot build into it. To keep images local, run "
            "`minikube addons enable registry` or recreate the cluster with "
            "`ctlptl create cluster minikube --registry=ctlptl-registry`, then run the wizard again."
        )
    if kind == "microk8s":
        return (
            "MicroK8s has no registry yet. Run `microk8s enable registry` and then the wizard again, "
            "which finds the registry in the container-registry namespace."
        )
    if kind in ("kind", "k3d") and registry_unchecked(findings):
        local = findings.local_registry
        because = ", because its API did not answer" if local and local.reachable is False else ""
        return (
            f"The wizard could not check whether this {kind} cluster has a registry{because}. "
            "If it has one, run the wizard again once the cluster answers."
        )
    if kind == "k3d":
        return (
            "The k3d cluster advertises no registry. To add one, run "
            "`ctlptl create registry ctlptl-registry --port=5005` and recreate the cluster with "
            "`ctlptl create cluster k3d --registry=ctlptl-registry`, then run the wizard again."
        )
    if kind == "kind":
        return f"kind has no registry of its own. To add one, run {KIND_CTLPTL}."
    if kind in RUNTIME_KINDS:
        return f"{label} runs {runtime}, so Tilt cannot build into it and needs a registry."
    return None


def _cloud_options(findings: Findings, kind: str) -> list[RegistryOption]:
    cloud = findings.cluster.cloud if findings.cluster else None
    builders = {"eks": ecr_option, "gke": gar_option, "aks": acr_option, "doks": docr_option}
    primary = builders[kind](cloud)
    team = _team_option(findings)
    if team is None:
        return [primary]
    if fits_cloud_kind(team_default(findings), kind, cloud):
        return [team, primary]
    return [primary, team]


def _team_option(findings: Findings) -> RegistryOption | None:
    team = team_default(findings)
    if not team:
        return None
    personal = _current_options(findings).get("default_registry")
    option = RegistryOption(key="team", title=f"Use the team default ({team})", reason="")
    if not isinstance(personal, str) or not personal:
        option.reason = (
            f"The Tiltfile already calls default_registry('{team}'), so Tilt pushes there and there is "
            "nothing personal to write."
        )
        return option
    # An invalid value may hold credentials or control characters, so it is shown masked and escaped.
    displayed = show(mask_credentials(personal)) if registry_problem(personal) else personal
    option.removes_registry = displayed
    option.reason = (
        f"The Tiltfile already calls default_registry('{team}'). This choice removes the personal "
        f"default_registry {displayed} from tilt_option.json, so Tilt pushes to {team}."
    )
    return option


def _push_options(findings: Findings, note: str | None) -> list[RegistryOption]:
    public = public_options(_project_directory(findings))
    options = [option for option in (_team_option(findings), *public) if option]
    if note:
        options[0].reason = f"{note} {options[0].reason}"
    return options


def _current_options(findings: Findings) -> dict:
    project = findings.project
    options = project.options if project and isinstance(project.options, dict) else {}
    return options


def _with_current(findings: Findings, options: list[RegistryOption]) -> list[RegistryOption]:
    """Add the "keep" option for a default_registry already in tilt_option.json (see recommend)."""
    current = _current_options(findings)
    value = current.get("default_registry")
    if not isinstance(value, str) or not value:
        return options

    problem = _current_registry_problem(findings, value, options[0])
    if registry_problem(value):
        # Tilt rejects an invalid value on every cluster, so even an option that keeps the file removes it.
        options[0].keeps_option_file = False
        # An invalid value may hold credentials or control characters, so it is shown masked and escaped.
        _note_replacement(options[0], show(mask_credentials(value)), problem)
        return options
    if options[0].keeps_option_file:
        return options
    call = findings.project.default_registry_call if findings.project else None
    host_from_cluster = _string_or_none(current.get("host_from_cluster"))
    single_name = _string_or_none(current.get("single_name"))
    if repeats_team_default(call, value, host_from_cluster, single_name):
        # Keeping a copy of the team default is planned as the team choice, which removes the copy.
        return options

    reason = f"tilt_option.json already sets default_registry to {value}; keeping it changes nothing."
    if cluster_kind(findings) in ("kind", "k3d") and registry_unchecked(findings):
        # Without the cluster's registry the wizard cannot tell whether the value is still right.
        problem = None
        reason += " The wizard could not ask the cluster for its registry, so it does not suggest a change."
    keep = RegistryOption(
        key="keep", title=f"Keep {value}",
        reason=reason,
        default_registry=value,
        host_from_cluster=host_from_cluster,
        single_name=single_name,
    )
    # A ttl.sh name already in use is kept rather than offering a second, newly derived one.
    kept_ttl = registry_host(value) == "ttl.sh"
    others = [
        option for option in options
        if (option.default_registry != value or option.needs_input) and not (kept_ttl and option.key == "ttl")
    ]
    if not problem:
        return [keep] + others
    _note_replacement(others[0], value, problem)
    return others[:1] + [keep] + others[1:]


def _note_replacement(option: RegistryOption, value: str, problem: str) -> None:
    if option.removes_registry:
        # The option's reason already names the value it removes.
        option.reason = f"tilt_option.json sets default_registry to {value}, which {problem}. {option.reason}"
        return
    verb = "removes" if option.default_registry is None and not option.needs_input else "replaces"
    if verb == "removes":
        option.removes_registry = value
    option.reason = f"tilt_option.json sets default_registry to {value}, which {problem}. This choice {verb} it. {option.reason}"


def _string_or_none(value) -> str | None:
    return value if isinstance(value, str) and value else None


def _current_registry_problem(findings: Findings, value: str, usual: RegistryOption) -> str | None:
    """Return why the registry in tilt_option.json does not suit this cluster (a clause), or None."""
    problem = registry_problem(value)
    if problem:
        return f"is not valid ({problem.rstrip('.')})"
    if usual.key == "kind-load":
        return "makes Tilt push there instead of copying images into the nodes with `kind load`"
    kind = cluster_kind(findings)
    cloud = findings.cluster.cloud if findings.cluster else None
    if kind in CLOUD_KINDS and not fits_cloud_kind(value, kind, cloud):
        return f"is not the registry {with_article(KIND_LABELS[kind])} cluster pulls from without extra setup"
    if is_loopback(registry_host(value)) and not _cluster_on_loopback(findings):
        return "is a loopback address that the cluster's nodes cannot pull from"
    return None


def _cluster_on_loopback(findings: Findings) -> bool:
    # MicroK8s nodes run on this machine itself; kind, k3d and minikube nodes are containers or VMs.
    kind = cluster_kind(findings)
    server = findings.cluster.server if findings.cluster else ""
    if kind == "microk8s":
        return True
    return kind == "unknown" and is_loopback(server_host(server or ""))


def _images(findings: Findings) -> list[str]:
    return list(findings.project.images) if findings.project else []


def _preview(image: str, registry: str | None, single_name: str | None) -> str:
    try:
        if registry:
            return push_reference(image, registry, single_name)
        return f"{familiar_name(image)}:{PREVIEW_TAG}"
    except WizardError as error:
        return f"(invalid: {error.message})"


def push_previews(
    findings: Findings, default_registry: str | None = None, single_name: str | None = None
) -> list[tuple[str, str]]:
    """Return (image, reference Tilt pushes it to) for every image the Tiltfile builds.

    A registry the cluster advertises wins over everything, as in Tilt; then `default_registry`
    (the choice); then the Tiltfile's own default_registry call. Without any, Tilt keeps the name.
    """
    hosting = advertised_registry(findings)
    call = findings.project.default_registry_call if findings.project else None
    if hosting:
        registry, single_name = hosting.host, None
    elif default_registry:
        registry = default_registry
    elif call and call.host:
        registry, single_name = call.host, call.single_name
    else:
        registry = None
    return [(image, _preview(image, registry, single_name)) for image in _images(findings)]

