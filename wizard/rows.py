"""Status rows (state, label, detail) for the project and cluster checks, shared by both front ends."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wizard import steps
from wizard.model import OPTION_FILE, OPTION_KEYS, Findings, ProjectResult, RegistryOption
from wizard.probes.runner import PROBE_FAILED, probe_failure

Row = tuple[str, str, str]

# The text mark of each row state; both front ends show it so the state reads without colour.
MARK_TEXT = {"pending": "…", "ok": "✓", "warn": "!", "fail": "✗", "info": "·"}

# The row state for each mark that credential_status returns.
CREDENTIAL_STATES = {"ok": "ok", "warn": "warn", "none": "info"}

# Project warnings that the rows above already state in their own words.
SHOWN_AS_ROWS = ("tiltfile-missing", "tiltfile-ignores-option-file", "option-file-unreadable", "option-file-invalid")

# Local-registry warnings that mean the advertised registry cannot be used as it is, each with
# the short reason that the registry row shows. The warning row below it shows the full message.
REGISTRY_PROBLEMS = {
    "registry-not-answering": "does not answer",
    "registry-host-invalid": "advertises a value that is not a valid registry",
    "registry-host-unspecified": "is a listen address, not one to push to",
    "registry-host-unresolved": "does not resolve",
    "registry-localhost-remote-cluster": "is this machine's localhost, but the cluster is remote",
}


@dataclass
class ProbeState:
    """The findings so far and which probes are still running; a failed probe shows by its probe-failed warning."""

    findings: Findings
    pending: Callable[[str], bool] = lambda probe: False


def project_rows(project: ProjectResult) -> list[Row]:
    """Return the status rows for the project: Tiltfile, images, option file and .gitignore."""
    rows = [tiltfile_row(project)]
    if project.tiltfile is not None:
        rows.append(reads_row(project))
    if project.team_default:
        call = project.default_registry_call
        rows.append(("info", "Team default", f"the Tiltfile sets default_registry({project.team_default!r}) on line {call.line}"))
    rows.append(option_file_row(project))
    rows.append(gitignore_row(project))
    rows += [("warn", "Warning", w.message) for w in project.warnings if w.code not in SHOWN_AS_ROWS]
    return rows


def tiltfile_row(project: ProjectResult) -> Row:
    if project.tiltfile is None:
        return ("warn", "Tiltfile", "not found here; the wizard can still write tilt_option.json")
    count = len(project.images)
    if count == 0:
        return ("ok", "Tiltfile", "found · builds no images the wizard could read")
    noun = "image" if count == 1 else "images"
    return ("ok", "Tiltfile", f"found · builds {count} {noun}: {', '.join(project.images)}")


def reads_row(project: ProjectResult) -> Row:
    if project.reads_option_file:
        keys = ", ".join(project.option_keys_read) or "default_registry"
        return ("ok", "Reads options", f"the Tiltfile reads {OPTION_FILE} ({keys})")
    return ("warn", "Reads options", f"the Tiltfile does not read {OPTION_FILE}; the Review step can add the lines")


def option_file_row(project: ProjectResult) -> Row:
    if project.option_error:
        error = project.option_error.removeprefix(f"{OPTION_FILE}: ")
        return ("fail", OPTION_FILE, f"{error.rstrip('.')}. The wizard does not rewrite it until then.")
    if project.options is None:
        return ("info", OPTION_FILE, "not written yet")
    owned = {key: value for key, value in project.options.items() if key in OPTION_KEYS}
    if not owned:
        return ("info", OPTION_FILE, "exists, sets no registry yet")
    values = ", ".join(f"{key} = {value}" for key, value in owned.items())
    return ("info", OPTION_FILE, f"{values} (kept unless you pick another registry)")


def option_file_blocker(project: ProjectResult | None) -> str | None:
    """Return the sentence saying nothing can be written while tilt_option.json is invalid or unreadable, or None."""
    if project is None or not project.option_error:
        return None
    return f"Nothing can be written until {OPTION_FILE} is fixed: {project.option_error}"


def gitignore_row(project: ProjectResult) -> Row:
    if project.gitignored:
        return ("ok", ".gitignore", f"{OPTION_FILE} is ignored ({project.gitignore_source or '.gitignore'})")
    return ("warn", ".gitignore", f"{OPTION_FILE} is not ignored yet; the Review step adds the entry when it writes the file")


def kubeconfig_row(state: ProbeState) -> Row:
    if state.pending("kubeconfig"):
        return ("pending", "kubeconfig", "checking")
    kubeconfig = state.findings.kubeconfig
    failure = probe_failure(kubeconfig)
    if failure:
        return ("fail", "kubeconfig", failure)
    if kubeconfig is None or not kubeconfig.contexts:
        return ("warn", "kubeconfig", "no contexts found; Tilt needs a cluster to deploy to")
    files = ", ".join(steps.display_path(path) for path in kubeconfig.files) or "kubeconfig"
    count = len(kubeconfig.contexts)
    return ("ok", "kubeconfig", f"{files}, {count} context{'s' if count != 1 else ''}")


def cluster_row(state: ProbeState) -> Row:
    if state.pending("cluster"):
        return ("pending", "cluster", "checking")
    cluster = state.findings.cluster
    failure = probe_failure(cluster)
    if failure:
        return ("fail", "cluster", failure)
    if cluster is None or cluster.kind == "none":
        return ("warn", "cluster", "no context selected")
    name = f"{cluster.cluster} · " if cluster.cluster and cluster.cluster != cluster.context else ""
    detail = f"{name}{cluster.kind} · {cluster.server or 'no server'}"
    unreachable = api_unreachable_reason(state.findings)
    if unreachable:
        return ("warn", "cluster", f"{detail} · {unreachable}")
    return ("warn" if cluster.kind == "unknown" else "ok", "cluster", detail)


def api_unreachable_reason(findings: Findings) -> str | None:
    """Return why the cluster's API could not be used, or None when it responded or was not contacted.

    The registry probe is the only one that contacts the API, so its result decides.
    """
    result = findings.local_registry
    if result is None:
        return None
    codes = {warning.code for warning in result.warnings}
    if "cluster-credentials-failed" in codes:
        return "not reachable: its credentials could not be obtained"
    if result.reachable is False or "cluster-unreachable" in codes:
        return "not reachable: its API did not answer"
    return None


def registry_row(state: ProbeState) -> Row:
    if state.pending("local_registry"):
        return ("pending", "cluster registry", "checking")
    result = state.findings.local_registry
    failure = probe_failure(result)
    if failure:
        return ("fail", "cluster registry", failure)
    if result is None:
        return ("info", "cluster registry", "not checked")
    problem = next((REGISTRY_PROBLEMS[w.code] for w in result.warnings if w.code in REGISTRY_PROBLEMS), None)
    if result.hosting is not None and problem:
        # The source is left out here because the warning row below names it.
        return ("warn", "cluster registry", f"{result.hosting.host} {problem}")
    if result.hosting is not None:
        return ("ok", "cluster registry", f"{result.hosting.host} ({result.hosting.source or 'advertised'})")
    if problem:
        return ("warn", "cluster registry", f"the cluster {problem}, so the wizard ignores it")
    if result.reachable is False:
        return ("warn", "cluster registry", "the cluster's API did not answer, so its registry is unknown")
    if result.reachable is None:
        return ("info", "cluster registry", "not checked")
    return ("info", "cluster registry", "none advertised")


def docker_row(state: ProbeState) -> Row:
    if state.pending("docker"):
        return ("pending", "Docker config", "checking")
    docker = state.findings.docker
    failure = probe_failure(docker)
    if failure:
        return ("fail", "Docker config", failure)
    if docker is None:
        return ("info", "Docker config", "not checked")
    where = steps.display_path(docker.config_path) if docker.config_path else "config.json"
    helpers = []
    if docker.creds_store:
        helpers.append(f"credsStore {docker.creds_store}")
    if docker.cred_helpers:
        helpers.append(f"{len(docker.cred_helpers)} credHelpers")
    detail = {
        "ok": f"{where}" + (f" · {', '.join(helpers)}" if helpers else ""),
        "missing": "no config.json yet; registries that need a login will ask for `docker login`",
        "empty": f"{where} is empty",
        "invalid": f"{where} is not valid JSON",
        "unreadable": f"{where} cannot be read",
    }.get(docker.config_state, docker.config_state)
    state = {"ok": "ok", "missing": "info", "empty": "info"}.get(docker.config_state, "warn")
    return (state, "Docker config", detail)


def cluster_rows(state: ProbeState) -> list[Row]:
    """Return the kubeconfig, cluster, registry and Docker rows, then one row per warning."""
    rows = [kubeconfig_row(state), cluster_row(state), registry_row(state), docker_row(state)]
    findings = state.findings
    parts = (findings.kubeconfig, findings.cluster, findings.local_registry, findings.docker)
    warnings = [w for part in parts for w in (getattr(part, "warnings", None) or ())]
    # A failed probe already shows as the ✗ row above, with the same message.
    rows += [("warn", "warning", w.message) for w in warnings if w.code != PROBE_FAILED]
    return rows


def no_push_sentence(option: RegistryOption) -> str:
    """Return how Tilt gets images to the cluster for an option that pushes nothing."""
    if option.key == "kind-load":
        return "Tilt loads each image into the kind nodes with `kind load docker-image` and pushes nothing"
    return "Tilt builds into the cluster runtime; nothing is pushed"
