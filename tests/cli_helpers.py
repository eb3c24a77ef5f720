"""Run the real command line in a subprocess with a private HOME and no cloud metadata access."""

import os
import subprocess
import sys
from pathlib import Path


def wizard_env(home: Path, **extra: str) -> dict:
    """Return an environment with only what the wizard needs, HOME pointing at `home`."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_GCE_CHECK": "true",
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",
        "USER": "dev",
    }
    env.update(extra)
    return env


def run_wizard(*args: str, home: Path, cwd: Path | None = None, **extra: str) -> subprocess.CompletedProcess:
    """Run `python -m wizard ARGS` and capture its output as text."""
    return subprocess.run(
        [sys.executable, "-m", "wizard", *args],
        capture_output=True, text=True, env=wizard_env(home, **extra), cwd=cwd,
        stdin=subprocess.DEVNULL, timeout=60,
    )
