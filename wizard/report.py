"""The `detect` report: Findings and the recommendation as JSON or as short text."""

from __future__ import annotations

from wizard.model import Findings, RegistryOption
from wizard.text import escape_control_chars


def recommendation_json(options: list[RegistryOption]) -> dict:
    """Return the `recommendation` object for the first (recommended) option."""
    if not options:
        return {"default_registry": None, "host_from_cluster": None, "single_name": None,
                "push": True, "reason": "No recommendation could be made."}
    best = options[0]
    complete = not best.needs_input
    return {
        "default_registry": best.default_registry if complete else None,
        "host_from_cluster": best.host_from_cluster,
        "single_name": best.single_name,
        "push": best.push,
        "reason": best.reason,
    }


def detect_json(findings: Findings, options: list[RegistryOption]) -> dict:
    """Return the `detect --json` object; its field names are a public contract."""
    cluster = findings.cluster
    registry = findings.local_registry
    hosting = registry.hosting if registry else None
    return {
        "cluster": {
            "context": cluster.context if cluster else "",
            "cluster": cluster.cluster if cluster else "",
            "server": cluster.server if cluster else "",
            "kind": cluster.kind if cluster else "none",
            "reachable": registry.reachable if registry else None,
        },
        "local_registry": hosting.to_json() if hosting else None,
        "cloud": cluster.cloud.to_json() if cluster and cluster.cloud else None,
        "recommendation": recommendation_json(options),
        "warnings": [warning.to_json() for warning in findings.warnings()],
    }


def detect_text(findings: Findings, options: list[RegistryOption]) -> str:
    """Return the report as a few lines for people."""
    report = detect_json(findings, options)
    cluster = report["cluster"]
    if not cluster["context"]:
        lines = ["Context      (none: no kubeconfig context is set)"]
    else:
        lines = [
            f"Context      {cluster['context']}",
            f"Cluster      {cluster['cluster'] or '(not found in the kubeconfig)'}  kind: {cluster['kind']}",
        ]
    if cluster["server"]:
        reachable = {True: "reachable", False: "not reachable", None: "not contacted"}[cluster["reachable"]]
        lines.append(f"Server       {cluster['server']}  ({reachable})")
    hosting = report["local_registry"]
    if hosting:
        lines.append(f"Registry     {hosting['host']}  (from {hosting['source']})")
    if options:
        best = options[0]
        lines.append(f"Recommended  {best.title}")
        if best.default_registry and not best.needs_input:
            lines.append(f"             default_registry: {best.default_registry}")
        elif best.needs_input and best.placeholder:
            lines.append(f"             default_registry: {best.placeholder} (fill in the parts in <>)")
        lines.append(f"             {best.reason}")
    for warning in report["warnings"]:
        lines.append(f"! {warning['message']}")
    # Context, cluster and server names come from a kubeconfig someone else may have written.
    return "\n".join(escape_control_chars(line) for line in lines)
