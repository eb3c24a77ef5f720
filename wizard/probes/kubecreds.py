"""Client credentials for the Kubernetes API: exec credential plugins and client certificates."""

from __future__ import annotations

import json
import os
import shutil
import ssl
import subprocess
import tempfile

from wizard.model import Context
from wizard.text import escape_control_chars

EXEC_API_VERSIONS = ("client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1")
# Seconds an exec plugin may run. Cloud plugins (aws eks get-token, gke-gcloud-auth-plugin) may
# refresh a token over the network first, which takes longer than the API deadline allows.
EXEC_TIMEOUT = 5.0
_MAX_DETAIL = 200


class CredentialError(Exception):
    """Credentials that cannot be obtained; `kind` is an ApiResult error kind."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def run_exec_plugin(exec_config: dict, context: Context, timeout: float = EXEC_TIMEOUT) -> dict:
    """Run the exec credential plugin of a kubeconfig user and return its ExecCredential status.

    The plugin runs without a terminal and is stopped after `timeout` seconds. Messages name
    the command and its exit status but never quote its stdout or stderr, which may contain secrets.
    """
    command, api_version = _check_exec_config(exec_config, context)
    argv = [command, *[str(arg) for arg in exec_config.get("args") or ()]]
    environment = _plugin_environment(exec_config, context, api_version)
    display_command = escape_control_chars(command)
    check = _manual_check(context)

    try:
        completed = subprocess.run(
            argv, env=environment, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        hint = str(exec_config.get("installHint") or "").strip().splitlines()
        detail = f" {escape_control_chars(hint[0][:_MAX_DETAIL])}" if hint else ""
        message = f"The exec credential plugin {display_command} was not found.{detail}"
        raise CredentialError("credentials", message) from None
    except subprocess.TimeoutExpired:
        raise CredentialError(
            "timeout",
            f"The exec credential plugin {display_command} did not finish within {timeout:g} s. It may be waiting "
            f"for a login or for the network, so {check} to see what it does.",
        ) from None
    except OSError as error:
        message = f"Cannot run the exec credential plugin {display_command}: {error.strerror}."
        raise CredentialError("credentials", message) from None

    if completed.returncode != 0:
        raise CredentialError("credentials", _exit_message(display_command, completed.returncode, check))
    return _parse_exec_output(completed.stdout, display_command, api_version)


def _manual_check(context: Context) -> str:
    """Suggest a command that runs the plugin in a terminal, where its own error output is visible."""
    name = escape_control_chars(context.name)
    return f"run `kubectl --context {name} get nodes`, which runs the plugin, or run the plugin command by hand"


def _exit_message(command: str, returncode: int, check: str) -> str:
    # The plugin's stderr is not quoted because plugins may print tokens or signed URLs there when they fail.
    if returncode < 0:
        failure = f"was stopped by signal {-returncode}"
    else:
        failure = f"failed with exit status {returncode}"
    return f"The exec credential plugin {command} {failure}; {check} to see its error."


def _check_exec_config(exec_config: dict, context: Context) -> tuple[str, str]:
    command = exec_config.get("command")
    api_version = exec_config.get("apiVersion")
    user = escape_control_chars(context.user)
    if not isinstance(command, str) or not command:
        raise CredentialError("config", f'The exec entry of user "{user}" has no command.')
    if api_version not in EXEC_API_VERSIONS:
        raise CredentialError(
            "unsupported",
            f'The exec entry of user "{user}" uses apiVersion "{escape_control_chars(api_version)}"; '
            f"supported: {', '.join(EXEC_API_VERSIONS)}.",
        )
    if exec_config.get("interactiveMode") == "Always":
        raise CredentialError(
            "credentials",
            f"The exec credential plugin {escape_control_chars(command)} needs a terminal (interactiveMode: Always); "
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
            f'"{escape_control_chars(credential.get("apiVersion"))}" instead of "{api_version}".',
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
    except ssl.SSLError:
        raise CredentialError("config", "The kubeconfig's client certificate or key is not valid PEM.") from None
    except OSError as error:
        # ssl.SSLError is an OSError too, so this branch only handles failures to read the files.
        raise CredentialError("config", f"Cannot read the client certificate or key: {error.strerror or error}.") from None
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _as_file(value: bytes | str, directory: str, name: str) -> str:
    if isinstance(value, str):
        display_path = escape_control_chars(value)
        if not os.path.isfile(value):
            message = f"The client certificate or key file {display_path} is missing or not a regular file."
            raise CredentialError("config", message)
        try:
            with open(value, "rb"):
                pass
        except OSError as error:
            message = f"Cannot read the client certificate or key file {display_path}: {error.strerror}."
            raise CredentialError("config", message) from None
        return value
    path = os.path.join(directory, name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(value)
    return path
