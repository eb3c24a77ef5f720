"""The commands to run after the wizard: log in, create ECR repositories, switch context, `tilt up`."""

from __future__ import annotations

import shlex

from wizard.model import Choice, Findings
from wizard.credentials import credential_status, login_needed, login_shell_command
from wizard.registry_hosts import ecr_region, registry_host

NEXT_COMMAND = "tilt up"


def next_command(findings: Findings) -> str:
    """Return the command to run next, switching context first when the chosen one is not current."""
    chosen = findings.cluster.context if findings.cluster else ""
    current = findings.kubeconfig.current if findings.kubeconfig else None
    if chosen and current is not None and current.name != chosen:
        return f"kubectl config use-context {shlex.quote(chosen)} && {NEXT_COMMAND}"
    return NEXT_COMMAND


def pushed_registry(findings: Findings, choice: Choice | None) -> str | None:
    """Return the registry Tilt pushes to: the cluster's advertised one wins, as in Tilt, then the choice, then the team default."""
    hosting = findings.local_registry.hosting if findings.local_registry else None
    if hosting is not None:
        return hosting.host
    if choice is not None and choice.default_registry:
        return choice.default_registry
    return findings.project.team_default if findings.project else None


def ecr_repositories(findings: Findings, choice: Choice | None) -> list[str]:
    """Return the ECR repositories Tilt pushes to, in image order, from the push preview."""
    from wizard.recommend import push_previews

    registry = choice.default_registry if choice else None
    single_name = choice.single_name if choice else None
    repositories: list[str] = []
    for _, target in push_previews(findings, registry, single_name):
        host, _, rest = target.partition("/")
        repository = rest.rsplit(":", 1)[0]
        if ecr_region(host) and repository and repository not in repositories:
            repositories.append(repository)
    return repositories


def before_tilt_up(findings: Findings, choice: Choice | None) -> list[tuple[str, str]]:
    """Return (sentence, shell command) pairs to run before `tilt up`, either part possibly "".

    A login is listed only when the credential check warns about the pushed registry. For ECR,
    every repository must exist before the first push, so one create command per repository
    follows.
    """
    registry = pushed_registry(findings, choice)
    if not registry:
        return []
    host = registry_host(registry)
    steps: list[tuple[str, str]] = []
    mark, sentence = credential_status(registry, findings.docker)
    if login_needed(registry, findings.docker):
        steps.append((f"Not logged in to {host}. Log in:", login_shell_command(host)))
    elif mark == "warn":
        # A missing credential helper needs a fix that no login command makes.
        steps.append((sentence, ""))

    region = ecr_region(host)
    if region:
        steps.append((
            "ECR needs each repository to exist before the first push, unless single_name puts every "
            "image in one. Create any that are missing:", "",
        ))
        for repository in ecr_repositories(findings, choice):
            command = (
                f"aws ecr create-repository --region {shlex.quote(region)} "
                f"--repository-name {shlex.quote(repository)}"
            )
            steps.append(("", command))
    return steps
