"""The installed console script in a real terminal (tmux): it shows the context and quits on ctrl+q."""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "tilt-registry-wizard"

KUBECONFIG = """\
apiVersion: v1
kind: Config
current-context: kind-tmux-demo
contexts:
- name: kind-tmux-demo
  context: {cluster: kind-tmux-demo, user: kind-tmux-demo}
clusters:
- name: kind-tmux-demo
  cluster: {server: "http://127.0.0.1:9"}
users:
- name: kind-tmux-demo
  user: {}
"""


def tmux_or_skip():
    tmux = shutil.which("tmux")
    if tmux is None:
        if os.environ.get("WIZARD_REQUIRE_TOOLS"):
            pytest.fail("tmux is not installed; install it with `apt-get install tmux`")
        pytest.skip("tmux is not installed")
    return tmux


def wait_for_pane(tmux, socket, text, seconds=20.0):
    deadline = time.monotonic() + seconds
    screen = ""
    while time.monotonic() < deadline:
        screen = subprocess.run(
            [tmux, "-L", socket, "capture-pane", "-p", "-t", "wizard"],
            capture_output=True, text=True,
        ).stdout
        if text in screen:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared on screen; last screen:\n{screen}")


def test_console_script_shows_context_and_quits(tmp_path):
    tmux = tmux_or_skip()
    assert SCRIPT.exists(), f"{SCRIPT} is missing; install the package with pip first"
    home = tmp_path / "home"
    (home / ".kube").mkdir(parents=True)
    (home / ".kube" / "config").write_text(KUBECONFIG)
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Tiltfile").write_text("docker_build('acme/api', '.')\n")

    socket = f"wizard-test-{os.getpid()}"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "TERM": "xterm-256color",
        "AWS_EC2_METADATA_DISABLED": "true",
        "NO_GCE_CHECK": "true",
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",
    }
    command = f"'{SCRIPT}' --project '{project}'; echo EXIT=$?; sleep 30"
    subprocess.run(
        [tmux, "-L", socket, "new-session", "-d", "-s", "wizard", "-x", "120", "-y", "40", command],
        env=env, check=True,
    )
    try:
        wait_for_pane(tmux, socket, "kind-tmux-demo")
        subprocess.run([tmux, "-L", socket, "send-keys", "-t", "wizard", "C-q"], check=True)
        screen = wait_for_pane(tmux, socket, "EXIT=")
        assert "No changes were written." in screen
        assert "EXIT=0" in screen
        assert not (project / "tilt_option.json").exists()
    finally:
        subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True)
