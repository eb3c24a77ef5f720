"""Tests for the credential status: Docker's lookup order, Docker Hub's names and login commands."""

import pytest

from wizard.credentials import credential_status, login_shell_command
from wizard.model import DockerResult
from wizard.registry_hosts import DOCKER_HUB_KEY

ECR_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def test_credential_status_no_login_needed():
    assert credential_status("ttl.sh/a", DockerResult())[0] == "none"
    assert credential_status("localhost:5001", DockerResult())[0] == "none"
    assert credential_status(None, DockerResult())[0] == "none"


def test_credential_status_helper_on_path():
    docker = DockerResult(cred_helpers={ECR_HOST: "ecr-login"}, helpers_on_path={"ecr-login": True})
    mark, sentence = credential_status(f"{ECR_HOST}/team", docker)
    assert mark == "ok"
    assert "docker-credential-ecr-login" in sentence


def test_credential_status_helper_missing():
    docker = DockerResult(creds_store="desktop", helpers_on_path={"desktop": False})
    mark, sentence = credential_status("quay.io/jane", docker)
    assert mark == "warn"
    assert "docker-credential-desktop is not on PATH" in sentence


def test_credential_status_exact_helper_beats_store():
    docker = DockerResult(
        creds_store="desktop", cred_helpers={"gcr.io": "gcloud"}, helpers_on_path={"desktop": False, "gcloud": True}
    )
    assert credential_status("gcr.io/acme", docker)[0] == "ok"


def test_credential_status_auths_entry():
    mark, sentence = credential_status("quay.io/jane", DockerResult(auth_hosts=["https://quay.io/v1/"]))
    assert mark == "ok"
    assert "Logged in" in sentence


def test_credential_status_docker_hub_auths_key():
    docker = DockerResult(auth_hosts=["https://index.docker.io/v1/"])
    assert credential_status("docker.io/jane", docker)[0] == "ok"


@pytest.mark.parametrize(
    ("registry", "command"),
    [
        (ECR_HOST, f"aws ecr get-login-password --region eu-west-1 | docker login --username AWS --password-stdin {ECR_HOST}"),
        (ECR_HOST, '"credHelpers"'),
        ("europe-west1-docker.pkg.dev/acme/dev", "gcloud auth configure-docker europe-west1-docker.pkg.dev"),
        ("myteam.azurecr.io", "az acr login --name myteam"),
        ("registry.digitalocean.com/acme", "doctl registry login"),
        ("registry.corp.example:5000/team", "docker login registry.corp.example:5000"),
    ],
)
def test_credential_status_login_commands(registry, command):
    mark, sentence = credential_status(registry, DockerResult())
    assert mark == "warn"
    assert command in sentence


@pytest.mark.parametrize(
    ("registry", "docker"),
    [
        (None, DockerResult()),
        ("ttl.sh/a", DockerResult()),
        ("localhost:5001", DockerResult()),
        ("quay.io/jane", None),
        ("quay.io/jane", DockerResult(auth_hosts=["quay.io"])),
        ("quay.io/jane", DockerResult()),
        ("quay.io/jane", DockerResult(cred_helpers={"quay.io": "pass"}, helpers_on_path={"pass": True})),
        ("quay.io/jane", DockerResult(cred_helpers={"quay.io": "pass"}, helpers_on_path={"pass": False})),
        ("quay.io/jane", DockerResult(creds_store="desktop", auth_hosts=["quay.io"])),
        ("quay.io/jane", DockerResult(creds_store="desktop")),
    ],
)
def test_credential_status_sentence_case(registry, docker):
    sentence = credential_status(registry, docker)[1]
    assert sentence[0].isupper(), sentence


@pytest.mark.parametrize("registry", ["gcr.io/team/app", "gcr.io", "https://gcr.io/"])
def test_credential_status_exact_helper_for_registry_forms(registry):
    docker = DockerResult(creds_store="desktop", cred_helpers={"gcr.io": "gcloud"}, helpers_on_path={"desktop": False})
    mark, sentence = credential_status(registry, docker)
    assert mark == "ok"
    assert "docker-credential-gcloud" in sentence


@pytest.mark.parametrize("registry", ["us.gcr.io/acme", "gcr.io:443/acme"])
def test_credential_status_other_host_falls_back_to_store(registry):
    docker = DockerResult(creds_store="desktop", cred_helpers={"gcr.io": "gcloud"}, helpers_on_path={"desktop": False})
    assert "docker-credential-desktop" in credential_status(registry, docker)[1]


def test_credential_status_empty_store_means_no_helper():
    mark, sentence = credential_status("quay.io/jane", DockerResult(creds_store=""))
    assert mark == "warn"
    assert "`docker login quay.io`" in sentence


@pytest.mark.parametrize("registry", ["docker.io/jane", "index.docker.io/jane", "registry-1.docker.io/jane"])
def test_credential_status_docker_hub_helper_key(registry):
    docker = DockerResult(cred_helpers={DOCKER_HUB_KEY: "pass", "docker.io": "ignored"}, helpers_on_path={"pass": True})
    assert "docker-credential-pass" in credential_status(registry, docker)[1]


@pytest.mark.parametrize("host", ["docker.io", "index.docker.io", "registry-1.docker.io", "Index.Docker.IO"])
def test_login_shell_command_docker_hub(host):
    assert login_shell_command(host) == "docker login"


def test_credential_status_ignores_wildcard_helper_keys():
    docker = DockerResult(cred_helpers={"*.dkr.ecr.*.amazonaws.com": "ecr-login"})
    mark, sentence = credential_status(f"{ECR_HOST}/team", docker)
    assert mark == "warn"
    assert "aws ecr get-login-password" in sentence
