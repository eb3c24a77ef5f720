"""Tests for the ttl.sh name: its per-machine secret, the HMAC digits and the fallback without a state directory."""

import hashlib
import hmac
import stat
import threading
from pathlib import Path

import pytest

from wizard import options
from wizard.options import SECRET_BYTES, ttl_registry, ttl_secret, ttl_secret_path

PROJECT = Path("/nonexistent/shop")


@pytest.fixture(autouse=True)
def fixed_user(monkeypatch):
    monkeypatch.setattr(options.getpass, "getuser", lambda: "jane")
    monkeypatch.setattr(options, "_process_secret", None)


def test_ttl_secret_path_under_state_home(state_dir):
    assert ttl_secret_path() == state_dir / "tilt-registry-wizard" / "ttl-secret"


def test_ttl_secret_created_with_mode_0600(state_dir):
    secret = ttl_secret()
    path = ttl_secret_path()
    assert len(secret) == SECRET_BYTES
    assert path.read_bytes() == secret
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_ttl_secret_leaves_no_temporary_file(state_dir):
    ttl_secret()
    assert [path.name for path in ttl_secret_path().parent.iterdir()] == ["ttl-secret"]


def test_ttl_secret_read_when_present(state_dir):
    path = ttl_secret_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"k" * SECRET_BYTES)
    assert ttl_secret() == b"k" * SECRET_BYTES


def test_ttl_secret_replaces_file_of_wrong_length(state_dir):
    path = ttl_secret_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"short")
    secret = ttl_secret()
    assert len(secret) == SECRET_BYTES
    assert path.read_bytes() == secret


def test_ttl_secret_concurrent_runs_agree(state_dir):
    results = []
    threads = [threading.Thread(target=lambda: results.append(ttl_secret())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1
    assert ttl_secret_path().read_bytes() == results[0]


def test_ttl_registry_is_hmac_of_user_and_directory(state_dir):
    path = ttl_secret_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b"k" * SECRET_BYTES)
    expected = hmac.new(b"k" * SECRET_BYTES, f"jane\0{PROJECT}".encode(), hashlib.sha256).hexdigest()[:8]
    assert ttl_registry(PROJECT) == f"ttl.sh/jane-{expected}"


def test_ttl_registry_not_the_plain_hash(state_dir):
    guessable = hashlib.sha256(f"jane\0{PROJECT}".encode()).hexdigest()[:8]
    assert ttl_registry(PROJECT) != f"ttl.sh/jane-{guessable}"


def test_ttl_registry_differs_between_machines(state_dir, monkeypatch, tmp_path):
    first = ttl_registry(PROJECT)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-machine"))
    assert ttl_registry(PROJECT) != first


def test_ttl_registry_stable_across_runs(state_dir, monkeypatch):
    first = ttl_registry(PROJECT)
    monkeypatch.setattr(options, "_process_secret", None)
    assert ttl_registry(PROJECT) == first


def test_ttl_registry_without_writable_state_dir(state_dir, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    first = ttl_registry(PROJECT)
    assert first.startswith("ttl.sh/jane-")
    assert len(first) == len("ttl.sh/jane-") + 8
    assert ttl_registry(PROJECT) == first
    assert not (blocker / "tilt-registry-wizard").exists()
