"""Tests for kubeconfig loading and merging."""

import os
from pathlib import Path

import yaml

from wizard.probes.kubeconfig import load_kubeconfig, select_context


def write(path: Path, document: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def config(contexts=(), clusters=(), users=(), current=None) -> dict:
    """Build a kubeconfig document from (name, cluster, user), (name, server) and (name, body) tuples."""
    document = {
        "apiVersion": "v1",
        "kind": "Config",
        "contexts": [{"name": n, "context": {"cluster": c, "user": u}} for n, c, u in contexts],
        "clusters": [{"name": n, "cluster": {"server": s}} for n, s in clusters],
        "users": [{"name": n, "user": body} for n, body in users],
    }
    if current is not None:
        document["current-context"] = current
    return document


def env_for(home: Path, *files: Path) -> dict:
    env = {"HOME": str(home)}
    if files:
        env["KUBECONFIG"] = os.pathsep.join(str(f) for f in files)
    return env


def codes(result) -> list[str]:
    return [w.code for w in result.warnings]


def test_kubeconfig_default_path_in_home(tmp_path):
    write(tmp_path / ".kube" / "config", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:6443")], current="dev"))

    result = load_kubeconfig({"HOME": str(tmp_path), "KUBECONFIG": ""})

    assert result.current is not None
    assert result.current.name == "dev"
    assert result.current.server == "https://127.0.0.1:6443"
    assert result.current.source == tmp_path / ".kube" / "config"
    assert result.warnings == []


def test_kubeconfig_no_file_warns(tmp_path):
    result = load_kubeconfig({"HOME": str(tmp_path)})

    assert result.contexts == []
    assert result.current is None
    assert codes(result) == ["kubeconfig-missing"]


def test_kubeconfig_no_current_context(tmp_path):
    path = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")]))

    result = load_kubeconfig(env_for(tmp_path, path))

    assert result.current is None
    assert [c.name for c in result.contexts] == ["dev"]
    assert codes(result) == ["no-current-context"]


def test_kubeconfig_current_context_missing(tmp_path):
    path = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="gone"))

    result = load_kubeconfig(env_for(tmp_path, path))

    assert result.current is None
    assert codes(result) == ["current-context-missing"]
    assert '"gone"' in result.warnings[0].message


def test_kubeconfig_current_context_from_second_file(tmp_path):
    first = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")]))
    second = write(tmp_path / "b.yaml", config([("prod", "c2", "u2")], [("c2", "https://127.0.0.1:2")], current="prod"))

    result = load_kubeconfig(env_for(tmp_path, first, second))

    assert result.current is not None
    assert result.current.name == "prod"
    assert result.current.source == second
    assert [c.name for c in result.contexts] == ["dev", "prod"]
    assert result.files == [first, second]


def test_kubeconfig_first_current_context_wins(tmp_path):
    first = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev"))
    second = write(tmp_path / "b.yaml", config([("prod", "c2", "u2")], [("c2", "https://127.0.0.1:2")], current="prod"))

    result = load_kubeconfig(env_for(tmp_path, first, second))

    assert result.current.name == "dev"


def test_kubeconfig_first_definition_wins(tmp_path):
    first = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev"))
    second = write(
        tmp_path / "b.yaml",
        config([("dev", "other", "u1")], [("c1", "https://127.0.0.1:9"), ("other", "https://127.0.0.1:8")]),
    )

    result = load_kubeconfig(env_for(tmp_path, first, second))

    assert result.current.cluster == "c1"
    assert result.current.server == "https://127.0.0.1:1"
    assert len(result.contexts) == 1


def test_kubeconfig_cluster_from_other_file(tmp_path):
    first = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], current="dev"))
    second = write(tmp_path / "b.yaml", config(clusters=[("c1", "https://127.0.0.1:7")]))

    result = load_kubeconfig(env_for(tmp_path, first, second))

    assert result.current.server == "https://127.0.0.1:7"


def test_kubeconfig_missing_listed_file_skipped(tmp_path):
    present = write(tmp_path / "a.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev"))

    result = load_kubeconfig(env_for(tmp_path, tmp_path / "absent.yaml", present))

    assert result.current.name == "dev"
    assert result.files == [present]
    assert result.warnings == []


def test_kubeconfig_invalid_yaml_warns_and_continues(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("contexts: [\n  - name: x\n", encoding="utf-8")
    good = write(tmp_path / "b.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev"))

    result = load_kubeconfig(env_for(tmp_path, broken, good))

    assert result.current.name == "dev"
    assert codes(result) == ["kubeconfig-invalid"]
    assert str(broken) in result.warnings[0].message


def test_kubeconfig_not_a_mapping_warns(tmp_path):
    listed = tmp_path / "list.yaml"
    listed.write_text("- a\n- b\n", encoding="utf-8")

    result = load_kubeconfig(env_for(tmp_path, listed))

    assert codes(result) == ["kubeconfig-invalid", "kubeconfig-missing"]


def test_kubeconfig_unreadable_file_warns(tmp_path):
    directory = tmp_path / "config-dir"
    directory.mkdir()
    good = write(tmp_path / "b.yaml", config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev"))

    result = load_kubeconfig(env_for(tmp_path, directory, good))

    assert codes(result) == ["kubeconfig-unreadable"]
    assert str(directory) in result.warnings[0].message
    assert result.current.name == "dev"


def test_kubeconfig_empty_file_is_no_error(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("", encoding="utf-8")

    result = load_kubeconfig(env_for(tmp_path, empty))

    assert result.files == [empty]
    assert codes(result) == ["no-current-context"]


def test_kubeconfig_context_without_cluster_warns(tmp_path):
    path = write(tmp_path / "a.yaml", config([("dev", "missing", "u1")], current="dev"))

    result = load_kubeconfig(env_for(tmp_path, path))

    assert result.current.server == ""
    assert codes(result) == ["cluster-entry-missing"]


def test_kubeconfig_relative_paths_resolved(tmp_path):
    document = config([("dev", "c1", "u1")], current="dev")
    document["clusters"] = [{"name": "c1", "cluster": {"server": "https://127.0.0.1:1", "certificate-authority": "ca.crt"}}]
    document["users"] = [
        {
            "name": "u1",
            "user": {
                "client-certificate": "certs/client.crt",
                "client-key": "/abs/client.key",
                "tokenFile": "token",
                "exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": "./bin/plugin"},
            },
        }
    ]
    path = write(tmp_path / "conf" / "a.yaml", document)

    current = load_kubeconfig(env_for(tmp_path, path)).current

    base = tmp_path / "conf"
    assert current.cluster_entry["certificate-authority"] == str(base / "ca.crt")
    assert current.user_entry["client-certificate"] == str(base / "certs/client.crt")
    assert current.user_entry["client-key"] == "/abs/client.key"
    assert current.user_entry["tokenFile"] == str(base / "token")
    assert current.user_entry["exec"]["command"] == str(base / "bin/plugin")


def test_kubeconfig_bare_exec_command_kept(tmp_path):
    document = config([("dev", "c1", "u1")], [("c1", "https://127.0.0.1:1")], current="dev")
    document["users"] = [{"name": "u1", "user": {"exec": {"command": "aws", "args": ["eks"]}}}]
    path = write(tmp_path / "a.yaml", document)

    current = load_kubeconfig(env_for(tmp_path, path)).current

    assert current.user_entry["exec"]["command"] == "aws"


def test_kubeconfig_paths_resolve_against_defining_file(tmp_path):
    first = write(tmp_path / "one" / "a.yaml", config([("dev", "c1", "u1")], current="dev"))
    second_document = config()
    second_document["clusters"] = [{"name": "c1", "cluster": {"server": "https://127.0.0.1:1", "certificate-authority": "ca.crt"}}]
    second = write(tmp_path / "two" / "b.yaml", second_document)

    current = load_kubeconfig(env_for(tmp_path, first, second)).current

    assert current.source == first
    assert current.cluster_entry["certificate-authority"] == str(tmp_path / "two" / "ca.crt")


def test_kubeconfig_malformed_entries_skipped(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(
        "contexts: [null, {name: dev, context: {cluster: c1}}, {context: {}}]\n"
        "clusters: {not: a list}\ncurrent-context: dev\n",
        encoding="utf-8",
    )

    result = load_kubeconfig(env_for(tmp_path, path))

    assert [c.name for c in result.contexts] == ["dev"]
    assert result.current.name == "dev"


def test_select_context_by_name_and_default(tmp_path):
    path = write(
        tmp_path / "a.yaml",
        config([("dev", "c1", "u1"), ("prod", "c2", "u2")], [("c1", "https://127.0.0.1:1")], current="dev"),
    )
    result = load_kubeconfig(env_for(tmp_path, path))

    assert select_context(result, None).name == "dev"
    assert select_context(result, "prod").name == "prod"
    assert select_context(result, "absent") is None


def test_kubeconfig_warnings_escape_control_chars(tmp_path):
    document = config([("dev", "c1\x1b[2J", "u1")], [], current="dev")
    document["contexts"].append({"name": "x", "context": {"cluster": "c1", "user": "u1"}})
    path = write(tmp_path / "a.yaml", document)
    gone = write(tmp_path / "b.yaml", config(current="gone\x1b]0;owned\x07"))

    entry_missing = load_kubeconfig(env_for(tmp_path, path))
    context_missing = load_kubeconfig(env_for(tmp_path, gone, path))

    for result in (entry_missing, context_missing):
        message = result.warnings[0].message
        assert "\x1b" not in message
        assert "\x07" not in message
    assert 'cluster "c1\\x1b[2J"' in entry_missing.warnings[0].message
    assert '"gone\\x1b]0;owned\\x07"' in context_missing.warnings[0].message


def test_kubeconfig_server_userinfo_stripped(tmp_path):
    path = write(
        tmp_path / "config",
        config([("dev", "c1", "u1")], [("c1", "https://admin:pa55word@kube.example.test:6443/k8s")], current="dev"),
    )
    result = load_kubeconfig(env_for(tmp_path, path))
    assert result.current.server == "https://kube.example.test:6443/k8s"
