"""Test setup shared by every test: keep cloud SDKs away from metadata addresses and real homes."""

import os

import pytest

# Set at import, before any SDK module reads them: google-auth reads its variables at import time.
# Port 9 (discard) on loopback is closed here, so a metadata lookup fails at once.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ["NO_GCE_CHECK"] = "true"
os.environ["GCE_METADATA_HOST"] = "127.0.0.1:9"
os.environ["GCE_METADATA_IP"] = "127.0.0.1:9"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty home directory with no kubeconfig and no Docker config, and a clean environment."""
    home_dir = tmp_path / "home"
    home_dir.mkdir()
    monkeypatch.setenv("HOME", str(home_dir))
    for name in ("KUBECONFIG", "DOCKER_CONFIG", "DOCKER_HOST", "DOCKER_CONTEXT", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return home_dir


@pytest.fixture(autouse=True)
def state_dir(tmp_path, monkeypatch):
    """A per-test user state directory, so no test writes the ttl.sh secret or a log under the real home."""
    directory = tmp_path / "state"
    monkeypatch.setenv("XDG_STATE_HOME", str(directory))
    return directory
