"""The command-line contract: exit statuses, `apply` and `detect` without a cluster."""

import json
import shutil
import subprocess
import sys

import pytest

from cli_helpers import run_wizard, wizard_env

READING_TILTFILE = (
    "default_registry(read_json('tilt_option.json', default={}).get('default_registry', 'gcr.io/team'))\n"
    "docker_build('acme/api', '.')\n"
)


@pytest.fixture
def project(tmp_path):
    directory = tmp_path / "shop"
    directory.mkdir()
    (directory / "Tiltfile").write_text(READING_TILTFILE)
    return directory


def test_help_exits_zero(home):
    result = run_wizard("--help", home=home)
    assert result.returncode == 0
    assert "detect" in result.stdout


def test_interactive_without_terminal_exits_two(home, project):
    result = run_wizard("--project", str(project), home=home)
    assert result.returncode == 2
    for name in ("--plain", "detect", "apply"):
        assert name in result.stderr


def test_apply_requires_registry_or_recommended(home, project):
    result = run_wizard("apply", "--project", str(project), home=home)
    assert result.returncode == 2


def test_apply_missing_project_exits_one(home, tmp_path):
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(tmp_path / "nope"), home=home)
    assert result.returncode == 1
    assert "nope" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_apply_writes_option_file_and_gitignore(home, project):
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "tilt_option.json").read_text()) == {"default_registry": "ttl.sh/me"}
    assert (project / "tilt_option.json").read_text().endswith("}\n")
    assert "# personal tilt settings\ntilt_option.json\n" in (project / ".gitignore").read_text()
    assert "tilt up" in result.stdout


def test_apply_twice_changes_nothing(home, project):
    run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    first = {p.name: p.read_bytes() for p in project.iterdir()}
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0
    assert "Nothing to change" in result.stdout
    assert {p.name: p.read_bytes() for p in project.iterdir()} == first


def test_apply_keeps_unknown_keys(home, project):
    (project / "tilt_option.json").write_text('{"namespace": "dev", "default_registry": "old.example/x"}\n')
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "tilt_option.json").read_text()) == {
        "namespace": "dev", "default_registry": "ttl.sh/me"
    }


def test_apply_strips_url_scheme_with_notice(home, project):
    result = run_wizard("apply", "--registry", "https://ttl.sh/me/", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "https://" in result.stderr
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "ttl.sh/me"


def test_apply_accepts_registry_with_port(home, project):
    result = run_wizard(
        "apply", "--registry", "registry.corp.example:5000/team", "--project", str(project), home=home
    )
    assert result.returncode == 0, result.stderr
    written = json.loads((project / "tilt_option.json").read_text())
    assert written["default_registry"] == "registry.corp.example:5000/team"


@pytest.mark.parametrize("value", ["Foo Bar", "foo", "gcr.io/Team", "ttl.sh/me:latest"])
def test_apply_rejects_invalid_registry(home, project, value):
    result = run_wizard("apply", "--registry", value, "--project", str(project), home=home)
    assert result.returncode == 1
    assert value in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (project / "tilt_option.json").exists()
    assert not (project / ".gitignore").exists()


def test_apply_rejects_invalid_single_name(home, project):
    result = run_wizard(
        "apply", "--registry", "ttl.sh/me", "--single-name", "Team/Dev", "--project", str(project), home=home
    )
    assert result.returncode == 1
    assert "Team/Dev" in result.stderr
    assert not (project / "tilt_option.json").exists()


def test_apply_never_overwrites_invalid_option_file(home, project):
    broken = '{"default_registry": "x",,}\n'
    (project / "tilt_option.json").write_text(broken)
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 1
    assert "tilt_option.json" in result.stderr
    assert "line 1" in result.stderr
    assert (project / "tilt_option.json").read_text() == broken
    assert not (project / ".gitignore").exists()


def test_apply_warns_when_tiltfile_ignores_option_file(home, project):
    tiltfile = "docker_build('acme/api', '.')\n"
    (project / "Tiltfile").write_text(tiltfile)
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert (project / "tilt_option.json").exists()
    assert "read_json('tilt_option.json'" in result.stderr
    assert (project / "Tiltfile").read_text() == tiltfile


def test_apply_adds_tiltfile_lines_on_request(home, project):
    (project / "Tiltfile").write_text("docker_build('acme/api', '.')\n")
    result = run_wizard(
        "apply", "--registry", "ttl.sh/me", "--add-tiltfile-lines", "--project", str(project), home=home
    )
    assert result.returncode == 0, result.stderr
    assert "read_json('tilt_option.json'" in (project / "Tiltfile").read_text()


def test_apply_dry_run_writes_nothing(home, project):
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--dry-run", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "+++ b/tilt_option.json" in result.stdout
    assert '+  "default_registry": "ttl.sh/me"' in result.stdout
    assert not (project / "tilt_option.json").exists()


def test_apply_finds_project_from_subdirectory(home, project):
    subdirectory = project / "services" / "api"
    subdirectory.mkdir(parents=True)
    result = run_wizard("apply", "--registry", "ttl.sh/me", home=home, cwd=subdirectory)
    assert result.returncode == 0, result.stderr
    assert (project / "tilt_option.json").exists()


def test_detect_json_without_kubeconfig(home, project):
    result = run_wizard("detect", "--json", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"cluster", "local_registry", "cloud", "recommendation", "warnings"}
    assert report["cluster"]["kind"] == "none"
    assert report["cluster"]["reachable"] is None
    assert report["local_registry"] is None
    assert set(report["recommendation"]) == {"default_registry", "host_from_cluster", "single_name", "push", "reason"}
    assert all(set(warning) == {"code", "message"} for warning in report["warnings"])


def test_apply_recommended_without_cluster_uses_team_default(home, project):
    result = run_wizard("apply", "--recommended", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert not (project / "tilt_option.json").exists()


def test_detect_unknown_context_exits_one(home, project):
    result = run_wizard("detect", "--json", "--context", "nope", "--project", str(project), home=home)
    assert result.returncode == 1
    assert "nope" in result.stderr
    assert result.stdout == ""


def test_apply_without_tiltfile_exits_one(home, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(empty), home=home)
    assert result.returncode == 1
    assert "no Tiltfile" in result.stderr
    assert list(empty.iterdir()) == []


def test_apply_project_that_is_file_exits_one(home, project):
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project / "Tiltfile"), home=home)
    assert result.returncode == 1
    assert "is a file" in result.stderr


def test_apply_single_name_without_registry_exits_one(home, project):
    result = run_wizard("apply", "--recommended", "--single-name", "app", "--project", str(project), home=home)
    assert result.returncode == 1
    assert "--single-name" in result.stderr
    assert not (project / "tilt_option.json").exists()


def test_apply_same_registry_keeps_other_keys(home, project):
    (project / "tilt_option.json").write_text(
        '{"default_registry": "ttl.sh/me", "single_name": "app", "host_from_cluster": "reg.example:5000"}\n'
    )
    before = (project / "tilt_option.json").read_bytes()
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert (project / "tilt_option.json").read_bytes() == before


def test_apply_empty_single_name_removes_key(home, project):
    (project / "tilt_option.json").write_text('{"default_registry": "ttl.sh/me", "single_name": "app"}\n')
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--single-name", "", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "tilt_option.json").read_text()) == {"default_registry": "ttl.sh/me"}


def test_detect_full_disk_exits_one(home, project):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "wizard", "detect", "--json", "--project", str(project)],
            stdout=full, stderr=subprocess.PIPE, text=True, env=wizard_env(home), timeout=60,
        )
    assert result.returncode == 1
    assert "No space left" in result.stderr
    assert "Traceback" not in result.stderr


def test_detect_closed_pipe_has_no_traceback(home, project):
    process = subprocess.Popen(
        [sys.executable, "-m", "wizard", "detect", "--json", "--project", str(project)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=wizard_env(home),
    )
    process.stdout.close()
    stderr = process.stderr.read().decode()
    process.wait(60)
    assert "Traceback" not in stderr


def test_detect_text_escapes_control_characters(home, project):
    (home / ".kube").mkdir()
    (home / ".kube" / "config").write_text(
        'apiVersion: v1\nkind: Config\ncurrent-context: "dead\\e[2J"\n'
        'contexts:\n- name: "dead\\e[2J"\n  context: {cluster: c, user: u}\n'
        "clusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:9'}\nusers:\n- name: u\n  user: {}\n"
    )
    result = run_wizard("detect", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "dead\\x1b[2J" in result.stdout


def test_apply_dry_run_escapes_control_characters(home, project):
    (project / ".gitignore").write_text("node_modules/\n\x1b]0;owned\x07build/\n")
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--dry-run", "--project", str(project), home=home)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "\\x1b]0;owned\\x07build/" in result.stdout


def interrupt_on_call(monkeypatch, number):
    """Make the `number`-th os.replace raise KeyboardInterrupt, as Ctrl-C between two renames would."""
    import os

    real_replace = os.replace
    calls = []

    def replace(source, target):
        calls.append(target)
        if len(calls) == number:
            raise KeyboardInterrupt
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_main_interrupted_apply_writes_nothing(home, project, capsys, monkeypatch):
    from wizard.cli import main

    (project / ".gitignore").write_text("node_modules/\n")
    before = {path.name: path.read_bytes() for path in project.iterdir()}
    calls = interrupt_on_call(monkeypatch, 2)
    status = main(["apply", "--registry", "ttl.sh/me", "--project", str(project)])
    assert status == 130
    assert len(calls) >= 2
    assert {path.name: path.read_bytes() for path in project.iterdir()} == before


def test_main_interrupt_message_goes_to_stderr(home, project, capsys, monkeypatch):
    from wizard.cli import main

    interrupt_on_call(monkeypatch, 2)
    main(["apply", "--registry", "ttl.sh/me", "--project", str(project)])
    output = capsys.readouterr()
    assert output.err.strip().endswith("No changes were written.")
    assert "No changes were written." not in output.out


def test_apply_empty_host_from_cluster_removes_key(home, project):
    (project / "tilt_option.json").write_text(
        '{"default_registry": "ttl.sh/me", "host_from_cluster": "reg.example:5000", "single_name": "app"}\n'
    )
    result = run_wizard(
        "apply", "--registry", "ttl.sh/me", "--host-from-cluster", "", "--project", str(project), home=home
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((project / "tilt_option.json").read_text()) == {"default_registry": "ttl.sh/me", "single_name": "app"}


UNEDITABLE_TILTFILES = {
    "invalid-utf8": (b"docker_build('acme/api', '.')\nx = '\xff'\n", "invalid UTF-8 at byte offset 35"),
    "syntax-error": (b"docker_build('acme/api', '.')\nif True\n", "expected ':' on line 2"),
    "two-calls": (b"default_registry('gcr.io/a')\ndefault_registry('gcr.io/b')\n", "on lines 1 and 2"),
    "computed-call": (b"default_registry(os.environ['REG'])\n", "not a plain string"),
    "call-in-block": (
        b"if os.getenv('CI'):\n    default_registry('gcr.io/team')\n",
        "default_registry is called inside a block on line 2; move it to the top level",
    ),
}


@pytest.mark.parametrize("case", sorted(UNEDITABLE_TILTFILES))
def test_apply_uneditable_tiltfile_writes_nothing(home, project, case):
    tiltfile, cause = UNEDITABLE_TILTFILES[case]
    (project / "Tiltfile").write_bytes(tiltfile)
    result = run_wizard(
        "apply", "--registry", "ttl.sh/me", "--add-tiltfile-lines", "--project", str(project), home=home
    )
    error = result.stderr.strip().splitlines()[-1]
    assert result.returncode == 1
    assert error.startswith(f"tilt-registry-wizard: --add-tiltfile-lines: {project / 'Tiltfile'}: ")
    assert cause in error
    assert "Nothing was written" in error
    assert "read_json('tilt_option.json'" in result.stderr
    assert sorted(path.name for path in project.iterdir()) == ["Tiltfile"]
    assert (project / "Tiltfile").read_bytes() == tiltfile


def test_apply_team_default_prints_no_snippet(home, project):
    (project / "Tiltfile").write_text("default_registry('gcr.io/team')\ndocker_build('acme/api', '.')\n")
    result = run_wizard("apply", "--recommended", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "read_json(" not in result.stderr
    assert "does not read tilt_option.json" not in result.stderr
    assert not (project / "tilt_option.json").exists()


GIT = shutil.which("git")


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_apply_tracked_option_file_warns(home, project):
    (project / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old"}\n')
    env = wizard_env(home, GIT_CEILING_DIRECTORIES=str(project.parent))
    for command in (["init", "-q"], ["add", "Tiltfile", "tilt_option.json"], ["commit", "-q", "-m", "start"]):
        subprocess.run(
            [GIT, "-c", "user.name=Dev", "-c", "user.email=dev@example.com", "-C", str(project), *command],
            check=True, capture_output=True, env=env, timeout=10,
        )
    result = run_wizard("apply", "--registry", "ttl.sh/new", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "warning: tilt_option.json is committed to git" in result.stderr
    assert "git rm --cached tilt_option.json" in result.stderr


@pytest.mark.parametrize("value", ["", "   "])
def test_apply_empty_registry_exits_one(home, project, value):
    (project / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old"}\n')
    result = run_wizard("apply", "--registry", value, "--project", str(project), home=home)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1
    assert len(lines) == 1
    assert lines[0].startswith("tilt-registry-wizard: --registry: the value is empty; pass a registry such as")
    assert json.loads((project / "tilt_option.json").read_text()) == {"default_registry": "ttl.sh/old"}


def test_apply_computed_call_snippet_team(home, project):
    (project / "Tiltfile").write_text("REG = os.getenv('REG', 'gcr.io/team')\ndefault_registry(REG)\n")
    result = run_wizard("apply", "--registry", "ttl.sh/me", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "default_registry(tilt_option.get('default_registry', REG), " in result.stderr


def test_apply_registry_token_masked(home, project):
    result = run_wizard("apply", "--registry", "registry.corp/team?token=s3cret", "--project", str(project), home=home)
    assert result.returncode == 1
    assert "s3cret" not in result.stderr
    assert "?***" in result.stderr


def test_apply_team_default_registry_removes_personal_key(home, tmp_path):
    directory = tmp_path / "team"
    directory.mkdir()
    (directory / "Tiltfile").write_text("default_registry('gcr.io/team')\ndocker_build('acme/api', '.')\n")
    (directory / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old"}\n')
    result = run_wizard("apply", "--project", str(directory), "--registry", "gcr.io/team", "--no-gitignore", home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads((directory / "tilt_option.json").read_text()) == {}
    assert "gcr.io/team is the Tiltfile's team default, so nothing personal is written." in result.stderr
