"""Tests for finding the registry a cluster advertises, against the fake API server."""

import socket
import sys
import threading
import time

import pytest

from kubeapi_server import closed_port, fake_kube, write_kubeconfig  # noqa: F401
from wizard.model import ClusterResult, Context, RegistryHosting
from wizard.probes.clusters import classify_cluster
from wizard.probes.kubeconfig import load_kubeconfig
from wizard.probes.local_registry import probe_local_registry, registry_host_warnings

REMOTE_NAME = "api.remote-cluster.example"
# An exec credential plugin that takes 0.7 s, longer than the API timeout the test uses.
PLUGIN_PRINTING_TOKEN = "import json, time; time.sleep(0.7); print(json.dumps(" + repr(
    {"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential", "status": {"token": "t"}}
) + "))"


def ctx(server: str, user: dict | None = None) -> Context:
    return Context(name="test", cluster="test-cluster", user="test-user", server=server,
                   cluster_entry={"server": server}, user_entry=user or {})


def cluster(kind: str = "kind") -> ClusterResult:
    return ClusterResult(context="test", cluster="test-cluster", kind=kind)


def codes(result) -> list[str]:
    # Nothing listens at the made-up registry hosts here; test_registry_ping covers that warning.
    return [w.code for w in result.warnings if w.code != "registry-not-answering"]


@pytest.fixture
def fake_dns(monkeypatch):
    """Resolve REMOTE_NAME to 127.0.0.1 and any `.invalid` name to nothing, without asking DNS."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == REMOTE_NAME:
            return real("127.0.0.1", port, *args, **kwargs)
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_local_registry_configmap_both_hosts_kept(fake_kube):
    fake_kube.cluster.hosting = 'host: "127.0.0.1:35489"\nhostFromContainerRuntime: "ctlptl-k3d-registry:5000"\n'

    result = probe_local_registry(ctx(fake_kube.url), cluster("k3d"))

    assert result.reachable is True
    assert result.hosting.host == "127.0.0.1:35489"
    assert result.hosting.host_from_container_runtime == "ctlptl-k3d-registry:5000"
    assert result.hosting.source == "kube-public/local-registry-hosting"
    assert codes(result) == []


def test_local_registry_all_fields(fake_kube):
    fake_kube.cluster.hosting = (
        "host: localhost:5001\nhostFromClusterNetwork: kind-registry:5000\n"
        "help: https://kind.sigs.k8s.io/docs/user/local-registry/\n"
    )

    hosting = probe_local_registry(ctx(fake_kube.url), cluster()).hosting

    assert hosting.host == "localhost:5001"
    assert hosting.host_from_cluster_network == "kind-registry:5000"
    assert hosting.host_from_container_runtime is None
    assert hosting.help == "https://kind.sigs.k8s.io/docs/user/local-registry/"


def test_local_registry_annotation_never_counts(fake_kube):
    fake_kube.cluster.hosting = "host: localhost:5001\n"
    fake_kube.cluster.configmap_annotations = {
        "kubectl.kubernetes.io/last-applied-configuration":
            '{"data":{"localRegistryHosting.v1":"host: \\"localhost:9999\\"\\n"}}',
    }

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting.host == "localhost:5001"


def test_local_registry_unspecified_host_warns(fake_kube):
    fake_kube.cluster.hosting = "host: 0.0.0.0:5000\n"

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting.host == "0.0.0.0:5000"
    assert codes(result) == ["registry-host-unspecified"]


def test_local_registry_unresolved_host_warns(fake_kube, fake_dns):
    fake_kube.cluster.hosting = "host: registry.invalid:5000\n"

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert codes(result) == ["registry-host-unresolved"]
    assert "registry.invalid:5000" in result.warnings[0].message


def test_local_registry_remote_server_localhost_warns(fake_kube, fake_dns):
    fake_kube.cluster.hosting = "host: localhost:5000\n"
    server = f"http://{REMOTE_NAME}:{fake_kube.port}"

    result = probe_local_registry(ctx(server), cluster("unknown"))

    assert result.reachable is True
    assert codes(result) == ["registry-localhost-remote-cluster"]
    assert "laptop's localhost" in result.warnings[0].message


def test_local_registry_configmap_notfound_is_no_registry(fake_kube):
    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.reachable is True
    assert result.hosting is None
    assert result.warnings == []


def test_local_registry_configmap_forbidden_is_no_registry(fake_kube):
    fake_kube.cluster.configmap_status = 403

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert result.warnings == []


def test_local_registry_invalid_yaml_warns(fake_kube):
    fake_kube.cluster.hosting = "host: [unclosed\n"

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert codes(result) == ["registry-configmap-invalid"]


def test_local_registry_not_a_mapping_warns(fake_kube):
    fake_kube.cluster.hosting = "- localhost:5000\n"

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert codes(result) == ["registry-configmap-invalid"]


def test_local_registry_configmap_without_host_falls_through(fake_kube):
    fake_kube.cluster.hosting = "help: https://example.test/registry\n"
    fake_kube.cluster.node_annotations = {"tilt.dev/registry": "localhost:5005"}

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting.host == "localhost:5005"
    assert codes(result) == ["registry-configmap-no-host"]


def test_local_registry_invalid_host_is_no_registry(fake_kube):
    fake_kube.cluster.hosting = 'host: "localhost:5001; rm -rf ~"\n'

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert codes(result) == ["registry-host-invalid"]
    assert "kube-public/local-registry-hosting advertises host 'localhost:5001; rm -rf ~'" in result.warnings[0].message


def test_local_registry_invalid_host_escapes_control_characters(fake_kube):
    fake_kube.cluster.hosting = 'host: "localhost:5001\\x1b[2J"\n'

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert "\x1b" not in result.warnings[0].message
    assert "'localhost:5001\\x1b[2J'" in result.warnings[0].message


@pytest.mark.parametrize("field", ["hostFromContainerRuntime", "hostFromClusterNetwork"])
def test_local_registry_invalid_secondary_host_dropped(fake_kube, field):
    fake_kube.cluster.hosting = f'host: "localhost:5001"\n{field}: "kind-registry:5000 && curl x"\n'

    result = probe_local_registry(ctx(fake_kube.url), cluster())
    hosting = result.hosting

    assert hosting.host == "localhost:5001"
    assert hosting.host_from_container_runtime is None
    assert hosting.host_from_cluster_network is None
    assert codes(result) == ["registry-host-invalid"]
    assert field in result.warnings[0].message


def test_local_registry_url_host_is_invalid(fake_kube):
    fake_kube.cluster.hosting = 'host: "http://localhost:5001"\n'

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert codes(result) == ["registry-host-invalid"]


def test_local_registry_invalid_node_annotation(fake_kube):
    fake_kube.cluster.node_annotations = {"kind.x-k8s.io/registry": "localhost:6000;reboot"}

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.hosting is None
    assert codes(result) == ["registry-host-invalid"]
    assert "node annotation kind.x-k8s.io/registry" in result.warnings[0].message


def test_local_registry_microk8s_service(fake_kube):
    fake_kube.cluster.service_node_port = 32000

    result = probe_local_registry(ctx(fake_kube.url), cluster("microk8s"))

    assert result.hosting.host == "localhost:32000"
    assert result.hosting.source == "container-registry/registry service"
    assert "microk8s-registry-missing" not in codes(result)


def test_local_registry_microk8s_missing_warns(fake_kube):
    result = probe_local_registry(ctx(fake_kube.url), cluster("microk8s"))

    assert result.hosting is None
    assert codes(result) == ["microk8s-registry-missing"]
    assert "microk8s enable registry" in result.warnings[0].message


def test_local_registry_service_only_asked_on_microk8s(fake_kube):
    fake_kube.cluster.service_node_port = 32000

    result = probe_local_registry(ctx(fake_kube.url), cluster("kind"))

    assert result.hosting is None
    assert "/api/v1/namespaces/container-registry/services/registry" not in fake_kube.paths()


def test_local_registry_configmap_before_microk8s(fake_kube):
    fake_kube.cluster.hosting = "host: localhost:5000\n"
    fake_kube.cluster.service_node_port = 32000

    result = probe_local_registry(ctx(fake_kube.url), cluster("microk8s"))

    assert result.hosting.host == "localhost:5000"


def test_local_registry_tilt_node_annotations(fake_kube):
    fake_kube.cluster.node_annotations = {
        "tilt.dev/registry": "localhost:5000",
        "tilt.dev/registry-from-cluster": "registry:5000",
        "kind.x-k8s.io/registry": "localhost:6000",
    }

    hosting = probe_local_registry(ctx(fake_kube.url), cluster()).hosting

    assert hosting.host == "localhost:5000"
    assert hosting.host_from_container_runtime == "registry:5000"
    assert hosting.source == "node annotation tilt.dev/registry"


def test_local_registry_kind_node_annotation(fake_kube):
    fake_kube.cluster.node_annotations = {"kind.x-k8s.io/registry": "localhost:6000"}

    hosting = probe_local_registry(ctx(fake_kube.url), cluster()).hosting

    assert hosting.host == "localhost:6000"
    assert hosting.host_from_container_runtime is None
    assert hosting.source == "node annotation kind.x-k8s.io/registry"


def test_local_registry_node_runtime(fake_kube):
    fake_kube.cluster.node_runtime = "docker://24.0.7"

    result = probe_local_registry(ctx(fake_kube.url), cluster())

    assert result.node_runtime == "docker://24.0.7"


def test_local_registry_no_context():
    result = probe_local_registry(None, classify_cluster(None))

    assert result.reachable is None
    assert result.warnings == []


def test_local_registry_unreachable_cluster():
    result = probe_local_registry(ctx(f"http://127.0.0.1:{closed_port()}"), cluster())

    assert result.reachable is False
    assert result.hosting is None
    assert codes(result) == ["cluster-unreachable"]


def test_local_registry_auth_provider_credentials_failed(fake_kube):
    user = {"auth-provider": {"name": "oidc"}}

    result = probe_local_registry(ctx(fake_kube.url, user), cluster())

    assert result.reachable is None
    assert codes(result) == ["cluster-credentials-failed"]
    assert "oidc" in result.warnings[0].message
    assert 'credentials of user "test-user" could not be obtained' in result.warnings[0].message
    assert fake_kube.requests == []


def test_local_registry_exec_failure_credentials_failed(fake_kube):
    plugin = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": sys.executable,
        "args": ["-c", "import sys; print('secret-in-stderr', file=sys.stderr); sys.exit(3)"],
    }

    result = probe_local_registry(ctx(fake_kube.url, {"exec": plugin}), cluster())

    assert result.reachable is None
    assert codes(result) == ["cluster-credentials-failed"]
    assert "exit status 3" in result.warnings[0].message
    assert "secret-in-stderr" not in result.warnings[0].message


def test_local_registry_missing_certificate_file_credentials_failed(tmp_path):
    user = {"client-certificate": str(tmp_path / "absent.crt"), "client-key": str(tmp_path / "absent.key")}
    context = Context(name="test", cluster="test-cluster", user="test-user", server="https://127.0.0.1:1",
                      cluster_entry={"server": "https://127.0.0.1:1", "insecure-skip-tls-verify": True}, user_entry=user)

    result = probe_local_registry(context, cluster())

    assert result.reachable is None
    assert codes(result) == ["cluster-credentials-failed"]
    assert "absent.crt" in result.warnings[0].message


def test_local_registry_missing_server_not_asked():
    result = probe_local_registry(ctx(""), cluster())

    assert result.reachable is None
    assert codes(result) == ["cluster-config-invalid"]


def test_local_registry_slow_exec_plugin_keeps_api_time(fake_kube, tmp_path):
    fake_kube.cluster.hosting = "host: localhost:5000\n"
    plugin = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": sys.executable,
        "args": ["-c", PLUGIN_PRINTING_TOKEN],
    }

    result = probe_local_registry(ctx(fake_kube.url, {"exec": plugin}), cluster(), timeout=0.5)

    assert result.reachable is True
    assert result.hosting.host == "localhost:5000"


def test_local_registry_unreachable_escapes_context_name():
    context = ctx(f"http://127.0.0.1:{closed_port()}")
    context.name = "dead\x1b[2J"

    result = probe_local_registry(context, cluster())

    assert result.reachable is False
    assert "\x1b" not in result.warnings[0].message
    assert 'context "dead\\x1b[2J"' in result.warnings[0].message


def test_local_registry_unauthorized_warns(fake_kube):
    fake_kube.cluster.token = "right"

    result = probe_local_registry(ctx(fake_kube.url, {"token": "wrong"}), cluster())

    assert result.reachable is True
    assert codes(result) == ["cluster-unauthorized"]
    assert "wrong" not in result.warnings[0].message


def test_local_registry_bearer_token(fake_kube):
    fake_kube.cluster.token = "right"
    fake_kube.cluster.hosting = "host: localhost:5000\n"

    result = probe_local_registry(ctx(fake_kube.url, {"token": "right"}), cluster())

    assert result.hosting.host == "localhost:5000"


def test_local_registry_slow_cluster_within_timeout(fake_kube):
    fake_kube.cluster.delay = 5.0
    started = time.monotonic()

    result = probe_local_registry(ctx(fake_kube.url), cluster("microk8s"), timeout=0.4)

    assert time.monotonic() - started < 0.8
    assert result.reachable is False
    assert codes(result) == ["cluster-unreachable"]


def test_local_registry_requests_run_concurrently(fake_kube):
    fake_kube.cluster.delay = 0.3
    fake_kube.cluster.service_node_port = 32000
    started = time.monotonic()

    result = probe_local_registry(ctx(fake_kube.url), cluster("microk8s"), timeout=2.0)

    assert time.monotonic() - started < 0.7
    assert result.hosting.host == "localhost:32000"
    assert len(fake_kube.requests) == 3


def test_local_registry_from_written_kubeconfig(fake_kube, tmp_path):
    fake_kube.cluster.token = "t0ken"
    fake_kube.cluster.hosting = "host: localhost:5001\n"
    path = write_kubeconfig(tmp_path / "config", fake_kube.url, cluster_name="kind-dev", user={"token": "t0ken"})
    context = load_kubeconfig({"HOME": str(tmp_path), "KUBECONFIG": str(path)}).current

    result = probe_local_registry(context, classify_cluster(context, {"HOME": str(tmp_path)}))

    assert result.hosting.host == "localhost:5001"


def test_registry_host_warnings_remote_server_name():
    hosting = RegistryHosting(host="127.0.0.1:5000", source="kube-public/local-registry-hosting")

    warnings = registry_host_warnings(hosting, "https://api.remote-cluster.example:6443")

    assert [w.code for w in warnings] == ["registry-localhost-remote-cluster"]


@pytest.mark.parametrize(
    "server",
    ["https://127.0.0.1:6443", "https://localhost:6443", "https://[::1]:6443", "https://0.0.0.0:6443",
     "https://kubernetes.docker.internal:6443", "https://host.docker.internal:6443"],
)
def test_registry_host_warnings_local_server(server):
    hosting = RegistryHosting(host="localhost:5000", source="kube-public/local-registry-hosting")

    assert registry_host_warnings(hosting, server) == []


def test_registry_host_warnings_cluster_pulls_elsewhere():
    hosting = RegistryHosting(host="localhost:5000", host_from_container_runtime="registry.corp.test:5000", source="x")

    warnings = registry_host_warnings(hosting, "https://api.remote-cluster.example:6443", timeout=0.0)

    assert warnings == []


def test_registry_host_warnings_slow_lookup_bounded(monkeypatch):
    released = threading.Event()

    def slow_getaddrinfo(*args, **kwargs):
        released.wait(5)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure")

    monkeypatch.setattr(socket, "getaddrinfo", slow_getaddrinfo)
    hosting = RegistryHosting(host="registry.slow.test:5000", source="x")
    started = time.monotonic()

    warnings = registry_host_warnings(hosting, "https://127.0.0.1:6443", timeout=0.2)
    released.set()

    assert time.monotonic() - started < 0.5
    assert [w.code for w in warnings] == ["registry-host-unresolved"]
    assert "within 0.2 s" in warnings[0].message
