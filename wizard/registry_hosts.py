"""Recognise registry hosts: cloud providers' registries, loopback hosts and Docker config keys."""

from __future__ import annotations

import ipaddress
import re

# After amazon-ecr-credential-helper's host pattern (ecr-login/api/client.go, v0.12.0).
_ECR_HOST = re.compile(
    r"^(?P<account>[0-9]{12})\.dkr[.-]ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\."
    r"(?:amazonaws\.com(?:\.cn)?|amazonaws\.eu|on\.aws|on\.amazonwebservices\.com\.cn|"
    r"c2s\.ic\.gov|sc2s\.sgov\.gov|cloud\.adc-e\.uk|csp\.hci\.ic\.gov)$"
)
_GCR_HOSTS = ("gcr.io", "us.gcr.io", "eu.gcr.io", "asia.gcr.io")
_ACR_HOST = re.compile(r"^(?P<name>[a-zA-Z0-9]{5,50})\.azurecr\.(?:io|cn|us)$")
DOCR_HOST = "registry.digitalocean.com"
# Docker's credential lookup key for Docker Hub (docker/cli cli/config/configfile).
DOCKER_HUB_KEY = "https://index.docker.io/v1/"
DOCKER_HUB = "docker.io"
# The domains that image reference parsing (distribution/reference) turns into docker.io.
DOCKER_HUB_ALIASES = (DOCKER_HUB, "index.docker.io")
# Every host name of Docker Hub's registry: Docker logs in to all of them with a plain `docker login`.
DOCKER_HUB_HOSTS = (*DOCKER_HUB_ALIASES, "registry-1.docker.io")


def registry_host(registry: str) -> str:
    """Return the host[:port] part of a registry or of an `auths` key (a URL in older configs)."""
    host = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", registry.strip())
    return host.split("/", 1)[0]


def is_docker_hub(host: str) -> bool:
    """Tell whether host[:port], a registry or an `auths` key names Docker Hub."""
    return registry_host(host).lower() in DOCKER_HUB_HOSTS


def docker_config_key(host: str) -> str:
    """Return the key Docker looks up in credHelpers and auths for `host`."""
    return DOCKER_HUB_KEY if is_docker_hub(host) else host


def ecr_region(host: str) -> str | None:
    """Return the region of an ECR host such as 123456789012.dkr.ecr.eu-west-1.amazonaws.com, else None."""
    match = _ECR_HOST.match(host)
    return match.group("region") if match else None


def is_gar_or_gcr(host: str) -> bool:
    """Tell whether `host` is an Artifact Registry (`<location>-docker.pkg.dev`) or gcr.io host."""
    return host.endswith("-docker.pkg.dev") or host in _GCR_HOSTS


def acr_name(host: str) -> str | None:
    """Return the registry name of an Azure Container Registry host, else None."""
    match = _ACR_HOST.match(host)
    return match.group("name").lower() if match else None


def host_name(host: str) -> str:
    """Return the lower-case name or address in a registry host such as "[::1]:5000" or "localhost:5000/x"."""
    authority = registry_host(host).lower()
    if authority.startswith("["):
        return authority[1:].split("]", 1)[0]
    if authority.count(":") > 1:
        return authority
    return authority.split(":", 1)[0]


def is_loopback(host: str) -> bool:
    """Tell whether a registry host names this machine (localhost, 127.0.0.0/8 or ::1)."""
    name = host_name(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_unspecified(host: str) -> bool:
    """Tell whether a registry host is the listen-on-all address 0.0.0.0 or ::, which is no place to push to."""
    try:
        return ipaddress.ip_address(host_name(host)).is_unspecified
    except ValueError:
        return False


def fits_cloud_kind(registry: str | None, kind: str, cloud) -> bool:
    """Tell whether `registry` belongs to the provider of a cloud cluster kind (eks, gke, aks, doks)."""
    if not registry:
        return False
    host = registry_host(registry)
    if kind == "eks":
        known = cloud.registry_host if cloud else None
        return host == known if known else ecr_region(host) is not None
    if kind == "gke":
        return is_gar_or_gcr(host)
    if kind == "aks":
        return acr_name(host) is not None
    if kind == "doks":
        return host == DOCR_HOST
    return False


# Public registries that take pushes only under an account: (path components needed, what, form).
_NAMESPACED = {
    "docker.io": (1, "your user or organisation", "docker.io/<user>"),
    "quay.io": (1, "your user or organisation", "quay.io/<user>"),
    "ghcr.io": (1, "your user or organisation", "ghcr.io/<user>"),
    DOCR_HOST: (1, "your registry name", f"{DOCR_HOST}/<registry>"),
    "registry.gitlab.com": (1, "your group and project", "registry.gitlab.com/<group>/<project>"),
    **{host: (1, "your Google Cloud project", f"{host}/<project>") for host in _GCR_HOSTS},
}


def namespace_problem(host: str, path: str) -> str | None:
    """Return a clause such as "needs your user or organisation: quay.io/<user>", or None.

    The clause names the account part that a public registry needs when `path` lacks it.

    Artifact Registry (`<location>-docker.pkg.dev`) needs a project and a repository.
    """
    name = host.lower()
    components = len(path.split("/")) if path else 0
    if name.endswith("-docker.pkg.dev"):
        needed, what, form = 2, "your project and repository", f"{name}/<project>/<repository>"
    elif name in _NAMESPACED:
        needed, what, form = _NAMESPACED[name]
    else:
        return None
    if components >= needed:
        return None
    return f"needs {what}: {form}"
