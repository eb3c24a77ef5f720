"""Read and merge kubeconfig files the way kubectl does, and pick a context."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from wizard.model import Context, KubeconfigResult, ProbeWarning
from wizard.text import escape_control_chars, strip_userinfo

# Path-valued keys that kubectl resolves against the directory of the file defining the entry.
CLUSTER_PATH_KEYS = ("certificate-authority",)
USER_PATH_KEYS = ("client-certificate", "client-key", "tokenFile")


def load_kubeconfig(env: Mapping[str, str] | None = None) -> KubeconfigResult:
    """Load the kubeconfig files named by KUBECONFIG (or ~/.kube/config) and merge them.

    The merge follows kubectl: the first file that sets current-context wins, and the
    first definition of a context, cluster or user name wins. Missing listed files are
    skipped; unreadable or invalid files become warnings and the rest is still read.
    """
    env = os.environ if env is None else env
    result = KubeconfigResult()
    merged = _Merged()

    paths = kubeconfig_paths(env)
    for path in paths:
        document = _read_document(path, result.warnings)
        if document is None:
            continue
        result.files.append(path)
        merged.add(path, document)

    if not result.files:
        result.warnings.append(
            ProbeWarning(
                "kubeconfig-missing",
                f"No usable kubeconfig was found (looked at {_paths_text(paths)}); "
                "set KUBECONFIG or create ~/.kube/config to let the wizard see your cluster.",
            )
        )
        return result

    result.contexts = [merged.build_context(name) for name in merged.contexts]
    result.current = _current_context(merged, result)
    return result


def select_context(kubeconfig: KubeconfigResult, name: str | None) -> Context | None:
    """Return the context called `name`, or the current context when `name` is None."""
    if name is None:
        return kubeconfig.current
    return kubeconfig.context(name)


def kubeconfig_paths(env: Mapping[str, str]) -> list[Path]:
    """Return the kubeconfig files to read, in merge order, without duplicates."""
    listed = env.get("KUBECONFIG", "")
    entries = [entry for entry in listed.split(os.pathsep) if entry]
    if not entries:
        return [_home(env) / ".kube" / "config"]

    paths: list[Path] = []
    for entry in entries:
        path = Path(entry)
        path = path if path.is_absolute() else Path.cwd() / path
        if path not in paths:
            paths.append(path)
    return paths


def _home(env: Mapping[str, str]) -> Path:
    home = env.get("HOME")
    return Path(home) if home else Path.home()


def _paths_text(paths: list[Path]) -> str:
    # KUBECONFIG and file names come from the environment, so they are escaped like other outside text.
    return ", ".join(escape_control_chars(path) for path in paths)


def _read_document(path: Path, warnings: list[ProbeWarning]) -> dict | None:
    """Parse one kubeconfig file; None when it is missing, unreadable or invalid."""
    display_path = escape_control_chars(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        warnings.append(
            ProbeWarning("kubeconfig-unreadable", f"Cannot read kubeconfig {display_path}: {reason}; it was skipped.")
        )
        return None

    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        where = ""
        mark = getattr(error, "problem_mark", None)
        if mark is not None:
            where = f" at line {mark.line + 1}, column {mark.column + 1}"
        warnings.append(
            ProbeWarning("kubeconfig-invalid", f"Kubeconfig {display_path} is not valid YAML{where}; it was skipped.")
        )
        return None

    if document is None:
        return {}
    if not isinstance(document, dict):
        warnings.append(
            ProbeWarning("kubeconfig-invalid", f"Kubeconfig {display_path} is not a YAML mapping; it was skipped.")
        )
        return None
    return document


class _Merged:
    """Named entries from every file, each kept from the first file that defines it."""

    def __init__(self) -> None:
        self.current_context: str | None = None
        self.contexts: dict[str, tuple[dict, Path]] = {}
        self.clusters: dict[str, dict] = {}
        self.users: dict[str, dict] = {}

    def add(self, path: Path, document: dict) -> None:
        current = document.get("current-context")
        if self.current_context is None and isinstance(current, str) and current:
            self.current_context = current

        for name, body in _named_entries(document, "contexts", "context"):
            self.contexts.setdefault(name, (body, path))
        for name, body in _named_entries(document, "clusters", "cluster"):
            if name not in self.clusters:
                self.clusters[name] = _resolve_paths(body, CLUSTER_PATH_KEYS, path.parent)
        for name, body in _named_entries(document, "users", "user"):
            if name not in self.users:
                self.users[name] = _resolve_user_paths(body, path.parent)

    def build_context(self, name: str) -> Context:
        body, source = self.contexts[name]
        cluster = _text(body.get("cluster"))
        user = _text(body.get("user"))
        cluster_entry = self.clusters.get(cluster, {})
        return Context(
            name=name,
            cluster=cluster,
            user=user,
            namespace=_text(body.get("namespace")),
            # A server URL may carry user:password@, and Context.server reaches messages and reports.
            server=strip_userinfo(_text(cluster_entry.get("server"))),
            source=source,
            cluster_entry=cluster_entry,
            user_entry=self.users.get(user, {}),
        )


def _named_entries(document: dict, list_key: str, body_key: str):
    """Yield (name, body) for each well-formed entry of a kubeconfig list; skip the rest."""
    entries = document.get(list_key)
    if not isinstance(entries, list):
        return
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        name = entry.get("name")
        body = entry.get(body_key)
        if isinstance(name, str) and name:
            yield name, body if isinstance(body, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _resolve_paths(body: dict, keys: tuple[str, ...], base: Path) -> dict:
    resolved = dict(body)
    for key in keys:
        value = resolved.get(key)
        if isinstance(value, str) and value and not os.path.isabs(value):
            resolved[key] = str(base / value)
    return resolved


def _resolve_user_paths(body: dict, base: Path) -> dict:
    resolved = _resolve_paths(body, USER_PATH_KEYS, base)
    exec_config = resolved.get("exec")
    if isinstance(exec_config, dict):
        command = exec_config.get("command")
        # kubectl resolves only commands with a slash; bare names are looked up on PATH.
        if isinstance(command, str) and "/" in command and not os.path.isabs(command):
            resolved["exec"] = {**exec_config, "command": str(base / command)}
    return resolved


def _current_context(merged: _Merged, result: KubeconfigResult) -> Context | None:
    name = merged.current_context
    files = _paths_text(result.files)
    if name is None:
        result.warnings.append(
            ProbeWarning(
                "no-current-context",
                f"No current-context is set in {files}; pick a context or run "
                "`kubectl config use-context NAME`.",
            )
        )
        return None

    context = result.context(name)
    if context is None:
        result.warnings.append(
            ProbeWarning(
                "current-context-missing",
                f'The current-context "{escape_control_chars(name)}" is not defined in {files}; pick another context '
                "or run `kubectl config use-context NAME`.",
            )
        )
        return None

    if not context.server:
        result.warnings.append(
            ProbeWarning(
                "cluster-entry-missing",
                f'Context "{escape_control_chars(name)}" points to cluster "{escape_control_chars(context.cluster)}", '
                f"which has no server in {files}.",
            )
        )
    return context
