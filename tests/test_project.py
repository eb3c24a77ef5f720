"""Tests for the project probe: Tiltfile reading, tilt_option.json and the .gitignore check."""

import os
import shutil
import subprocess
import textwrap
import threading
import time

import pytest

from wizard.files import parse_options, read_text
from wizard.probes.project import find_project_dir, match_gitignore_file, probe_project
from wizard.probes.tiltfile import scan_tiltfile

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")

DOCUMENTED_PATTERN = "default_registry(read_json('tilt_option.json', default={}).get('default_registry', 'gcr.io/team'))\n"


@pytest.fixture
def project(tmp_path, home, monkeypatch):
    """A project directory outside any git work tree, with git's global settings isolated."""
    directory = tmp_path / "project"
    directory.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    for name in ("GIT_CONFIG_GLOBAL", "GIT_DIR", "GIT_WORK_TREE", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(name, raising=False)
    return directory


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def codes(result):
    return [warning.code for warning in result.warnings]


def git(directory, *args):
    subprocess.run([GIT, "-C", str(directory), *args], check=True, capture_output=True, timeout=10)


# --- find_project_dir --------------------------------------------------------------------------


def test_find_project_dir_in_parent(tmp_path):
    (tmp_path / "Tiltfile").write_text("")
    nested = tmp_path / "services" / "api"
    nested.mkdir(parents=True)
    assert find_project_dir(nested) == tmp_path


def test_find_project_dir_nearest_wins(tmp_path):
    (tmp_path / "Tiltfile").write_text("")
    nested = tmp_path / "sub"
    nested.mkdir()
    (nested / "Tiltfile").write_text("")
    assert find_project_dir(nested) == nested


def test_find_project_dir_without_tiltfile(project):
    nested = project / "a"
    nested.mkdir()
    assert find_project_dir(nested) == nested


def test_find_project_dir_tiltfile_directory(project):
    (project / "Tiltfile").mkdir()
    nested = project / "a"
    nested.mkdir()
    assert find_project_dir(nested) == nested


# --- Tiltfile ----------------------------------------------------------------------------------


def test_project_tiltfile_missing(project):
    result = probe_project(project)
    assert result.tiltfile is None
    assert codes(result) == ["tiltfile-missing"]
    assert str(project) in result.warnings[0].message
    assert result.option_path == project / "tilt_option.json"


def test_project_images_from_ast(project):
    text = """\
        load('ext://restart_process', 'docker_build_with_restart')
        # docker_build('commented/out', '.')
        docker_build('acme/api', '.', dockerfile='api.Dockerfile')
        custom_build(ref='web', command='make web', deps=['web'])
        custom_build('tools/batch', 'make batch', ['batch'])
        docker_build(ref='acme/api', context='.')
        name = 'dynamic'
        docker_build(name, '.')
        docker_build_with_restart('acme/worker', '.', entrypoint=['/worker'])
        notes = "docker_build('in/string', '.')"
    """
    tiltfile = write(project / "Tiltfile", text)
    result = probe_project(project)
    assert result.tiltfile == tiltfile
    assert result.images == ["acme/api", "web", "tools/batch", "acme/worker"]
    assert scan_tiltfile(tiltfile.read_text()).parsed_as_python


def test_project_images_through_load_alias(project):
    text = """\
        load('ext://restart_process', dbr='docker_build_with_restart')
        dbr('acme/worker', '.', entrypoint=['/worker'])
    """
    write(project / "Tiltfile", text)
    assert probe_project(project).images == ["acme/worker"]


def test_project_images_from_fallback(project):
    # The unclosed bracket on the last line makes Python's parser reject the file.
    text = """\
        # docker_build('commented/out', '.')
        docker_build('acme/api', '.')
        custom_build(
            ref = 'web',  # the web front end
            command = 'make web',
            deps = ['web'],
        )
        s = '''docker_build("in/string", ".")'''
        docker_build("acme/api", ".")
        docker_build(image_name(), '.')
        def docker_build_twice(ref):
            docker_build(ref, '.')
        k8s_yaml(helm('chart', set=['a=b']
    """
    write(project / "Tiltfile", text)
    assert not scan_tiltfile(textwrap.dedent(text)).parsed_as_python
    result = probe_project(project)
    assert result.images == ["acme/api", "web"]


def test_scan_tiltfile_parse_error_names_line():
    syntax = scan_tiltfile("docker_build('api', '.')\nx = (\n")
    assert syntax.parse_error == "'(' was never closed on line 2"


def test_scan_tiltfile_parse_error_names_invalid_utf8_byte():
    text = b"# caf\xe9\n".decode("utf-8", "surrogateescape")
    assert scan_tiltfile(text).parse_error == "invalid UTF-8 at byte offset 5"


def test_scan_tiltfile_parsed_text_has_no_parse_error():
    assert scan_tiltfile("docker_build('api', '.')\n").parse_error is None


def test_project_fallback_keeps_escaped_strings(project):
    text = 'docker_build("acme/\\u0061pi", ".")\nx = (\n'
    write(project / "Tiltfile", text)
    assert probe_project(project).images == ["acme/api"]


def test_project_documented_read_json_pattern(project):
    write(project / "Tiltfile", DOCUMENTED_PATTERN + "docker_build('app', '.')\n")
    result = probe_project(project)
    call = result.default_registry_call
    assert result.reads_option_file
    assert result.option_keys_read == ("default_registry",)
    assert call.line == 1
    assert call.reads_option_file
    assert call.host == "gcr.io/team"
    assert result.team_default == "gcr.io/team"
    assert "tiltfile-ignores-option-file" not in codes(result)


def test_project_documented_pattern_in_fallback(project):
    write(project / "Tiltfile", DOCUMENTED_PATTERN + "x = (\n")
    result = probe_project(project)
    assert result.reads_option_file
    assert result.default_registry_call.reads_option_file
    assert result.default_registry_call.host == "gcr.io/team"


@pytest.mark.parametrize("broken", ["", "x = (\n"], ids=["ast", "fallback"])
def test_project_option_variable_pattern(project, broken):
    text = """\
        settings = read_json('./tilt_option.json', default={})
        default_registry(
            settings.get('default_registry', 'registry.corp.example:5000/team'),
            host_from_cluster=settings.get('host_from_cluster'),
            single_name='dev',
        )
    """
    write(project / "Tiltfile", textwrap.dedent(text) + broken)
    result = probe_project(project)
    call = result.default_registry_call
    assert result.option_keys_read == ("default_registry", "host_from_cluster")
    assert call.reads_option_file
    assert call.host == "registry.corp.example:5000/team"
    assert call.host_from_cluster is None
    assert call.single_name == "dev"


def test_project_read_json_without_default(project):
    write(project / "Tiltfile", "default_registry(read_json('tilt_option.json')['default_registry'])\n")
    call = probe_project(project).default_registry_call
    assert call.reads_option_file
    assert call.host is None


def test_project_other_json_file_not_counted(project):
    write(project / "Tiltfile", "cfg = read_json('my_tilt_option.json')\n")
    result = probe_project(project)
    assert not result.reads_option_file
    assert "tiltfile-ignores-option-file" in codes(result)


def test_project_literal_default_registry(project):
    write(project / "Tiltfile", "default_registry('gcr.io/team', single_name='dev')\n")
    result = probe_project(project)
    call = result.default_registry_call
    assert call.host == "gcr.io/team"
    assert call.single_name == "dev"
    assert call.host_from_cluster is None
    assert not call.reads_option_file
    assert not result.reads_option_file
    assert codes(result) == ["tiltfile-ignores-option-file"]


def test_project_default_registry_keywords(project):
    write(project / "Tiltfile", "default_registry(host='localhost:5000', host_from_cluster='registry:5000')\n")
    call = probe_project(project).default_registry_call
    assert call.host == "localhost:5000"
    assert call.host_from_cluster == "registry:5000"


def test_project_default_registry_positional(project):
    write(project / "Tiltfile", "\n\ndefault_registry('localhost:5000', 'registry:5000', 'dev')\n")
    call = probe_project(project).default_registry_call
    assert call.line == 3
    assert call.host_from_cluster == "registry:5000"
    assert call.single_name == "dev"


def test_project_default_registry_twice(project):
    write(project / "Tiltfile", "default_registry('a.io')\ndocker_build('x', '.')\ndefault_registry('b.io')\n")
    result = probe_project(project)
    assert result.default_registry_call.host == "a.io"
    assert "default-registry-repeated" in codes(result)
    message = result.warnings[codes(result).index("default-registry-repeated")].message
    assert "lines 1, 3" in message
    assert "default registry already defined" in message


def test_project_no_default_registry(project):
    write(project / "Tiltfile", "docker_build('app', '.')\n")
    assert probe_project(project).default_registry_call is None


def test_project_images_with_registry_host(project):
    text = """\
        docker_build('localhost:5000/app', '.')
        docker_build('gcr.io/x/app', '.')
        docker_build('docker.io/library/busybox', '.')
        docker_build('acme/api', '.')
    """
    write(project / "Tiltfile", text)
    result = probe_project(project)
    assert "image-has-registry-host" in codes(result)
    message = result.warnings[codes(result).index("image-has-registry-host")].message
    assert "localhost:5000/app, gcr.io/x/app." in message
    assert "busybox" not in message
    assert "acme/api" not in message


def test_project_clean_tiltfile_no_warnings(project):
    write(project / "Tiltfile", DOCUMENTED_PATTERN + "docker_build('acme/api', '.')\n")
    assert probe_project(project).warnings == []


def test_project_starlark_escape_prints_nothing(project, capsys):
    write(project / "Tiltfile", 'local("grep \\d")\ndocker_build("app", ".")\n')
    assert probe_project(project).images == ["app"]
    assert capsys.readouterr().err == ""


# --- tilt_option.json --------------------------------------------------------------------------


def test_project_option_file_absent(project):
    result = probe_project(project)
    assert result.option_path == project / "tilt_option.json"
    assert result.options is None
    assert result.option_error is None


def test_project_option_file_parsed(project):
    (project / "tilt_option.json").write_text('{"default_registry": "ttl.sh/me", "user_key": 1}\n')
    result = probe_project(project)
    assert result.options == {"default_registry": "ttl.sh/me", "user_key": 1}
    assert result.option_error is None


def test_project_option_file_parse_error(project):
    (project / "tilt_option.json").write_text('{\n  "default_registry": "ttl.sh/me",\n  "single_name" "dev"\n}\n')
    result = probe_project(project)
    assert result.options is None
    assert "is not valid JSON (line 3, column 17: Expecting ':' delimiter)" in result.option_error
    assert "option-file-invalid" in codes(result)


def test_project_option_file_not_object(project):
    (project / "tilt_option.json").write_text('["default_registry"]\n')
    result = probe_project(project)
    assert result.options is None
    assert "contains a JSON array, not an object" in result.option_error
    assert "option-file-invalid" in codes(result)


# --- .gitignore: the fallback matcher ----------------------------------------------------------

MATCHER_CASES = [
    ("tilt_option.json\n", True),
    ("/tilt_option.json\n", True),
    ("*.json\n", True),
    ("tilt_option.js?n\n", True),
    ("[tT]ilt_option.json\n", True),
    ("**/tilt_option.json\n", True),
    ("**\n", True),
    ("tilt_option.json   \n", True),
    ("tilt_option.json\r\n", True),
    ("*.json\n!tilt_option.json\ntilt_*\n", True),
    ("tilt_option.json/\n", False),
    ("sub/tilt_option.json\n", False),
    ("*/tilt_option.json\n", False),
    ("sub/**\n", False),
    ("# tilt_option.json\n", False),
    ("tilt_option\n", False),
    ("tilt_option.json\\ \n", False),
    ("tilt_option.json\n!tilt_option.json\n", False),
    ("[!t]ilt_option.json\n", False),
    ("/**/tilt_option.json\n", True),
    ("*\n", True),
    ("tilt_option.json/**\n", False),
    ("**/sub/tilt_option.json\n", False),
    ("tilt_option.json\n!*\n", False),
    ("\\!tilt_option.json\n", False),
    ("\ufefftilt_option.json\n", True),
    ("tilt_option.json\n!tilt_option.json\n/tilt_option.json\n", True),
]


@pytest.mark.parametrize(("content", "expected"), MATCHER_CASES)
def test_gitignore_matcher_cases(tmp_path, content, expected):
    path = tmp_path / ".gitignore"
    path.write_bytes(content.encode())
    ignored, _ = match_gitignore_file(path, "tilt_option.json")
    assert ignored is expected


def test_gitignore_matcher_escaped_hash(tmp_path):
    path = tmp_path / ".gitignore"
    path.write_text("\\#notes\n")
    assert match_gitignore_file(path, "#notes") == (True, ".gitignore:1:\\#notes")


def test_gitignore_matcher_source(tmp_path):
    path = tmp_path / ".gitignore"
    path.write_text("# personal tilt settings\n*.log\ntilt_option.json\n")
    assert match_gitignore_file(path, "tilt_option.json") == (True, ".gitignore:3:tilt_option.json")


def test_gitignore_matcher_missing_file(tmp_path):
    assert match_gitignore_file(tmp_path / ".gitignore", "tilt_option.json") == (False, None)


def test_project_gitignore_without_git(project, tmp_path, monkeypatch):
    empty_path = tmp_path / "empty-path"
    empty_path.mkdir()
    monkeypatch.setenv("PATH", str(empty_path))
    (project / ".gitignore").write_text("node_modules/\ntilt_option.json\n")
    result = probe_project(project)
    assert result.gitignored
    assert result.gitignore_source == ".gitignore:2:tilt_option.json"


@needs_git
def test_project_gitignore_outside_work_tree(project):
    (project / ".gitignore").write_text("/tilt_option.json\n")
    result = probe_project(project)
    assert result.gitignored
    assert result.gitignore_source == ".gitignore:1:/tilt_option.json"


@needs_git
def test_project_gitignore_git_timeout_falls_back(project, tmp_path, monkeypatch):
    fake_bin = tmp_path / "fake-bin"
    fake_bin.mkdir()
    fake_git = fake_bin / "git"
    fake_git.write_text(f"#!/bin/sh\nexec {shutil.which('sleep')} 5\n")
    fake_git.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake_bin))
    (project / ".gitignore").write_text("tilt_option.json\n")
    started = time.monotonic()
    result = probe_project(project, timeout=0.2)
    assert time.monotonic() - started < 3
    assert result.gitignored


@needs_git
@pytest.mark.parametrize(("content", "expected"), MATCHER_CASES)
def test_gitignore_matcher_agrees_with_git(project, content, expected):
    git(project, "init", "-q")
    (project / ".gitignore").write_bytes(content.encode())
    completed = subprocess.run(
        [GIT, "-C", str(project), "check-ignore", "-q", "--no-index", "tilt_option.json"], timeout=10, check=False
    )
    assert (completed.returncode == 0) is expected


# --- .gitignore: git -------------------------------------------------------------------------


@needs_git
def test_project_gitignore_in_git_repo(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("*.log\ntilt_option.json\n")
    result = probe_project(project)
    assert result.gitignored
    assert result.gitignore_source == ".gitignore:2:tilt_option.json"


@needs_git
def test_project_gitignore_not_ignored_in_git_repo(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("*.log\n")
    result = probe_project(project)
    assert not result.gitignored
    assert result.gitignore_source is None


@needs_git
def test_project_gitignore_from_repo_root(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("**/tilt_option.json\n")
    service = project / "services" / "api"
    service.mkdir(parents=True)
    result = probe_project(service)
    assert result.gitignored
    assert result.gitignore_source.endswith(":1:**/tilt_option.json")


@needs_git
def test_project_gitignore_negated_in_git_repo(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("*.json\n!tilt_option.json\n")
    assert not probe_project(project).gitignored


@needs_git
def test_project_gitignore_global_excludes_not_counted(project, home):
    git(project, "init", "-q")
    excludes = home / "global-excludes"
    excludes.write_text("tilt_option.json\n")
    (home / ".gitconfig").write_text(f"[core]\n\texcludesFile = {excludes}\n")
    xdg_ignore = home / ".config" / "git" / "ignore"
    xdg_ignore.parent.mkdir(parents=True)
    xdg_ignore.write_text("tilt_option.json\n")
    plain = subprocess.run(
        [GIT, "-C", str(project), "check-ignore", "-q", "--no-index", "tilt_option.json"], timeout=10, check=False
    )
    assert plain.returncode == 0, "the global excludes file should ignore the file for plain git"

    result = probe_project(project)
    assert not result.gitignored
    assert result.gitignore_source is None


@needs_git
def test_project_gitignore_info_exclude_not_counted(project):
    git(project, "init", "-q")
    (project / ".git" / "info").mkdir(exist_ok=True)
    (project / ".git" / "info" / "exclude").write_text("tilt_option.json\n")
    result = probe_project(project)
    assert not result.gitignored


@needs_git
def test_project_gitignore_beats_info_exclude(project):
    git(project, "init", "-q")
    (project / ".git" / "info").mkdir(exist_ok=True)
    (project / ".git" / "info" / "exclude").write_text("tilt_option.json\n")
    (project / ".gitignore").write_text("tilt_option.json\n")
    assert probe_project(project).gitignored


@needs_git
def test_project_gitignore_negation_in_git_repo(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("tilt_option.json\n!tilt_option.json\n")
    result = probe_project(project)
    assert result.gitignored is False
    assert result.gitignore_source is None


@needs_git
def test_project_gitignore_reignored_in_git_repo(project):
    git(project, "init", "-q")
    (project / ".gitignore").write_text("tilt_option.json\n!tilt_option.json\ntilt_option.json\n")
    result = probe_project(project)
    assert result.gitignored is True
    assert result.gitignore_source == ".gitignore:3:tilt_option.json"


@pytest.mark.parametrize(
    ("content", "expected"),
    [("tilt_option.json\n!tilt_option.json\n", False), ("tilt_option.json\n!tilt_option.json\ntilt_option.json\n", True)],
    ids=["negated", "reignored"],
)
def test_project_gitignore_negation_without_git(project, tmp_path, monkeypatch, content, expected):
    empty_path = tmp_path / "empty-path"
    empty_path.mkdir()
    monkeypatch.setenv("PATH", str(empty_path))
    (project / ".gitignore").write_text(content)
    assert probe_project(project).gitignored is expected


# --- tilt_option.json tracked by git -------------------------------------------------------------


def commit_all(directory):
    git(directory, "add", "-A")
    git(directory, "-c", "user.name=Test", "-c", "user.email=test@example.test", "commit", "-q", "-m", "add files")


@needs_git
def test_project_option_file_tracked_warns(project):
    git(project, "init", "-q")
    (project / "tilt_option.json").write_text('{"default_registry": "ttl.sh/me"}\n')
    commit_all(project)
    (project / ".gitignore").write_text("tilt_option.json\n")

    result = probe_project(project)

    assert result.gitignored
    assert result.option_file_tracked
    assert "option-file-tracked" in codes(result)
    message = result.warnings[codes(result).index("option-file-tracked")].message
    assert "committed to git" in message
    assert "`git rm --cached tilt_option.json`" in message


@needs_git
def test_project_option_file_untracked(project):
    git(project, "init", "-q")
    (project / "Tiltfile").write_text(DOCUMENTED_PATTERN)
    commit_all(project)
    (project / "tilt_option.json").write_text("{}\n")

    result = probe_project(project)

    assert not result.option_file_tracked
    assert "option-file-tracked" not in codes(result)


def test_project_option_file_tracked_outside_work_tree(project):
    (project / "tilt_option.json").write_text("{}\n")
    assert not probe_project(project).option_file_tracked


# --- read_json paths built from pieces, parse state, default_registry lines ----------------------

BUILT_PATHS = [
    "read_json(os.path.join(config.main_dir, 'tilt_option.json'), default={})",
    "read_json(config.main_dir + '/tilt_option.json', default={})",
    "read_json(path=os.path.join(config.main_dir, 'tilt_option.json'))",
    "read_json(f'{config.main_dir}/tilt_option.json')",
]


@pytest.mark.parametrize("broken", ["", "x = (\n"], ids=["ast", "fallback"])
@pytest.mark.parametrize("reader", BUILT_PATHS)
def test_project_read_json_built_path(project, reader, broken):
    text = f"settings = {reader}\ndefault_registry(settings.get('default_registry', 'gcr.io/team'))\n"
    write(project / "Tiltfile", text + broken)
    result = probe_project(project)
    assert result.reads_option_file
    assert result.default_registry_call.reads_option_file
    assert result.team_default == "gcr.io/team"
    assert "tiltfile-ignores-option-file" not in codes(result)


@pytest.mark.parametrize("broken", ["", "x = (\n"], ids=["ast", "fallback"])
@pytest.mark.parametrize(
    "reader",
    [
        "read_json(os.path.join(config.main_dir, 'my_tilt_option.json'))",
        "read_json(os.path.join(config.main_dir, 'tilt_option.json.bak'))",
        "read_json('other.json', default={'note': 'tilt_option.json'})",
    ],
)
def test_project_read_json_other_file(project, reader, broken):
    write(project / "Tiltfile", f"settings = {reader}\n" + broken)
    result = probe_project(project)
    assert not result.reads_option_file
    assert "tiltfile-ignores-option-file" in codes(result)


def test_project_default_registry_repeated_warns(project):
    write(project / "Tiltfile", "default_registry('a.io')\ndocker_build('x', '.')\ndefault_registry('b.io')\n")
    result = probe_project(project)
    assert "default-registry-repeated" in codes(result)
    assert result.default_registry_call.line == 1


def test_project_option_file_non_utf8_parsed_like_plan(project):
    path = project / "tilt_option.json"
    path.write_bytes(b'{"default_registry": "ttl.sh/me", "note": "caf\xe9"}\n')
    result = probe_project(project)
    assert result.option_error is None
    assert result.options == parse_options(read_text(path), path)


# --- files that are not regular files ------------------------------------------------------------


def probe_within(directory, seconds=5.0):
    """Run probe_project in a thread and fail, rather than hang the suite, if it blocks."""
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(probe_project(directory)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"probe_project did not return within {seconds} s"
    return outcome[0]


def make_special(path, kind):
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)


SPECIAL_KINDS = ["directory", pytest.param("fifo", marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs"))]


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_project_tiltfile_not_regular(project, kind):
    make_special(project / "Tiltfile", kind)
    result = probe_within(project)
    assert result.images == []
    assert "tiltfile-unreadable" in codes(result)
    message = result.warnings[codes(result).index("tiltfile-unreadable")].message
    assert f"{project / 'Tiltfile'} is not a regular file" in message


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_project_option_file_not_regular(project, kind):
    make_special(project / "tilt_option.json", kind)
    result = probe_within(project)
    assert result.options is None
    assert f"{project / 'tilt_option.json'} is not a regular file" in result.option_error
    assert "option-file-unreadable" in codes(result)


@pytest.mark.parametrize("kind", SPECIAL_KINDS)
def test_project_gitignore_not_regular(project, kind):
    make_special(project / ".gitignore", kind)
    started = time.monotonic()
    result = probe_within(project)
    assert time.monotonic() - started < 1.5
    assert not result.gitignored
    assert "gitignore-unreadable" in codes(result)
    message = result.warnings[codes(result).index("gitignore-unreadable")].message
    assert f"{project / '.gitignore'} is not a regular file" in message


def test_gitignore_matcher_fifo(tmp_path):
    os.mkfifo(tmp_path / ".gitignore")
    outcome = []
    thread = threading.Thread(
        target=lambda: outcome.append(match_gitignore_file(tmp_path / ".gitignore", "tilt_option.json")), daemon=True
    )
    thread.start()
    thread.join(5)
    assert outcome == [(False, None)]


# --- tilt_option.json that Python's json accepts but JSON does not ---------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"timeout": NaN}', "NaN/Infinity"),
        ('{"timeout": Infinity}', "NaN/Infinity"),
        ('{"timeout": -Infinity}', "NaN/Infinity"),
        ('{"timeout": 1e999}', "1e999 is too large"),
        ('{"timeout": ' + "9" * 5000 + "}", "too many digits"),
        ('{"default_registry": "a.io", "default_registry": "b.io"}', 'defines "default_registry" twice'),
        ('{"user": {"x": 1, "x": 2}}', 'defines "x" twice'),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
    ids=[
        "nan", "infinity", "negative-infinity", "huge-float", "huge-integer", "duplicate-key",
        "nested-duplicate-key", "deep-nesting",
    ],
)
def test_project_option_file_rejected_json(project, text, reason):
    (project / "tilt_option.json").write_text(text)
    result = probe_project(project)
    assert result.options is None
    assert result.option_error.startswith(f"{project / 'tilt_option.json'} is not valid JSON")
    assert reason in result.option_error
    assert "option-file-invalid" in codes(result)


def test_project_option_file_duplicate_key_escaped(project):
    (project / "tilt_option.json").write_text('{"a\\u001b[2J": 1, "a\\u001b[2J": 2}')
    result = probe_project(project)
    assert "\x1b" not in result.option_error
    assert "a\\u001b[2J" in result.option_error


def test_project_image_warning_escapes_control_chars(project):
    write(project / "Tiltfile", 'docker_build("localhost:5000/app\\x1b[2J", ".")\n')
    result = probe_project(project)
    message = result.warnings[codes(result).index("image-has-registry-host")].message
    assert "\x1b" not in message
    assert "localhost:5000/app\\x1b[2J" in message
