"""`detect --json` and `apply --recommended` against a fake Kubernetes API server on 127.0.0.1."""

import json

import pytest

from cli_helpers import run_wizard
from kubeapi_server import FakeCluster, closed_port, fake_kube, write_kubeconfig  # noqa: F401

K3D_HOSTING = 'host: "127.0.0.1:35489"\nhostFromContainerRuntime: "ctlptl-k3d-registry:5000"\nhelp: "https://k3d.io/"\n'


@pytest.fixture
def project(tmp_path):
    directory = tmp_path / "shop"
    directory.mkdir()
    (directory / "Tiltfile").write_text("docker_build('acme/api', '.')\n")
    return directory


def detect(home, project):
    result = run_wizard("detect", "--json", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_detect_k3d_cluster_registry(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    report = detect(home, project)
    assert report["cluster"] == {
        "context": "k3d-dev", "cluster": "k3d-dev", "server": fake_kube.url, "kind": "k3d", "reachable": True,
    }
    assert report["local_registry"]["host"] == "127.0.0.1:35489"
    assert report["local_registry"]["host_from_container_runtime"] == "ctlptl-k3d-registry:5000"
    assert report["local_registry"]["source"] == "kube-public/local-registry-hosting"
    assert report["recommendation"]["default_registry"] is None
    assert report["recommendation"]["push"] is True
    assert "127.0.0.1:35489" in report["recommendation"]["reason"]


def test_detect_warns_about_double_prefix(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    (project / "Tiltfile").write_text("docker_build('localhost:5000/api', '.')\n")
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    report = detect(home, project)
    assert "image-has-registry-host" in [warning["code"] for warning in report["warnings"]]


def test_detect_unreachable_cluster_is_warning(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    write_kubeconfig(home / ".kube" / "config", server, context="kind-dev", cluster_name="kind-dev")
    report = detect(home, project)
    assert report["cluster"]["kind"] == "kind"
    assert report["cluster"]["reachable"] is False
    assert "cluster-unreachable" in [warning["code"] for warning in report["warnings"]]


def test_detect_eks_cloud_identity(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/shop"
    write_kubeconfig(home / ".kube" / "config", server, context=arn, cluster_name=arn)
    report = detect(home, project)
    assert report["cluster"]["kind"] == "eks"
    assert report["cloud"] == {
        "provider": "aws", "account": "123456789012", "project": None, "region": "eu-west-1",
        "registry_host": "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
    }
    assert report["recommendation"]["default_registry"] == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def test_detect_context_flag_picks_other_context(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    config = home / ".kube" / "config"
    write_kubeconfig(config, fake_kube.url, context="k3d-dev", cluster_name="k3d-dev", current=False)
    result = run_wizard("detect", "--json", "--context", "k3d-dev", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["cluster"]["context"] == "k3d-dev"


def test_detect_text_names_context(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    result = run_wizard("detect", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "k3d-dev" in result.stdout
    assert "127.0.0.1:35489" in result.stdout


def test_apply_recommended_cluster_registry_writes_nothing(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    result = run_wizard("apply", "--recommended", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert not (project / "tilt_option.json").exists()


def test_apply_recommended_eks_writes_ecr(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/shop"
    write_kubeconfig(home / ".kube" / "config", server, context=arn, cluster_name=arn)
    result = run_wizard("apply", "--recommended", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    written = json.loads((project / "tilt_option.json").read_text())
    assert written["default_registry"] == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def test_detect_json_field_names_are_exact(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/shop"
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context=arn, cluster_name=arn)
    report = detect(home, project)
    assert set(report) == {"cluster", "local_registry", "cloud", "recommendation", "warnings"}
    assert set(report["cluster"]) == {"context", "cluster", "server", "kind", "reachable"}
    assert set(report["local_registry"]) == {
        "host", "host_from_container_runtime", "host_from_cluster_network", "help", "source",
    }
    assert set(report["cloud"]) == {"provider", "account", "project", "region", "registry_host"}
    assert set(report["recommendation"]) == {"default_registry", "host_from_cluster", "single_name", "push", "reason"}
    assert all(set(warning) == {"code", "message"} for warning in report["warnings"])


def test_detect_text_shows_recommended_registry(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/shop"
    write_kubeconfig(home / ".kube" / "config", server, context=arn, cluster_name=arn)
    result = run_wizard("detect", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "default_registry: 123456789012.dkr.ecr.eu-west-1.amazonaws.com" in result.stdout


def test_detect_text_shows_gke_registry_template(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    name = "gke_acme_europe-west1-b_prod"
    write_kubeconfig(home / ".kube" / "config", server, context=name, cluster_name=name)
    result = run_wizard("detect", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert "europe-west1-docker.pkg.dev/acme/<repository>" in result.stdout


def test_apply_recommended_cluster_registry_keeps_option_file(home, project, fake_kube):
    fake_kube.cluster.hosting = K3D_HOSTING
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    option_file = project / "tilt_option.json"
    option_file.write_text('{"default_registry": "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "single_name": "shop"}\n')
    before = option_file.read_bytes()
    result = run_wizard("apply", "--recommended", "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert option_file.read_bytes() == before
    assert not (project / ".gitignore").exists()
    assert "tilt_option.json stays as it is" in result.stdout
    assert "keeps default_registry = 123456789012.dkr.ecr.eu-west-1.amazonaws.com" in result.stderr
    assert "read_json(" not in result.stderr


def test_detect_invalid_advertised_host_is_ignored(home, project, fake_kube):
    fake_kube.cluster.hosting = 'host: "localhost:5001; rm -rf ~"\n'
    write_kubeconfig(home / ".kube" / "config", fake_kube.url, context="k3d-dev", cluster_name="k3d-dev")
    report = detect(home, project)
    assert report["local_registry"] is None
    assert "registry-host-invalid" in [warning["code"] for warning in report["warnings"]]
    assert "rm -rf" not in report["recommendation"]["reason"]


def two_context_kubeconfig(home, server, other):
    """Write a kubeconfig whose current context is `dev` and that also has the context `other`."""
    import yaml

    config = home / ".kube" / "config"
    write_kubeconfig(config, server, context="dev", cluster_name="dev")
    document = yaml.safe_load(config.read_text())
    document["clusters"].append({"name": other, "cluster": {"server": server}})
    document["contexts"].append({"name": other, "context": {"cluster": other, "user": "test-user"}})
    config.write_text(yaml.safe_dump(document))


def test_apply_other_context_next_steps(home, project):
    server = f"http://127.0.0.1:{closed_port()}"
    arn = "arn:aws:eks:eu-west-1:123456789012:cluster/shop"
    two_context_kubeconfig(home, server, arn)
    result = run_wizard("apply", "--recommended", "--context", arn, "--project", str(project), home=home)
    assert result.returncode == 0, result.stderr
    assert f"Next: kubectl config use-context {arn} && tilt up" in result.stdout
    assert "Next: tilt up" not in result.stdout
    assert "aws ecr create-repository --region eu-west-1 --repository-name acme_api" in result.stdout
