"""Unit tests of the step logic shared by the Textual and plain front ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard import steps
from wizard.model import (
    Choice,
    ClusterResult,
    DockerResult,
    FileChange,
    Findings,
    KubeconfigResult,
    Plan,
    RegistryOption,
)
from wizard.probes.runner import failed_warning
from wizard.rows import ProbeState, cluster_rows, project_rows
from wizard.tui.examples import EKS_CONTEXT, KIND_CONTEXT, example_findings, write_project

CUSTOM = RegistryOption(key="custom", title="Type a registry", reason="", needs_input=True, placeholder="r.example:5000/me")
CLUSTER = RegistryOption(key="cluster", title="Use the cluster's registry", reason="")
RUNTIME = RegistryOption(key="runtime", title="Build into the runtime", reason="", push=False)


def test_step_title_names_product_and_step():
    assert steps.step_title("Cluster") == "Tilt registry wizard · Step 2 of 5 · Cluster"


def test_display_path_uses_tilde(home):
    assert steps.display_path(home / "src" / "shop") == "~/src/shop"


def test_display_path_keeps_other_paths(home):
    assert steps.display_path(Path("/srv/shop")) == "/srv/shop"


def test_typed_registry_problem_empty_asks_for_input():
    assert "r.example:5000/me" in steps.typed_registry_problem(CUSTOM, "  ")


def test_typed_registry_problem_accepts_port():
    assert steps.typed_registry_problem(CUSTOM, "registry.corp:5000/me") is None


def test_typed_registry_problem_ignored_without_input():
    assert steps.typed_registry_problem(CLUSTER, "") is None


def test_field_problems_blank_advanced_fields_valid():
    assert steps.field_problems(CUSTOM, "registry.corp/me", "", "") == {}


def test_field_problems_names_each_invalid_field():
    problems = steps.field_problems(CUSTOM, "registry.corp/me", "bad host", "Team")
    assert set(problems) == {"host_from_cluster", "single_name"}


def test_field_problems_skip_advanced_for_runtime():
    assert steps.field_problems(RUNTIME, "", "bad host", "Team") == {}


def test_make_choice_typed_registry_with_tiltfile_lines(home):
    project = write_project(home / "shop")
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    choice = steps.make_choice(CUSTOM, findings, " registry.corp/me ", "", "team/dev")
    assert choice.default_registry == "registry.corp/me"
    assert choice.single_name == "team/dev"
    assert choice.add_tiltfile_lines is True


def test_make_choice_cleans_host_from_cluster(home):
    project = write_project(home / "shop")
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    choice = steps.make_choice(CUSTOM, findings, "registry.corp/me", " http://registry.svc:5000/ ", "")
    assert choice.host_from_cluster == "registry.svc:5000"


def test_make_choice_cleans_typed_registry_scheme(home):
    project = write_project(home / "shop")
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    choice = steps.make_choice(CUSTOM, findings, "https://registry.corp/me")
    assert choice.default_registry == "registry.corp/me"


def test_field_problems_accepts_host_from_cluster_url():
    assert steps.field_problems(CUSTOM, "registry.corp/me", "http://registry.svc:5000", "") == {}


def test_make_choice_without_registry_adds_no_tiltfile_lines(home):
    project = write_project(home / "shop")
    choice = steps.make_choice(CLUSTER, example_findings(project))
    assert choice.default_registry is None
    assert choice.add_tiltfile_lines is False


def test_make_choice_cluster_option_keeps_option_file(home):
    from wizard.recommend import recommend

    project = write_project(home / "shop", options='{"default_registry": "gcr.io/old-team"}\n')
    findings = example_findings(project)
    option = recommend(findings)[0]
    choice = steps.make_choice(option, findings)
    assert option.key == "cluster"
    assert choice.keep_option_file is True


def test_make_choice_kind_load_removes_registry(home):
    from wizard.recommend import recommend

    project = write_project(home / "shop", options='{"default_registry": "gcr.io/old-team"}\n')
    findings = example_findings(project, hosting=None)
    option = recommend(findings)[0]
    assert option.key == "kind-load"
    assert steps.make_choice(option, findings).keep_option_file is False


def test_writes_sentence_for_kept_option_file():
    option = RegistryOption(key="cluster", title="Use the cluster's registry", reason="", keeps_option_file=True)
    assert steps.writes_sentence(option) == "Writes nothing: tilt_option.json stays as it is for other clusters."


def test_without_changes_drops_left_out_and_updates_choice(tmp_path):
    option = FileChange(tmp_path / "tilt_option.json", None, "{}\n", "set default_registry")
    gitignore = FileChange(tmp_path / ".gitignore", None, "x\n", "add entry", optional=True)
    plan = Plan(Choice(default_registry="r.example", add_gitignore_entry=True), [option, gitignore])
    reduced = steps.without_changes(plan, [gitignore])
    assert reduced.changes == [option]
    assert reduced.choice.add_gitignore_entry is False


def test_write_button_label_counts_files():
    assert [steps.write_button_label(n) for n in (0, 1, 3)] == ["Nothing to change", "Write 1 file", "Write 3 files"]


def test_next_command_switches_context_first(home):
    project = write_project(home / "shop")
    findings = example_findings(project, current=EKS_CONTEXT)
    findings.kubeconfig.current = KIND_CONTEXT
    assert steps.next_command(findings) == "kubectl config use-context eks-dev && tilt up"


def test_done_lines_without_writes(home):
    project = write_project(home / "shop")
    lines = steps.done_lines([], [], example_findings(project))
    assert lines == ["No files needed a change.", "Next: tilt up"]


def test_project_rows_report_images_and_gitignore(home):
    project = write_project(home / "shop")
    rows = project_rows(example_findings(project).project)
    assert rows[0] == ("ok", "Tiltfile", "found · builds 3 images: acme/api, web, tools/batch")
    assert rows[-1][:2] == ("warn", ".gitignore")


def test_project_rows_show_parse_error(home):
    project = write_project(home / "shop", options="[1]")
    rows = project_rows(example_findings(project).project)
    state, label, detail = next(row for row in rows if row[1] == "tilt_option.json")
    assert state == "fail"
    assert "not an object" in detail


def test_cluster_rows_pending_while_probes_run():
    state = ProbeState(Findings(), pending=lambda probe: True)
    assert {row[0] for row in cluster_rows(state)} == {"pending"}


def test_cluster_rows_failed_probe_is_fail_row():
    warning = failed_warning("docker", OSError("denied"))
    state = ProbeState(Findings(kubeconfig=KubeconfigResult(), docker=DockerResult(warnings=[warning])))
    assert ("fail", "Docker config", warning.message) in cluster_rows(state)


def test_cluster_rows_failed_probe_not_repeated_as_warning():
    warning = failed_warning("docker", OSError("denied"))
    state = ProbeState(Findings(kubeconfig=KubeconfigResult(), docker=DockerResult(warnings=[warning])))
    assert [row for row in cluster_rows(state) if row[1] == "warning"] == []


def test_cluster_rows_failed_kubeconfig_is_fail_row():
    warning = failed_warning("kubeconfig", ValueError("bad yaml"))
    state = ProbeState(Findings(kubeconfig=KubeconfigResult(warnings=[warning])))
    assert ("fail", "kubeconfig", warning.message) in cluster_rows(state)


def test_cluster_rows_failed_classify_is_fail_row():
    warning = failed_warning("cluster", KeyError("server"))
    state = ProbeState(Findings(kubeconfig=KubeconfigResult(), cluster=ClusterResult(warnings=[warning])))
    assert ("fail", "cluster", warning.message) in cluster_rows(state)


def test_next_command_quotes_context(home):
    from wizard.model import Context

    project = write_project(home / "shop")
    odd = Context(name="my ctx; echo PWNED", cluster="odd", user="odd", server="https://k8s.example.invalid")
    findings = example_findings(project, current=odd)
    findings.kubeconfig.current = KIND_CONTEXT
    assert steps.next_command(findings) == "kubectl config use-context 'my ctx; echo PWNED' && tilt up"


def test_before_tilt_up_empty_when_logged_in(home):
    project = write_project(home / "shop")
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    findings.docker.cred_helpers = {"123456789012.dkr.ecr.us-west-2.amazonaws.com": "ecr-login"}
    findings.docker.helpers_on_path = {"ecr-login": True}
    choice = Choice(default_registry="123456789012.dkr.ecr.us-west-2.amazonaws.com", single_name="team/dev")
    commands = [command for _, command in steps.before_tilt_up(findings, choice) if command]
    assert commands == ["aws ecr create-repository --region us-west-2 --repository-name team/dev"]


def test_nothing_to_change_sentence_without_files(tmp_path):
    plan = Plan(Choice(), [FileChange(tmp_path / "tilt_option.json", None, "", "none")])
    assert steps.nothing_to_change_sentence(plan) == "Nothing to change: this choice needs no file written."


def test_nothing_to_change_sentence_names_existing_file(tmp_path):
    plan = Plan(Choice(), [FileChange(tmp_path / "tilt_option.json", "{}\n", "{}\n", "none")])
    assert steps.nothing_to_change_sentence(plan) == "Nothing to change: tilt_option.json already holds this choice."


def test_cluster_summary_text_waits_for_registry(home):
    project = write_project(home / "shop")
    findings = example_findings(project)
    findings.local_registry = None
    assert steps.cluster_summary_text(findings).startswith("Checking whether the cluster of context kind-dev")


def test_clean_registry_removes_scheme_with_notice():
    cleaned = steps.clean_registry(" https://registry.corp:5000/me/ ")
    assert cleaned.registry == "registry.corp:5000/me"
    assert len(cleaned.notices) == 2
    assert cleaned.problem is None


def test_clean_registry_invalid_returns_problem():
    cleaned = steps.clean_registry("registry.corp/Me")
    assert cleaned.registry is None
    assert cleaned.problem


def test_registry_notices_names_written_value():
    assert steps.registry_notices("http://localhost:5000")[-1] == "The wizard writes localhost:5000."


def test_registry_notices_empty_for_clean_value():
    assert steps.registry_notices("localhost:5000") == []


def test_cli_flag_problem_matches_clean_registry(home):
    from wizard.commands import _validated
    from wizard.errors import InvalidInput

    problem = steps.clean_registry("registry.corp/Me").problem
    with pytest.raises(InvalidInput) as raised:
        _validated("--registry", "registry.corp/Me")
    assert raised.value.message == f"--registry: {problem}"


def test_make_choice_typed_team_default_plans_team_choice(tmp_path):
    from wizard.plan import build_plan
    from wizard.probes.project import probe_project

    (tmp_path / "Tiltfile").write_text("default_registry('gcr.io/team')\ndocker_build('acme/api', '.')\n")
    (tmp_path / "tilt_option.json").write_text('{"default_registry": "ttl.sh/old"}\n')
    findings = Findings(project=probe_project(tmp_path))
    plan = build_plan(findings, steps.make_choice(CUSTOM, findings, "https://gcr.io/team/"))
    changes = {change.path.name: change for change in plan.changes}
    assert changes["tilt_option.json"].after == "{}\n"
    assert "Tiltfile" not in changes
    assert "gcr.io/team is the Tiltfile's team default, so nothing personal is written." in plan.notices


def test_writes_sentence_names_removed_registry():
    option = RegistryOption(key="team", title="Use the team default (gcr.io/team)", reason="", removes_registry="ttl.sh/old")
    assert steps.writes_sentence(option) == "Removes the personal default_registry ttl.sh/old from tilt_option.json."
