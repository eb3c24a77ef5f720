"""Tests for the Docker client configuration probe and the helper lookup per registry host."""

import hashlib
import json
import os
import stat

import pytest

from wizard.probes.docker_config import probe_docker

FAKE_SECRET = "c2VjcmV0LXVzZXI6aHVudGVyMi1GQUtFLVNFQ1JFVA=="


@pytest.fixture
def bin_dir(tmp_path):
    """An empty directory used as the whole PATH, so no real credential helper is found."""
    path = tmp_path / "bin"
    path.mkdir()
    return path


@pytest.fixture
def env(home, bin_dir):
    return {"HOME": str(home), "PATH": str(bin_dir)}


def write_config(home, content):
    config_dir = home / ".docker"
    config_dir.mkdir(exist_ok=True)
    path = config_dir / "config.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(json.dumps(content), encoding="utf-8")
    return path


def add_helper(bin_dir, name):
    helper = bin_dir / f"docker-credential-{name}"
    helper.write_text("#!/bin/sh\nexit 0\n")
    helper.chmod(helper.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return helper


def codes(result):
    return [warning.code for warning in result.warnings]


def test_docker_config_missing(env, home):
    result = probe_docker(env)
    assert result.config_state == "missing"
    assert result.config_path == home / ".docker" / "config.json"
    assert result.warnings == []


def test_docker_config_dir_from_env(env, tmp_path):
    config_dir = tmp_path / "elsewhere"
    config_dir.mkdir()
    (config_dir / "config.json").write_text('{"credsStore": "foo"}')
    result = probe_docker({**env, "DOCKER_CONFIG": str(config_dir)})
    assert result.config_path == config_dir / "config.json"
    assert result.creds_store == "foo"


def test_docker_config_without_credhelpers(env, home):
    write_config(home, {"auths": {"ghcr.io": {}}, "currentContext": "default"})
    result = probe_docker(env)
    assert result.config_state == "ok"
    assert result.cred_helpers == {}
    assert result.creds_store is None
    assert result.auth_hosts == ["ghcr.io"]
    assert result.warnings == []


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_docker_config_empty_file(env, home, content):
    path = write_config(home, content)
    result = probe_docker(env)
    assert result.config_state == "empty"
    assert result.warnings == []
    assert path.read_bytes() == content


def test_docker_config_invalid_json(env, home):
    content = b'{\n  "credsStore": "desktop"\n  "auths": {}\n}\n'
    path = write_config(home, content)
    result = probe_docker(env)
    assert result.config_state == "invalid"
    assert codes(result) == ["docker-config-invalid"]
    message = result.warnings[0].message
    assert str(path) in message
    assert "line 3, column 3" in message
    assert "will not rewrite" in message
    assert result.creds_store is None
    assert path.read_bytes() == content


def test_docker_config_not_an_object(env, home):
    path = write_config(home, b'\n  ["credsStore"]\n')
    result = probe_docker(env)
    assert result.config_state == "invalid"
    assert "line 2, column 3 holds a JSON array" in result.warnings[0].message
    assert path.read_bytes() == b'\n  ["credsStore"]\n'


def test_docker_config_unreadable(env, home):
    (home / ".docker" / "config.json").mkdir(parents=True)
    result = probe_docker(env)
    assert result.config_state == "unreadable"
    assert codes(result) == ["docker-config-unreadable"]


def test_docker_config_wrong_field_types(env, home):
    write_config(home, {"credsStore": 3, "credHelpers": ["gcr.io"], "auths": "x"})
    result = probe_docker(env)
    assert result.config_state == "ok"
    assert codes(result) == ["docker-config-field-invalid"] * 3


def test_docker_config_secrets_never_kept(env, home):
    write_config(
        home,
        {
            "auths": {
                "registry.example.com": {"auth": FAKE_SECRET, "password": FAKE_SECRET},
                "https://index.docker.io/v1/": {"identitytoken": FAKE_SECRET},
            },
            "auth": FAKE_SECRET,
            "credHelpers": {"gcr.io": "gcloud"},
        },
    )
    result = probe_docker(env)
    assert result.auth_hosts == ["registry.example.com", "https://index.docker.io/v1/"]
    assert FAKE_SECRET not in repr(result)
    assert FAKE_SECRET not in str(result)
    assert all(FAKE_SECRET not in warning.message for warning in result.warnings)
    assert "hunter2" not in repr(result)


def test_docker_config_wildcard_credhelpers(env, home, bin_dir):
    add_helper(bin_dir, "ecr-login")
    write_config(home, {"credHelpers": {"*.dkr.ecr.*.amazonaws.com": "ecr-login"}})
    result = probe_docker(env)
    assert codes(result) == ["docker-credhelpers-wildcard"]
    message = result.warnings[0].message
    assert "exact hosts only" in message
    assert '"<account>.dkr.ecr.<region>.amazonaws.com": "ecr-login"' in message


def test_docker_config_wildcard_other_host(env, home, bin_dir):
    add_helper(bin_dir, "gcloud")
    write_config(home, {"credHelpers": {"*.pkg.dev": "gcloud"}})
    result = probe_docker(env)
    assert '"<name>.pkg.dev": "gcloud"' in result.warnings[0].message


def test_docker_config_helper_missing(env, home):
    write_config(home, {"credsStore": "desktop", "credHelpers": {"gcr.io": "gcloud", "us.gcr.io": "gcloud"}})
    result = probe_docker(env)
    assert result.helpers_on_path == {"desktop": False, "gcloud": False}
    assert codes(result) == ["docker-credential-helper-missing"] * 2
    assert "docker-credential-desktop is not on PATH" in result.warnings[0].message
    assert "credsStore" in result.warnings[0].message
    assert "docker-credential-gcloud is not on PATH" in result.warnings[1].message
    assert '"us.gcr.io"' in result.warnings[1].message


def test_docker_config_helper_found(env, home, bin_dir):
    add_helper(bin_dir, "foo")
    write_config(home, {"credHelpers": {"registry.example.com": "foo"}})
    result = probe_docker(env)
    assert result.helpers_on_path == {"foo": True}
    assert result.warnings == []


def test_docker_config_helper_path_from_env(home, bin_dir, tmp_path):
    add_helper(bin_dir, "foo")
    write_config(home, {"credsStore": "foo"})
    other = tmp_path / "other-bin"
    other.mkdir()
    result = probe_docker({"HOME": str(home), "PATH": f"{other}{os.pathsep}{bin_dir}"})
    assert result.helpers_on_path == {"foo": True}


def test_docker_config_ecr_login_store(env, home, bin_dir):
    add_helper(bin_dir, "ecr-login")
    write_config(home, {"credsStore": "ecr-login"})
    result = probe_docker(env)
    assert codes(result) == ["docker-credsstore-ecr-login"]
    message = result.warnings[0].message
    assert "docker login" in message
    assert "credHelpers" in message


def test_docker_config_docker_host_env(env):
    result = probe_docker({**env, "DOCKER_HOST": "tcp://127.0.0.1:2375"})
    assert result.docker_host == "tcp://127.0.0.1:2375"
    assert result.docker_context is None


def write_context(home, name, host):
    digest = hashlib.sha256(name.encode()).hexdigest()
    meta_dir = home / ".docker" / "contexts" / "meta" / digest
    meta_dir.mkdir(parents=True)
    meta = {"Name": name, "Metadata": {}, "Endpoints": {"docker": {"Host": host, "SkipTLSVerify": False}}}
    (meta_dir / "meta.json").write_text(json.dumps(meta))


def test_docker_config_context_endpoint(env, home):
    write_config(home, {"currentContext": "colima"})
    write_context(home, "colima", "unix:///home/dev/.colima/default/docker.sock")
    result = probe_docker(env)
    assert result.docker_context == "colima"
    assert result.docker_host == "unix:///home/dev/.colima/default/docker.sock"
    assert result.warnings == []


def test_docker_config_context_from_env(env, home):
    write_config(home, {"currentContext": "colima"})
    write_context(home, "orbstack", "unix:///home/dev/.orbstack/run/docker.sock")
    result = probe_docker({**env, "DOCKER_CONTEXT": "orbstack"})
    assert result.docker_context == "orbstack"
    assert result.docker_host == "unix:///home/dev/.orbstack/run/docker.sock"


def test_docker_config_default_context(env, home):
    write_config(home, {"currentContext": "default"})
    result = probe_docker(env)
    assert result.docker_context is None
    assert result.docker_host is None


def test_docker_config_host_overrides_context(env, home):
    write_context(home, "colima", "unix:///home/dev/.colima/default/docker.sock")
    result = probe_docker({**env, "DOCKER_CONTEXT": "colima", "DOCKER_HOST": "unix:///var/run/docker.sock"})
    assert result.docker_host == "unix:///var/run/docker.sock"
    assert result.docker_context == "colima"
    assert codes(result) == ["docker-host-overrides-context"]


def test_docker_config_context_not_found(env, home):
    write_config(home, {"currentContext": "gone"})
    result = probe_docker(env)
    assert result.docker_context == "gone"
    assert result.docker_host is None
    assert codes(result) == ["docker-context-not-found"]


def test_docker_config_context_with_invalid_config(env, home):
    write_config(home, b"{")
    write_context(home, "colima", "unix:///c.sock")
    result = probe_docker({**env, "DOCKER_CONTEXT": "colima"})
    assert result.docker_host == "unix:///c.sock"


def test_docker_config_prints_nothing(env, home, capsys):
    write_config(home, b"{not json")
    probe_docker(env)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_docker_config_warnings_escape_control_chars(env, home):
    write_config(home, {"credHelpers": {"evil\x1b[2J.example": "gone\x1b]0;owned\x07"}})
    result = probe_docker({**env, "DOCKER_CONTEXT": "colima", "DOCKER_HOST": "tcp://host\x1b[2J:2375"})
    assert codes(result) == ["docker-credential-helper-missing", "docker-host-overrides-context"]
    for warning in result.warnings:
        assert "\x1b" not in warning.message
        assert "\x07" not in warning.message
    assert '"evil\\x1b[2J.example"' in result.warnings[0].message
    assert "docker-credential-gone\\x1b]0;owned\\x07 is not on PATH" in result.warnings[0].message
    assert "tcp://host\\x1b[2J:2375" in result.warnings[1].message
