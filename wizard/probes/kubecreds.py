"""Client credentials for the Kubernetes API: exec credential plugins and client certificates."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile
from typing import TYPE_CHECKING

from wizard.model import Context

if TYPE_CHECKING:
    from wizard.probes.kubeapi import Deadline

EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
_MAX_DETAIL = 200


class CredentialError(Exception):
    """Credentials that cannot be obtained; `kind` is an ApiResult error kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def run_exec_plugin(exec_config: dict, context: Context, deadline: Deadline) -> dict:
    """Run the exec credential plugin of a kubeconfig user and return its ExecCredential status.

    The plugin runs without a terminal, within the time left on `deadline`. Messages name
    the command and at most the last line of its stderr, never what it printed on stdout.
    """
    command, api_version = _check_exec_config(exec_config, context)
    argv = [command, *[str(arg) for arg in exec_config.get("args") or ()]]
    environment = _plugin_environment(exec_config, context, api_version)

    try:
        completed = subprocess.run(
            argv,
            env=environment,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=max(deadline.remaining(), 0.01),
            check=False,
        )
    except FileNotFoundError:
        hint = str(exec_config.get("installHint") or "").strip().splitlines()
        detail = f" {hint[0][:_MAX_DETAIL]}" if hint else ""
        raise CredentialError("credentials", f"The exec credential plugin {command} was not found.{detail}") from None
    except subprocess.TimeoutExpired:
        raise CredentialError(
            "timeout", f"The exec credential plugin {command} did not finish within {deadline.seconds:g} s."
        ) from None
    except OSError as error:
        raise CredentialError("credentials", f"Cannot run the exec credential plugin {command}: {error.strerror}.") from None

    if completed.returncode != 0:
        raise CredentialError(
            "credentials",
            f"The exec credential plugin {command} failed with exit status {completed.returncode}"
            f"{_last_line(completed.stderr)}.",
        )
    return _parse_exec_output(completed.stdout, command, api_version)


def _check_exec_config(exec_config: dict, context: Context) -> tuple[str, str]:
    command = exec_config.get("command")
    api_version = exec_config.get("apiVersion")
    if not isinstance(command, str) or not command:
        raise CredentialError("config", f'The exec entry of user "{context.user}" has no command.')
    if api_version not in EXEC_API_VERSIONS:
        raise CredentialError(
            "unsupported",
            f'The exec entry of user "{context.user}" uses apiVersion "{api_version}"; '
            f"supported: {', '.join(EXEC_API_VERSIONS)}.",
        )
    if exec_config.get("interactiveMode") == "Always":
        raise CredentialError(
            "credentials",
            f"The exec credential plugin {command} needs a terminal (interactiveMode: Always); "
            "run a kubectl command once to log in, then rerun the wizard.",
        )
    return command, api_version


def _plugin_environment(exec_config: dict, context: Context, api_version: str) -> dict[str, str]:
    environment = dict(os.environ)
    for entry in exec_config.get("env") or ():
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            environment[entry["name"]] = str(entry.get("value", ""))

    spec: dict = {"interactive": False}
    if exec_config.get("provideClusterInfo"):
        cluster = context.cluster_entry
        spec["cluster"] = {
            key: cluster[key]
            for key in ("server", "tls-server-name", "insecure-skip-tls-verify", "certificate-authority-data")
            if key in cluster
        }
    info = {"apiVersion": api_version, "kind": "ExecCredential", "spec": spec}
    environment["KUBERNETES_EXEC_INFO"] = json.dumps(info)
    return environment


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return f": {lines[-1][:_MAX_DETAIL]}" if lines else ""


def _parse_exec_output(stdout: bytes, command: str, api_version: str) -> dict:
    try:
        credential = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        credential = None
    if not isinstance(credential, dict) or credential.get("kind") != "ExecCredential":
        raise CredentialError("credentials", f"The exec credential plugin {command} did not print an ExecCredential.")
    if credential.get("apiVersion") != api_version:
        raise CredentialError(
            "credentials",
            f"The exec credential plugin {command} answered with apiVersion "
            f'"{credential.get("apiVersion")}" instead of "{api_version}".',
        )

    status = credential.get("status")
    has_token = isinstance(status, dict) and status.get("token")
    has_certificate = isinstance(status, dict) and status.get("clientCertificateData") and status.get("clientKeyData")
    if not has_token and not has_certificate:
        raise CredentialError(
            "credentials", f"The exec credential plugin {command} returned neither a token nor a client certificate."
        )
    return status


def load_client_certificate(tls: ssl.SSLContext, certificate: bytes | str, key: bytes | str) -> None:
    """Load a client certificate and key, each a file path or PEM bytes, into `tls`.

    ssl can load a key only from a file, so PEM bytes go to a private temporary directory
    (mode 0700, files 0600) that is removed as soon as the key is loaded.
    """
    directory = tempfile.mkdtemp(prefix="tilt-registry-wizard-")
    try:
        certificate_path = _as_file(certificate, directory, "client.crt")
        key_path = _as_file(key, directory, "client.key")
        tls.load_cert_chain(certificate_path, key_path)
    except (OSError, ssl.SSLError):
        raise CredentialError("config", "The kubeconfig's client certificate or key is not valid PEM.") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _as_file(value: bytes | str, directory: str, name: str) -> str:
    if isinstance(value, str):
        if not os.path.isfile(value):
            raise CredentialError("config", f"The client certificate or key file {value} is missing.")
        return value
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value)
    return path
