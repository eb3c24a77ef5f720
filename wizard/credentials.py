"""Tell whether Docker can log in to a registry, and which command logs it in."""

from __future__ import annotations

import shlex

from wizard.model import DockerResult
from wizard.registry_hosts import (
    DOCR_HOST,
    acr_name,
    docker_config_key,
    ecr_region,
    is_docker_hub,
    is_gar_or_gcr,
    is_loopback,
    registry_host,
)


def credential_status(registry: str | None, docker: DockerResult | None) -> tuple[str, str]:
    """Return (mark, sentence) about logging in to `registry`.

    mark is "ok", "warn" or "none" (no credentials needed or unknown). The sentence starts with a
    capital letter, as every message here does, and names the configured helper, or the login
    command to run. Docker's lookup order applies: an exact credHelpers host wins, then
    credsStore, then an `auths` entry.
    """
    mark, sentence, _ = _check(registry, docker)
    return mark, sentence


def login_needed(registry: str | None, docker: DockerResult | None) -> bool:
    """Tell whether Docker has no credentials for `registry` yet, so the user must log in first."""
    return _check(registry, docker)[2]


def _check(registry: str | None, docker: DockerResult | None) -> tuple[str, str, bool]:
    if not registry:
        return "none", "No registry is written, so there is nothing to log in to.", False
    host = registry_host(registry)
    if host == "ttl.sh":
        return "none", "No login is needed: ttl.sh is anonymous.", False
    if is_loopback(host):
        return "none", f"No login is needed: {host} is a local registry.", False
    if docker is None:
        return "none", "Docker's configuration has not been read yet.", False

    key = docker_config_key(host)
    helper = docker.cred_helpers.get(key)
    logged_in = key in {docker_config_key(registry_host(entry)) for entry in docker.auth_hosts}
    if helper:
        return _helper_status(host, helper, docker, from_store=False, logged_in=logged_in)
    if docker.creds_store:
        return _helper_status(host, docker.creds_store, docker, from_store=True, logged_in=logged_in)
    if logged_in:
        return "ok", f"Logged in to {host} (an auths entry in Docker's config).", False
    return "warn", f"Not logged in to {host}: run {login_command(host)}.", True


def _helper_status(host: str, helper: str, docker: DockerResult, *, from_store: bool, logged_in: bool) -> tuple[str, str, bool]:
    binary = f"docker-credential-{helper}"
    if docker.helpers_on_path.get(helper) is False:
        return "warn", (
            f"The credential helper {binary} is not on PATH, but Docker's config uses it for {host}: "
            "install it or change the config."
        ), False
    if not from_store:
        return "ok", f"Docker gets credentials for {host} from the credential helper {binary}.", False
    if logged_in:
        return "ok", f"Logged in to {host} (credentials kept by {binary}).", False
    return "warn", f"Not logged in to {host}: run {login_command(host)}.", True


def login_command(host: str) -> str:
    """Return the command, in backticks, that logs Docker in to `host`, with the ECR alternative."""
    command = f"`{login_shell_command(host)}`"
    if ecr_region(host):
        return f'{command}, or add "credHelpers": {{"{host}": "ecr-login"}} to Docker\'s config.json'
    return command


def login_shell_command(host: str) -> str:
    """Return the shell command that logs Docker in to `host`, every value quoted for the shell."""
    quoted = shlex.quote(host)
    region = ecr_region(host)
    if region:
        return (
            f"aws ecr get-login-password --region {shlex.quote(region)} "
            f"| docker login --username AWS --password-stdin {quoted}"
        )
    if is_gar_or_gcr(host):
        return f"gcloud auth configure-docker {quoted}"
    name = acr_name(host)
    if name:
        return f"az acr login --name {shlex.quote(name)}"
    if host == DOCR_HOST:
        return "doctl registry login"
    if is_docker_hub(host):
        return "docker login"
    return f"docker login {quoted}"
