"""Dataclasses shared by every layer: probe findings, registry options and plans."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Cluster kind names, as they appear in `detect --json` and everywhere else.
KINDS = (
    "docker-desktop",
    "kind",
    "k3d",
    "minikube",
    "microk8s",
    "rancher-desktop",
    "colima",
    "orbstack",
    "crc",
    "krucible",
    "gke",
    "eks",
    "aks",
    "doks",
    "unknown",
    "none",
)

# Kinds whose cluster runs images straight from the local Docker runtime, so Tilt skips the push.
RUNTIME_KINDS = ("docker-desktop", "rancher-desktop", "orbstack", "colima")

# The keys of tilt_option.json that the wizard owns; every other key is the user's.
OPTION_KEYS = ("default_registry", "host_from_cluster", "single_name")

OPTION_FILE = "tilt_option.json"
GITIGNORE_COMMENT = "# personal tilt settings"


@dataclass(frozen=True)
class ProbeWarning:
    """A problem a probe found: a stable code for scripts and a sentence for people."""

    code: str
    message: str

    def to_json(self) -> dict:
        return {"code": self.code, "message": self.message}


@dataclass
class Context:
    """One kubeconfig context with the cluster and user entries it points to."""

    name: str
    cluster: str = ""
    user: str = ""
    namespace: str = ""
    server: str = ""  # without any user:password@ part
    source: Path | None = None
    # Raw kubeconfig entries, kept for the API client; never printed because users hold secrets.
    cluster_entry: dict = field(default_factory=dict, repr=False)
    user_entry: dict = field(default_factory=dict, repr=False)


@dataclass
class KubeconfigResult:
    """The merged kubeconfig: the files read, every context, and the current one."""

    files: list[Path] = field(default_factory=list)
    contexts: list[Context] = field(default_factory=list)
    current: Context | None = None
    warnings: list[ProbeWarning] = field(default_factory=list)

    def context(self, name: str) -> Context | None:
        return next((c for c in self.contexts if c.name == name), None)


@dataclass
class CloudIdentity:
    """Cloud account facts taken from the cluster's names; unknown fields stay None."""

    provider: str  # aws | gcp | azure | digitalocean
    account: str | None = None
    project: str | None = None
    region: str | None = None
    location: str | None = None
    registry_host: str | None = None

    def to_json(self) -> dict:
        return {
            "provider": self.provider,
            "account": self.account,
            "project": self.project,
            "region": self.region,
            "registry_host": self.registry_host,
        }


@dataclass
class ClusterResult:
    """The cluster the chosen context points to and its kind."""

    context: str = ""
    cluster: str = ""
    server: str = ""
    kind: str = "none"
    cloud: CloudIdentity | None = None
    warnings: list[ProbeWarning] = field(default_factory=list)


@dataclass
class RegistryHosting:
    """A registry the cluster advertises (KEP-1755 fields), with where it was found."""

    host: str
    host_from_container_runtime: str | None = None
    host_from_cluster_network: str | None = None
    help: str | None = None
    source: str = ""  # e.g. "kube-public/local-registry-hosting"

    def to_json(self) -> dict:
        return {
            "host": self.host,
            "host_from_container_runtime": self.host_from_container_runtime,
            "host_from_cluster_network": self.host_from_cluster_network,
            "help": self.help,
            "source": self.source,
        }


@dataclass
class LocalRegistryResult:
    """The cluster's own registry as reported by the Kubernetes API."""

    # True: the API responded. False: a network failure or timeout. None: the API was never contacted,
    # because there is no context or its kubeconfig entry or credentials could not be used.
    reachable: bool | None = None
    hosting: RegistryHosting | None = None
    node_runtime: str | None = None  # e.g. "containerd://1.7.1", from the first node
    warnings: list[ProbeWarning] = field(default_factory=list)


@dataclass
class DockerResult:
    """Docker's client configuration, without any secret."""

    config_path: Path | None = None
    config_state: str = "missing"  # missing | ok | empty | invalid | unreadable
    creds_store: str | None = None
    cred_helpers: dict[str, str] = field(default_factory=dict)
    auth_hosts: list[str] = field(default_factory=list)
    helpers_on_path: dict[str, bool] = field(default_factory=dict)  # helper suffix -> found
    docker_host: str | None = None
    docker_context: str | None = None
    warnings: list[ProbeWarning] = field(default_factory=list)


@dataclass
class DefaultRegistryCall:
    """A `default_registry(...)` call in the Tiltfile, with its literal arguments."""

    line: int
    host: str | None = None  # None when the argument is not a string literal
    host_from_cluster: str | None = None
    single_name: str | None = None
    reads_option_file: bool = False  # the host comes from tilt_option.json


@dataclass
class ProjectResult:
    """The Tilt project: Tiltfile, tilt_option.json and .gitignore state."""

    directory: Path
    tiltfile: Path | None = None
    reads_option_file: bool = False
    option_keys_read: tuple[str, ...] = ()  # keys of tilt_option.json the Tiltfile mentions
    default_registry_call: DefaultRegistryCall | None = None
    images: list[str] = field(default_factory=list)
    option_path: Path | None = None
    options: dict | None = None  # parsed tilt_option.json, None when absent or invalid
    option_error: str | None = None  # parse error with line and column
    gitignored: bool = False
    gitignore_source: str | None = None  # e.g. ".gitignore:3:tilt_option.json"
    warnings: list[ProbeWarning] = field(default_factory=list)
    option_file_tracked: bool = False  # git tracks tilt_option.json, so .gitignore does not hide it

    @property
    def team_default(self) -> str | None:
        call = self.default_registry_call
        return call.host if call else None


@dataclass
class Findings:
    """Everything the probes found; any part may still be None while probes run."""

    project: ProjectResult | None = None
    kubeconfig: KubeconfigResult | None = None
    cluster: ClusterResult | None = None
    local_registry: LocalRegistryResult | None = None
    docker: DockerResult | None = None

    def warnings(self) -> list[ProbeWarning]:
        parts = (self.project, self.kubeconfig, self.cluster, self.local_registry, self.docker)
        seen: list[ProbeWarning] = []
        for part in parts:
            for warning in getattr(part, "warnings", None) or ():
                if warning not in seen:
                    seen.append(warning)
        return seen


@dataclass
class RegistryOption:
    """A registry choice for Tilt to push to, with a reason a newcomer understands."""

    key: str  # cluster | runtime | kind-load | team | ecr | gar | acr | docr | ttl | dockerhub | quay | custom
    title: str
    reason: str
    default_registry: str | None = None
    host_from_cluster: str | None = None
    single_name: str | None = None
    push: bool = True  # whether Tilt pushes images at all with this option
    recommended: bool = False
    needs_input: bool = False  # the registry must be typed in or completed
    placeholder: str = ""  # example input shown in the text field
    # Leaves tilt_option.json as it is, because Tilt ignores its registry settings on this cluster
    # and the user still needs them on other clusters.
    keeps_option_file: bool = False
    # The personal default_registry in tilt_option.json that this option removes, as shown to the user.
    removes_registry: str | None = None

    @property
    def writes_registry(self) -> bool:
        return self.default_registry is not None


@dataclass
class Choice:
    """The user's selections, from any front end."""

    default_registry: str | None = None
    host_from_cluster: str | None = None
    single_name: str | None = None
    add_tiltfile_lines: bool = False
    add_gitignore_entry: bool = True
    keep_option_file: bool = False  # write nothing: tilt_option.json and .gitignore stay as they are


@dataclass
class FileChange:
    """A whole-file change, kept as text so it can be shown as a diff before it is written."""

    path: Path
    before: str | None  # None: the file does not exist yet
    after: str
    summary: str  # e.g. "set default_registry", "add tilt_option.json entry"
    optional: bool = False  # the review step may leave it out

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class Plan:
    """The file changes of a choice, computed before anything is written."""

    choice: Choice
    changes: list[FileChange] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    tiltfile_snippet: str | None = None  # lines that read tilt_option.json, when the Tiltfile lacks them
    # The line of the default_registry call that the snippet replaces; None: add the snippet near the top.
    snippet_replaces_line: int | None = None
    # Why the requested Tiltfile lines could not be added, naming the Tiltfile; None when they were or none were requested.
    tiltfile_problem: str | None = None

    @property
    def empty(self) -> bool:
        return not any(change.changed for change in self.changes)
