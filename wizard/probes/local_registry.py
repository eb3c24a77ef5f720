"""Find the registry a cluster advertises, in the order Tilt looks for it."""

from __future__ import annotations

import ipaddress
import socket
import threading

import yaml

from wizard.errors import InvalidInput
from wizard.imageref import normalize_registry, show
from wizard.model import ClusterResult, Context, LocalRegistryResult, ProbeWarning, RegistryHosting
from wizard.probes.clusters import server_host
from wizard.probes.kubeapi import ApiResult, Deadline, KubeClient
from wizard.probes.registry_ping import ping_registry
from wizard.registry_hosts import host_name, is_loopback, is_unspecified
from wizard.text import escape_control_chars

CONFIGMAP_PATH = "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting"
MICROK8S_SERVICE_PATH = "/api/v1/namespaces/container-registry/services/registry"
# Tilt reads the annotations of the first node only.
NODES_PATH = "/api/v1/nodes?limit=1"
HOSTING_KEY = "localRegistryHosting.v1"

CONFIGMAP_SOURCE = "kube-public/local-registry-hosting"
MICROK8S_SOURCE = "container-registry/registry service"
# Node annotations Tilt reads, in its order: (host annotation, host-from-cluster annotation).
NODE_ANNOTATIONS = (("tilt.dev/registry", "tilt.dev/registry-from-cluster"), ("kind.x-k8s.io/registry", None))

# Names that local cluster tools put in kubeconfig servers and that point at this machine.
_LOCAL_SERVER_NAMES = ("kubernetes.docker.internal", "host.docker.internal", "host.k3d.internal")
# Below this many seconds left, the host lookup is skipped rather than run past the deadline.
_MIN_LOOKUP_SECONDS = 0.05


def probe_local_registry(context: Context | None, cluster: ClusterResult, timeout: float = 2.0) -> LocalRegistryResult:
    """Ask the cluster's API which registry it advertises, within `timeout` seconds once credentials are ready.

    Sources, first match wins as in Tilt: the kube-public/local-registry-hosting ConfigMap,
    microk8s's registry Service, then the first node's annotations. An exec credential plugin
    runs first with its own time limit (kubecreds.EXEC_TIMEOUT), and `timeout` starts after it.
    An unreachable cluster gives reachable=False and a warning. No context, or a kubeconfig
    entry or credentials that cannot be used, gives reachable=None because the API is never asked.
    """
    if context is None:
        return LocalRegistryResult(reachable=None)

    client = KubeClient(context, timeout)
    deadline = client.deadline
    result = LocalRegistryResult()
    if client.setup_error is not None:
        return _api_not_contacted(result, context, client.setup_error)

    paths = {"configmap": CONFIGMAP_PATH, "nodes": NODES_PATH}
    if cluster.kind == "microk8s":
        paths["service"] = MICROK8S_SERVICE_PATH
    responses = _get_concurrently(client, paths, deadline)
    if not any(response.answered for response in responses.values()):
        return _unreachable(result, context, responses["configmap"])

    result.reachable = True
    if any(response.error == "unauthorized" for response in responses.values()):
        result.warnings.append(_unauthorized_warning(context, client.server_url))
        return result

    node = _first_node(responses["nodes"])
    result.node_runtime = _node_runtime(node)
    result.hosting = _hosting_from_configmap(responses["configmap"], result.warnings)
    if result.hosting is None and "service" in responses:
        result.hosting = _hosting_from_microk8s(responses["service"], result)
    if result.hosting is None:
        result.hosting = _hosting_from_node(node)
    if result.hosting is not None:
        result.hosting = validated_hosting(result.hosting, result.warnings)

    result.warnings.extend(_request_warnings(responses))
    if result.hosting is not None:
        result.warnings.extend(registry_host_warnings(result.hosting, context.server, deadline.remaining()))
        _check_registry_answers(result, deadline)
    return result


def _check_registry_answers(result: LocalRegistryResult, deadline: Deadline) -> None:
    """Ping an advertised registry on this machine; a stopped registry container is a common failure.

    Only loopback hosts are pinged: those are the ones Tilt pushes to from this machine, and a
    probe must not reach out to remote hosts the user did not choose.
    """
    host = result.hosting.host
    if not is_loopback(host) or deadline.remaining() <= 0:
        return
    ping = ping_registry(host, timeout=min(1.0, deadline.remaining()))
    if not ping.answered:
        result.warnings.append(ProbeWarning(
            "registry-not-answering",
            f"The cluster's registry {escape_control_chars(host)} does not answer "
            f"({escape_control_chars(ping.failure)}). Start the registry container "
            "(`docker ps -a` lists it; ctlptl names it ctlptl-registry), or Tilt's pushes will fail.",
        ))


def _get_concurrently(client: KubeClient, paths: dict[str, str], deadline: Deadline) -> dict[str, ApiResult]:
    """GET every path at once; a request still running at the deadline counts as timed out."""
    responses: dict[str, ApiResult] = {}

    def fetch(name: str, path: str) -> None:
        responses[name] = client.get(path)

    # Daemon threads, so that a request stuck past its socket timeout never holds up exit.
    threads = [threading.Thread(target=fetch, args=item, daemon=True) for item in paths.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(deadline.remaining() + 0.05)

    late = ApiResult(error="timeout", message=f"The Kubernetes API did not respond within {deadline.seconds:g} s.")
    return {name: responses.get(name, late) for name in paths}


def _unreachable(result: LocalRegistryResult, context: Context, response: ApiResult) -> LocalRegistryResult:
    result.reachable = False
    result.warnings.append(
        ProbeWarning(
            "cluster-unreachable",
            f'Cannot ask the cluster of context "{escape_control_chars(context.name)}" for its registry: '
            f"{response.message} The wizard continues with what the kubeconfig shows.",
        )
    )
    return result


def _api_not_contacted(result: LocalRegistryResult, context: Context, setup_error: ApiResult) -> LocalRegistryResult:
    """Record why the API was never contacted; reachable stays None because nothing was tried on the network."""
    result.reachable = None
    name = escape_control_chars(context.name)
    if setup_error.credentials_failed:
        user = escape_control_chars(context.user)
        warning = ProbeWarning(
            "cluster-credentials-failed",
            f'The wizard did not ask the cluster of context "{name}" for its registry, because the '
            f'credentials of user "{user}" could not be obtained: {setup_error.message} '
            "The wizard continues with what the kubeconfig shows.",
        )
    else:
        warning = ProbeWarning(
            "cluster-config-invalid",
            f'The wizard did not ask the cluster of context "{name}" for its registry, because its kubeconfig '
            f"entry cannot be used: {setup_error.message} The wizard continues with what the kubeconfig shows.",
        )
    result.warnings.append(warning)
    return result


def _unauthorized_warning(context: Context, server_url: str) -> ProbeWarning:
    return ProbeWarning(
        "cluster-unauthorized",
        f'The Kubernetes API at {server_url} rejected the credentials of user "{escape_control_chars(context.user)}" '
        "(HTTP 401); log in to the cluster again, check with `kubectl get nodes`, then rerun the wizard.",
    )


def _request_warnings(responses: dict[str, ApiResult]) -> list[ProbeWarning]:
    """Warn about requests that failed for a reason other than "no such object" or "denied"."""
    warnings = []
    for response in responses.values():
        if response.error is not None and response.error not in ("notfound", "forbidden"):
            warnings.append(ProbeWarning("cluster-request-failed", response.message))
    return warnings


def parse_hosting(text: str, source: str = CONFIGMAP_SOURCE) -> RegistryHosting | None:
    """Parse a localRegistryHosting.v1 value; None when it sets no host.

    Raises yaml.YAMLError for invalid YAML and ValueError when the value is not a mapping.
    """
    fields = yaml.safe_load(text)
    if fields is None:
        return None
    if not isinstance(fields, dict):
        raise ValueError("the value is not a YAML mapping")

    host = _field(fields, "host")
    if host is None:
        return None
    return RegistryHosting(
        host=host,
        host_from_container_runtime=_field(fields, "hostFromContainerRuntime"),
        host_from_cluster_network=_field(fields, "hostFromClusterNetwork"),
        help=_field(fields, "help"),
        source=source,
    )


def _field(fields: dict, key: str) -> str | None:
    value = fields.get(key)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None


def _hosting_from_configmap(response: ApiResult, warnings: list[ProbeWarning]) -> RegistryHosting | None:
    # NotFound and Forbidden mean "no registry" to Tilt; annotations such as
    # last-applied-configuration are never read, because only `data` is what the cluster advertises.
    if not response.ok or not isinstance(response.body, dict):
        return None
    data = response.body.get("data")
    text = data.get(HOSTING_KEY) if isinstance(data, dict) else None
    if not isinstance(text, str):
        return None

    try:
        hosting = parse_hosting(text)
    except (yaml.YAMLError, ValueError) as error:
        reason = "invalid YAML" if isinstance(error, yaml.YAMLError) else str(error)
        warnings.append(
            ProbeWarning(
                "registry-configmap-invalid",
                f"The ConfigMap {CONFIGMAP_SOURCE} has an unusable {HOSTING_KEY} ({reason}), so Tilt finds "
                "no registry in it; fix or delete the ConfigMap.",
            )
        )
        return None

    if hosting is None:
        warnings.append(
            ProbeWarning(
                "registry-configmap-no-host",
                f"The ConfigMap {CONFIGMAP_SOURCE} sets no host, so Tilt finds no registry in it.",
            )
        )
    return hosting


def _hosting_from_microk8s(response: ApiResult, result: LocalRegistryResult) -> RegistryHosting | None:
    if response.error == "notfound":
        result.warnings.append(
            ProbeWarning(
                "microk8s-registry-missing",
                "microk8s has no registry yet (no Service registry in namespace container-registry); "
                "run `microk8s enable registry`, then rerun the wizard.",
            )
        )
        return None
    if not response.ok or not isinstance(response.body, dict):
        return None

    ports = (response.body.get("spec") or {}).get("ports") or []
    node_port = ports[0].get("nodePort") if ports and isinstance(ports[0], dict) else None
    if not node_port:
        result.warnings.append(
            ProbeWarning(
                "microk8s-registry-no-nodeport",
                "The microk8s registry Service (container-registry/registry) has no nodePort, so Tilt "
                "cannot push to it; run `microk8s disable registry` and `microk8s enable registry`.",
            )
        )
        return None
    # NOTE: Tilt also gives up when localhost resolves to IPv6 first; that check is not made here.
    return RegistryHosting(host=f"localhost:{node_port}", source=MICROK8S_SOURCE)


def _first_node(response: ApiResult) -> dict | None:
    if not response.ok or not isinstance(response.body, dict):
        return None
    items = response.body.get("items")
    if isinstance(items, list) and items and isinstance(items[0], dict):
        return items[0]
    return None


def _node_runtime(node: dict | None) -> str | None:
    if node is None:
        return None
    info = (node.get("status") or {}).get("nodeInfo") or {}
    runtime = info.get("containerRuntimeVersion")
    return runtime if isinstance(runtime, str) and runtime else None


def _hosting_from_node(node: dict | None) -> RegistryHosting | None:
    if node is None:
        return None
    annotations = (node.get("metadata") or {}).get("annotations") or {}
    for host_key, from_cluster_key in NODE_ANNOTATIONS:
        host = annotations.get(host_key)
        if isinstance(host, str) and host.strip():
            from_cluster = annotations.get(from_cluster_key) if from_cluster_key else None
            return RegistryHosting(
                host=host.strip(),
                host_from_container_runtime=from_cluster.strip() if isinstance(from_cluster, str) and from_cluster.strip() else None,
                source=f"node annotation {host_key}",
            )
    return None


def validated_hosting(hosting: RegistryHosting, warnings: list[ProbeWarning]) -> RegistryHosting | None:
    """Drop every advertised host that is not a valid registry, with a warning for each.

    An invalid `host` leaves no registry at all, because Tilt pushes to `host`. An invalid
    hostFromContainerRuntime or hostFromClusterNetwork is treated as not set.
    """
    fields = (
        ("host", "host"),
        ("host_from_container_runtime", "hostFromContainerRuntime"),
        ("host_from_cluster_network", "hostFromClusterNetwork"),
    )
    for attribute, name in fields:
        value = getattr(hosting, attribute)
        problem = value and _advertised_host_problem(value)
        if not problem:
            continue
        warnings.append(
            ProbeWarning(
                "registry-host-invalid",
                f"{hosting.source} advertises {name} {show(value)}, which is not a valid registry "
                f"({problem.rstrip('.')}), so the wizard ignores it. Fix the cluster's registry setup.",
            )
        )
        if attribute == "host":
            return None
        setattr(hosting, attribute, None)
    return hosting


def _advertised_host_problem(value: str) -> str | None:
    """Return why an advertised host is not a registry as Tilt's default_registry takes it, or None."""
    try:
        registry, notices = normalize_registry(value)
    except InvalidInput as error:
        return error.message
    # A URL scheme or a trailing / is cleaned up for typed values, but the cluster must advertise the bare host.
    if registry != value:
        return notices[0] if notices else "it has surrounding blanks"
    return None


def registry_host_warnings(hosting: RegistryHosting, server: str, timeout: float = 1.0) -> list[ProbeWarning]:
    """Check an advertised registry for hosts that cannot work; the DNS lookup is bounded by `timeout`."""
    warnings = []
    name = host_name(hosting.host)

    if is_unspecified(name):
        warnings.append(
            ProbeWarning(
                "registry-host-unspecified",
                f"{hosting.source} advertises the registry host {escape_control_chars(hosting.host)}, which is a "
                "listen address and not one to push to; Docker pushes over plain HTTP only to localhost and 127.0.0.0/8, "
                "so use localhost with the same port.",
            )
        )
    elif name and not _is_ip(name) and not is_loopback(name):
        warnings.extend(_lookup_warnings(hosting, name, timeout))

    pull_host = hosting.host_from_container_runtime or hosting.host
    server_name = server_host(server)
    pulls_locally = is_loopback(pull_host) or is_unspecified(pull_host)
    if pulls_locally and server_name and not _is_local_server(server_name):
        warnings.append(
            ProbeWarning(
                "registry-localhost-remote-cluster",
                f"The cluster's API server {escape_control_chars(server_name)} is not on this machine, but the "
                f"cluster pulls from {escape_control_chars(pull_host)} ({hosting.source}): the cluster cannot pull "
                "from the laptop's localhost. Use a registry both can reach.",
            )
        )
    return warnings


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def _is_local_server(name: str) -> bool:
    return is_loopback(name) or is_unspecified(name) or name in _LOCAL_SERVER_NAMES


def _lookup_warnings(hosting: RegistryHosting, name: str, timeout: float) -> list[ProbeWarning]:
    if timeout < _MIN_LOOKUP_SECONDS:
        return []
    resolved = host_resolves(name, timeout)
    if resolved is True:
        return []
    if resolved is None:
        reason = f"did not resolve within {timeout:.1f} s"
    else:
        reason = "does not resolve on this machine"
    return [
        ProbeWarning(
            "registry-host-unresolved",
            f"The registry host {escape_control_chars(hosting.host)} ({hosting.source}) {reason}, so pushes to it "
            "will fail; "
            "check the name or your DNS settings.",
        )
    ]


def host_resolves(name: str, timeout: float) -> bool | None:
    """Look `name` up with the system resolver; None when the lookup takes longer than `timeout`."""
    outcome: list[bool] = []

    def lookup() -> None:
        try:
            socket.getaddrinfo(name, None)
            outcome.append(True)
        except (OSError, UnicodeError):
            outcome.append(False)

    # getaddrinfo has no timeout of its own, so it runs in a daemon thread that is left behind when slow.
    thread = threading.Thread(target=lookup, daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome[0] if outcome else None
