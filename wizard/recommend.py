"""Turn Findings into ordered registry options, the recommended one first."""

from __future__ import annotations

from wizard.model import DockerResult, Findings, RegistryOption


def recommend(findings: Findings) -> list[RegistryOption]:
    """Return the options for the cluster in `findings`, recommended first, each with its reason.

    Works on partial findings (probes still running): missing parts count as unknown.
    """
    raise NotImplementedError


def cluster_summary(findings: Findings) -> str:
    """Return two or three sentences that explain the cluster's registry situation to a newcomer."""
    raise NotImplementedError


def credential_status(registry: str | None, docker: DockerResult | None) -> tuple[str, str]:
    """Return (mark, sentence) about logging in to `registry`.

    mark is "ok", "warn" or "none" (no credentials needed or unknown); the sentence names the
    configured helper, or the login command to run.
    """
    raise NotImplementedError
