"""Check that a registry responds to the distribution API's version check, `GET /v2/`."""

from __future__ import annotations

import http.client
import ssl
from dataclasses import dataclass

from wizard.registry_hosts import is_loopback


@dataclass(frozen=True)
class RegistryPing:
    """A registry's response to `GET /v2/`, or why there was none."""

    host: str
    answered: bool
    scheme: str | None = None  # the scheme that got a response: https or http
    status: int | None = None
    auth_required: bool = False  # 401: the registry wants a login
    message: str = ""
    failure: str = ""  # why it did not answer, e.g. "connection refused"


def ping_registry(host: str, timeout: float = 1.0) -> RegistryPing:
    """Send `GET /v2/` to `host` (host[:port]) over HTTPS, then plain HTTP for loopback hosts.

    Docker falls back to plain HTTP only for registries it treats as insecure, and it treats
    127.0.0.0/8 that way by default, so only loopback hosts get the fallback here.
    """
    schemes = ("https", "http") if is_loopback(host) else ("https",)
    failure = ""
    for scheme in schemes:
        try:
            status, headers = _get_v2(scheme, host, timeout)
        except (OSError, http.client.HTTPException) as error:
            failure = _describe(error, timeout)
            continue
        auth_required = status == 401 and "www-authenticate" in headers
        return RegistryPing(host, True, scheme, status, auth_required, _answer(host, scheme, status))
    return RegistryPing(host, False, message=f"{host} did not respond: {failure}", failure=failure)


def _get_v2(scheme: str, host: str, timeout: float) -> tuple[int, dict[str, str]]:
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, timeout=timeout)
    try:
        connection.request("GET", "/v2/", headers={"User-Agent": "tilt-registry-wizard"})
        response = connection.getresponse()
        response.read(4096)
        return response.status, {name.lower(): value for name, value in response.getheaders()}
    finally:
        connection.close()


def _describe(error: BaseException, timeout: float) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    return str(error) or type(error).__name__


def _answer(host: str, scheme: str, status: int) -> str:
    if status == 200:
        return f"{host} answers over {scheme}"
    if status == 401:
        return f"{host} answers over {scheme} and wants a login"
    return f"{host} answers over {scheme} with HTTP {status}, which is not what a registry returns"
