"""Tests for registry host parsing: host names, loopback and listen addresses, and Docker Hub's names."""

import pytest

from wizard.registry_hosts import DOCKER_HUB_KEY, docker_config_key, host_name, is_docker_hub, is_loopback, is_unspecified


@pytest.mark.parametrize(
    ("host", "name"),
    [
        ("localhost:5000", "localhost"),
        ("[::1]:5000", "::1"),
        ("::1", "::1"),
        ("Registry.Test:5000/team", "registry.test"),
        ("127.0.0.1", "127.0.0.1"),
        ("http://localhost:5000/x", "localhost"),
    ],
)
def test_host_name_parts(host, name):
    assert host_name(host) == name


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost:5000", True),
        ("registry.localhost", True),
        ("127.0.0.2:5000/team", True),
        ("[::1]:5000", True),
        ("::1", True),
        ("0.0.0.0:5000", False),
        ("registry.example.test", False),
        ("10.0.0.1:5000", False),
    ],
)
def test_is_loopback_hosts(host, expected):
    assert is_loopback(host) is expected


@pytest.mark.parametrize(
    ("host", "expected"), [("0.0.0.0:5000", True), ("[::]:5000", True), ("::", True), ("localhost:5000", False)]
)
def test_is_unspecified_hosts(host, expected):
    assert is_unspecified(host) is expected


@pytest.mark.parametrize(
    "host", ["docker.io", "index.docker.io", "registry-1.docker.io", "Docker.IO", DOCKER_HUB_KEY, "docker.io/jane"]
)
def test_is_docker_hub_names(host):
    assert is_docker_hub(host)


@pytest.mark.parametrize("host", ["quay.io", "docker.io:443", "mirror.docker.io.example.test"])
def test_is_docker_hub_other_hosts(host):
    assert not is_docker_hub(host)


def test_docker_config_key_hub_and_other():
    assert docker_config_key("index.docker.io") == DOCKER_HUB_KEY
    assert docker_config_key("gcr.io") == "gcr.io"
