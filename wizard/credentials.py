"""Tell whether Docker can log in to a registry, and which command logs it in."""

from __future__ import annotations

from wizard.model import DockerResult
from wizard.registry_hosts import acr_name, docker_config_key, ecr_region, is_gar_or_gcr, is_loopback, registry_host


def credential_status(registry: str | None, docker: DockerResult | None) -> tuple[str, str]:
    """Return (mark, sentence) about logging in to `registry`.

    mark is "ok", "warn" or "none" (no credentials needed or unknown). The sentence starts with a
    capital letter, as every message here does, and names the
    configured helper, or the login command to run. Docker's lookup order applies: an exact
    credHelpers host wins, then credsStore, then an `auths` entry.
    """
    if not registry:
        return "none", "No registry is written, so there is nothing to log in to."
    host = registry_host(registry)
    if host == "ttl.sh":
        return "none", "No login is needed: ttl.sh is anonymous."
    if is_loopback(host):
        return "none", f"No login is needed: {host} is a local registry."
    if docker is None:
        return "none", "Docker's configuration has not been read yet."

    key = docker_config_key(host)
    helper = docker.cred_helpers.get(key)
    logged_in = key in {docker_config_key(registry_host(entry)) for entry in docker.auth_hosts}
    if helper:
        return _helper_status(host, helper, docker, from_store=False, logged_in=logged_in)
    if docker.creds_store:
        return _helper_status(host, docker.creds_store, docker, from_store=True, logged_in=logged_in)
    if logged_in:
        return "ok", f"Logged in to {host} (an auths entry in Docker's config)."
    return "warn", f"Not logged in to {host}: run {login_command(host)}."


def _helper_status(host: str, helper: str, docker: DockerResult, *, from_store: bool, logged_in: bool) -> tuple[str, str]:
    binary = f"docker-credential-{helper}"
    if docker.helpers_on_path.get(helper) is False:
        return "warn", (
            f"The credential helper {binary} is not on PATH, but Docker's config uses it for {host}: "
            "install it or change the config."
        )
    if not from_store:
        return "ok", f"Docker gets credentials for {host} from the credential helper {binary}."
    if logged_in:
        return "ok", f"Logged in to {host} (credentials kept by {binary})."
    return "warn", f"Not logged in to {host}: run {login_command(host)}."


def login_command(host: str) -> str:
    """Return the command, in backticks, that logs Docker in to `host`."""
    region = ecr_region(host)
    if region:
        return (
            f"`aws ecr get-login-password --region {region} | docker login --username AWS --password-stdin {host}`, "
            f'or add "credHelpers": {{"{host}": "ecr-login"}} to Docker\'s config.json'
        )
    if is_gar_or_gcr(host):
        return f"`gcloud auth configure-docker {host}`"
    name = acr_name(host)
    if name:
        return f"`az acr login --name {name}`"
    if host == "registry.digitalocean.com":
        return "`doctl registry login`"
    if host == "docker.io":
        return "`docker login`"
    return f"`docker login {host}`"
