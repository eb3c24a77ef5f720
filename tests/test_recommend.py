"""Tests for the ordered registry options and the cluster summary."""

import hashlib
import hmac
from pathlib import Path

import pytest

from wizard import options as options_module
from wizard.model import (
    CloudIdentity,
    ClusterResult,
    DefaultRegistryCall,
    DockerResult,
    Findings,
    LocalRegistryResult,
    ProjectResult,
    RegistryHosting,
)
from wizard.recommend import push_previews, recommend
from wizard.summary import cluster_summary

ECR_HOST = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


# Never created: the ttl.sh name depends only on the path, and /nonexistent has no symlinks to resolve.
PROJECT = Path("/nonexistent/shop")


def ttl_digits(user, directory=PROJECT):
    message = f"{user}\0{directory}".encode()
    return hmac.new(options_module.ttl_secret(), message, hashlib.sha256).hexdigest()[:8]


def make(kind, *, hosting=None, runtime=None, docker=None, cloud=None, team=None, options=None, images=(), server=""):
    project = ProjectResult(
        directory=PROJECT,
        default_registry_call=DefaultRegistryCall(line=1, host=team) if team else None,
        options=options,
        images=list(images),
    )
    cluster = ClusterResult(context=f"{kind}-ctx", cluster=kind, server=server, kind=kind, cloud=cloud)
    local = LocalRegistryResult(reachable=True, hosting=hosting, node_runtime=runtime)
    return Findings(project=project, cluster=cluster, local_registry=local, docker=docker)


def keys(findings):
    return [option.key for option in recommend(findings)]


@pytest.fixture(autouse=True)
def user(monkeypatch):
    monkeypatch.setattr(options_module.getpass, "getuser", lambda: "Jane.Doe")


@pytest.mark.parametrize("kind", ["docker-desktop", "rancher-desktop", "orbstack", "colima"])
def test_recommend_runtime_kinds(kind):
    options = recommend(make(kind, runtime="docker://24.0.7"))
    assert [option.key for option in options] == ["runtime", "custom"]
    assert options[0].push is False
    assert options[0].writes_registry is False


def test_recommend_only_first_is_recommended():
    options = recommend(make("unknown"))
    assert [option.recommended for option in options] == [True] + [False] * (len(options) - 1)


def test_recommend_every_list_ends_with_custom():
    for kind in ("kind", "eks", "none", "docker-desktop", "microk8s"):
        last = recommend(make(kind))[-1]
        assert last.key == "custom"
        assert last.placeholder == "registry.corp.example:5000/team"
        assert last.needs_input


def test_recommend_runtime_caveat_for_remote_docker_host():
    docker = DockerResult(docker_host="tcp://build.example.com:2376")
    reason = recommend(make("docker-desktop", docker=docker))[0].reason
    assert "DOCKER_HOST is tcp://build.example.com:2376" in reason


def test_recommend_runtime_no_caveat_for_desktop_socket():
    docker = DockerResult(docker_host="unix:///Users/jane/.docker/run/docker.sock", docker_context="desktop-linux")
    reason = recommend(make("docker-desktop", docker=docker))[0].reason
    assert "DOCKER_HOST" not in reason
    assert "context" not in reason


def test_recommend_runtime_caveat_for_other_docker_context():
    docker = DockerResult(docker_context="remote-builder")
    reason = recommend(make("orbstack", docker=docker))[0].reason
    assert "remote-builder" in reason


def test_recommend_rancher_desktop_containerd_needs_registry():
    assert keys(make("rancher-desktop", runtime="containerd://1.7.1"))[0] == "ttl"


def test_recommend_minikube_docker_runtime():
    assert keys(make("minikube", runtime="docker://24.0.7"))[0] == "runtime"


def test_recommend_minikube_unknown_runtime():
    assert keys(make("minikube"))[0] == "runtime"


def test_recommend_minikube_containerd_without_registry():
    first = recommend(make("minikube", runtime="containerd://1.7.1"))[0]
    assert first.key == "ttl"
    assert "minikube addons enable registry" in first.reason


def test_recommend_minikube_containerd_with_registry():
    hosting = RegistryHosting(host="localhost:5005")
    assert keys(make("minikube", runtime="containerd://1.7.1", hosting=hosting))[0] == "cluster"


def test_recommend_kind_with_registry():
    hosting = RegistryHosting(host="localhost:5001", source="kube-public/local-registry-hosting")
    option = recommend(make("kind", hosting=hosting))[0]
    assert option.key == "cluster"
    assert option.writes_registry is False
    assert "ignores default_registry" in option.reason
    assert "localhost:5001" in option.reason


def test_recommend_cluster_mentions_host_from_container_runtime():
    hosting = RegistryHosting(host="127.0.0.1:35489", host_from_container_runtime="ctlptl-k3d-registry:5000")
    reason = recommend(make("k3d", hosting=hosting))[0].reason
    assert "ctlptl-k3d-registry:5000" in reason


def test_recommend_cluster_warns_about_prefixed_images():
    hosting = RegistryHosting(host="localhost:5001")
    reason = recommend(make("kind", hosting=hosting, images=["gcr.io/acme/api"]))[0].reason
    assert "localhost:5001/gcr.io_acme_api:tilt-<hash>" in reason


def test_recommend_kind_without_registry():
    option = recommend(make("kind"))[0]
    assert option.key == "kind-load"
    assert option.push is False
    assert "kind load docker-image" in option.reason
    assert "ctlptl create registry ctlptl-registry --port=5005" in option.reason
    assert "ctlptl create cluster kind --registry=ctlptl-registry" in option.reason


def test_recommend_kind_without_registry_with_team_default():
    assert keys(make("kind", team="gcr.io/team"))[:2] == ["team", "ttl"]


def test_recommend_microk8s_with_registry():
    assert keys(make("microk8s", hosting=RegistryHosting(host="localhost:32000")))[0] == "cluster"


def test_recommend_microk8s_without_registry():
    first = recommend(make("microk8s"))[0]
    assert "microk8s enable registry" in first.reason


def test_recommend_eks_known_registry():
    cloud = CloudIdentity(provider="aws", account="123456789012", region="eu-west-1", registry_host=ECR_HOST)
    option = recommend(make("eks", cloud=cloud))[0]
    assert option.key == "ecr"
    assert option.default_registry == ECR_HOST
    assert option.needs_input is False
    assert "single_name" in option.reason


def test_recommend_eks_unknown_account():
    cloud = CloudIdentity(provider="aws", region="us-east-2")
    option = recommend(make("eks", cloud=cloud))[0]
    assert option.needs_input is True
    assert option.placeholder == "<account>.dkr.ecr.us-east-2.amazonaws.com"


def test_recommend_gke():
    cloud = CloudIdentity(provider="gcp", project="acme", location="europe-west1-b", region="europe-west1")
    option = recommend(make("gke", cloud=cloud))[0]
    assert option.key == "gar"
    assert option.needs_input is True
    assert option.placeholder == "europe-west1-docker.pkg.dev/acme/<repository>"


def test_recommend_aks():
    option = recommend(make("aks", cloud=CloudIdentity(provider="azure")))[0]
    assert (option.key, option.placeholder, option.needs_input) == ("acr", "<name>.azurecr.io", True)


def test_recommend_doks():
    option = recommend(make("doks"))[0]
    assert (option.key, option.placeholder) == ("docr", "registry.digitalocean.com/<name>")
    assert "single_name" in option.reason


def test_recommend_cloud_team_default_of_same_provider_first():
    assert keys(make("gke", team="us-docker.pkg.dev/acme/team"))[:2] == ["team", "gar"]


def test_recommend_cloud_team_default_of_other_provider_second():
    assert keys(make("gke", team="ttl.sh/team"))[:2] == ["gar", "team"]


@pytest.mark.parametrize("kind", ["unknown", "none"])
def test_recommend_unknown_without_team(kind):
    options = recommend(make(kind))
    assert [option.key for option in options] == ["ttl", "dockerhub", "quay", "custom"]
    assert options[0].default_registry == f"ttl.sh/jane-doe-{ttl_digits('jane-doe')}"
    assert "public" in options[0].reason
    assert "anyone who has the name can pull them" in options[0].reason
    assert "24 hours" in options[0].reason
    assert options[1].placeholder == "docker.io/<user>"
    assert options[2].placeholder == "quay.io/<user>"


def test_recommend_unknown_with_team_default():
    options = recommend(make("unknown", team="gcr.io/team"))
    assert [option.key for option in options][:2] == ["team", "ttl"]
    assert options[0].writes_registry is False


def test_recommend_partial_findings():
    options = recommend(Findings())
    assert options[0].key == "ttl"


def test_recommend_ttl_name_is_stable():
    first = recommend(make("none"))[0].default_registry
    assert recommend(make("none"))[0].default_registry == first


def test_recommend_ttl_name_same_for_equivalent_paths(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "shop")
    direct = recommend(Findings(project=ProjectResult(directory=tmp_path / "shop")))[0].default_registry
    linked = recommend(Findings(project=ProjectResult(directory=tmp_path / "link" / ".")))[0].default_registry
    assert direct == linked


def test_recommend_ttl_name_differs_per_project():
    other = Findings(project=ProjectResult(directory=Path("/nonexistent/blog")))
    assert recommend(other)[0].default_registry != recommend(make("none"))[0].default_registry


def test_recommend_ttl_name_differs_per_user(monkeypatch):
    first = recommend(make("none"))[0].default_registry
    monkeypatch.setattr(options_module.getpass, "getuser", lambda: "sam")
    assert recommend(make("none"))[0].default_registry != first


def test_recommend_user_without_valid_characters(monkeypatch):
    monkeypatch.setattr(options_module.getpass, "getuser", lambda: "__")
    assert recommend(make("none"))[0].default_registry == f"ttl.sh/dev-{ttl_digits('dev')}"


def test_recommend_keeps_suitable_current_value():
    findings = make("none", options={"default_registry": "quay.io/jane", "single_name": "dev"})
    options = recommend(findings)
    assert options[0].key == "keep"
    assert options[0].default_registry == "quay.io/jane"
    assert options[0].single_name == "dev"


def test_recommend_cluster_registry_keeps_personal_value():
    findings = make("kind", hosting=RegistryHosting(host="localhost:5001"), options={"default_registry": "ttl.sh/x"})
    options = recommend(findings)
    assert [option.key for option in options] == ["cluster", "custom"]
    assert options[0].keeps_option_file is True
    assert "tilt_option.json keeps default_registry = ttl.sh/x for other clusters" in options[0].reason
    assert "removes" not in options[0].reason


def test_recommend_cluster_reason_names_registry_once():
    hosting = RegistryHosting(host="localhost:5001", source="kube-public/local-registry-hosting")
    reason = recommend(make("kind", hosting=hosting, options={"default_registry": "ttl.sh/x"}))[0].reason
    assert reason.count("localhost:5001") == 1
    assert reason.count("ignores") == 1
    assert "Nothing needs to be written" not in reason


def test_recommend_cluster_reason_without_personal_value():
    reason = recommend(make("kind", hosting=RegistryHosting(host="localhost:5001")))[0].reason
    assert "ignores default_registry on this cluster. Nothing needs to be written." in reason
    assert "keeps default_registry" not in reason


@pytest.mark.parametrize("kind", ["docker-desktop", "rancher-desktop", "orbstack", "colima"])
def test_recommend_runtime_keeps_personal_value(kind):
    current = {"default_registry": "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "single_name": "dev"}
    options = recommend(make(kind, runtime="docker://24.0.7", options=current))
    assert [option.key for option in options] == ["runtime", "custom"]
    assert options[0].keeps_option_file is True
    assert "keeps default_registry = 123456789012.dkr.ecr.eu-west-1.amazonaws.com (with its single_name)" in options[0].reason


def test_recommend_cluster_still_removes_invalid_value():
    findings = make("kind", hosting=RegistryHosting(host="localhost:5001"), options={"default_registry": "foo"})
    option = recommend(findings)[0]
    assert option.keeps_option_file is False
    assert "removes it" in option.reason


def test_recommend_kind_load_removes_personal_value():
    options = recommend(make("kind", options={"default_registry": "ttl.sh/x"}))
    assert options[0].key == "kind-load"
    assert options[0].keeps_option_file is False
    assert "instead of copying images" in options[0].reason
    assert "This choice removes it." in options[0].reason


def test_recommend_team_option_does_not_keep_file():
    options = recommend(make("none", team="gcr.io/team"))
    assert options[0].key == "team"
    assert options[0].keeps_option_file is False


def test_recommend_keeps_current_ttl_name():
    findings = make("none", options={"default_registry": "ttl.sh/jane-0123abcd"})
    options = recommend(findings)
    assert [option.key for option in options] == ["keep", "dockerhub", "quay", "custom"]
    assert options[0].default_registry == "ttl.sh/jane-0123abcd"


def test_recommend_current_ttl_name_on_k3d_without_registry():
    findings = make("k3d", options={"default_registry": "ttl.sh/jane-0123abcd"})
    assert keys(findings) == ["keep", "dockerhub", "quay", "custom"]


def test_recommend_current_value_of_other_cloud():
    cloud = CloudIdentity(provider="aws", registry_host=ECR_HOST)
    findings = make("eks", cloud=cloud, options={"default_registry": "gcr.io/old"})
    assert keys(findings)[:2] == ["ecr", "keep"]


def test_recommend_current_loopback_value_on_kind():
    findings = make("k3d", options={"default_registry": "localhost:5000"})
    first = recommend(findings)[0]
    assert first.key == "ttl"
    assert "loopback" in first.reason


def test_recommend_current_invalid_value_is_not_kept():
    findings = make("none", options={"default_registry": "foo"})
    options = recommend(findings)
    assert "keep" not in [option.key for option in options]
    assert "is not valid" in options[0].reason


def test_recommend_current_ecr_not_duplicated():
    cloud = CloudIdentity(provider="aws", registry_host=ECR_HOST)
    assert keys(make("eks", cloud=cloud, options={"default_registry": ECR_HOST})) == ["keep", "custom"]


def test_push_previews_cluster_registry_wins():
    findings = make("kind", hosting=RegistryHosting(host="localhost:5001"), images=["acme/api", "web"])
    assert push_previews(findings, "ttl.sh/x", "dev") == [
        ("acme/api", "localhost:5001/acme_api:tilt-<hash>"),
        ("web", "localhost:5001/web:tilt-<hash>"),
    ]


def test_push_previews_team_default_and_no_registry():
    assert push_previews(make("unknown", team="gcr.io/t", images=["web"])) == [("web", "gcr.io/t/web:tilt-<hash>")]
    assert push_previews(make("kind", images=["docker.io/library/web:1"])) == [("docker.io/library/web:1", "web:tilt-<hash>")]


def test_cluster_summary_cluster_registry():
    summary = cluster_summary(make("kind", hosting=RegistryHosting(host="localhost:5001")))
    assert summary.startswith("The context kind-ctx points to a kind cluster.")
    assert "ignores default_registry" in summary


def test_cluster_summary_eks_details():
    cloud = CloudIdentity(provider="aws", account="123456789012", region="eu-west-1")
    summary = cluster_summary(make("eks", cloud=cloud))
    assert "an EKS cluster (account 123456789012, region eu-west-1)" in summary


def test_cluster_summary_none():
    assert cluster_summary(make("none")).startswith("There is no current Kubernetes context")


def test_cluster_summary_probe_still_running():
    findings = make("kind")
    findings.local_registry = None
    assert "still running" in cluster_summary(findings)


def unchecked(kind, reachable=False, options=None):
    findings = make(kind, options=options)
    findings.local_registry = LocalRegistryResult(reachable=reachable) if reachable is not None else None
    return findings


@pytest.mark.parametrize("kind", ["kind", "k3d"])
@pytest.mark.parametrize("reachable", [False, None])
def test_recommend_unreachable_cluster_keeps_current_value(kind, reachable):
    first = recommend(unchecked(kind, reachable, options={"default_registry": "localhost:5005"}))[0]
    assert first.key == "keep"
    assert "could not ask the cluster" in first.reason


def test_recommend_unreachable_cluster_still_drops_invalid_value():
    options = recommend(unchecked("kind", options={"default_registry": "foo"}))
    assert "keep" not in [option.key for option in options]


def test_recommend_unreachable_kind_does_not_claim_no_registry():
    option = recommend(unchecked("kind"))[0]
    assert option.key == "kind-load"
    assert "has no registry" not in option.reason
    assert "could not check" in option.reason


def test_cluster_summary_unreachable_kind():
    summary = cluster_summary(unchecked("kind"))
    assert "has no registry" not in summary
    assert "could not be checked" in summary


def test_cluster_summary_unreachable_kind_keep():
    summary = cluster_summary(unchecked("kind", options={"default_registry": "localhost:5005"}))
    assert "which suits this cluster" not in summary
    assert "could not check the cluster's registry" in summary


def test_recommend_unreachable_k3d_with_team():
    findings = unchecked("k3d")
    findings.project.default_registry_call = DefaultRegistryCall(line=1, host="gcr.io/team")
    reason = recommend(findings)[0].reason
    assert "advertises no registry" not in reason
    assert "could not check whether this k3d cluster has a registry" in reason


def test_recommend_invalid_current_value_hides_credentials():
    findings = make("none", options={"default_registry": "https://jane:hunter2@ttl.sh/x"})
    reason = recommend(findings)[0].reason
    assert "hunter2" not in reason
    assert "contains credentials" in reason


def test_recommend_invalid_current_value_escapes_control_characters():
    findings = make("none", options={"default_registry": "ttl.sh/a\x1b[2Jb"})
    reason = recommend(findings)[0].reason
    assert "\x1b" not in reason
    assert "'ttl.sh/a\\x1b[2Jb'" in reason


def test_recommend_keep_reason_uses_an_before_eks():
    findings = Findings(
        project=ProjectResult(directory=Path("/tmp/shop"), options={"default_registry": "quay.io/jane"}),
        cluster=ClusterResult(context="eks-dev", cluster="eks-dev", kind="eks",
                              cloud=CloudIdentity("aws", account="123456789012", region="eu-west-1",
                                                  registry_host="123456789012.dkr.ecr.eu-west-1.amazonaws.com")),
        local_registry=LocalRegistryResult(reachable=True),
    )
    reasons = " ".join(option.reason for option in recommend(findings))
    assert "an EKS cluster" in reasons
    assert "a EKS" not in reasons


def test_cluster_summary_keep_unknown_cluster():
    summary = cluster_summary(make("unknown", options={"default_registry": ECR_HOST}))
    assert "suits this cluster" not in summary
    assert "cluster kind is unknown, so the wizard cannot check" in summary


def test_recommend_ttl_reason_hexadecimal():
    ttl = next(option for option in recommend(make("none")) if option.key == "ttl")
    assert "8 hexadecimal characters" in ttl.reason
    assert "digits" not in ttl.reason


def team_option(findings):
    return next(option for option in recommend(findings) if option.key == "team")


def test_recommend_team_reason_names_removed_personal_value():
    option = team_option(make("kind", team="gcr.io/team", options={"default_registry": "ttl.sh/old"}))
    assert "removes the personal default_registry ttl.sh/old" in option.reason
    assert "nothing personal" not in option.reason


def test_recommend_team_removes_registry_field():
    option = team_option(make("kind", team="gcr.io/team", options={"default_registry": "ttl.sh/old"}))
    assert option.removes_registry == "ttl.sh/old"


def test_recommend_team_without_personal_value_writes_nothing():
    option = team_option(make("kind", team="gcr.io/team"))
    assert "nothing personal to write" in option.reason


def test_recommend_team_default_copy_not_kept():
    assert "keep" not in keys(make("kind", team="gcr.io/team", options={"default_registry": "gcr.io/team"}))


def test_kind_load_option_names_removed_registry():
    findings = Findings(
        project=ProjectResult(directory=Path("/tmp/shop"), options={"default_registry": "quay.io/jane"}),
        cluster=ClusterResult(context="kind-dev", cluster="kind-dev", kind="kind"),
        local_registry=LocalRegistryResult(reachable=True),
    )
    best = recommend(findings)[0]
    assert best.key == "kind-load"
    assert best.removes_registry == "quay.io/jane"
