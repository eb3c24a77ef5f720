"""Tests for cluster kind and cloud identity classification."""

from pathlib import Path

import pytest

from wizard.model import KINDS, Context
from wizard.probes.clusters import classify_cluster, gcp_region

HOME = {"HOME": "/home/dev"}


def ctx(cluster="", name="ctx", server="", source=None, ca=None) -> Context:
    cluster_entry = {"server": server}
    if ca:
        cluster_entry["certificate-authority"] = ca
    return Context(name=name, cluster=cluster, server=server, source=source, cluster_entry=cluster_entry)


@pytest.mark.parametrize(
    ("cluster", "kind"),
    [
        ("minikube", "minikube"),
        ("minikube-second", "minikube"),
        ("docker-for-desktop-cluster", "docker-desktop"),
        ("docker-desktop", "docker-desktop"),
        ("gke_proj_us-central1-a_dev", "gke"),
        ("arn:aws:eks:us-east-1:123456789012:cluster/dev", "eks"),
        ("dev.us-west-2.eksctl.io", "eks"),
        ("kind", "kind"),
        ("kind-dev", "kind"),
        ("microk8s-cluster", "microk8s"),
        ("api-crc-testing:6443", "crc"),
        ("krucible-abc", "krucible"),
        ("k3d-k3s-default", "k3d"),
        ("rancher-desktop", "rancher-desktop"),
        ("colima", "colima"),
        ("colima-work", "colima"),
        ("orbstack", "orbstack"),
        ("my-cluster", "unknown"),
        ("kindly", "unknown"),
        ("orbstack-2", "unknown"),
    ],
)
def test_classify_cluster_name_rules(cluster, kind):
    assert classify_cluster(ctx(cluster), HOME).kind == kind


def test_classify_cluster_name_rule_order():
    # "minikube" comes before "kind-" in Tilt's table, and "gke" before "k3d-".
    assert classify_cluster(ctx("minikube-kind-x"), HOME).kind == "minikube"
    assert classify_cluster(ctx("gke-k3d-x"), HOME).kind == "gke"


def test_classify_cluster_uses_cluster_not_context_name():
    result = classify_cluster(ctx("my-cluster", name="kind-dev"), HOME)

    assert result.kind == "unknown"
    assert result.context == "kind-dev"
    assert result.cluster == "my-cluster"


def test_classify_cluster_no_context():
    result = classify_cluster(None, HOME)

    assert result.kind == "none"
    assert result.cloud is None


def test_classify_cluster_kinds_are_known():
    for cluster in ("kind", "my-cluster", "do-nyc1-x"):
        assert classify_cluster(ctx(cluster), HOME).kind in KINDS


def test_classify_cluster_k3d_kubeconfig_path():
    source = Path("/home/dev/.config/k3d/mycluster/kubeconfig.yaml")

    assert classify_cluster(ctx("custom", source=source), HOME).kind == "k3d"


def test_classify_cluster_minikube_ca_path():
    context = ctx("custom", ca="/home/dev/.minikube/ca.crt")

    assert classify_cluster(context, HOME).kind == "minikube"


def test_classify_cluster_minikube_ca_path_normalised():
    context = ctx("custom", ca="/home/dev/other/../.minikube/ca.crt")

    assert classify_cluster(context, HOME).kind == "minikube"
    assert classify_cluster(ctx("custom", ca="/tmp/.minikube/ca.crt"), HOME).kind == "unknown"


def test_classify_cluster_old_kind_config_file():
    source = Path("/home/dev/.kube/kind-config-dev")

    assert classify_cluster(ctx("dev", source=source), HOME).kind == "kind"


def test_classify_cluster_eks_arn_identity():
    result = classify_cluster(ctx("arn:aws:eks:eu-west-1:123456789012:cluster/dev"), HOME)

    assert result.cloud.provider == "aws"
    assert result.cloud.account == "123456789012"
    assert result.cloud.region == "eu-west-1"
    assert result.cloud.registry_host == "123456789012.dkr.ecr.eu-west-1.amazonaws.com"


def test_classify_cluster_eks_china_partition():
    result = classify_cluster(ctx("arn:aws-cn:eks:cn-north-1:123456789012:cluster/dev"), HOME)

    assert result.kind == "eks"
    assert result.cloud.registry_host == "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn"


def test_classify_cluster_eksctl_context():
    context = ctx("dev.us-west-2.eksctl.io", name="alice@dev.us-west-2.eksctl.io")

    result = classify_cluster(context, HOME)

    assert result.kind == "eks"
    assert result.cloud.region == "us-west-2"
    assert result.cloud.account is None
    assert result.cloud.registry_host is None


def test_classify_cluster_renamed_eks_context_keeps_arn_cluster():
    result = classify_cluster(ctx("arn:aws:eks:us-east-2:210987654321:cluster/prod", name="prod"), HOME)

    assert result.kind == "eks"
    assert result.cloud.region == "us-east-2"
    assert result.cloud.account == "210987654321"


def test_classify_cluster_renamed_eks_from_server():
    server = "https://0123456789ABCDEF.gr7.ap-southeast-2.eks.amazonaws.com"

    result = classify_cluster(ctx("prod", name="prod", server=server), HOME)

    assert result.kind == "eks"
    assert result.cloud.region == "ap-southeast-2"
    assert result.server == server


def test_classify_cluster_gke_zone_identity():
    result = classify_cluster(ctx("gke_acme-dev_us-central1-a_main"), HOME)

    assert result.cloud.provider == "gcp"
    assert result.cloud.project == "acme-dev"
    assert result.cloud.location == "us-central1-a"
    assert result.cloud.region == "us-central1"
    assert result.cloud.registry_host == "us-central1-docker.pkg.dev"


def test_classify_cluster_gke_regional_identity():
    result = classify_cluster(ctx("gke_acme_europe-west4_main"), HOME)

    assert result.cloud.region == "europe-west4"
    assert result.cloud.registry_host == "europe-west4-docker.pkg.dev"


def test_gcp_region_from_zone_and_region():
    assert gcp_region("asia-northeast1-b") == "asia-northeast1"
    assert gcp_region("us-east4") == "us-east4"


def test_classify_cluster_aks_server():
    server = "https://dev-dns-1a2b3c4d.hcp.westeurope.azmk8s.io:443"

    result = classify_cluster(ctx("dev", server=server), HOME)

    assert result.kind == "aks"
    assert result.cloud.provider == "azure"
    assert result.cloud.region == "westeurope"


def test_classify_cluster_doks_server():
    server = "https://0f1e2d3c-aaaa-bbbb-cccc-123456789abc.k8s.ondigitalocean.com"

    result = classify_cluster(ctx("team", server=server), HOME)

    assert result.kind == "doks"
    assert result.cloud.provider == "digitalocean"
    assert result.cloud.registry_host == "registry.digitalocean.com"


def test_classify_cluster_doks_context_name():
    result = classify_cluster(ctx("do-fra1-team", name="do-fra1-team"), HOME)

    assert result.kind == "doks"
    assert result.cloud.region == "fra1"


def test_classify_cluster_local_kinds_have_no_cloud():
    assert classify_cluster(ctx("kind-dev"), HOME).cloud is None


def test_classify_cluster_reads_home_from_env(tmp_path):
    source = tmp_path / ".config" / "k3d" / "kubeconfig.yaml"

    assert classify_cluster(ctx("custom", source=source), {"HOME": str(tmp_path)}).kind == "k3d"
    assert classify_cluster(ctx("custom", source=source), HOME).kind == "unknown"


def test_classify_cluster_gke_context_name():
    context = Context(name="gke_acme_us-central1-a_prod", cluster="closed", server="https://127.0.0.1:1")
    result = classify_cluster(context, {"HOME": "/nonexistent"})
    assert result.kind == "gke"
    assert result.cloud.project == "acme"
    assert result.cloud.region == "us-central1"


def test_classify_cluster_eksctl_context_name():
    context = Context(name="dev@shop.eu-west-1.eksctl.io", cluster="closed", server="https://127.0.0.1:1")
    result = classify_cluster(context, {"HOME": "/nonexistent"})
    assert result.kind == "eks"
    assert result.cloud.region == "eu-west-1"
