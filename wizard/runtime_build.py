"""Tell whether Docker points at the cluster's own runtime, so Tilt can build without a push."""

from __future__ import annotations

from wizard.model import DockerResult

_DEFAULT_SOCKETS = (
    "unix:///var/run/docker.sock", "npipe:////./pipe/docker_engine", "tcp://localhost:2375",
    "tcp://localhost:2376", "tcp://127.0.0.1:2375", "tcp://127.0.0.1:2376",
)
# Socket paths Tilt treats as local (internal/docker/env.go, isDefaultHost), by cluster kind.
_DESKTOP_SOCKETS = ("/.docker/run/docker.sock", "/.docker/desktop/docker.sock", "/.rd/docker.sock")
_LOCAL_SOCKET_ENDINGS = {
    "docker-desktop": _DESKTOP_SOCKETS,
    "rancher-desktop": _DESKTOP_SOCKETS,
    "orbstack": ("/.orbstack/run/docker.sock",),
}
_LOCAL_CONTEXTS = {
    "docker-desktop": ("default", "desktop-linux", "desktop-windows"),
    "rancher-desktop": ("default", "rancher-desktop"),
    "orbstack": ("default", "orbstack"),
    "colima": ("default", "colima"),
    "minikube": ("default",),
}


def docker_caveat(kind: str, docker: DockerResult | None) -> str | None:
    """Return a warning when Docker points away from the cluster's runtime, so Tilt would push."""
    if docker is None:
        return None
    host = docker.docker_host
    if host and kind == "minikube":
        return (
            f"DOCKER_HOST is {host}: unless that is minikube's own Docker (from `minikube docker-env`), "
            "Tilt builds there and pushes instead."
        )
    if host and not is_local_socket(host, kind):
        return (
            f"DOCKER_HOST is {host}, which is not the cluster's Docker, so Tilt would build there and push "
            "instead: unset DOCKER_HOST before `tilt up`."
        )
    context = docker.docker_context
    expected = _LOCAL_CONTEXTS.get(kind, ("default",))
    if not host and context and context not in expected and not context.startswith(f"{kind}-"):
        return (
            f"The Docker context is {context}, which may point to another Docker, and then Tilt pushes "
            f"instead: run `docker context use {expected[-1]}` if builds do not reach the cluster."
        )
    return None


def is_local_socket(host: str, kind: str) -> bool:
    """Tell whether DOCKER_HOST is a socket Tilt treats as the local Docker for this cluster kind."""
    if host in _DEFAULT_SOCKETS or host.startswith("npipe:////./pipe/dockerDesktop"):
        return True
    if kind == "colima":
        return "/.colima/" in host or "/.config/colima/" in host
    return host.startswith("unix://") and host.endswith(_LOCAL_SOCKET_ENDINGS.get(kind, ()))
