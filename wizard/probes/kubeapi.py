"""A minimal Kubernetes API client on the standard library, built from one kubeconfig context."""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from wizard.model import Context
from wizard.probes.kubecreds import EXEC_TIMEOUT, CredentialError, load_client_certificate, run_exec_plugin
from wizard.text import escape_control_chars, strip_userinfo

DEFAULT_TIMEOUT = 2.0
# Larger bodies are cut off: the probes read one ConfigMap, one Service and one node.
MAX_BODY_BYTES = 8 * 1024 * 1024
_READ_CHUNK = 64 * 1024

_STATUS_ERRORS = {401: "unauthorized", 403: "forbidden", 404: "notfound"}


@dataclass
class ApiResult:
    """The outcome of one API request; `error` is None for a 2xx response.

    Error kinds: config, credentials, unsupported (the kubeconfig cannot be used),
    unreachable, timeout, tls (no HTTP answer), unauthorized, forbidden, notfound,
    http (another status), invalid (a body that is not JSON).
    """

    status: int | None = None
    body: Any = None
    error: str | None = None
    message: str = ""
    # The API was not contacted because the user's credentials could not be obtained or loaded.
    credentials_failed: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def answered(self) -> bool:
        """Whether the API server sent an HTTP response at all."""
        return self.status is not None


class Deadline:
    """A point in time shared by every step of one probe."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    prefix: str

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


class _SetupError(Exception):
    def __init__(self, kind: str, message: str, credentials_failed: bool = False) -> None:
        super().__init__(message)
        self.result = ApiResult(error=kind, message=message, credentials_failed=credentials_failed)


class _HTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that can check the certificate against another name (tls-server-name)."""

    def __init__(self, host: str, port: int, timeout: float, context: ssl.SSLContext, server_name: str) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._tls_context = context
        self._server_name = server_name

    def connect(self) -> None:
        http.client.HTTPConnection.connect(self)
        self.sock = self._tls_context.wrap_socket(self.sock, server_hostname=self._server_name)


class KubeClient:
    """GET requests to the API server of one context, all within one deadline.

    The constructor obtains the credentials first, running an exec plugin for up to
    `exec_timeout` seconds. The `timeout` deadline for the requests starts after that.
    A kubeconfig entry that cannot be used (a missing certificate file, a failing exec
    plugin, an auth-provider, a field of the wrong type) does not raise. It is kept in
    `setup_error` and returned by every `get`. `get` is safe to call from several threads.
    """

    def __init__(self, context: Context, timeout: float = DEFAULT_TIMEOUT, exec_timeout: float = EXEC_TIMEOUT) -> None:
        self.context = context
        self.setup_error: ApiResult | None = None
        self._headers = {"Accept": "application/json", "User-Agent": "tilt-registry-wizard"}
        self._tls: ssl.SSLContext | None = None
        self._server_name = ""
        try:
            self._target = _parse_server(context)
            self._configure(exec_timeout)
        except _SetupError as error:
            self.setup_error = error.result
        except (TypeError, ValueError, AttributeError):
            # A hand-edited kubeconfig can hold a list or number where a string belongs.
            name = escape_control_chars(context.name)
            message = f'The kubeconfig entries of context "{name}" have a field of the wrong type.'
            self.setup_error = ApiResult(error="config", message=message)
        self.deadline = Deadline(timeout)

    @property
    def server_url(self) -> str:
        """The server as scheme://host:port, without any user info or path, with control characters escaped."""
        server = self._target.url if self.setup_error is None else strip_userinfo(self.context.server)
        return escape_control_chars(server)

    def get(self, path: str) -> ApiResult:
        """GET `path` (e.g. "/api/v1/nodes") and return the status with the parsed JSON body."""
        if self.setup_error is not None:
            return self.setup_error
        if self.deadline.remaining() <= 0:
            return self._timeout_result()

        connection = self._connect()
        try:
            connection.request("GET", self._target.prefix + path, headers=self._headers)
            _arm(connection.sock, self.deadline)
            response = connection.getresponse()
            raw = _read_body(response, connection, self.deadline)
        except TimeoutError:
            return self._timeout_result()
        except ssl.SSLError as error:
            return ApiResult(error="tls", message=f"TLS with the Kubernetes API at {self.server_url} failed: {_reason(error)}.")
        except (OSError, http.client.HTTPException) as error:
            return ApiResult(error="unreachable", message=f"Cannot reach the Kubernetes API at {self.server_url}: {_reason(error)}.")
        finally:
            connection.close()

        return _result(response.status, raw, path)

    def _timeout_result(self) -> ApiResult:
        return ApiResult(
            error="timeout",
            message=f"The Kubernetes API at {self.server_url} did not respond within {self.deadline.seconds:g} s.",
        )

    # NOTE: HTTPS_PROXY and the cluster's proxy-url are not honoured, unlike kubectl.
    def _connect(self) -> http.client.HTTPConnection:
        target, timeout = self._target, self.deadline.remaining()
        if self._tls is None:
            return http.client.HTTPConnection(target.host, target.port, timeout=timeout)
        return _HTTPSConnection(target.host, target.port, timeout, self._tls, self._server_name)

    def _configure(self, exec_timeout: float) -> None:
        cluster = self.context.cluster_entry
        if self._target.scheme == "https":
            self._tls = _tls_context(cluster)
            self._server_name = str(cluster.get("tls-server-name") or self._target.host)

        try:
            self._configure_credentials(self.context.user_entry, exec_timeout)
        except CredentialError as error:
            raise _SetupError(error.kind, error.message, credentials_failed=True) from None
        except _SetupError as error:
            error.result.credentials_failed = True
            raise

    def _configure_credentials(self, user: dict, exec_timeout: float) -> None:
        if "auth-provider" in user:
            provider = user["auth-provider"].get("name", "?") if isinstance(user["auth-provider"], dict) else "?"
            raise _SetupError(
                "unsupported",
                f'User "{escape_control_chars(self.context.user)}" uses the auth-provider '
                f'"{escape_control_chars(provider)}", which the wizard does not support; switch the kubeconfig '
                "to an exec credential plugin (for GKE: gke-gcloud-auth-plugin).",
            )

        certificate, key = _file_or_data(user, "client-certificate"), _file_or_data(user, "client-key")
        token = user.get("token") or _read_token_file(user)

        exec_config = user.get("exec")
        if isinstance(exec_config, dict) and not token:
            status = run_exec_plugin(exec_config, self.context, exec_timeout)
            token = status.get("token")
            if status.get("clientCertificateData") and status.get("clientKeyData"):
                certificate = status["clientCertificateData"].encode()
                key = status["clientKeyData"].encode()

        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        elif user.get("username") and user.get("password"):
            pair = f"{user['username']}:{user['password']}".encode()
            self._headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")

        if certificate and key and self._tls is not None:
            load_client_certificate(self._tls, certificate, key)


def _parse_server(context: Context) -> _Target:
    server = context.server
    if not server:
        raise _SetupError("config", f'Context "{escape_control_chars(context.name)}" has no cluster server URL.')
    try:
        parts = urlsplit(server)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        name, display_server = escape_control_chars(context.name), escape_control_chars(strip_userinfo(server))
        raise _SetupError("config", f'The server URL of context "{name}" is invalid: {display_server}.')

    default_port = 443 if parts.scheme == "https" else 80
    return _Target(parts.scheme, parts.hostname, port or default_port, parts.path.rstrip("/"))


def _tls_context(cluster: dict) -> ssl.SSLContext:
    """Build the TLS settings from the cluster entry; kubectl trusts only the given CA when one is set."""
    authority_file = cluster.get("certificate-authority")
    authority_data = _decode(cluster, "certificate-authority-data")

    if cluster.get("insecure-skip-tls-verify") is True:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if not authority_file and not authority_data:
        return ssl.create_default_context()

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        if authority_data:
            context.load_verify_locations(cadata=authority_data.decode("ascii"))
        else:
            context.load_verify_locations(cafile=authority_file)
    except FileNotFoundError:
        display_path = escape_control_chars(authority_file)
        raise _SetupError("config", f"The certificate-authority file {display_path} is missing.") from None
    except (OSError, ssl.SSLError, UnicodeDecodeError, ValueError):
        raise _SetupError("config", "The cluster's certificate-authority is not a valid PEM certificate.") from None
    return context


def _decode(entry: dict, key: str) -> bytes | None:
    value = entry.get(key)
    if not value:
        return None
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise _SetupError("config", f"The kubeconfig field {key} is not valid base64.") from None


def _file_or_data(user: dict, key: str) -> bytes | str | None:
    """Return the file path of `key`, or the decoded bytes of `key`-data."""
    data = _decode(user, f"{key}-data")
    return data if data else (user.get(key) or None)


def _read_token_file(user: dict) -> str | None:
    path = user.get("tokenFile")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip() or None
    except (OSError, UnicodeDecodeError):
        message = f"Cannot read the tokenFile {escape_control_chars(path)} of the kubeconfig user."
        raise _SetupError("config", message) from None


def _arm(sock: Any, deadline: Deadline) -> None:
    """Give the socket the time left; a zero timeout would make it non-blocking."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise TimeoutError
    if sock is not None:
        sock.settimeout(remaining)


def _read_body(response: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: Deadline) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BODY_BYTES:
        _arm(connection.sock, deadline)
        chunk = response.read(_READ_CHUNK)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _result(status: int, raw: bytes, path: str) -> ApiResult:
    try:
        body = json.loads(raw) if raw else None
    except (ValueError, UnicodeDecodeError):
        body = None
        if 200 <= status < 300:
            return ApiResult(status, None, "invalid", f"The Kubernetes API returned a body that is not JSON for {path}.")

    if 200 <= status < 300:
        return ApiResult(status, body)
    detail = body.get("message") if isinstance(body, dict) else None
    # The API server's message is shown, escaped, because a proxy in front of it can send anything.
    detail_text = f": {escape_control_chars(str(detail)[:300])}" if detail else ""
    message = f"GET {path} returned HTTP {status}{detail_text}."
    return ApiResult(status, body, _STATUS_ERRORS.get(status, "http"), message)


def _reason(error: BaseException) -> str:
    if isinstance(error, ssl.SSLCertVerificationError) and error.verify_message:
        return error.verify_message
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
