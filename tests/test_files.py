"""Tests for atomic writes, the tilt_option.json merge, the .gitignore merge and Tiltfile lines."""

import json
import os
import socket
import threading
import stat

import pytest

from wizard import files
from wizard.errors import UnparsableFile, WizardError
from wizard.files import add_gitignore_entry, apply_plan, atomic_write, json_type_name, merge_options
from wizard.model import Choice, DefaultRegistryCall, FileChange, Plan
from wizard.tiltfile_lines import add_tiltfile_lines, option_variable, snippet_lines_for, tiltfile_snippet_lines


def test_atomic_write_creates_file(tmp_path):
    path = tmp_path / "tilt_option.json"
    atomic_write(path, "{}\n")
    assert path.read_bytes() == b"{}\n"


def test_atomic_write_new_file_mode_respects_umask(tmp_path):
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o640


def test_atomic_write_keeps_mode(tmp_path):
    path = tmp_path / "Tiltfile"
    path.write_text("old")
    path.chmod(0o600)
    atomic_write(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_atomic_write_keeps_crlf_bytes(tmp_path):
    path = tmp_path / ".gitignore"
    atomic_write(path, "a\r\nb\r\n")
    assert path.read_bytes() == b"a\r\nb\r\n"


def test_atomic_write_follows_symlink(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("{}")
    link = tmp_path / "tilt_option.json"
    link.symlink_to(target)
    atomic_write(link, "{\"a\": 1}\n")
    assert link.is_symlink()
    assert target.read_text() == "{\"a\": 1}\n"


def test_atomic_write_failed_replace_keeps_original(tmp_path, monkeypatch):
    path = tmp_path / "tilt_option.json"
    path.write_bytes(b'{"keep": true}\n')

    def failing_replace(source, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        atomic_write(path, "{}\n")
    assert path.read_bytes() == b'{"keep": true}\n'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tilt_option.json"]


def test_atomic_write_failed_fsync_leaves_no_temp_file(tmp_path, monkeypatch):
    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError):
        atomic_write(tmp_path / "new.json", "{}\n")
    assert list(tmp_path.iterdir()) == []


def test_merge_options_new_file(tmp_path):
    text = merge_options(None, {"default_registry": "ttl.sh/me-1", "single_name": None}, tmp_path / "f")
    assert text == '{\n  "default_registry": "ttl.sh/me-1"\n}\n'


def test_merge_options_keeps_foreign_keys_and_order(tmp_path):
    before = '{"z": 1, "default_registry": "old.io/x", "a": [1, 2]}'
    text = merge_options(before, {"default_registry": "new.io/y", "single_name": "dev"}, tmp_path / "f")
    assert list(json.loads(text)) == ["z", "default_registry", "a", "single_name"]
    assert json.loads(text)["a"] == [1, 2]
    assert json.loads(text)["default_registry"] == "new.io/y"
    assert text.endswith("}\n")
    assert '\n  "z": 1,' in text


def test_merge_options_none_removes_key(tmp_path):
    before = '{"default_registry": "old.io/x", "other": true}\n'
    text = merge_options(before, {"default_registry": None}, tmp_path / "f")
    assert json.loads(text) == {"other": True}


def test_merge_options_unchanged_returns_same_bytes(tmp_path):
    before = '{\n    "default_registry": "gcr.io/x"\n}'
    assert merge_options(before, {"default_registry": "gcr.io/x", "single_name": None}, tmp_path / "f") is before


def test_merge_options_invalid_json_names_line_and_column(tmp_path):
    with pytest.raises(UnparsableFile) as caught:
        merge_options('{\n  "a": 1,\n  oops\n}', {"default_registry": "x.io/y"}, tmp_path / "tilt_option.json")
    message = caught.value.message
    assert "tilt_option.json" in message
    assert "line 3, column 3" in message
    assert "\n" not in message


def test_merge_options_rejects_json_list(tmp_path):
    with pytest.raises(UnparsableFile, match="not an object"):
        merge_options("[1]", {"default_registry": "x.io/y"}, tmp_path / "f")


def test_add_gitignore_entry_new_file():
    assert add_gitignore_entry(None) == "# personal tilt settings\ntilt_option.json\n"


def test_add_gitignore_entry_keeps_crlf():
    assert add_gitignore_entry("node_modules\r\n") == "node_modules\r\n# personal tilt settings\r\ntilt_option.json\r\n"


def test_add_gitignore_entry_adds_missing_final_newline():
    assert add_gitignore_entry("dist") == "dist\n# personal tilt settings\ntilt_option.json\n"


def test_add_gitignore_entry_keeps_existing_bytes():
    before = "a  \n\n# comment\t\n!keep\n"
    assert add_gitignore_entry(before).startswith(before)


@pytest.mark.parametrize("line", ["tilt_option.json", "/tilt_option.json"])
def test_add_gitignore_entry_already_present(line):
    before = f"x\n{line}\n"
    assert add_gitignore_entry(before) == before


def test_add_tiltfile_lines_inserts_after_comments_and_loads():
    text = "# Team Tiltfile\n# more\n\nload('ext://restart_process', 'docker_build_with_restart')\nload(\n  'ext://x', 'y')\n# build the api\ndocker_build('acme/api', '.')\n"
    after, problem = add_tiltfile_lines(text, None)
    assert problem is None
    lines = after.splitlines()
    assert lines[6] == ""
    assert lines[7] == "tilt_option = read_json('tilt_option.json', default={})"
    assert lines[8] == "if tilt_option.get('default_registry'):"
    assert lines[9].startswith("    default_registry(tilt_option['default_registry'], host_from_cluster=")
    assert lines[10] == ""
    assert lines[11] == "# build the api"


def test_add_tiltfile_lines_empty_tiltfile():
    after, _ = add_tiltfile_lines("", None)
    assert after.startswith("tilt_option = read_json(")
    assert after.endswith("single_name=tilt_option.get('single_name', ''))\n")


def test_add_tiltfile_lines_replaces_literal_call():
    text = "docker_build('api', '.')\n  \ndefault_registry(\n    'gcr.io/team',\n    single_name='dev',  # note\n)  # team default\nk8s_yaml('x.yaml')\n"
    call = DefaultRegistryCall(line=3, host="gcr.io/team", single_name="dev")
    after, problem = add_tiltfile_lines(text, call)
    assert problem is None
    assert after == (
        "docker_build('api', '.')\n  \n"
        "tilt_option = read_json('tilt_option.json', default={})\n"
        "default_registry(tilt_option.get('default_registry', 'gcr.io/team'), "
        "host_from_cluster=tilt_option.get('host_from_cluster', ''), "
        "single_name=tilt_option.get('single_name', '' if 'default_registry' in tilt_option else 'dev'))  # team default\n"
        "k8s_yaml('x.yaml')\n"
    )


def run_snippet(lines, option_file):
    """Run the generated lines (valid Python as well as Starlark) with Tilt's functions stubbed."""
    calls = []
    namespace = {
        "read_json": lambda path, default=None: option_file if option_file is not None else default,
        "default_registry": lambda host, host_from_cluster="", single_name="": calls.append(
            (host, host_from_cluster, single_name)
        ),
    }
    exec("\n".join(lines), namespace)
    return calls


TEAM_CALL = DefaultRegistryCall(line=1, host="gcr.io/team", host_from_cluster="registry:5000", single_name="dev")


def test_snippet_team_defaults_without_option_file():
    assert run_snippet(tiltfile_snippet_lines(TEAM_CALL), None) == [("gcr.io/team", "registry:5000", "dev")]


def test_snippet_personal_registry_drops_team_arguments():
    calls = run_snippet(tiltfile_snippet_lines(TEAM_CALL), {"default_registry": "ttl.sh/me-1"})
    assert calls == [("ttl.sh/me-1", "", "")]


def test_snippet_personal_registry_keeps_own_arguments():
    option_file = {"default_registry": "localhost:5005", "host_from_cluster": "registry:5000"}
    calls = run_snippet(tiltfile_snippet_lines(TEAM_CALL), option_file)
    assert calls == [("localhost:5005", "registry:5000", "")]


def test_snippet_without_team_arguments_has_no_personal_line():
    lines = tiltfile_snippet_lines(DefaultRegistryCall(line=1, host="gcr.io/team"))
    assert len(lines) == 2
    assert run_snippet(lines, {"default_registry": "ttl.sh/me-1"}) == [("ttl.sh/me-1", "", "")]


def test_snippet_without_call_skips_empty_file():
    assert run_snippet(tiltfile_snippet_lines(None), None) == []


def test_add_tiltfile_lines_keeps_crlf():
    text = "x = 1\r\ndefault_registry('a.io/b')\r\n"
    after, _ = add_tiltfile_lines(text, DefaultRegistryCall(line=2, host="a.io/b"))
    assert after.startswith("x = 1\r\ntilt_option = read_json(")
    assert "\r\ndefault_registry(tilt_option.get('default_registry', 'a.io/b')" in after
    assert after.endswith("))\r\n")


def test_add_tiltfile_lines_call_in_block():
    text = "if os.getenv('CI'):\n    default_registry('a.io/b')\n"
    after, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=2, host="a.io/b"))
    assert after == text
    assert problem == "default_registry is called inside a block on line 2; move it to the top level"


def test_add_tiltfile_lines_one_line_block():
    text = "if CI: default_registry('a.io/b')\n"
    _, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=1, host="a.io/b"))
    assert problem == "default_registry is called inside a block on line 1; move it to the top level"


def test_add_tiltfile_lines_unparsable_block():
    text = "if CI:\n    default_registry('a.io/b')\nx = (\n"
    _, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=2, host="a.io/b"))
    assert problem == "default_registry is called inside a block on line 2; move it to the top level"


def test_add_tiltfile_lines_used_variable():
    text = "tilt_option = 'dev'\ndefault_registry('a.io/b')\nprint(tilt_option)\n"
    after, _ = add_tiltfile_lines(text, DefaultRegistryCall(line=2, host="a.io/b"))
    assert after.startswith("tilt_option = 'dev'\ntilt_option_json = read_json(")
    assert "default_registry(tilt_option_json.get('default_registry', 'a.io/b')" in after
    assert after.count("tilt_option =") == 1


def test_option_variable_skips_every_used_name():
    text = "tilt_option = 1\ndef tilt_option_json():\n    pass\n"
    assert option_variable(text) == "personal_registry_settings"


def test_option_variable_ignores_names_in_strings():
    assert option_variable("print('tilt_option')\n") == "tilt_option"


def test_option_variable_inserted_lines():
    text = "tilt_option = 'x'\n"
    after, _ = add_tiltfile_lines(text, None)
    assert "tilt_option_json = read_json(" in after
    assert "if tilt_option_json.get('default_registry'):" in after


def test_snippet_computed_host_expression():
    text = "REG = os.getenv('REG', 'gcr.io/team')\ndefault_registry(REG)\n"
    lines = snippet_lines_for(text, DefaultRegistryCall(line=2, host=None))
    assert lines[-1].startswith("default_registry(tilt_option.get('default_registry', REG), ")


def test_snippet_computed_host_runs():
    text = "default_registry('gcr.io/' + 'team')\n"
    lines = snippet_lines_for(text, DefaultRegistryCall(line=1, host=None))
    assert run_snippet(lines, None) == [("gcr.io/team", "", "")]


def test_add_tiltfile_lines_shared_line_kept():
    text = "x = 1; default_registry('a.io/b')\n"
    after, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=1, host="a.io/b"))
    assert after == text
    assert "line 1" in problem


def test_add_tiltfile_lines_computed_host_is_left_alone():
    text = "default_registry(os.environ['REG'])\n"
    after, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=1, host=None))
    assert after == text
    assert "not a plain string" in problem


def _plan_for(tmp_path, before, after):
    path = tmp_path / "tilt_option.json"
    return Plan(choice=Choice(), changes=[FileChange(path=path, before=before, after=after, summary="s")])


def test_apply_plan_writes_changed_files(tmp_path):
    plan = _plan_for(tmp_path, None, "{}\n")
    assert apply_plan(plan) == [tmp_path / "tilt_option.json"]
    assert (tmp_path / "tilt_option.json").read_text() == "{}\n"


def test_apply_plan_file_changed_on_disk(tmp_path):
    plan = _plan_for(tmp_path, None, "{}\n")
    (tmp_path / "tilt_option.json").write_text('{"a": 1}')
    with pytest.raises(WizardError) as caught:
        apply_plan(plan)
    assert caught.value.message == f"{tmp_path / 'tilt_option.json'} changed since it was read; run the wizard again."
    assert (tmp_path / "tilt_option.json").read_text() == '{"a": 1}'


def test_apply_plan_checks_every_file_before_writing(tmp_path):
    gitignore = tmp_path / ".gitignore"
    gitignore.write_text("x\n")
    changes = [
        FileChange(path=gitignore, before="x\n", after="x\ny\n", summary="s"),
        FileChange(path=tmp_path / "Tiltfile", before="old\n", after="new\n", summary="s"),
    ]
    with pytest.raises(WizardError, match="Tiltfile changed since it was read"):
        apply_plan(Plan(choice=Choice(), changes=changes))
    assert gitignore.read_text() == "x\n"


def test_apply_plan_write_failure_is_wizard_error(tmp_path, monkeypatch):
    def failing_write(path, text):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files, "atomic_write", failing_write)
    with pytest.raises(WizardError, match="Could not write .*Permission denied"):
        apply_plan(_plan_for(tmp_path, None, "{}\n"))


# --- files that are not regular files ---


def read_in_thread(path):
    """Run read_text in a thread, so that a FIFO that blocks fails the test instead of hanging it."""
    outcome = {}

    def run():
        try:
            outcome["text"] = files.read_text(path)
        except WizardError as error:
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), f"read_text({path}) blocked"
    return outcome


def test_read_text_rejects_directory(tmp_path):
    (tmp_path / "tilt_option.json").mkdir()
    error = read_in_thread(tmp_path / "tilt_option.json")["error"]
    assert isinstance(error, UnparsableFile)
    assert error.message == f"{tmp_path / 'tilt_option.json'} is not a regular file; move it away and run again."


def test_read_text_rejects_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / ".gitignore")
    assert "is not a regular file" in read_in_thread(tmp_path / ".gitignore")["error"].message


def test_read_text_rejects_symlink_to_fifo(tmp_path):
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "Tiltfile").symlink_to(tmp_path / "pipe")
    assert "is not a regular file" in read_in_thread(tmp_path / "Tiltfile")["error"].message


def test_read_text_rejects_socket(tmp_path):
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "Tiltfile"))
        assert "is not a regular file" in read_in_thread(tmp_path / "Tiltfile")["error"].message
    finally:
        server.close()


def test_read_text_rejects_device(tmp_path):
    (tmp_path / "tilt_option.json").symlink_to("/dev/null")
    assert "is not a regular file" in read_in_thread(tmp_path / "tilt_option.json")["error"].message


def test_read_text_follows_symlink_to_regular_file(tmp_path):
    (tmp_path / "real").write_bytes(b"a\r\n\xff")
    (tmp_path / "Tiltfile").symlink_to(tmp_path / "real")
    assert files.read_text(tmp_path / "Tiltfile").encode("utf-8", "surrogateescape") == b"a\r\n\xff"


def test_read_text_missing_is_none(tmp_path):
    assert files.read_text(tmp_path / "nope") is None


# --- JSON that Python accepts but JSON does not ---


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e400"])
def test_merge_options_rejects_non_finite_numbers(tmp_path, number):
    with pytest.raises(UnparsableFile, match="NaN/Infinity, which is not JSON"):
        merge_options(f'{{"timeout": {number}}}', {"default_registry": "ttl.sh/me"}, tmp_path / "tilt_option.json")


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '{"x": {"a": 1, "a": 1}}'])
def test_merge_options_rejects_duplicate_keys(tmp_path, text):
    with pytest.raises(UnparsableFile) as caught:
        merge_options(text, {"default_registry": "ttl.sh/me"}, tmp_path / "tilt_option.json")
    assert 'defines "a" twice; keep one' in caught.value.message


def test_merge_options_rejects_deep_nesting(tmp_path):
    path = tmp_path / "tilt_option.json"
    with pytest.raises(UnparsableFile) as caught:
        merge_options('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", {"default_registry": "ttl.sh/me"}, path)
    assert caught.value.message.startswith(f"{path} is not valid JSON: it is nested too deeply.")
    assert "\n" not in caught.value.message


def test_merge_options_rejects_huge_integer(tmp_path):
    with pytest.raises(UnparsableFile, match="too many digits"):
        merge_options('{"a": ' + "1" * 5000 + "}", {"default_registry": "ttl.sh/me"}, tmp_path / "f")


def test_merge_options_keeps_large_finite_numbers(tmp_path):
    text = merge_options('{"a": 1e300, "b": 12345678901234567890}', {"default_registry": "ttl.sh/me"}, tmp_path / "f")
    assert json.loads(text) == {"a": 1e300, "b": 12345678901234567890, "default_registry": "ttl.sh/me"}


# --- .gitignore lines that git overrides ---


NEGATED = "tilt_option.json\n!tilt_option.json\n"


def test_add_gitignore_entry_appends_after_negation():
    after = add_gitignore_entry(NEGATED, listed_line_fails=True)
    assert after == NEGATED + "# personal tilt settings\ntilt_option.json\n"


def test_add_gitignore_entry_after_negation_is_idempotent():
    after = add_gitignore_entry(NEGATED, listed_line_fails=True)
    assert add_gitignore_entry(after, listed_line_fails=True) == after


def test_add_gitignore_entry_listed_line_counts_by_default():
    assert add_gitignore_entry(NEGATED) == NEGATED


# --- apply_plan: all files or none ---


def three_file_plan(tmp_path):
    (tmp_path / "tilt_option.json").write_bytes(b'{"namespace": "dev", "x": "\xff"}\r\n')
    (tmp_path / "Tiltfile").write_bytes(b"docker_build('api', '.')\n")
    changes = [
        FileChange(path=tmp_path / "Tiltfile", before="docker_build('api', '.')\n", after="new\n", summary="s"),
        FileChange(path=tmp_path / ".gitignore", before=None, after="tilt_option.json\n", summary="s"),
        FileChange(
            path=tmp_path / "tilt_option.json",
            before=files.read_text(tmp_path / "tilt_option.json"),
            after='{"default_registry": "ttl.sh/me"}\n',
            summary="s",
        ),
    ]
    return Plan(choice=Choice(), changes=changes)


def snapshot(directory):
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def fail_for(name, monkeypatch, calls):
    real_write = files.atomic_write

    def write(path, text):
        calls.append(path.name)
        if path.name == name:
            raise OSError(28, "No space left on device")
        real_write(path, text)

    monkeypatch.setattr(files, "atomic_write", write)


def test_apply_plan_write_order(tmp_path, monkeypatch):
    calls = []
    fail_for("none", monkeypatch, calls)
    apply_plan(three_file_plan(tmp_path))
    assert calls == ["tilt_option.json", ".gitignore", "Tiltfile"]


@pytest.mark.parametrize("failing", [".gitignore", "Tiltfile"])
def test_apply_plan_failed_write_restores_every_file(tmp_path, monkeypatch, failing):
    plan = three_file_plan(tmp_path)
    before = snapshot(tmp_path)
    fail_for(failing, monkeypatch, [])
    with pytest.raises(WizardError) as caught:
        apply_plan(plan)
    assert snapshot(tmp_path) == before
    assert caught.value.message.startswith(f"Could not write {tmp_path / failing}: No space left on device.")
    assert "Nothing was changed" in caught.value.message


def test_apply_plan_names_files_it_could_not_restore(tmp_path, monkeypatch):
    plan = three_file_plan(tmp_path)
    real_write = files.atomic_write
    written = []

    def write(path, text):
        if path.name == ".gitignore" or path.name in written:
            raise OSError(5, "Input/output error")
        written.append(path.name)
        real_write(path, text)

    monkeypatch.setattr(files, "atomic_write", write)
    with pytest.raises(WizardError) as caught:
        apply_plan(plan)
    assert "Nothing was changed" not in caught.value.message
    assert f"failed for {tmp_path / 'tilt_option.json'}" in caught.value.message


@pytest.mark.parametrize("interrupted", ["before-rename", "after-rename"])
def test_apply_plan_interrupt_restores_and_reraises(tmp_path, monkeypatch, interrupted):
    plan = three_file_plan(tmp_path)
    before = snapshot(tmp_path)
    real_write = files.atomic_write
    interrupts = []

    def write(path, text):
        if path.name == "Tiltfile" and not interrupts:
            interrupts.append(path)
            if interrupted == "after-rename":
                real_write(path, text)
            raise KeyboardInterrupt
        real_write(path, text)

    monkeypatch.setattr(files, "atomic_write", write)
    with pytest.raises(KeyboardInterrupt):
        apply_plan(plan)
    assert snapshot(tmp_path) == before


def test_add_gitignore_entry_splits_on_newline_only():
    # "\x0c" (form feed) is no line break for git, so the entry is not on a line of its own.
    before = "build\x0ctilt_option.json\n"
    assert add_gitignore_entry(before) == before + "# personal tilt settings\ntilt_option.json\n"


@pytest.mark.parametrize(
    ("value", "name"),
    [({}, "object"), ([], "array"), ("x", "string"), (True, "boolean"), (1, "number"), (1.5, "number"), (None, "null")],
)
def test_json_type_name_values(value, name):
    assert json_type_name(value) == name


@pytest.mark.parametrize("separator", ["\x0c", "\x0b", "\x1c", "\x85", "\u2028"])
def test_add_tiltfile_lines_unusual_line_break(separator):
    # Only "\n" ends a line, so the call on line 2 is found although line 1 contains another break character.
    text = f"x = 'a{separator}b'\ndefault_registry('a.io/b')\ndocker_build('api', '.')\n"
    after, problem = add_tiltfile_lines(text, DefaultRegistryCall(line=2, host="a.io/b"))
    assert problem is None
    assert after.startswith(f"x = 'a{separator}b'\ntilt_option = read_json(")
    assert after.endswith("\ndocker_build('api', '.')\n")


@pytest.mark.parametrize("separator", ["\x0c", "\x1e", "\u2028"])
def test_add_tiltfile_lines_inserts_after_unusual_line_break(separator):
    text = f"# a{separator}comment\nload('ext://restart_process', 'docker_build_with_restart')\ndocker_build('api', '.')\n"
    after, _ = add_tiltfile_lines(text, None)
    head = f"# a{separator}comment\nload('ext://restart_process', 'docker_build_with_restart')\n\ntilt_option = "
    assert after.startswith(head)
