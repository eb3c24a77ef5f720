"""Image reference grammar (distribution/reference) and Tilt's image renaming under default_registry."""

from __future__ import annotations

# Tilt's content tag has 16 hex digits; previews show this placeholder instead.
PREVIEW_TAG = "tilt-<hash>"


def normalize_registry(text: str) -> tuple[str, list[str]]:
    """Clean a registry typed by a user and validate it.

    Removes surrounding blanks, a leading `https://` or `http://` and trailing `/`, each with a
    notice in the returned list. Raises InvalidInput naming the value and the reason otherwise.
    """
    raise NotImplementedError


def registry_problem(text: str) -> str | None:
    """Return why `text` is not a valid registry (for validation as you type), or None."""
    raise NotImplementedError


def split_domain(name: str) -> tuple[str, str]:
    """Split an image name into (registry domain, path) as Docker does, normalising Docker Hub."""
    raise NotImplementedError


def familiar_name(image: str) -> str:
    """Return Docker's short form: `docker.io/library/busybox:1` -> `busybox`, tag and digest removed."""
    raise NotImplementedError


def push_reference(image: str, registry: str, single_name: str | None = None, tag: str = PREVIEW_TAG) -> str:
    """Return the reference Tilt pushes `image` to under `default_registry(registry, single_name=...)`."""
    raise NotImplementedError


def has_registry_host(image: str) -> bool:
    """Tell whether the image name starts with an explicit registry host (`localhost:5000/app`)."""
    raise NotImplementedError
