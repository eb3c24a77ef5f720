"""Plain-mode tests: keystrokes go through prompt_toolkit's pipe input, as a terminal would send them."""

from __future__ import annotations

import json

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

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
    # An invalid registry is rejected in place; the prompt keeps the text, so erase it and retype.
    keys = ENTER + DOWN * custom + ENTER + "registry.corp/Me" + ENTER + "\x7f" * 16
    keys += "registry.corp:5000/me" + ENTER + "n" + "y" * 3
    status = run_with_keys(project, keys, findings)
    assert status == 0
    assert json.loads((project / "tilt_option.json").read_text())["default_registry"] == "registry.corp:5000/me"


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
