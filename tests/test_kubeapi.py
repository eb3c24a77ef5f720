"""Tests for the standard-library Kubernetes API client against the fake API server."""

import base64
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import pytest
import trustme

from kubeapi_server import FakeCluster, FakeKubeApi, closed_port, fake_kube, start_tls_kube_api  # noqa: F401
from wizard.model import Context
from wizard.probes import kubecreds
from wizard.probes.kubeapi import DEFAULT_TIMEOUT, KubeClient
from wizard.probes.kubecreds import EXEC_TIMEOUT

TOKEN = "s3cret-token-value"


def get_json(context, path, timeout=DEFAULT_TIMEOUT, exec_timeout=EXEC_TIMEOUT):
    """GET one path with a fresh client, as each probe request does."""
    return KubeClient(context, timeout, exec_timeout).get(path)


def ctx(server, cluster=None, user=None) -> Context:
    return Context(
        name="test",
        cluster="test-cluster",
        user="test-user",
        server=server,
        cluster_entry={"server": server, **(cluster or {})},
        user_entry=user or {},
    )


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@pytest.fixture
def ca():
    return trustme.CA()


def exec_plugin(tmp_path, status: dict, api_version="client.authentication.k8s.io/v1", exit_code=0, sleep=0.0):
    """Write a Python exec credential plugin that checks its environment and prints `status`."""
    script = tmp_path / "plugin.py"
    credential = {"apiVersion": api_version, "kind": "ExecCredential", "status": status}
    script.write_text(
        textwrap.dedent(
            f"""
            import json, os, sys, time
            info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
            if info["apiVersion"] != {api_version!r} or info["spec"]["interactive"] is not False:
                sys.exit(5)
            if os.environ.get("PLUGIN_FLAVOUR") != "test":
                sys.exit(6)
            time.sleep({sleep})
            if {exit_code}:
                print("token expired, log in again", file=sys.stderr)
                print(json.dumps({credential!r}))
                sys.exit({exit_code})
            print(json.dumps({credential!r}))
            """
        ),
        encoding="utf-8",
    )
    return {
        "apiVersion": api_version,
        "command": sys.executable,
        "args": [str(script)],
        "env": [{"name": "PLUGIN_FLAVOUR", "value": "test"}],
    }


def test_kubeapi_plain_get(fake_kube):
    result = get_json(ctx(fake_kube.url), "/version")

    assert result.ok
    assert result.status == 200
    assert result.body["gitVersion"] == "v1.30.0"


def test_kubeapi_discovery_paths(fake_kube):
    client = KubeClient(ctx(fake_kube.url))

    assert client.get("/api").body["versions"] == ["v1"]
    assert client.get("/apis").body["kind"] == "APIGroupList"


def test_kubeapi_server_trailing_slash(fake_kube):
    result = get_json(ctx(fake_kube.url + "/"), "/version")

    assert result.ok
    assert fake_kube.paths() == ["/version"]


def test_kubeapi_server_path_prefix(fake_kube):
    get_json(ctx(fake_kube.url + "/k8s/clusters/c-1"), "/version")

    assert fake_kube.paths() == ["/k8s/clusters/c-1/version"]


def test_kubeapi_wrong_field_type_is_config_error(fake_kube):
    plain = get_json(ctx(fake_kube.url, {"certificate-authority": ["a", "b"]}), "/version")
    https = get_json(ctx("https://127.0.0.1:1", {"certificate-authority": ["a", "b"]}), "/version")

    assert plain.ok
    assert https.error == "config"


def test_kubeapi_notfound(fake_kube):
    result = get_json(ctx(fake_kube.url), "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting")

    assert result.error == "notfound"
    assert result.status == 404
    assert "not found" in result.message


def test_kubeapi_forbidden(fake_kube):
    fake_kube.cluster.configmap_status = 403

    result = get_json(ctx(fake_kube.url), "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting")

    assert result.error == "forbidden"


def test_kubeapi_bearer_token(fake_kube):
    fake_kube.cluster.token = TOKEN

    result = get_json(ctx(fake_kube.url, user={"token": TOKEN}), "/version")

    assert result.ok


def test_kubeapi_wrong_token_unauthorized(fake_kube):
    fake_kube.cluster.token = TOKEN

    result = get_json(ctx(fake_kube.url, user={"token": "wrong"}), "/version")

    assert result.error == "unauthorized"
    assert result.answered


def test_kubeapi_token_file(fake_kube, tmp_path):
    fake_kube.cluster.token = TOKEN
    (tmp_path / "token").write_text(TOKEN + "\n", encoding="utf-8")

    result = get_json(ctx(fake_kube.url, user={"tokenFile": str(tmp_path / "token")}), "/version")

    assert result.ok


def test_kubeapi_missing_token_file(fake_kube, tmp_path):
    result = get_json(ctx(fake_kube.url, user={"tokenFile": str(tmp_path / "absent")}), "/version")

    assert result.error == "config"
    assert fake_kube.requests == []


def test_kubeapi_basic_auth(fake_kube):
    fake_kube.cluster.basic = ("admin", "pa55")

    result = get_json(ctx(fake_kube.url, user={"username": "admin", "password": "pa55"}), "/version")

    assert result.ok


def test_kubeapi_unreachable_port():
    result = get_json(ctx(f"http://127.0.0.1:{closed_port()}"), "/version")

    assert result.error == "unreachable"
    assert result.status is None
    assert not result.answered


def test_kubeapi_slow_server_times_out(fake_kube):
    fake_kube.cluster.delay = 5.0
    started = time.monotonic()

    result = get_json(ctx(fake_kube.url), "/version", timeout=0.3)

    assert result.error == "timeout"
    assert time.monotonic() - started < 1.0


def test_kubeapi_deadline_shared_by_requests(fake_kube):
    fake_kube.cluster.delay = 0.2
    client = KubeClient(ctx(fake_kube.url), timeout=0.3)

    first = client.get("/version")
    second = client.get("/version")

    assert first.ok
    assert second.error == "timeout"


@pytest.mark.parametrize("server", ["", "ftp://127.0.0.1:1", "https://", "not a url"])
def test_kubeapi_invalid_server(server):
    result = get_json(ctx(server), "/version")

    assert result.error == "config"


def test_kubeapi_auth_provider_unsupported(fake_kube):
    user = {"auth-provider": {"name": "gcp", "config": {"access-token": TOKEN}}}

    result = get_json(ctx(fake_kube.url, user=user), "/version")

    assert result.error == "unsupported"
    assert "gcp" in result.message
    assert TOKEN not in result.message


def test_kubeapi_tls_ca_data(ca):
    server = start_tls_kube_api(ca)
    try:
        cluster = {"certificate-authority-data": b64(ca.cert_pem.bytes())}
        result = get_json(ctx(server.url, cluster), "/version")
    finally:
        server.stop()

    assert result.ok


def test_kubeapi_tls_ca_file(ca, tmp_path):
    ca.cert_pem.write_to_path(str(tmp_path / "ca.crt"))
    server = start_tls_kube_api(ca)
    try:
        result = get_json(ctx(server.url, {"certificate-authority": str(tmp_path / "ca.crt")}), "/version")
    finally:
        server.stop()

    assert result.ok


def test_kubeapi_tls_wrong_ca(ca):
    other = trustme.CA()
    server = start_tls_kube_api(ca)
    try:
        result = get_json(ctx(server.url, {"certificate-authority-data": b64(other.cert_pem.bytes())}), "/version")
    finally:
        server.stop()

    assert result.error == "tls"
    assert not result.answered


def test_kubeapi_tls_missing_ca_file(tmp_path):
    result = get_json(ctx("https://127.0.0.1:1", {"certificate-authority": str(tmp_path / "ca.crt")}), "/version")

    assert result.error == "config"
    assert "ca.crt" in result.message


def test_kubeapi_tls_invalid_ca_data():
    result = get_json(ctx("https://127.0.0.1:1", {"certificate-authority-data": "%%%"}), "/version")

    assert result.error == "config"


def test_kubeapi_tls_insecure_skip_verify(ca):
    server = start_tls_kube_api(ca)
    try:
        result = get_json(ctx(server.url, {"insecure-skip-tls-verify": True}), "/version")
    finally:
        server.stop()

    assert result.ok


def test_kubeapi_tls_server_name(ca):
    server = start_tls_kube_api(ca, identities=("kube.cluster.test",))
    cluster = {"certificate-authority-data": b64(ca.cert_pem.bytes())}
    try:
        mismatched = get_json(ctx(server.url, cluster), "/version")
        named = get_json(ctx(server.url, {**cluster, "tls-server-name": "kube.cluster.test"}), "/version")
    finally:
        server.stop()

    assert mismatched.error == "tls"
    assert named.ok


def test_kubeapi_client_certificate_data(ca):
    server = start_tls_kube_api(ca, require_client_certificate=True)
    client_cert = ca.issue_cert("test-user@example.test")
    user = {
        "client-certificate-data": b64(client_cert.cert_chain_pems[0].bytes()),
        "client-key-data": b64(client_cert.private_key_pem.bytes()),
    }
    cluster = {"certificate-authority-data": b64(ca.cert_pem.bytes())}
    try:
        with_certificate = get_json(ctx(server.url, cluster, user), "/version")
        without_certificate = get_json(ctx(server.url, cluster), "/version")
    finally:
        server.stop()

    assert with_certificate.ok
    assert without_certificate.error in ("tls", "unreachable")


def test_kubeapi_client_certificate_files(ca, tmp_path):
    server = start_tls_kube_api(ca, require_client_certificate=True)
    client_cert = ca.issue_cert("test-user@example.test")
    client_cert.cert_chain_pems[0].write_to_path(str(tmp_path / "client.crt"))
    client_cert.private_key_pem.write_to_path(str(tmp_path / "client.key"))
    user = {"client-certificate": str(tmp_path / "client.crt"), "client-key": str(tmp_path / "client.key")}
    try:
        result = get_json(ctx(server.url, {"certificate-authority-data": b64(ca.cert_pem.bytes())}, user), "/version")
    finally:
        server.stop()

    assert result.ok


def test_kubeapi_client_key_temp_files_removed(ca, monkeypatch):
    created = []
    original = tempfile.mkdtemp

    def recording_mkdtemp(*args, **kwargs):
        path = original(*args, **kwargs)
        created.append((path, os.stat(path).st_mode & 0o777))
        return path

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    client_cert = ca.issue_cert("test-user@example.test")
    user = {
        "client-certificate-data": b64(client_cert.cert_chain_pems[0].bytes()),
        "client-key-data": b64(client_cert.private_key_pem.bytes()),
    }

    client = KubeClient(ctx("https://127.0.0.1:1", {"insecure-skip-tls-verify": True}, user))

    assert client.setup_error is None
    assert len(created) == 1
    assert created[0][1] == 0o700
    assert not os.path.exists(created[0][0])


def test_kubeapi_missing_client_key_file(tmp_path):
    user = {"client-certificate": str(tmp_path / "c.crt"), "client-key": str(tmp_path / "c.key")}

    result = get_json(ctx("https://127.0.0.1:1", {"insecure-skip-tls-verify": True}, user), "/version")

    assert result.error == "config"
    assert "c.crt" in result.message


@pytest.mark.parametrize("api_version", ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"])
def test_kubeapi_exec_plugin_token(fake_kube, tmp_path, api_version):
    fake_kube.cluster.token = TOKEN
    user = {"exec": exec_plugin(tmp_path, {"token": TOKEN}, api_version)}

    result = get_json(ctx(fake_kube.url, user=user), "/version")

    assert result.ok
    assert fake_kube.requests[0][1]["Authorization"] == f"Bearer {TOKEN}"


def test_kubeapi_exec_plugin_client_certificate(ca, tmp_path):
    server = start_tls_kube_api(ca, require_client_certificate=True)
    client_cert = ca.issue_cert("test-user@example.test")
    status = {
        "clientCertificateData": client_cert.cert_chain_pems[0].bytes().decode(),
        "clientKeyData": client_cert.private_key_pem.bytes().decode(),
    }
    user = {"exec": exec_plugin(tmp_path, status)}
    try:
        result = get_json(ctx(server.url, {"certificate-authority-data": b64(ca.cert_pem.bytes())}, user), "/version")
    finally:
        server.stop()

    assert result.ok


def test_kubeapi_exec_plugin_failure_hides_output(fake_kube, tmp_path):
    user = {"exec": exec_plugin(tmp_path, {"token": TOKEN}, exit_code=1)}

    result = get_json(ctx(fake_kube.url, user=user), "/version")

    assert result.error == "credentials"
    assert result.credentials_failed
    assert "token expired, log in again" not in result.message
    assert TOKEN not in result.message
    assert f"{sys.executable} failed with exit status 1" in result.message
    assert "`kubectl --context test get nodes`" in result.message
    assert fake_kube.requests == []


def test_kubeapi_exec_plugin_killed_by_signal(fake_kube, tmp_path):
    config = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": sys.executable,
        "args": ["-c", "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"],
    }

    result = get_json(ctx(fake_kube.url, user={"exec": config}), "/version")

    assert result.error == "credentials"
    assert "stopped by signal 9" in result.message


def test_kubeapi_exec_plugin_not_found(fake_kube, tmp_path):
    config = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "command": str(tmp_path / "no-such-plugin"),
        "installHint": "Install the plugin from your cloud's CLI.\nMore text.",
    }

    result = get_json(ctx(fake_kube.url, user={"exec": config}), "/version")

    assert result.error == "credentials"
    assert "no-such-plugin was not found" in result.message
    assert "Install the plugin" in result.message


def test_kubeapi_exec_plugin_slow_times_out(fake_kube, tmp_path):
    user = {"exec": exec_plugin(tmp_path, {"token": TOKEN}, sleep=5)}
    started = time.monotonic()

    result = get_json(ctx(fake_kube.url, user=user), "/version", exec_timeout=0.3)

    assert result.error == "timeout"
    assert result.credentials_failed
    assert time.monotonic() - started < 1.5
    assert f"{sys.executable} did not finish within 0.3 s" in result.message
    assert "`kubectl --context test get nodes`" in result.message
    assert fake_kube.requests == []


def test_kubeapi_exec_plugin_time_not_in_api_timeout(fake_kube, tmp_path):
    fake_kube.cluster.token = TOKEN
    user = {"exec": exec_plugin(tmp_path, {"token": TOKEN}, sleep=0.6)}

    result = get_json(ctx(fake_kube.url, user=user), "/version", timeout=0.4)

    assert result.ok


def test_kubeapi_exec_plugin_default_budget(fake_kube, monkeypatch):
    budgets = []

    def slow_run(argv, **kwargs):
        budgets.append(kwargs["timeout"])
        raise subprocess.TimeoutExpired(argv, kwargs["timeout"])

    monkeypatch.setattr(kubecreds.subprocess, "run", slow_run)
    config = {"apiVersion": "client.authentication.k8s.io/v1", "command": "cloud-auth-plugin"}

    result = get_json(ctx(fake_kube.url, user={"exec": config}), "/version", timeout=2.0)

    assert budgets == [5.0]
    assert "cloud-auth-plugin did not finish within 5 s" in result.message


def test_kubeapi_credentials_failed_flag(fake_kube, tmp_path):
    auth_provider = get_json(ctx(fake_kube.url, user={"auth-provider": {"name": "oidc"}}), "/version")
    missing_key = get_json(
        ctx("https://127.0.0.1:1", {"insecure-skip-tls-verify": True},
            {"client-certificate": str(tmp_path / "c.crt"), "client-key": str(tmp_path / "c.key")}),
        "/version",
    )
    missing_authority = get_json(ctx("https://127.0.0.1:1", {"certificate-authority": str(tmp_path / "ca.crt")}), "/version")
    unreachable = get_json(ctx(f"http://127.0.0.1:{closed_port()}"), "/version")

    assert auth_provider.credentials_failed
    assert missing_key.credentials_failed
    assert not missing_authority.credentials_failed
    assert not unreachable.credentials_failed


def test_kubeapi_status_message_escaped(fake_kube):
    fake_kube.cluster.configmap_status = 403
    fake_kube.cluster.forbidden_message = "denied\x1b[2J\x1b]0;owned\x07"

    result = get_json(ctx(fake_kube.url), "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting")

    assert result.error == "forbidden"
    assert "\x1b" not in result.message
    assert "\x07" not in result.message
    assert "denied\\x1b[2J" in result.message


def test_kubeapi_context_name_escaped():
    context = Context(name="dead\x1b[2J", server="")

    result = get_json(context, "/version")

    assert result.error == "config"
    assert "\x1b" not in result.message
    assert 'Context "dead\\x1b[2J"' in result.message


def test_kubeapi_exec_plugin_old_api_version(fake_kube):
    config = {"apiVersion": "client.authentication.k8s.io/v1alpha1", "command": "true"}

    result = get_json(ctx(fake_kube.url, user={"exec": config}), "/version")

    assert result.error == "unsupported"


def test_kubeapi_exec_plugin_bad_output(fake_kube, tmp_path):
    script = tmp_path / "bad.py"
    script.write_text("print(" + repr(json.dumps({"kind": "Something"})) + ")\n", encoding="utf-8")
    config = {"apiVersion": "client.authentication.k8s.io/v1", "command": sys.executable, "args": [str(script)]}

    result = get_json(ctx(fake_kube.url, user={"exec": config}), "/version")

    assert result.error == "credentials"


def test_kubeapi_token_not_in_messages(fake_kube):
    fake_kube.cluster.token = "other"

    result = get_json(ctx(fake_kube.url, user={"token": TOKEN}), "/version")

    assert result.error == "unauthorized"
    assert TOKEN not in result.message
    assert TOKEN not in repr(KubeClient(ctx(fake_kube.url, user={"token": TOKEN})).context)


def test_kubeapi_fake_server_reusable():
    server = FakeKubeApi(FakeCluster(hosting="host: localhost:5000\n")).start()
    try:
        result = get_json(ctx(server.url), "/api/v1/namespaces/kube-public/configmaps/local-registry-hosting")
    finally:
        server.stop()

    assert result.body["data"]["localRegistryHosting.v1"] == "host: localhost:5000\n"


@pytest.mark.parametrize(
    "server", ["https://admin:pa55word@127.0.0.1:99999", "https://admin:pa55word@127.0.0.1:99999/path@x"]
)
def test_kube_client_messages_hide_userinfo(server):
    result = get_json(ctx(server), "/version", timeout=0.3)
    assert result.message
    assert "pa55word" not in result.message
    assert "admin" not in result.message
    assert "127.0.0.1" in result.message
