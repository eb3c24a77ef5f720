"""Build each registry option with the reason a newcomer reads, independent of the findings."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
from pathlib import Path

from platformdirs import user_state_path

from wizard.logs import APP_NAME
from wizard.model import CloudIdentity, RegistryOption

logger = logging.getLogger(__name__)

CUSTOM_PLACEHOLDER = "registry.corp.example:5000/team"
KIND_CTLPTL = (
    "`ctlptl create registry ctlptl-registry --port=5005` and then "
    "`ctlptl create cluster kind --registry=ctlptl-registry`"
)


def kind_load_option(registry_checked: bool = True) -> RegistryOption:
    """Return the option for kind without a registry: Tilt loads images with `kind load`.

    `registry_checked` is False when the cluster's API could not be asked whether it advertises one.
    """
    if registry_checked:
        situation = "kind has no registry here, so Tilt copies"
    else:
        situation = "The wizard could not check whether this kind cluster has a registry. Without one, Tilt copies"
    reason = (
        f"{situation} each image into the cluster's nodes with "
        "`kind load docker-image`. That needs no push but gets slower as images grow. To give kind a "
        f"registry, create the cluster with ctlptl: {KIND_CTLPTL}."
    )
    return RegistryOption(key="kind-load", title="Load images into kind (no registry)", reason=reason, push=False)


def ecr_option(cloud: CloudIdentity | None) -> RegistryOption:
    """Return the Amazon ECR option, complete when the account and region are known."""
    host = cloud.registry_host if cloud else None
    region = (cloud.region if cloud else None) or "<region>"
    reason = (
        "EKS pulls from Amazon ECR. Tilt pushes each image to its own repository, and ECR needs every "
        "repository to exist before the first push (unless a repository creation template creates it), "
        "so create them or set single_name to push every image into one repository."
    )
    return RegistryOption(
        key="ecr", title="Amazon ECR", reason=reason, default_registry=host, needs_input=host is None,
        placeholder=host or f"<account>.dkr.ecr.{region}.amazonaws.com",
    )


def gar_option(cloud: CloudIdentity | None) -> RegistryOption:
    """Return the Artifact Registry option; the repository is always typed in."""
    region = (cloud.region or cloud.location if cloud else None) or "<region>"
    project = (cloud.project if cloud else None) or "<project>"
    reason = (
        "GKE pulls from Artifact Registry in the same project without extra setup. "
        "Enter the Docker repository to push to; Tilt puts each image under it."
    )
    return RegistryOption(
        key="gar", title="Google Artifact Registry", reason=reason, needs_input=True,
        placeholder=f"{region}-docker.pkg.dev/{project}/<repository>",
    )


def acr_option(cloud: CloudIdentity | None) -> RegistryOption:
    """Return the Azure Container Registry option; the registry name is typed in."""
    reason = (
        "AKS pulls from Azure Container Registry once the registry is attached to the cluster "
        "(`az aks update --attach-acr`). Enter the registry's login server."
    )
    return RegistryOption(key="acr", title="Azure Container Registry", reason=reason, needs_input=True, placeholder="<name>.azurecr.io")


def docr_option(cloud: CloudIdentity | None) -> RegistryOption:
    """Return the DigitalOcean Container Registry option; the registry name is typed in."""
    reason = (
        "DigitalOcean Kubernetes pulls from the DigitalOcean Container Registry once the registry is "
        "integrated with the cluster. When your plan limits the number of repositories, set "
        "single_name so that every image goes into one repository."
    )
    return RegistryOption(
        key="docr", title="DigitalOcean Container Registry", reason=reason, needs_input=True,
        placeholder="registry.digitalocean.com/<name>",
    )


def public_options(project_directory: Path) -> list[RegistryOption]:
    """Return the ttl.sh, Docker Hub and Quay.io options, which work with any cluster online."""
    ttl = RegistryOption(
        key="ttl", title="ttl.sh (anonymous, public, images expire)",
        reason=(
            "ttl.sh is a free registry that needs no account or login. Its images are public: anyone "
            "who has the name can pull them. The name ends in 8 hexadecimal characters derived from a "
            "random secret kept on this machine, so others cannot work it out from your user name and project. ttl.sh "
            "deletes images within 24 hours, so use it to try things out, not for private code."
        ),
        default_registry=ttl_registry(project_directory),
    )
    dockerhub = RegistryOption(
        key="dockerhub", title="Docker Hub",
        reason="Docker Hub works with any cluster that can reach the internet. Enter docker.io/ and your Docker Hub user or organisation, then log in with `docker login`.",
        needs_input=True, placeholder="docker.io/<user>",
    )
    quay = RegistryOption(
        key="quay", title="Quay.io",
        reason="Quay.io works with any cluster that can reach the internet. Enter quay.io/ and your Quay user or organisation, then log in with `docker login quay.io`.",
        needs_input=True, placeholder="quay.io/<user>",
    )
    return [ttl, dockerhub, quay]


def custom_option() -> RegistryOption:
    """Return the option for a registry typed in by the user."""
    return RegistryOption(
        key="custom", title="Type a registry",
        reason="Any registry this machine can push to and the cluster can pull from: a host with an optional :port and path.",
        needs_input=True, placeholder=CUSTOM_PLACEHOLDER,
    )


def local_user() -> str:
    """Return the login name reduced to lowercase letters, digits and single hyphens ("dev" if none)."""
    try:
        name = getpass.getuser()
    except (OSError, KeyError, ImportError):
        name = ""
    name = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return name or "dev"


def ttl_registry(project_directory: Path) -> str:
    """Return `ttl.sh/<user>-<8 hex digits>`, the same on every run for this user and project.

    The 8 hexadecimal characters start an HMAC-SHA256, keyed with this machine's ttl.sh secret (see ttl_secret), of
    the user name and the resolved project directory.
    """
    user = local_user()
    try:
        directory = Path(project_directory).resolve()
    except (OSError, RuntimeError):
        directory = Path(project_directory).absolute()
    message = f"{user}\0{directory}".encode("utf-8", "surrogateescape")
    digest = hmac.new(ttl_secret(), message, hashlib.sha256).hexdigest()
    return f"ttl.sh/{user}-{digest[:8]}"


SECRET_BYTES = 32
_process_secret: bytes | None = None


def ttl_secret_path() -> Path:
    """Return where the ttl.sh secret is kept: `ttl-secret` in the user state directory."""
    return user_state_path(APP_NAME) / "ttl-secret"


def ttl_secret() -> bytes:
    """Return the 32-byte secret behind ttl.sh names, creating its file (mode 0600) on first use.

    When the state directory cannot be read or written, returns a random secret kept for this
    process only, so the ttl.sh name changes on the next run but everything else works.
    """
    global _process_secret
    path = ttl_secret_path()
    try:
        return _read_secret(path) or _create_secret(path)
    except OSError as error:
        logger.warning("Cannot keep the ttl.sh secret in %s (%s); using one for this run only", path, error)
    if _process_secret is None:
        _process_secret = secrets.token_bytes(SECRET_BYTES)
    return _process_secret


def _read_secret(path: Path) -> bytes | None:
    """Return the secret stored at `path`, or None when the file is missing or not a secret."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return data if len(data) == SECRET_BYTES else None


def _create_secret(path: Path) -> bytes:
    """Write a new secret to `path` without ever exposing a partial file; keep one another run wrote first."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    secret = secrets.token_bytes(SECRET_BYTES)
    # mkstemp creates the file with mode 0600.
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".ttl-secret.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # A hard link fails when the file exists, so two runs that start together agree on one secret.
            os.link(temp_name, path)
        except FileExistsError:
            existing = _read_secret(path)
            if existing is not None:
                return existing
            os.replace(temp_name, path)
        except OSError:
            # Some file systems have no hard links.
            os.replace(temp_name, path)
    finally:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
    return secret
