"""Whole-process timings of the wizard's commands: run `python bench/run.py` and copy the table.

Each case starts a new process and is timed from spawn to exit. The table shows the median
over --runs runs, after one warm-up run per case. Targets: --help 60 ms or less, detect and
apply 150 ms or less, and the TUI's first screen at most 1.3 times a minimal Textual app.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIGMAP = {
    "kind": "ConfigMap",
    "apiVersion": "v1",
    "metadata": {"name": "local-registry-hosting", "namespace": "kube-public"},
    "data": {"localRegistryHosting.v1": 'host: "localhost:5001"\nhelp: "https://kind.sigs.k8s.io/"\n'},
}


class FakeApi(BaseHTTPRequestHandler):
    """Serves the ConfigMap and returns 404 elsewhere, like a kind cluster with a registry."""

    def do_GET(self):  # noqa: N802 - name fixed by BaseHTTPRequestHandler
        if self.path.startswith("/api/v1/namespaces/kube-public/configmaps/local-registry-hosting"):
            self._send(200, CONFIGMAP)
        elif self.path.startswith("/version"):
            self._send(200, {"major": "1", "minor": "31", "gitVersion": "v1.31.0"})
        else:
            self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def write_fixture(root: Path, port: int) -> tuple[Path, Path]:
    home = root / "home"
    (home / ".kube").mkdir(parents=True)
    (home / ".kube" / "config").write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: kind-bench\n"
        "contexts:\n- name: kind-bench\n  context: {cluster: kind-bench, user: kind-bench}\n"
        f"clusters:\n- name: kind-bench\n  cluster: {{server: 'http://127.0.0.1:{port}'}}\n"
        "users:\n- name: kind-bench\n  user: {}\n"
    )
    project = root / "shop"
    project.mkdir()
    (project / "Tiltfile").write_text(
        "default_registry(read_json('tilt_option.json', default={}).get('default_registry', 'gcr.io/team'))\n"
        "docker_build('acme/api', 'api')\ndocker_build('web', 'web')\n"
    )
    return home, project


def time_command(command: list[str], env: dict, runs: int, before=None) -> float:
    """Return the median wall time in milliseconds of `runs` runs, after one warm-up run."""
    samples = []
    for index in range(runs + 1):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        elapsed = (time.perf_counter() - start) * 1000
        if index:
            samples.append(elapsed)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per case (default 15)")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as temp:
        home, project = write_fixture(Path(temp), server.server_address[1])
        env = {
            "PATH": os.environ.get("PATH", ""), "HOME": str(home), "USER": "bench",
            "XDG_STATE_HOME": str(home / ".local" / "state"),
            "AWS_EC2_METADATA_DISABLED": "true", "NO_GCE_CHECK": "true",
            "GCE_METADATA_HOST": "127.0.0.1:9", "GCE_METADATA_IP": "127.0.0.1:9",
        }
        wizard = [sys.executable, "-m", "wizard"]
        option_file = project / "tilt_option.json"

        def remove_option_file():
            option_file.unlink(missing_ok=True)

        results = {
            "(a) --help": time_command([*wizard, "--help"], env, args.runs),
            "(b) detect --json (loopback API)": time_command(
                [*wizard, "detect", "--json", "--project", str(project)], env, args.runs),
            "(c) TUI first screen, headless": time_command(
                [sys.executable, str(HERE / "first_screen.py"), "wizard", "first", str(project)], env, args.runs),
            "(c) minimal Textual app, headless": time_command(
                [sys.executable, str(HERE / "first_screen.py"), "minimal", "first", str(project)], env, args.runs),
            "(c') TUI first screen with probe results, headless": time_command(
                [sys.executable, str(HERE / "first_screen.py"), "wizard", "settled", str(project)], env, args.runs),
            "(c') minimal Textual app after one pause, headless": time_command(
                [sys.executable, str(HERE / "first_screen.py"), "minimal", "settled", str(project)], env, args.runs),
            "(d) apply --registry": time_command(
                [*wizard, "apply", "--registry", "ttl.sh/bench", "--project", str(project)], env, args.runs,
                before=remove_option_file),
        }
    server.shutdown()

    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"{platform.system()} {platform.release()}; median of {args.runs} runs\n")
    print("| case | median ms |\n| --- | ---: |")
    for name, value in results.items():
        print(f"| {name} | {value:.0f} |")
    ratio = results["(c) TUI first screen, headless"] / results["(c) minimal Textual app, headless"]
    settled = (results["(c') TUI first screen with probe results, headless"]
               / results["(c') minimal Textual app after one pause, headless"])
    print(f"\nTUI first screen / minimal app: {ratio:.2f} (with probe results: {settled:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
