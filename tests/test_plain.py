"""Plain-mode tests: keystrokes go through prompt_toolkit's pipe input, as a terminal would send them."""

from __future__ import annotations

import json

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from kubeapi_server import OFFICE_KUBECONFIG

from wizard.plain import run_plain
from wizard.tui.examples import EKS_CONTEXT, GKE_CONTEXT, example_findings, write_project

ENTER = "\r"
DOWN = "\x1b[B"
CTRL_C = "\x03"
ECR_HOST = "123456789012.dkr.ecr.us-west-2.amazonaws.com"


@pytest.fixture
def project(home):
    """An example project under the test's empty home directory."""
    return write_project(home / "shop", gitignore="node_modules/\n")


def run_with_keys(project, keys, findings=None):
    """Run plain mode with `keys` typed ahead; return its exit status."""
    findings = findings or example_findings(project, current=EKS_CONTEXT, hosting=None)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        return run_plain(project, {}, findings=findings)


def test_plain_enter_accepts_everything(project, capsys):
    # Keys: accept the context and the registry, skip the advanced fields, keep both optional
    # changes, confirm the write.
    status = run_with_keys(project, ENTER * 2 + "n" + "y" * 3)
    output = capsys.readouterr().out
    assert status == 0
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == ECR_HOST
    assert "tilt_option.json" in (project / ".gitignore").read_text()
    assert "Next: tilt up" in output


def test_plain_prints_reason_and_diff(project, capsys):
    run_with_keys(project, ENTER * 2 + "n" + "y" * 3)
    output = capsys.readouterr().out
    assert "Recommended: Amazon ECR" in output
    assert f'+  "default_registry": "{ECR_HOST}"' in output
    assert f"acme/api → {ECR_HOST}/acme_api:tilt-<hash>" in " ".join(output.split())


def test_plain_ctrl_c_writes_nothing(project, capsys):
    before = sorted(path.name for path in project.iterdir())
    status = run_with_keys(project, ENTER + CTRL_C)
    assert status == 130
    assert capsys.readouterr().out.endswith("No changes were written.\n")
    assert sorted(path.name for path in project.iterdir()) == before


def test_plain_declined_write_writes_nothing(project, capsys):
    status = run_with_keys(project, ENTER * 2 + "n" + "y" * 2 + "n")
    assert status == 0
    assert capsys.readouterr().out.endswith("No changes were written.\n")
    assert not (project / "tilt_option.json").exists()


def test_plain_typed_registry_validated(project, capsys):
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    from wizard.recommend import recommend

    custom = [option.key for option in recommend(findings)].index("custom")
    # An invalid registry is rejected with its problem, and the retry starts empty, so the second
    # value is typed without erasing the first.
    keys = ENTER + DOWN * custom + ENTER + "registry.corp/Me" + ENTER
    keys += "registry.corp:5000/me" + ENTER + "n" + "y" * 3
    status = run_with_keys(project, keys, findings)
    output = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "✗ 'registry.corp/Me' has uppercase letters" in output
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "registry.corp:5000/me"


def test_plain_invalid_single_name_retry_starts_empty(project, capsys):
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    # Keys: accept the context and ECR, open the advanced fields, leave host_from_cluster empty,
    # type an invalid single_name and then a valid one, keep both optional changes, write.
    keys = ENTER * 2 + "y" + ENTER + "Team Dev" + ENTER + "team/dev" + ENTER + "y" * 3
    status = run_with_keys(project, keys, findings)
    output = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "✗ single_name 'Team Dev' contains a space" in output
    assert json.loads((project / "tilt_option.json").read_text())["single_name"] == "team/dev"


def test_plain_empty_registry_asked_again(project, capsys):
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    from wizard.recommend import recommend

    custom = [option.key for option in recommend(findings)].index("custom")
    keys = ENTER + DOWN * custom + ENTER + ENTER + "registry.corp:5000/me" + ENTER + "n" + "y" * 3
    status = run_with_keys(project, keys, findings)
    assert status == 0
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "registry.corp:5000/me"


def test_plain_unanswered_cluster_registry_warns(project, capsys):
    from wizard.model import ProbeWarning

    findings = example_findings(project)
    findings.local_registry.warnings.append(ProbeWarning(
        "registry-not-answering", "The cluster's registry localhost:5001 does not answer (connection refused).",
    ))
    run_with_keys(project, ENTER + CTRL_C, findings)
    output = " ".join(capsys.readouterr().out.split())
    assert "! cluster registry localhost:5001 does not answer" in output
    assert "✓ cluster registry" not in output


def test_plain_kind_load_preview_names_kind_load(project, capsys):
    run_with_keys(project, ENTER * 2 + CTRL_C, example_findings(project, hosting=None))
    output = " ".join(capsys.readouterr().out.split())
    assert "Tilt loads each image into the kind nodes with `kind load docker-image` and pushes nothing." in output
    assert "cluster runtime" not in output


def test_plain_leaves_tiltfile_out(project, capsys):
    tiltfile = (project / "Tiltfile").read_text()
    # Changes come in plan order: tilt_option.json, .gitignore (optional), Tiltfile (optional).
    status = run_with_keys(project, ENTER * 2 + "n" + "y" + "n" + "y")
    output = capsys.readouterr().out
    assert status == 0
    assert (project / "Tiltfile").read_text() == tiltfile
    assert "Left out: ~/shop/Tiltfile" in output


def test_plain_picks_another_context(project, capsys):
    findings = example_findings(project)
    names = [context.name for context in findings.kubeconfig.contexts]
    keys = DOWN * names.index(GKE_CONTEXT.name) + ENTER + CTRL_C
    run_with_keys(project, keys, findings)
    output = capsys.readouterr().out
    assert "gke ·" in output
    assert "GKE" in output


def test_plain_unparsable_option_file_returns_1(home, capsys):
    project = write_project(home / "shop", options="{not json")
    status = run_with_keys(project, ENTER * 2 + "n")
    output = capsys.readouterr().out
    assert status == 1
    assert "tilt_option.json" in output
    assert (project / "tilt_option.json").read_text() == "{not json"


def test_plain_wraps_paragraphs_to_terminal(project, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    run_with_keys(project, ENTER * 2 + "n" + "y" * 3)
    output = capsys.readouterr().out
    # Diff lines (one-character prefix) and shell commands are printed whole, and a single name
    # longer than the terminal cannot be wrapped; every other line fits.
    diff_line = ("+", "-", "@", " ")
    long_prose = [
        line for line in output.splitlines()
        if len(line) > 60 and not (line.startswith(diff_line) and not line.startswith("  "))
        and "aws " not in line and len(line.split()) > 1
    ]
    assert long_prose == []


def test_plain_done_lists_ecr_steps_before_tilt_up(project, capsys):
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    findings.docker.creds_store = None
    run_with_keys(project, ENTER * 2 + "n" + "y" * 3, findings)
    output = capsys.readouterr().out
    done = output[output.index("Step 5 of 5"):]
    assert f"--password-stdin {ECR_HOST}" in done
    assert "--repository-name acme_api" in done
    assert done.index("docker login") < done.index("Next: tilt up")


def test_plain_preview_checks_team_default_credentials(home, capsys):
    from wizard.model import Choice
    from wizard.plain import print_preview
    from wizard.recommend import recommend
    from wizard.tui.examples import UNKNOWN_CONTEXT

    tiltfile = "default_registry('gcr.io/team-shop')\n" + "docker_build('acme/api', 'api')\n"
    project = write_project(home / "shop", tiltfile=tiltfile)
    findings = example_findings(project, current=UNKNOWN_CONTEXT, hosting=None)
    option = next(option for option in recommend(findings) if option.key == "team")
    print_preview(findings, option, Choice(default_registry=None))
    output = capsys.readouterr().out
    assert "Credentials:" in output
    assert "gcr.io" in output[output.index("Credentials:"):]


def test_plain_review_escapes_control_characters(home, capsys):
    project = write_project(home / "shop", gitignore="node_modules/\n\x1b]0;owned\x07build/\n")
    run_with_keys(project, ENTER * 2 + "n" + "y" * 3)
    output = capsys.readouterr().out
    assert "\x1b" not in output
    assert "\\x1b]0;owned\\x07build/" in output


def test_plain_typed_registry_cleaned_with_notice(project, capsys):
    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    from wizard.recommend import recommend

    custom = [option.key for option in recommend(findings)].index("custom")
    keys = ENTER + DOWN * custom + ENTER + "https://registry.corp:5000/me/" + ENTER + "n" + "y" * 3
    status = run_with_keys(project, keys, findings)
    output = " ".join(capsys.readouterr().out.split())
    assert status == 0
    assert "Removed the leading https://" in output
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "registry.corp:5000/me"


KUBECONFIG = OFFICE_KUBECONFIG


def test_plain_live_recommends_after_cluster_check(project, home, capsys, monkeypatch):
    import time

    import wizard.probes.local_registry
    from wizard.model import LocalRegistryResult
    from wizard.tui.examples import CTLPTL_HOSTING

    def slow_probe(context, cluster, timeout=2.0):
        time.sleep(0.3)
        return LocalRegistryResult(reachable=True, hosting=CTLPTL_HOSTING)

    monkeypatch.setattr(wizard.probes.local_registry, "probe_local_registry", slow_probe)
    kubeconfig = home / ".kube" / "config"
    kubeconfig.parent.mkdir()
    kubeconfig.write_text(KUBECONFIG, encoding="utf-8")
    env = {"HOME": str(home), "KUBECONFIG": str(kubeconfig)}
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(ENTER + CTRL_C)
        run_plain(project, env)
    output = capsys.readouterr().out
    assert "Recommended: Use the cluster's registry (localhost:5001)" in output


def test_plain_unreachable_cluster_marked(project, capsys):
    from wizard.model import LocalRegistryResult

    findings = example_findings(project, current=EKS_CONTEXT, hosting=None)
    findings.local_registry = LocalRegistryResult(reachable=False)
    run_with_keys(project, ENTER + CTRL_C, findings=findings)
    output = capsys.readouterr().out
    # The row wraps, so compare with the whitespace collapsed.
    flat = " ".join(output.split())
    cluster_row = flat.split("! cluster ", 1)[1].split(" cluster registry ", 1)[0]
    assert "✓ cluster " not in flat
    assert "not reachable" in cluster_row


def test_plain_registry_step_says_invalid_option_file_blocks(home, capsys):
    project = write_project(home / "shop", options="{not json")
    run_with_keys(project, ENTER * 2 + "n")
    output = capsys.readouterr().out
    registry_part = output.split("Registry", 1)[1]
    assert "Nothing can be written until tilt_option.json is fixed" in registry_part.split("Review", 1)[0]
