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
    show,
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
        ("gcr.io/" + "a" * 251, "258 characters long; the maximum is 250"),
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


# --- credentials, ports and control characters ---


@pytest.mark.parametrize(
    "registry", ["https://user:secret@ttl.sh/x", "user:secret@ttl.sh/x", "http://user:se/cret@ttl.sh/x", "user@ttl.sh/x"]
)
def test_normalize_registry_rejects_credentials(registry):
    with pytest.raises(InvalidInput) as caught:
        normalize_registry(registry)
    assert "contains credentials (user:password@); remove them and log in with `docker login` instead" in caught.value.message
    assert "secret" not in caught.value.message
    assert "se/cret" not in caught.value.message
    assert "user" not in caught.value.message.partition("(")[0]


def test_normalize_registry_credentials_with_control_character_hidden():
    message = registry_problem("user:se\ncret@ttl.sh/x")
    assert "cret" not in message
    assert "contains credentials" in message


@pytest.mark.parametrize("registry", ["localhost:99999", "localhost:0", "localhost:65536/x", "[::1]:0/dev"])
def test_normalize_registry_rejects_port_out_of_range(registry):
    with pytest.raises(InvalidInput, match="a port is a number from 1 to 65535"):
        normalize_registry(registry)


@pytest.mark.parametrize("registry", ["localhost:1", "localhost:65535/x", "[::1]:65535"])
def test_normalize_registry_accepts_port_bounds(registry):
    assert registry_problem(registry) is None


@pytest.mark.parametrize(("registry", "shown"), [("ttl.sh/a\nb", "'ttl.sh/a\\nb'"), ("ttl.sh/a\tb", "'ttl.sh/a\\tb'"), ("ttl.sh/\x1b[31mx", "'ttl.sh/\\x1b[31mx'")])
def test_registry_problem_control_character(registry, shown):
    message = registry_problem(registry)
    assert f"{shown} contains a control character" in message
    assert "space" not in message


@pytest.mark.parametrize("registry", ["ttl.sh/a\nb", "\x1b[2Jttl.sh", "gcr.io/A\x07", "foo\x9b", "a\rb"])
def test_registry_problem_never_contains_raw_control_characters(registry):
    message = registry_problem(registry)
    assert message is not None
    assert not any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in message)


# --- public registries that need an account part ---


@pytest.mark.parametrize(
    ("registry", "form"),
    [
        ("docker.io", "docker.io/<user>"),
        ("quay.io", "'quay.io' needs your user or organisation: quay.io/<user>"),
        ("ghcr.io", "ghcr.io/<user>"),
        ("gcr.io", "gcr.io/<project>"),
        ("us.gcr.io", "us.gcr.io/<project>"),
        ("eu.gcr.io", "eu.gcr.io/<project>"),
        ("asia.gcr.io", "asia.gcr.io/<project>"),
        ("europe-west1-docker.pkg.dev", "europe-west1-docker.pkg.dev/<project>/<repository>"),
        ("europe-west1-docker.pkg.dev/acme", "europe-west1-docker.pkg.dev/<project>/<repository>"),
        ("registry.digitalocean.com", "registry.digitalocean.com/<registry>"),
        ("registry.gitlab.com", "registry.gitlab.com/<group>/<project>"),
        ("Quay.IO", "quay.io/<user>"),
    ],
)
def test_normalize_registry_rejects_missing_namespace(registry, form):
    with pytest.raises(InvalidInput) as caught:
        normalize_registry(registry)
    assert form in caught.value.message


@pytest.mark.parametrize("registry", ["quay.io/jane", "ghcr.io/acme", "registry.gitlab.com/acme/shop", "registry.digitalocean.com/acme"])
def test_normalize_registry_accepts_namespaced(registry):
    assert registry_problem(registry) is None


# --- suggestions are valid themselves ---


@pytest.mark.parametrize("registry", ["$(id)", "ACME!", "foo_", "-x"])
def test_registry_problem_suggests_placeholder_for_invalid_path(registry):
    message = registry_problem(registry)
    assert message.endswith("such as docker.io/<user>")


def test_registry_problem_suggestion_is_valid():
    message = registry_problem("ACME")
    suggestion = message.rpartition("such as ")[2]
    assert suggestion == "docker.io/acme"
    assert registry_problem(suggestion) is None


def test_registry_problem_index_docker_io_without_path():
    assert "write docker.io/<user>" in registry_problem("index.docker.io")


# --- length limits ---


def test_normalize_registry_rejects_overlong_whole_name():
    registry = "a" * 240 + ".example.com/x"
    message = registry_problem(registry)
    assert f"is {len(registry)} characters long; the maximum is 250" in message


def test_normalize_registry_accepts_maximum_length():
    assert registry_problem("ttl.sh/" + "a" * 243) is None


def test_push_reference_rejects_overlong_whole_name():
    registry = "r" * 200 + ".example.com"
    with pytest.raises(InvalidInput, match=r"characters long, and many clients accept at most 255"):
        push_reference("a" * 60, registry)


def test_push_reference_overlong_path_says_length():
    # The path is "b" * 48 + "/acme_" + "a" * 210: 264 characters.
    with pytest.raises(InvalidInput, match="path of .* is 264 characters long; the maximum is 255"):
        push_reference("acme/" + "a" * 210, "ttl.sh/" + "b" * 48)


# --- single_name ---


@pytest.mark.parametrize(("name", "reason"), [("dev\nx", "control character"), ("de\tv", "control character"), ("a b", "space")])
def test_single_name_problem_blanks_and_control(name, reason):
    message = single_name_problem(name)
    assert reason in message
    assert "\n" not in message
    assert "\t" not in message


def test_single_name_problem_overlong_says_length():
    assert single_name_problem("a" * 300) == "single_name is 300 characters long; the maximum is 255."


def test_show_masks_query_token():
    assert show("registry.corp/team?token=s3cret") == "'registry.corp/team?***'"


def test_show_masks_fragment():
    assert show("registry.corp/team#s3cret") == "'registry.corp/team#***'"


def test_normalize_registry_query_masked():
    with pytest.raises(InvalidInput) as caught:
        normalize_registry("registry.corp:5000?token=s3cret")
    assert "s3cret" not in caught.value.message


def test_normalize_registry_tag_masked():
    with pytest.raises(InvalidInput) as caught:
        normalize_registry("registry.corp/team:v1#s3cret")
    assert "s3cret" not in caught.value.message
