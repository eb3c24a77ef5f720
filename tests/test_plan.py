"""Tests for building plans from a choice and rendering them as unified diffs."""

import os
import threading

import pytest

from wizard.errors import InvalidInput, UnparsableFile
from wizard.files import apply_plan
from wizard.model import (
    Choice,
    DefaultRegistryCall,
    FileChange,
    Findings,
    LocalRegistryResult,
    ProjectResult,
    RegistryHosting,
)
from wizard.plan import build_plan, tiltfile_snippet, unified_diff
from wizard.probes.project import probe_project

TILTFILE = "# shop\nload('ext://x', 'y')\n\ndocker_build('acme/api', '.')\n"
READING_TILTFILE = "default_registry(read_json('tilt_option.json', default={}).get('default_registry', 'gcr.io/team'))\n"


def reading_tiltfile(keys):
    """Return a Tiltfile that reads tilt_option.json and names exactly `keys` of it."""
    lines = ["tilt_option = read_json('tilt_option.json', default={})"]
    lines += [f"print(tilt_option.get('{key}'))" for key in keys]
    return "\n".join(lines) + "\n"


def make_findings(directory, tiltfile="", reads=False, keys=("default_registry",), call=None, gitignored=False):
    """Write the Tiltfile and return findings that agree with it (`tiltfile=""`: one that fits `reads`)."""
    if tiltfile == "":
        tiltfile = reading_tiltfile(keys) if reads else TILTFILE
    path = directory / "Tiltfile"
    if tiltfile is not None:
        path.write_text(tiltfile)
    project = ProjectResult(
        directory=directory,
        tiltfile=path if tiltfile is not None else None,
        reads_option_file=reads,
        option_keys_read=keys if reads else (),
        default_registry_call=call,
        option_path=directory / "tilt_option.json",
        gitignored=gitignored,
    )
    return Findings(project=project)


def by_name(plan):
    return {change.path.name: change for change in plan.changes}


def test_build_plan_new_option_file_and_gitignore(tmp_path):
    plan = build_plan(make_findings(tmp_path, reads=True), Choice(default_registry="ttl.sh/me-1"))
    changes = by_name(plan)
    assert set(changes) == {"tilt_option.json", ".gitignore"}
    assert changes["tilt_option.json"].after == '{\n  "default_registry": "ttl.sh/me-1"\n}\n'
    assert changes["tilt_option.json"].before is None
    assert changes[".gitignore"].optional is True
    assert changes["tilt_option.json"].summary == "set default_registry to ttl.sh/me-1"


def test_build_plan_nothing_to_write_no_file(tmp_path):
    plan = build_plan(make_findings(tmp_path, reads=True), Choice())
    assert plan.changes == []
    assert plan.empty


def test_build_plan_none_removes_key(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "old.io/x", "mine": 1}\n')
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), Choice())
    change = by_name(plan)["tilt_option.json"]
    assert change.after == '{\n  "mine": 1\n}\n'
    assert change.summary == "remove default_registry"


def test_build_plan_gitignore_skipped_when_ignored(tmp_path):
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), Choice(default_registry="ttl.sh/a"))
    assert ".gitignore" not in by_name(plan)


def test_build_plan_gitignore_skipped_when_declined(tmp_path):
    choice = Choice(default_registry="ttl.sh/a", add_gitignore_entry=False)
    assert ".gitignore" not in by_name(build_plan(make_findings(tmp_path, reads=True), choice))


def test_build_plan_gitignore_for_existing_option_file(tmp_path):
    (tmp_path / "tilt_option.json").write_text("{}\n")
    plan = build_plan(make_findings(tmp_path, reads=True), Choice())
    assert set(by_name(plan)) == {".gitignore"}


def test_build_plan_unparsable_option_file_raises(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"a": }')
    with pytest.raises(UnparsableFile, match="line 1, column 7"):
        build_plan(make_findings(tmp_path, reads=True), Choice(default_registry="ttl.sh/a"))
    assert (tmp_path / "tilt_option.json").read_text() == '{"a": }'


def test_build_plan_unparsable_option_file_nothing_to_write(tmp_path):
    (tmp_path / "tilt_option.json").write_text("nope")
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), Choice())
    assert plan.changes == []
    assert "not valid JSON" in plan.notices[0]


def test_build_plan_invalid_registry_raises(tmp_path):
    with pytest.raises(InvalidInput, match="default_registry"):
        build_plan(make_findings(tmp_path), Choice(default_registry="foo"))


def test_build_plan_invalid_single_name_raises(tmp_path):
    with pytest.raises(InvalidInput, match="uppercase"):
        build_plan(make_findings(tmp_path), Choice(default_registry="ttl.sh/a", single_name="Dev"))


def test_build_plan_notice_when_tiltfile_ignores_option_file(tmp_path):
    plan = build_plan(make_findings(tmp_path), Choice(default_registry="ttl.sh/a"))
    assert plan.notices[0].startswith("The Tiltfile does not read tilt_option.json")
    assert plan.tiltfile_snippet.startswith("tilt_option = read_json('tilt_option.json', default={})\n")
    assert "Tiltfile" not in by_name(plan)


def test_build_plan_adds_tiltfile_lines(tmp_path):
    plan = build_plan(make_findings(tmp_path), Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    change = by_name(plan)["Tiltfile"]
    assert change.optional is True
    assert change.before == TILTFILE
    assert "if tilt_option.get('default_registry'):" in change.after
    assert plan.notices == []


def test_build_plan_replaces_team_call(tmp_path):
    tiltfile = "default_registry('gcr.io/team', host_from_cluster='r:5000')\ndocker_build('api', '.')\n"
    call = DefaultRegistryCall(line=1, host="gcr.io/team", host_from_cluster="r:5000")
    findings = make_findings(tmp_path, tiltfile=tiltfile, call=call)
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    after = by_name(plan)["Tiltfile"].after
    assert after.count("default_registry(") == 1
    assert "tilt_option.get('default_registry', 'gcr.io/team')" in after
    assert "tilt_option.get('host_from_cluster', '' if 'default_registry' in tilt_option else 'r:5000')" in after
    assert "personal" not in after


def test_build_plan_notice_for_unread_single_name(tmp_path):
    findings = make_findings(tmp_path, reads=True, keys=("default_registry",))
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", single_name="dev"))
    assert any("not its single_name key" in notice for notice in plan.notices)


def test_build_plan_notice_when_cluster_advertises_registry(tmp_path):
    findings = make_findings(tmp_path, reads=True)
    findings.local_registry = LocalRegistryResult(reachable=True, hosting=RegistryHosting(host="localhost:5001"))
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a"))
    assert any("localhost:5001" in notice for notice in plan.notices)


def test_build_plan_notice_without_tiltfile(tmp_path):
    plan = build_plan(make_findings(tmp_path, tiltfile=None), Choice(default_registry="ttl.sh/a"))
    assert plan.notices[0].startswith("No Tiltfile was found")


def test_apply_same_choice_twice_changes_nothing(tmp_path):
    (tmp_path / ".gitignore").write_bytes(b"node_modules\r\n")
    (tmp_path / "tilt_option.json").write_bytes(b'{"mine": "x"}')
    choice = Choice(default_registry="registry.corp.example:5000/team", single_name="dev", add_tiltfile_lines=True)

    first = build_plan(make_findings(tmp_path), choice)
    apply_plan(first)
    snapshot = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    # The probes would now see a Tiltfile that reads every key, and the findings record that.
    keys = ("default_registry", "single_name", "host_from_cluster")
    findings = make_findings(tmp_path, tiltfile=snapshot["Tiltfile"].decode(), reads=True, keys=keys)
    second = build_plan(findings, choice)
    assert second.changes == []
    assert apply_plan(second) == []
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == snapshot


def test_apply_same_choice_twice_with_stale_findings(tmp_path):
    # Even with findings from before the first run, the second plan changes no file.
    choice = Choice(default_registry="ttl.sh/a")
    apply_plan(build_plan(make_findings(tmp_path, reads=True), choice))
    second = build_plan(make_findings(tmp_path, reads=True), choice)
    assert second.changes == []


def test_tiltfile_snippet_with_team_default(tmp_path):
    call = DefaultRegistryCall(line=1, host="gcr.io/team", single_name="dev")
    snippet = tiltfile_snippet(make_findings(tmp_path, call=call))
    assert snippet == (
        "tilt_option = read_json('tilt_option.json', default={})\n"
        "default_registry(tilt_option.get('default_registry', 'gcr.io/team'), "
        "host_from_cluster=tilt_option.get('host_from_cluster', ''), "
        "single_name=tilt_option.get('single_name', '' if 'default_registry' in tilt_option else 'dev'))\n"
    )


def test_tiltfile_snippet_without_team_default(tmp_path):
    lines = tiltfile_snippet(make_findings(tmp_path)).splitlines()
    assert lines == [
        "tilt_option = read_json('tilt_option.json', default={})",
        "if tilt_option.get('default_registry'):",
        "    default_registry(tilt_option['default_registry'], host_from_cluster=tilt_option.get('host_from_cluster', ''), "
        "single_name=tilt_option.get('single_name', ''))",
    ]


def test_unified_diff_new_file(tmp_path):
    change = FileChange(path=tmp_path / "tilt_option.json", before=None, after="{\n}\n", summary="s")
    diff = unified_diff(change)
    assert diff.splitlines()[:2] == ["--- /dev/null", "+++ b/tilt_option.json"]
    assert "+{\n+}\n" in diff


def test_unified_diff_relative_to_root(tmp_path):
    change = FileChange(path=tmp_path / "sub" / ".gitignore", before="a\n", after="a\nb\n", summary="s")
    diff = unified_diff(change, root=tmp_path)
    assert diff.splitlines()[:2] == ["--- a/sub/.gitignore", "+++ b/sub/.gitignore"]


def test_unified_diff_marks_missing_final_newline(tmp_path):
    change = FileChange(path=tmp_path / ".gitignore", before="dist", after="dist\nx\n", summary="s")
    assert "-dist\n\\ No newline at end of file\n" in unified_diff(change)


def test_unified_diff_unchanged_is_empty(tmp_path):
    assert unified_diff(FileChange(path=tmp_path / "x", before="a", after="a", summary="s")) == ""


def test_build_plan_cluster_registry_notice_wording(tmp_path):
    findings = make_findings(tmp_path, reads=True)
    findings.local_registry = LocalRegistryResult(reachable=True, hosting=RegistryHosting(host="localhost:5001"))
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a"))
    assert any("Tilt ignores default_registry on this cluster and uses localhost:5001" in n for n in plan.notices)


def test_build_plan_no_cluster_registry_notice_without_registry(tmp_path):
    findings = make_findings(tmp_path, reads=True)
    findings.local_registry = LocalRegistryResult(reachable=True, hosting=RegistryHosting(host="localhost:5001"))
    plan = build_plan(findings, Choice())
    assert not any("localhost:5001" in notice for notice in plan.notices)


# --- .gitignore that lists the file but does not ignore it ---


def test_build_plan_gitignore_after_negation_ignores_file(tmp_path):
    gitignore = tmp_path / ".gitignore"
    gitignore.write_text("tilt_option.json\n!tilt_option.json\n")
    (tmp_path / "Tiltfile").write_text(READING_TILTFILE)
    choice = Choice(default_registry="ttl.sh/a")

    apply_plan(build_plan(Findings(project=probe_project(tmp_path)), choice))
    assert gitignore.read_text().endswith("!tilt_option.json\n# personal tilt settings\ntilt_option.json\n")
    second = probe_project(tmp_path)
    assert second.gitignored is True
    assert build_plan(Findings(project=second), choice).empty


# --- Tiltfiles the wizard must not edit ---


def test_build_plan_repeated_default_registry_not_edited(tmp_path):
    tiltfile = "default_registry('gcr.io/a')\ndocker_build('api', '.')\ndefault_registry('gcr.io/b')\n"
    findings = make_findings(tmp_path, tiltfile=tiltfile, call=DefaultRegistryCall(line=1, host="gcr.io/a"))
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    assert "Tiltfile" not in by_name(plan)
    assert (
        f"The wizard did not change {tmp_path / 'Tiltfile'}, because it calls default_registry on lines 1 and 3, "
        "and Tilt fails on the second call. Keep one call, then run the wizard again."
    ) in plan.notices
    assert plan.tiltfile_problem == f"{tmp_path / 'Tiltfile'}: it calls default_registry on lines 1 and 3, and Tilt fails on the second call"


def test_build_plan_unparsable_tiltfile_not_edited(tmp_path):
    tiltfile = "docker_build('api', '.')\nif True\n  k8s_yaml('a.yaml')\n"
    findings = make_findings(tmp_path, tiltfile=tiltfile)
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    assert "Tiltfile" not in by_name(plan)
    assert any("does not parse (expected ':' on line 2)" in notice for notice in plan.notices)
    assert plan.tiltfile_problem == f"{tmp_path / 'Tiltfile'}: it does not parse (expected ':' on line 2)"
    assert plan.tiltfile_snippet.startswith("tilt_option = read_json(")


def test_build_plan_invalid_utf8_tiltfile_names_byte(tmp_path):
    findings = make_findings(tmp_path)
    (tmp_path / "Tiltfile").write_bytes(b"docker_build('api', '.')\nx = '\xff'\n")
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    assert "Tiltfile" not in by_name(plan)
    assert plan.tiltfile_problem.endswith("it does not parse (invalid UTF-8 at byte offset 30)")


def test_build_plan_computed_call_not_edited(tmp_path):
    tiltfile = "default_registry(os.environ['REG'])\n"
    findings = make_findings(tmp_path, tiltfile=tiltfile, call=DefaultRegistryCall(line=1, host=None))
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    assert "Tiltfile" not in by_name(plan)
    assert "not a plain string" in plan.tiltfile_problem
    assert not any(notice.startswith("The Tiltfile does not read") for notice in plan.notices)


def test_build_plan_editable_tiltfile_has_no_problem(tmp_path):
    plan = build_plan(make_findings(tmp_path), Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))
    assert plan.tiltfile_problem is None


# --- choices that write no registry ---


def test_build_plan_keep_option_file_is_empty(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/x", "single_name": "dev"}\n')
    plan = build_plan(make_findings(tmp_path), Choice(keep_option_file=True))
    assert plan.changes == []
    assert plan.empty


def test_build_plan_keep_option_file_adds_no_gitignore(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/x"}\n')
    plan = build_plan(make_findings(tmp_path, gitignored=False), Choice(keep_option_file=True))
    assert ".gitignore" not in by_name(plan)


def test_build_plan_without_registry_has_no_snippet(tmp_path):
    plan = build_plan(make_findings(tmp_path), Choice())
    assert plan.tiltfile_snippet is None
    assert not any("does not read tilt_option.json" in notice for notice in plan.notices)


def test_build_plan_removal_has_no_snippet(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/x"}\n')
    plan = build_plan(make_findings(tmp_path, gitignored=True), Choice())
    assert "tilt_option.json" in by_name(plan)
    assert plan.tiltfile_snippet is None


def test_build_plan_snippet_replaces_call_line(tmp_path):
    tiltfile = "# shop\n\ndefault_registry('gcr.io/team')\n"
    findings = make_findings(tmp_path, tiltfile=tiltfile, call=DefaultRegistryCall(line=3, host="gcr.io/team"))
    assert build_plan(findings, Choice(default_registry="ttl.sh/a")).snippet_replaces_line == 3


def test_build_plan_snippet_added_without_call(tmp_path):
    assert build_plan(make_findings(tmp_path), Choice(default_registry="ttl.sh/a")).snippet_replaces_line is None


# --- keys that a new registry drops ---


def test_build_plan_notice_names_dropped_keys(tmp_path):
    (tmp_path / "tilt_option.json").write_text(
        '{"default_registry": "localhost:5005", "host_from_cluster": "registry:5000", "single_name": "dev"}\n'
    )
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), Choice(default_registry="ttl.sh/a"))
    assert (
        "tilt_option.json sets host_from_cluster and single_name for localhost:5005. This choice writes "
        "another registry, so it removes them."
    ) in plan.notices


def test_build_plan_same_registry_no_notice(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/a", "single_name": "dev"}\n')
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), Choice(default_registry="ttl.sh/a"))
    assert not any("removes" in notice for notice in plan.notices)


def test_build_plan_kept_keys_no_notice(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "localhost:5005", "single_name": "dev"}\n')
    choice = Choice(default_registry="ttl.sh/a", single_name="dev")
    plan = build_plan(make_findings(tmp_path, reads=True, gitignored=True), choice)
    assert not any("removes" in notice for notice in plan.notices)


# --- files that are not regular files ---


def test_build_plan_option_file_directory_raises(tmp_path):
    (tmp_path / "tilt_option.json").mkdir()
    with pytest.raises(UnparsableFile, match="is not a regular file"):
        build_plan(make_findings(tmp_path, reads=True), Choice(default_registry="ttl.sh/a"))


def test_build_plan_gitignore_fifo_raises(tmp_path):
    os.mkfifo(tmp_path / ".gitignore")
    findings = make_findings(tmp_path, reads=True)
    outcome = []

    def run():
        try:
            build_plan(findings, Choice(default_registry="ttl.sh/a"))
        except Exception as error:
            outcome.append(error)
        else:
            outcome.append(None)

    # A thread, so that reading a FIFO that blocks fails the test instead of hanging it.
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), "build_plan blocked on the FIFO"
    with pytest.raises(UnparsableFile, match="is not a regular file"):
        if outcome[0] is not None:
            raise outcome[0]


def test_build_plan_tiltfile_directory_raises(tmp_path):
    findings = make_findings(tmp_path, tiltfile=None)
    findings.project.tiltfile = tmp_path / "Tiltfile"
    (tmp_path / "Tiltfile").mkdir()
    with pytest.raises(UnparsableFile, match="is not a regular file"):
        build_plan(findings, Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True))


def test_build_plan_after_apply_ignores_stale_tiltfile_facts(tmp_path):
    choice = Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True)
    old_findings = make_findings(tmp_path)
    first = build_plan(old_findings, choice)
    assert "Tiltfile" in by_name(first)
    apply_plan(first)

    second = build_plan(old_findings, choice)
    assert second.empty
    assert second.changes == []
    assert second.tiltfile_snippet is None


def test_build_plan_after_apply_keeps_team_call_single(tmp_path):
    tiltfile = "default_registry('gcr.io/team', host_from_cluster='r:5000')\ndocker_build('api', '.')\n"
    call = DefaultRegistryCall(line=1, host="gcr.io/team", host_from_cluster="r:5000")
    old_findings = make_findings(tmp_path, tiltfile=tiltfile, call=call)
    choice = Choice(default_registry="ttl.sh/a", add_tiltfile_lines=True)
    apply_plan(build_plan(old_findings, choice))

    assert build_plan(old_findings, choice).empty
    assert (tmp_path / "Tiltfile").read_text().count("default_registry(") == 1


def test_build_plan_notice_when_option_file_tracked(tmp_path):
    findings = make_findings(tmp_path, reads=True, gitignored=True)
    findings.project.option_file_tracked = True
    plan = build_plan(findings, Choice(default_registry="ttl.sh/a"))
    assert any("git rm --cached tilt_option.json" in notice for notice in plan.notices)


def test_build_plan_no_tracked_notice_without_option_change(tmp_path):
    findings = make_findings(tmp_path, reads=True, gitignored=True)
    findings.project.option_file_tracked = True
    plan = build_plan(findings, Choice())
    assert not any("git rm --cached" in notice for notice in plan.notices)


def test_unified_diff_escapes_control_characters(tmp_path):
    change = FileChange(
        path=tmp_path / "Tiltfile", before="a = 1\n", after="a = '\x1b]0;owned\x07'\n\tb = 2\r\n", summary="s"
    )
    diff = unified_diff(change)
    assert "\x1b" not in diff
    assert "\x07" not in diff
    assert "+a = '\\x1b]0;owned\\x07'\n" in diff
    assert "+\tb = 2\r\n" in diff


def test_unified_diff_splits_on_newline_only(tmp_path):
    change = FileChange(path=tmp_path / "Tiltfile", before="a\x0cb\n", after="a\x0cb\nc\n", summary="s")
    assert unified_diff(change).endswith(" a\\x0cb\n+c\n")


TEAM_TILTFILE = "default_registry('gcr.io/team', single_name='dev')\ndocker_build('acme/api', '.')\n"


def test_build_plan_team_default_removes_personal_key(tmp_path):
    (tmp_path / "Tiltfile").write_text(TEAM_TILTFILE)
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old", "other": 1}\n')
    findings = Findings(project=probe_project(tmp_path))
    plan = build_plan(findings, Choice(default_registry="gcr.io/team", add_tiltfile_lines=True))
    assert by_name(plan)["tilt_option.json"].after == '{\n  "other": 1\n}\n'
    assert "Tiltfile" not in by_name(plan)
    assert plan.choice.default_registry is None
    assert "gcr.io/team is the Tiltfile's team default, so nothing personal is written." in plan.notices


def test_build_plan_team_default_with_matching_single_name(tmp_path):
    (tmp_path / "Tiltfile").write_text(TEAM_TILTFILE)
    findings = Findings(project=probe_project(tmp_path))
    plan = build_plan(findings, Choice(default_registry="gcr.io/team", single_name="dev"))
    assert "tilt_option.json" not in by_name(plan)
    assert plan.choice.single_name is None


def test_build_plan_other_single_name_is_personal(tmp_path):
    (tmp_path / "Tiltfile").write_text(TEAM_TILTFILE)
    findings = Findings(project=probe_project(tmp_path))
    plan = build_plan(findings, Choice(default_registry="gcr.io/team", single_name="other"))
    assert '"default_registry": "gcr.io/team"' in by_name(plan)["tilt_option.json"].after
    assert not any("team default" in notice for notice in plan.notices)


def test_build_plan_fallback_of_reading_tiltfile_is_personal(tmp_path):
    plan = build_plan(make_findings(tmp_path, reads=True), Choice(default_registry="gcr.io/team"))
    assert '"default_registry": "gcr.io/team"' in by_name(plan)["tilt_option.json"].after


def test_build_plan_team_choice_dropped_keys(tmp_path):
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old", "single_name": "x"}\n')
    plan = build_plan(make_findings(tmp_path), Choice())
    assert any("This choice writes no registry, so it removes it." in notice for notice in plan.notices)
