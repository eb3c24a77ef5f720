"""ping_registry and the cluster-registry liveness check against a real docker-registry."""

import socket

from kubeapi_server import closed_port, fake_kube, write_kubeconfig  # noqa: F401
from registry_server import auth_registry, registry  # noqa: F401
from wizard.model import ClusterResult
from wizard.probes import local_registry
from wizard.probes.kubeconfig import load_kubeconfig
from wizard.probes.local_registry import probe_local_registry
from wizard.probes.registry_ping import ping_registry


def test_ping_registry_plain_answers_over_http(registry):
    ping = ping_registry(registry.host)
    assert ping.answered
    assert ping.scheme == "http"
    assert ping.status == 200
    assert not ping.auth_required


def test_ping_registry_htpasswd_wants_login(auth_registry):
    ping = ping_registry(auth_registry.host)
    assert ping.answered
    assert ping.status == 401
    assert ping.auth_required
    assert "wants a login" in ping.message


def test_ping_registry_closed_port(tmp_path):
    ping = ping_registry(f"127.0.0.1:{closed_port()}")
    assert not ping.answered
    assert "connection refused" in ping.message


def probe_with_hosting(home, fake_kube, host):
    fake_kube.cluster.hosting = f'host: "{host}"\n'
    config = write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="kind-dev", cluster_name="kind-dev")
    kubeconfig = load_kubeconfig({"HOME": str(home), "KUBECONFIG": str(config)})
    cluster = ClusterResult(context="kind-dev", cluster="kind-dev", kind="kind", server=fake_kube.url)
    return probe_local_registry(kubeconfig.current, cluster)


def test_local_registry_running_registry_answers(home, fake_kube, registry):
    result = probe_with_hosting(home, fake_kube, registry.host)
    assert "registry-not-answering" not in [warning.code for warning in result.warnings]


def test_local_registry_stopped_registry_warns(home, fake_kube):
    result = probe_with_hosting(home, fake_kube, f"localhost:{closed_port()}")
    warning = next(w for w in result.warnings if w.code == "registry-not-answering")
    assert "docker ps -a" in warning.message


def test_local_registry_remote_host_not_pinged(home, fake_kube, monkeypatch):
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        # Answer for the made-up name without asking DNS; nothing may reach a non-loopback host.
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    pinged = []
    monkeypatch.setattr(local_registry, "ping_registry", lambda host, timeout: pinged.append(host))
    result = probe_with_hosting(home, fake_kube, "registry.example.invalid:5000")
    assert pinged == []
    assert "registry-not-answering" not in [warning.code for warning in result.warnings]
