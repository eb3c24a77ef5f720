"""Tests for the image reference grammar, registry validation and Tilt's renaming."""

import pytest

from wizard.errors import InvalidInput
from wizard.imageref import (
    PREVIEW_TAG,
    familiar_name,
    has_registry_host,
    normalize_registry,
    push_reference,
    registry_problem,
    single_name_problem,
    split_domain,
)

ECR = "123.dkr.ecr.us-east-1.amazonaws.com"


# Tilt's own examples (internal/container/registry_test.go and tiltfile_test.go).
@pytest.mark.parametrize(
    ("image", "registry", "expected"),
    [
        ("gcr.io/foo/bar", "myreg.com", "myreg.com/gcr.io_foo_bar"),
        ("docker.io/library/busybox", "gcr.io/foo", "gcr.io/foo/busybox"),
        ("myreg.com:5000/bar", "myreg.com", "myreg.com/myreg.com_5000_bar"),
    ],
)
def test_push_reference_tilt_examples(image, registry, expected):
    assert push_reference(image, registry) == f"{expected}:{PREVIEW_TAG}"


def test_push_reference_single_name_tilt_example():
    reference = push_reference("fe", ECR, single_name="team-a/dev", tag="tilt-build-123")
    assert reference == f"{ECR}/team-a/dev:fe-tilt-build-123"


def test_push_reference_single_name_escapes_base_name():
    reference = push_reference("gcr.io/foo/bar-api:1.0", "reg.example.com", single_name="dev")
    assert reference == f"reg.example.com/dev:bar-api-{PREVIEW_TAG}"


def test_push_reference_drops_user_tag():
    assert push_reference("gcr.io/foo:bar", "example.com") == f"example.com/gcr.io_foo:{PREVIEW_TAG}"


def test_push_reference_drops_digest():
    image = "acme/api@sha256:" + "a" * 64
    assert push_reference(image, "example.com") == f"example.com/acme_api:{PREVIEW_TAG}"


def test_push_reference_name_already_under_registry():
    assert push_reference("localhost:5001/app:3", "localhost:5001") == f"localhost:5001/app:{PREVIEW_TAG}"


def test_push_reference_already_under_registry_with_single_name():
    reference = push_reference("myreg.com/app", "myreg.com", single_name="dev")
    assert reference == f"myreg.com/app:app-{PREVIEW_TAG}"


def test_push_reference_familiar_docker_hub_user():
    assert push_reference("docker.io/acme/api", "ttl.sh/me-1") == f"ttl.sh/me-1/acme_api:{PREVIEW_TAG}"


def test_push_reference_custom_tag():
    assert push_reference("web", "localhost:5000", tag="tilt-0123456789abcdef") == "localhost:5000/web:tilt-0123456789abcdef"


def test_push_reference_invalid_image():
    with pytest.raises(InvalidInput, match="lowercase"):
        push_reference("acme/API", "myreg.com")


def test_push_reference_renamed_uppercase_host_invalid():
    # Tilt fails the same way: the escaped host becomes an uppercase path component.
    with pytest.raises(InvalidInput, match="Tilt cannot rename"):
        push_reference("MyReg.com/app", "myreg.com")


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("docker.io/library/busybox:1", "busybox"),
        ("busybox", "busybox"),
        ("index.docker.io/acme/api", "acme/api"),
        ("docker.io/library/a/b", "library/a/b"),
        ("localhost:5000/app:3", "localhost:5000/app"),
        ("gcr.io/foo/bar@sha256:" + "b" * 64, "gcr.io/foo/bar"),
    ],
)
def test_familiar_name_cases(image, expected):
    assert familiar_name(image) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("busybox", ("docker.io", "library/busybox")),
        ("acme/api", ("docker.io", "acme/api")),
        ("index.docker.io/busybox", ("docker.io", "library/busybox")),
        ("localhost/app", ("localhost", "app")),
        ("myreg.com:5000/a/b", ("myreg.com:5000", "a/b")),
        ("Upper/app", ("Upper", "app")),
    ],
)
def test_split_domain_cases(name, expected):
    assert split_domain(name) == expected


@pytest.mark.parametrize(
    ("image", "expected"),
    [("localhost:5000/app", True), ("gcr.io/x", True), ("acme/api", False), ("api", False), ("localhost/app", True)],
)
def test_has_registry_host_cases(image, expected):
    assert has_registry_host(image) is expected


@pytest.mark.parametrize(
    "registry",
    [
        "registry.corp.example:5000/team",
        "localhost:5000",
        "gcr.io/foo",
        "docker.io/acme",
        ECR,
        f"{ECR}/bar",
        "[::1]:5000/dev",
        "ttl.sh/me-0123abcd",
        "europe-west1-docker.pkg.dev/acme/dev__images",
    ],
)
def test_normalize_registry_accepts(registry):
    assert normalize_registry(registry) == (registry, [])


def test_normalize_registry_strips_blanks():
    assert normalize_registry("  gcr.io/foo \n") == ("gcr.io/foo", [])


def test_normalize_registry_removes_https_with_notice():
    registry, notices = normalize_registry("https://registry.corp.example:5000/team")
    assert registry == "registry.corp.example:5000/team"
    assert notices == ["Removed the leading https://; a registry is a host and path, not a URL."]


def test_normalize_registry_removes_http_and_trailing_slash():
    registry, notices = normalize_registry("http://localhost:5000/")
    assert registry == "localhost:5000"
    assert len(notices) == 2
    assert notices[0].startswith("Removed the leading http://")
    assert notices[1].startswith("Removed the trailing /")


def test_normalize_registry_rejects_bare_name():
    with pytest.raises(InvalidInput) as caught:
        normalize_registry("foo")
    assert caught.value.message == "'foo' is not a registry host: add the host, such as docker.io/foo"


@pytest.mark.parametrize(
    ("registry", "reason"),
    [
        ("", "empty"),
        ("acme/team", "does not start with a registry host"),
        ("gcr.io/MyOrg", "uppercase"),
        ("gcr.io/my org", "space"),
        ("gcr.io/foo:latest", "tag"),
        ("myreg.com:latest", "tag"),
        ("gcr.io/foo@sha256:" + "a" * 64, "digest"),
        ("gcr.io//foo", "empty path component"),
        ("gcr.io/foo-", "invalid path component"),
        ("my_reg.com/x", "invalid host"),
        ("docker.io", "user or organisation"),
        ("index.docker.io/acme", "docker.io/acme"),
        ("gcr.io/" + "a" * 251, "longer than"),
    ],
)
def test_normalize_registry_rejects_with_reason(registry, reason):
    with pytest.raises(InvalidInput, match=reason):
        normalize_registry(registry)


def test_registry_problem_valid_is_none():
    assert registry_problem("https://gcr.io/foo/") is None


def test_registry_problem_returns_message():
    assert "uppercase" in registry_problem("gcr.io/Foo")


def test_single_name_problem_valid():
    assert single_name_problem("team-a/dev") is None


@pytest.mark.parametrize(("name", "reason"), [("", "empty"), ("Team", "uppercase"), ("a//b", "invalid path component")])
def test_single_name_problem_cases(name, reason):
    assert reason in single_name_problem(name)
