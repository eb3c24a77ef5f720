"""Image reference grammar (distribution/reference) and Tilt's image renaming under default_registry."""

from __future__ import annotations

import posixpath
import re

from wizard.errors import InvalidInput
from wizard.registry_hosts import DOCKER_HUB, DOCKER_HUB_ALIASES, namespace_problem

# Tilt's content tag has 16 hex digits; previews show this placeholder instead.
PREVIEW_TAG = "tilt-<hash>"

# The grammar of github.com/distribution/reference (regexp.go), which Docker uses.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_HOST_LABEL = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_HOST = rf"(?:{_HOST_LABEL}(?:\.{_HOST_LABEL})*|\[[a-fA-F0-9:]+\])"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"

COMPONENT_RE = re.compile(rf"^{_COMPONENT}$")
DOMAIN_RE = re.compile(rf"^{_DOMAIN}$")
REFERENCE_RE = re.compile(
    rf"^(?P<name>(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*)(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$"
)

# distribution/reference limits the path (without the domain) to 255 characters since v0.6.0, and
# older versions and many other clients cap the whole name at 255 characters.
MAX_PATH_LENGTH = 255
MAX_NAME_LENGTH = 255
# A registry leaves room for at least "/<image>"; Tilt itself checks `<registry>/fake`.
MAX_REGISTRY_LENGTH = MAX_NAME_LENGTH - len("/fake")

_ESCAPED = re.compile(r"[/:@]")
_SCHEMES = ("https://", "http://")
_DIGEST_RE = re.compile(rf"^{_DIGEST}$")
_MASK = "***"


def show(value: str) -> str:
    """Quote a value for a message, escaping control characters as Python's repr does.

    Masks a `user:password@` part and everything after `?` or `#`, such as a `?token=` query.
    """
    return repr(mask_query(mask_credentials(value)))


def mask_query(text: str) -> str:
    """Replace everything after the first `?` or `#` with `***`, so that messages never show a token."""
    match = re.search(r"[?#]", text)
    return f"{text[:match.start() + 1]}{_MASK}" if match else text


def has_control_character(text: str) -> bool:
    """Tell whether `text` contains a control character (C0, DEL or C1), such as a newline or escape."""
    return any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in text)


def mask_credentials(registry: str) -> str:
    """Replace a `user:password@` part of a registry with `***@`, so that messages never show it."""
    userinfo, at, rest = registry.rpartition("@")
    if at and not _DIGEST_RE.match(rest) and ("/" not in userinfo or ":" in userinfo):
        scheme = next((s for s in _SCHEMES if userinfo.lower().startswith(s)), "")
        return f"{scheme}{_MASK}@{rest}"
    return registry


def normalize_registry(text: str) -> tuple[str, list[str]]:
    """Clean a registry typed by a user and validate it.

    Removes surrounding blanks, a leading `https://` or `http://` and trailing `/`, each with a
    notice in the returned list. Raises InvalidInput naming the value and the reason otherwise;
    the message never contains credentials or raw control characters.
    """
    notices: list[str] = []
    registry = text.strip()

    for scheme in _SCHEMES:
        if registry.lower().startswith(scheme):
            registry = registry[len(scheme):]
            notices.append(f"Removed the leading {scheme}; a registry is a host and path, not a URL.")
            break

    if registry.endswith("/"):
        registry = registry.rstrip("/")
        notices.append("Removed the trailing /, because a registry ends with its host or last path component.")

    problem = _registry_grammar_problem(registry)
    if problem:
        raise InvalidInput(problem)
    return registry, notices


def registry_problem(text: str) -> str | None:
    """Return why `text` is not a valid registry (for validation as you type), or None."""
    try:
        normalize_registry(text)
    except InvalidInput as error:
        return error.message
    return None


def single_name_problem(text: str) -> str | None:
    """Return why `text` cannot be a single_name (a repository path under the registry), or None."""
    name = text.strip()
    if not name:
        return "single_name is empty: enter a repository path such as team-a/dev."
    if has_control_character(name):
        return f"single_name {show(name)} contains a control character; type the path again."
    if any(char.isspace() for char in name):
        return f"single_name {show(name)} contains a space, and a repository path cannot contain blanks."
    if len(name) > MAX_PATH_LENGTH:
        return f"single_name is {len(name)} characters long; the maximum is {MAX_PATH_LENGTH}."
    for component in name.split("/"):
        if not COMPONENT_RE.match(component):
            return _component_problem(f"single_name {show(name)}", component)
    return None


def _registry_grammar_problem(registry: str) -> str | None:
    """Check that `<registry>/fake` is a canonical image name, as Tilt's default_registry requires."""
    if not registry:
        return "The registry is empty: enter a host and optional path, such as registry.corp.example:5000/team."
    # Checked first, because every later message shows the value.
    if mask_credentials(registry) != registry:
        return (
            f"{show(mask_credentials(registry))} contains credentials (user:password@); "
            "remove them and log in with `docker login` instead."
        )
    if has_control_character(registry):
        return f"{show(registry)} contains a control character; type it again without it."
    if any(char.isspace() for char in registry):
        return f"{show(registry)} contains a space, and a registry cannot contain blanks."
    if "@" in registry:
        return f"{show(registry)} contains a digest (@...); a registry is a host and path without a digest."
    if len(registry) > MAX_REGISTRY_LENGTH:
        return (
            f"The registry is {len(registry)} characters long; the maximum is {MAX_REGISTRY_LENGTH}, which "
            f"leaves room for an image name within the {MAX_NAME_LENGTH} characters that clients accept."
        )
    if "//" in registry:
        return f"{show(registry)} has an empty path component (//)."

    first, _, path = registry.partition("/")
    if not _looks_like_host(first):
        suggestion = _hub_suggestion(registry.lower())
        if path:
            return f"{show(registry)} does not start with a registry host: add the host, such as {suggestion}"
        return f"{show(registry)} is not a registry host: add the host, such as {suggestion}"

    return _domain_problem(registry, first, path) or _path_problem(registry, first, path)


def _hub_suggestion(path: str) -> str:
    """Return `docker.io/<path>` when that is a valid registry, else the placeholder `docker.io/<user>`."""
    if path and all(COMPONENT_RE.match(component) for component in path.split("/")):
        return f"{DOCKER_HUB}/{path}"
    return f"{DOCKER_HUB}/<user>"


def _domain_problem(registry: str, domain: str, path: str) -> str | None:
    if DOMAIN_RE.match(domain):
        return _port_problem(registry, domain) or _known_host_problem(registry, domain, path)
    host, colon, port = domain.rpartition(":")
    if colon and host and not port.isdigit() and not path:
        return f"{show(registry)} ends with a tag (:{mask_query(port)}); a registry has no tag, so remove it."
    if colon and host and not port.isdigit():
        return f"{show(registry)} has an invalid port {show(port)}: a port is digits only."
    return (
        f"{show(registry)} has an invalid host {show(domain)}: a host is letters, digits, "
        "hyphens and dots with an optional :port, or a bracketed IPv6 address."
    )


def _port_problem(registry: str, domain: str) -> str | None:
    after_host = domain.rsplit("]", 1)[-1] if domain.startswith("[") else domain
    _, colon, port = after_host.rpartition(":")
    if colon and not 1 <= int(port) <= 65535:
        return f"{show(registry)} has an invalid port {port}: a port is a number from 1 to 65535."
    return None


def _known_host_problem(registry: str, domain: str, path: str) -> str | None:
    if domain.lower() == "index.docker.io":
        return f"{show(registry)} uses index.docker.io, which Tilt rejects: write {_hub_suggestion(path)}."
    problem = namespace_problem(domain, path)
    return f"{show(registry)} {problem}." if problem else None


def _path_problem(registry: str, domain: str, path: str) -> str | None:
    if not path:
        return None
    components = path.split("/")
    last = components[-1]
    if ":" in last:
        tag = last.partition(":")[2]
        return f"{show(registry)} ends with a tag (:{mask_query(tag)}); a registry has no tag, so remove it."
    for component in components:
        if not COMPONENT_RE.match(component):
            return _component_problem(f"{show(registry)}", component)
    return None


def _component_problem(subject: str, component: str) -> str:
    if component != component.lower() and COMPONENT_RE.match(component.lower()):
        return f"{subject} has uppercase letters in {show(component)}; image paths are lowercase, such as {show(component.lower())}."
    return (
        f"{subject} has an invalid path component {show(component)}: components are lowercase letters and "
        "digits, joined by '.', '_', '__' or '-'."
    )


def _looks_like_host(component: str) -> bool:
    # Stricter than Docker, which also treats any component with an uppercase letter as a host.
    return "." in component or ":" in component or component == "localhost"


def split_domain(name: str) -> tuple[str, str]:
    """Split an image name into (registry domain, path) as Docker does, normalising Docker Hub."""
    first, slash, rest = name.partition("/")
    if slash and (_looks_like_host(first) or first != first.lower()):
        domain, path = first, rest
    else:
        domain, path = DOCKER_HUB, name
    if domain in DOCKER_HUB_ALIASES:
        domain = DOCKER_HUB
        if "/" not in path:
            path = f"library/{path}"
    return domain, path


def _parse_image(image: str) -> tuple[str, str]:
    """Validate an image reference and return its (domain, path) with tag and digest removed."""
    reference = image.strip()
    match = REFERENCE_RE.match(reference)
    if not match:
        first = reference.partition("/")[0]
        if reference != reference.lower() and REFERENCE_RE.match(first + reference[len(first):].lower()):
            raise InvalidInput(f"{show(image)} is not a valid image name: image paths are lowercase.")
        raise InvalidInput(f"{show(image)} is not a valid image name.")
    domain, path = split_domain(match.group("name"))
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidInput(
            f"{show(image)} has a path of {len(path)} characters; the maximum is {MAX_PATH_LENGTH}."
        )
    return domain, path


def familiar_name(image: str) -> str:
    """Return Docker's short form: `docker.io/library/busybox:1` -> `busybox`, tag and digest removed.

    Raises InvalidInput when `image` is not a valid image reference.
    """
    domain, path = _parse_image(image)
    if domain != DOCKER_HUB:
        return f"{domain}/{path}"
    short = path.removeprefix("library/")
    return short if "/" not in short else path


def push_reference(image: str, registry: str, single_name: str | None = None, tag: str = PREVIEW_TAG) -> str:
    """Return the reference Tilt pushes `image` to under `default_registry(registry, single_name=...)`.

    Follows Tilt's renaming: the familiar name with `/`, `:` and `@` replaced by `_`, under the
    registry; a name already under `<registry>/` keeps its name. With single_name every image goes
    to `<registry>/<single_name>` and its escaped base name moves into the tag. Raises InvalidInput
    when the image, or the reference Tilt would build from it, is invalid.
    """
    familiar = familiar_name(image)
    registry = registry.strip().rstrip("/")

    if single_name:
        tag = f"{_ESCAPED.sub('_', posixpath.basename(familiar))}-{tag}"

    if familiar.startswith(f"{registry}/"):
        return f"{familiar}:{tag}"

    if single_name:
        name = f"{registry}/{single_name.strip()}"
    else:
        name = f"{registry}/{_ESCAPED.sub('_', familiar)}"
    _check_renamed(image, name)
    return f"{name}:{tag}"


def _check_renamed(image: str, name: str) -> None:
    """Raise InvalidInput when Tilt would fail to parse the renamed reference, as Tilt does."""
    match = REFERENCE_RE.match(name)
    first = name.partition("/")[0]
    if not match or match.group("tag") or not _looks_like_host(first):
        raise InvalidInput(f"Tilt cannot rename {show(image)}: {show(name)} is not a valid image name.")
    path = name.partition("/")[2]
    if len(path) > MAX_PATH_LENGTH:
        raise InvalidInput(
            f"Tilt cannot rename {show(image)}: the path of {show(name)} is {len(path)} characters long; "
            f"the maximum is {MAX_PATH_LENGTH}."
        )
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(
            f"Tilt cannot rename {show(image)}: {show(name)} is {len(name)} characters long, and many "
            f"clients accept at most {MAX_NAME_LENGTH}."
        )


def has_registry_host(image: str) -> bool:
    """Tell whether the image name starts with an explicit registry host (`localhost:5000/app`)."""
    first, slash, _ = image.strip().partition("/")
    return bool(slash) and (_looks_like_host(first) or first != first.lower())
