"""Debian's docker-registry (the distribution registry) on 127.0.0.1, plain or with htpasswd."""

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from kubeapi_server import closed_port
from wizard.probes.registry_ping import ping_registry


def require_tool(name: str, package: str) -> str:
    """Return the tool's path; skip the test without it, or fail when CI requires every tool."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed; install it with `apt-get install {package}`"
        if os.environ.get("WIZARD_REQUIRE_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    return path


class RegistryServer:
    """A docker-registry process listening on 127.0.0.1 at a free port."""

    def __init__(self, root: Path, htpasswd: Path | None = None) -> None:
        self.binary = require_tool("docker-registry", "docker-registry")
        self.port = closed_port()
        self.host = f"127.0.0.1:{self.port}"
        config = root / "registry.yml"
        lines = [
            "version: 0.1",
            "log: {level: error, accesslog: {disabled: true}}",
            f"storage: {{filesystem: {{rootdirectory: '{root / 'data'}'}}}}",
            f"http: {{addr: '{self.host}'}}",
        ]
        if htpasswd:
            lines.append(f"auth: {{htpasswd: {{realm: wizard-test, path: '{htpasswd}'}}}}")
        config.write_text("\n".join(lines) + "\n")
        self.process = subprocess.Popen(
            [self.binary, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )

    def wait_ready(self, seconds: float = 15.0) -> "RegistryServer":
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"docker-registry exited: {self.process.stderr.read().decode()[-500:]}")
            if ping_registry(self.host, timeout=0.5).answered:
                return self
            time.sleep(0.05)
        raise RuntimeError(f"docker-registry did not answer on {self.host} within {seconds:g} s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stderr.close()


@pytest.fixture
def registry(tmp_path):
    """A plain docker-registry with no authentication."""
    server = RegistryServer(tmp_path).wait_ready()
    yield server
    server.stop()


@pytest.fixture
def auth_registry(tmp_path):
    """A docker-registry that requires a login (htpasswd, bcrypt)."""
    htpasswd_tool = require_tool("htpasswd", "apache2-utils")
    htpasswd = tmp_path / "htpasswd"
    entry = subprocess.run(
        [htpasswd_tool, "-Bbn", "dev", "not-a-real-password"], capture_output=True, text=True, check=True
    ).stdout
    htpasswd.write_text(entry)
    server = RegistryServer(tmp_path, htpasswd).wait_ready()
    yield server
    server.stop()
