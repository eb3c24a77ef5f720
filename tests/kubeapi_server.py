"""A fake Kubernetes API server on 127.0.0.1 for tests, with fixtures and a kubeconfig writer."""

from __future__ import annotations

import base64
import json
import socket
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

CONFIGMAP_PATH = "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting"
SERVICE_PATH = "/api/v1/namespaces/container-registry/services/registry"
NODES_PATH = "/api/v1/nodes"


@dataclass
class FakeCluster:
    """What the fake API server serves; tests change it before or between requests."""

    hosting: str | None = None  # the localRegistryHosting.v1 value; None: no ConfigMap
    configmap_annotations: dict[str, str] = field(default_factory=dict)
    configmap_status: int = 200  # 403 serves a Forbidden Status instead of the ConfigMap
    forbidden_message: str = 'configmaps "local-registry-hosting" is forbidden: User "system:anonymous" cannot get resource'
    service_node_port: int | None = None  # None: no microk8s registry Service
    node_annotations: dict[str, str] = field(default_factory=dict)
    node_runtime: str = "containerd://1.7.13"
    token: str | None = None  # when set, requests need `Authorization: Bearer <token>`
    basic: tuple[str, str] | None = None  # when set, requests need this username and password
    delay: float = 0.0  # seconds to wait before responding to any request


class FakeKubeApi:
    """A ThreadingHTTPServer on 127.0.0.1 (port 0) that responds like a small API server.

    With `tls` (a server ssl.SSLContext) it speaks HTTPS; that context may require client
    certificates. Every request's path and headers are recorded in `requests`.
    """

    def __init__(self, cluster: FakeCluster | None = None, tls: ssl.SSLContext | None = None) -> None:
        self.cluster = cluster or FakeCluster()
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.released = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler, tls)
        self._server.fake = self
        # A short poll interval keeps stop() fast; the default of 0.5 s adds up over many tests.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        scheme = "https" if self._server.tls else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    def start(self) -> FakeKubeApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    fake: FakeKubeApi

    def __init__(self, address, handler, tls: ssl.SSLContext | None) -> None:
        self.tls = tls
        super().__init__(address, handler)

    def finish_request(self, request, client_address) -> None:
        # The TLS handshake runs in the request's own thread, so a failed one never stalls the server.
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class names it so
        pass

    def do_GET(self) -> None:
        fake = self.server.fake
        cluster = fake.cluster
        fake.requests.append((self.path, dict(self.headers)))
        if cluster.delay and fake.released.wait(cluster.delay):
            return

        if not self._authorized(cluster):
            self._send(401, _status(401, "Unauthorized", "Unauthorized"))
            return
        status, body = _route(urlsplit(self.path).path, cluster)
        self._send(status, body)

    def _authorized(self, cluster: FakeCluster) -> bool:
        header = self.headers.get("Authorization", "")
        if cluster.token is not None:
            return header == f"Bearer {cluster.token}"
        if cluster.basic is not None:
            expected = base64.b64encode(":".join(cluster.basic).encode()).decode()
            return header == f"Basic {expected}"
        return True

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        try:
            self.wfile.write(payload)
        except OSError:
            pass


def _route(path: str, cluster: FakeCluster) -> tuple[int, dict]:
    if path == "/version":
        return 200, {"major": "1", "minor": "30", "gitVersion": "v1.30.0"}
    if path == "/api":
        return 200, {"kind": "APIVersions", "versions": ["v1"]}
    if path == "/apis":
        return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": []}
    if path == CONFIGMAP_PATH:
        return _configmap(cluster)
    if path == SERVICE_PATH:
        return _service(cluster)
    if path == NODES_PATH:
        return 200, _nodes(cluster)
    return 404, _status(404, "NotFound", f"the server could not find the requested resource ({path})")


def _status(code: int, reason: str, message: str) -> dict:
    return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message, "reason": reason, "code": code}


def _configmap(cluster: FakeCluster) -> tuple[int, dict]:
    if cluster.configmap_status == 403:
        return 403, _status(403, "Forbidden", cluster.forbidden_message)
    if cluster.hosting is None:
        return 404, _status(404, "NotFound", 'configmaps "local-registry-hosting" not found')
    metadata = {"name": "local-registry-hosting", "namespace": "kube-public", "annotations": cluster.configmap_annotations}
    return 200, {"kind": "ConfigMap", "apiVersion": "v1", "metadata": metadata, "data": {"localRegistryHosting.v1": cluster.hosting}}


def _service(cluster: FakeCluster) -> tuple[int, dict]:
    if cluster.service_node_port is None:
        return 404, _status(404, "NotFound", 'services "registry" not found')
    port = {"name": "registry", "port": 5000, "targetPort": 5000, "nodePort": cluster.service_node_port}
    spec = {"type": "NodePort", "ports": [port]}
    return 200, {"kind": "Service", "apiVersion": "v1", "metadata": {"name": "registry"}, "spec": spec}


def _nodes(cluster: FakeCluster) -> dict:
    node = {
        "metadata": {"name": "node-1", "annotations": cluster.node_annotations},
        "status": {"nodeInfo": {"containerRuntimeVersion": cluster.node_runtime}},
    }
    return {"kind": "NodeList", "apiVersion": "v1", "items": [node]}


def write_kubeconfig(
    path: Path,
    server: str,
    *,
    context: str = "test",
    cluster_name: str = "test-cluster",
    cluster: dict | None = None,
    user: dict | None = None,
    current: bool = True,
) -> Path:
    """Write a one-context kubeconfig for `server`; `cluster` and `user` add entry fields."""
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": {"server": server, **(cluster or {})}}],
        "users": [{"name": "test-user", "user": user or {}}],
        "contexts": [{"name": context, "context": {"cluster": cluster_name, "user": "test-user"}}],
    }
    if current:
        document["current-context"] = context
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def closed_port() -> int:
    """Return a loopback port with nothing listening on it (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def fake_kube():
    """A started plain-HTTP fake API server; stopped after the test."""
    server = FakeKubeApi().start()
    yield server
    server.stop()


def start_tls_kube_api(
    ca,
    cluster: FakeCluster | None = None,
    identities: tuple[str, ...] = ("127.0.0.1", "localhost"),
    require_client_certificate: bool = False,
) -> FakeKubeApi:
    """Start an HTTPS fake API server with a certificate from `ca` (a trustme.CA).

    With `require_client_certificate`, the handshake fails unless the client shows a
    certificate that the same CA issued.
    """
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*identities).configure_cert(tls)
    if require_client_certificate:
        ca.configure_trust(tls)
        tls.verify_mode = ssl.CERT_REQUIRED
    return FakeKubeApi(cluster, tls=tls).start()


# A one-context kubeconfig whose cluster "office" is on a closed loopback port (9, discard).
OFFICE_KUBECONFIG = """\
apiVersion: v1
kind: Config
current-context: office
contexts:
- name: office
  context: {cluster: office, user: office}
clusters:
- name: office
  cluster: {server: "https://127.0.0.1:9"}
users:
- name: office
  user: {}
"""
