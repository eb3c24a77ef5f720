"""Docker client configuration probe: config.json, credential helpers, Docker host and context."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from wizard.files import json_type_name
from wizard.model import DockerResult, ProbeWarning
from wizard.text import escape_control_chars

_ECR_WILDCARD = re.compile(r"^\*\.dkr\.ecr(-fips)?\.\*\.")


def probe_docker(env: Mapping[str, str] | None = None) -> DockerResult:
    """Read Docker's config.json, credential helpers, DOCKER_HOST and the current Docker context.

    Keeps only the host names of `auths` entries, never their `auth`, `password` or token values.
    Expected failures (missing, empty, unreadable or invalid file) become the state and warnings.
    """
    env = os.environ if env is None else env
    config_dir = _config_dir(env)
    result = DockerResult(config_path=config_dir / "config.json")

    config = _read_config(result)
    if config is not None:
        _read_credentials(config, result)
        _check_credentials(result, env.get("PATH", os.defpath))

    _read_docker_host(config or {}, config_dir, env, result)
    return result


def _config_dir(env: Mapping[str, str]) -> Path:
    if env.get("DOCKER_CONFIG"):
        return Path(env["DOCKER_CONFIG"])
    home = env.get("HOME") or os.path.expanduser("~")
    return Path(home) / ".docker"


def _read_config(result: DockerResult) -> dict | None:
    """Parse config.json into a dict, or record why it cannot be used and return None."""
    path = result.config_path
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        result.config_state = "missing"
        return None
    except OSError as error:
        result.config_state = "unreadable"
        reason = error.strerror or type(error).__name__
        result.warnings.append(
            ProbeWarning(
                "docker-config-unreadable", f"Cannot read the Docker config {escape_control_chars(path)}: {reason}."
            )
        )
        return None

    if not data.strip():
        result.config_state = "empty"
        return None

    config, problem = _parse_config(data)
    if problem is not None:
        result.config_state = "invalid"
        result.warnings.append(
            ProbeWarning(
                "docker-config-invalid",
                f"The Docker config {escape_control_chars(path)} is invalid: {problem}. "
                "Docker cannot read it, and the wizard will not rewrite it, so fix or remove it first.",
            )
        )
        return None

    result.config_state = "ok"
    return config


def _parse_config(data: bytes) -> tuple[dict | None, str | None]:
    """Parse the bytes as a JSON object. Return (object, None), or (None, the reason with line and column)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"byte {error.start} is not UTF-8"

    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
    except RecursionError:
        return None, "JSON nested too deeply to parse"

    if not isinstance(value, dict):
        offset = len(text) - len(text.lstrip())
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        return None, f"line {line}, column {column} holds a JSON {json_type_name(value)}, not an object"
    return value, None


def _read_credentials(config: dict, result: DockerResult) -> None:
    """Copy credsStore, credHelpers and the host names of `auths`, but never the values under `auths`."""
    path = result.config_path

    store = config.get("credsStore")
    if isinstance(store, str):
        result.creds_store = store or None
    elif store is not None:
        result.warnings.append(_field_warning(path, "credsStore", "a string"))

    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for host, helper in helpers.items():
            if isinstance(helper, str) and helper:
                result.cred_helpers[host] = helper
            else:
                result.warnings.append(_field_warning(path, f"credHelpers[{host!r}]", "a helper name"))
    elif helpers is not None:
        result.warnings.append(_field_warning(path, "credHelpers", "an object"))

    auths = config.get("auths")
    if isinstance(auths, dict):
        result.auth_hosts = [str(host) for host in auths]
    elif auths is not None:
        result.warnings.append(_field_warning(path, "auths", "an object"))


def _field_warning(path: Path | None, field: str, expected: str) -> ProbeWarning:
    return ProbeWarning(
        "docker-config-field-invalid",
        f"{escape_control_chars(field)} in the Docker config {escape_control_chars(path)} is not {expected}, "
        "so Docker rejects the file until it is fixed.",
    )


def _check_credentials(result: DockerResult, search_path: str) -> None:
    """Look up each helper's binary on PATH and warn about entries Docker cannot use."""
    names = [result.creds_store] if result.creds_store else []
    names += result.cred_helpers.values()
    for name in dict.fromkeys(names):
        binary = f"docker-credential-{name}"
        found = shutil.which(binary, path=search_path) is not None
        result.helpers_on_path[name] = found
        if not found:
            result.warnings.append(_missing_helper_warning(result, name, binary))

    for host in result.cred_helpers:
        if "*" in host or "?" in host:
            result.warnings.append(_wildcard_warning(host, result.cred_helpers[host]))

    if result.creds_store == "ecr-login":
        result.warnings.append(
            ProbeWarning(
                "docker-credsstore-ecr-login",
                'credsStore is "ecr-login", so every registry goes through the ECR credential helper. '
                "`docker login` then fails for other registries, and their auths entries are ignored. "
                'Remove credsStore and add per-host credHelpers entries instead, such as '
                '"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login".',
            )
        )


def _missing_helper_warning(result: DockerResult, name: str, binary: str) -> ProbeWarning:
    hosts = [host for host, helper in result.cred_helpers.items() if helper == name]
    users = [f'credHelpers entry "{escape_control_chars(host)}"' for host in hosts]
    if result.creds_store == name:
        users.insert(0, "credsStore")
    return ProbeWarning(
        "docker-credential-helper-missing",
        f"{escape_control_chars(binary)} is not on PATH, but the Docker config names it ({', '.join(users)}). "
        f"Docker cannot get credentials from it until {escape_control_chars(binary)} is installed or the entry "
        "is removed.",
    )


def _wildcard_warning(host: str, helper: str) -> ProbeWarning:
    if _ECR_WILDCARD.match(host):
        exact = _ECR_WILDCARD.sub(lambda m: f"<account>.dkr.ecr{m.group(1) or ''}.<region>.", host)
    else:
        exact = host.replace("*", "<name>").replace("?", "<c>")
    return ProbeWarning(
        "docker-credhelpers-wildcard",
        f'credHelpers key "{escape_control_chars(host)}" contains a wildcard, but Docker matches exact hosts only, '
        f'so no registry uses it. Add one entry per registry host, such as '
        f'"{escape_control_chars(exact)}": "{escape_control_chars(helper)}".',
    )


def _read_docker_host(config: dict, config_dir: Path, env: Mapping[str, str], result: DockerResult) -> None:
    """Fill docker_host and docker_context the way the Docker CLI picks its endpoint."""
    result.docker_host = env.get("DOCKER_HOST") or None
    context = env.get("DOCKER_CONTEXT") or config.get("currentContext") or None
    if not isinstance(context, str) or context == "default":
        return
    result.docker_context = context

    # The Docker CLI uses DOCKER_HOST and the default context when both are set.
    if result.docker_host:
        result.warnings.append(
            ProbeWarning(
                "docker-host-overrides-context",
                f"DOCKER_HOST is set to {escape_control_chars(result.docker_host)}, so Docker ignores the context "
                f"{context!r}. Unset DOCKER_HOST to use the context.",
            )
        )
        return
    result.docker_host = _context_endpoint(config_dir, context, result)


def _context_endpoint(config_dir: Path, context: str, result: DockerResult) -> str | None:
    """Return Endpoints.docker.Host from the context's meta.json, with a warning when unusable."""
    digest = hashlib.sha256(context.encode("utf-8")).hexdigest()
    meta_path = config_dir / "contexts" / "meta" / digest / "meta.json"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        result.warnings.append(
            ProbeWarning(
                "docker-context-not-found",
                f"The Docker context {context!r} is not defined because {escape_control_chars(meta_path)} is missing. "
                "Docker commands fail until you run `docker context use default` or create the context.",
            )
        )
        return None
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as error:
        result.warnings.append(
            ProbeWarning(
                "docker-context-invalid",
                f"Cannot read the Docker context {context!r} from {escape_control_chars(meta_path)}: "
                f"{escape_control_chars(error)}.",
            )
        )
        return None

    endpoints = meta.get("Endpoints") if isinstance(meta, dict) else None
    docker = endpoints.get("docker") if isinstance(endpoints, dict) else None
    host = docker.get("Host") if isinstance(docker, dict) else None
    return host if isinstance(host, str) and host else None
