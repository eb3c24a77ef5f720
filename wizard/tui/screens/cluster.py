"""Step 2: the kube contexts, the live probe rows and what they mean for the registry."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from wizard.model import Findings
from wizard import steps
from wizard.rows import ProbeState, cluster_rows
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets import StatusList


# Separators after which a long context name (such as an EKS ARN) folds by preference.
# Without one close to the edge, the name folds at any character.
NAME_BREAKS = ":/_-. "


def fold_name(name: str, width: int) -> list[str]:
    """Split `name` into lines of at most `width` characters, after a separator where one is close."""
    lines = []
    while len(name) > width:
        cut = max(name.rfind(separator, 0, width) for separator in NAME_BREAKS) + 1
        if cut < width // 2:
            cut = width
        lines.append(name[:cut])
        name = name[cut:]
    return lines + [name]


def context_prompt(findings: Findings, name: str, kind: str, width: int | None = None) -> Content:
    """Return one context's entry: the in-use dot and name, then its cluster kind.

    With `width` (the list's inner width) a longer name folds onto lines indented under its
    first character, so the dot is not alone on a line.
    """
    in_use = findings.cluster is not None and findings.cluster.context == name
    current = findings.kubeconfig.current if findings.kubeconfig else None
    tag = " (current)" if current is not None and current.name == name else ""
    label = f"{name}{tag}"
    if width is not None and width > 12:
        label = "\n  ".join(fold_name(label, width - 2))
    return Content.assemble(
        ("● " if in_use else "○ ", "$text-primary" if in_use else ""),
        (label, "bold" if in_use else ""),
        "\n  ",
        (kind, "$text-muted"),
    )


class ClusterScreen(StepScreen):
    """Every kube context, the probe rows filling in live, and the cluster summary."""

    STEP = "Cluster"
    HELP = (
        "Tilt deploys to the **current kube context**. Pick another with ↑ and ↓; the wizard "
        "classifies its cluster and asks it for an advertised registry again.\n\n"
        "The wizard does not change your kubeconfig. If you pick a context that is not the current "
        "one, the Done step shows the `kubectl config use-context` command to run.\n\n"
        "Marks: `✓` fine, `!` needs attention, `✗` failed, `…` still checking."
    )

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="step-body"):
            with Horizontal(id="cluster-top"):
                with Vertical(id="contexts-panel"):
                    yield Static("Contexts  (↑↓ to pick another)", classes="section-title")
                    yield OptionList(id="contexts")
                with Vertical(id="probes-panel"):
                    yield Static("Checks", classes="section-title")
                    yield StatusList(id="probe-rows", label_width=17)
            yield Static(id="cluster-summary", classes="summary")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#contexts", OptionList).focus()
        # The list's width is known only after the first layout, and the names fold to it.
        self.call_after_refresh(self._show_contexts)

    def on_resize(self) -> None:
        super().on_resize()
        self.call_after_refresh(self._show_contexts)

    def show_findings(self) -> None:
        app = self.wizard
        rows = cluster_rows(ProbeState(app.findings, app.probe_pending))
        self.query_one("#probe-rows", StatusList).set_rows(rows)
        self._show_contexts()
        self.query_one("#cluster-summary", Static).update(self._summary())

    def _summary(self) -> str:
        if self.wizard.probe_pending("cluster"):
            return "Reading the kubeconfig…"
        try:
            return steps.cluster_summary_text(self.wizard.findings)
        except Exception as exc:  # noqa: BLE001 - a summary bug must not end the wizard
            return f"The cluster summary failed: {type(exc).__name__}"

    def _show_contexts(self) -> None:
        from wizard.probes.clusters import classify_cluster

        findings = self.wizard.findings
        contexts = findings.kubeconfig.contexts if findings.kubeconfig else []
        option_list = self.query_one("#contexts", OptionList)
        # A vertical scrollbar may appear once names fold, so its columns are always left free.
        width = option_list.scrollable_content_region.width
        if not option_list.show_vertical_scrollbar:
            width -= option_list.styles.scrollbar_size_vertical
        options = []
        for context in contexts:
            try:
                kind = classify_cluster(context, self.wizard.env).kind
            except Exception:  # noqa: BLE001 - the kind is only a hint in the list
                kind = "unknown"
            options.append(Option(context_prompt(findings, context.name, kind, width or None), id=context.name))
        highlighted = option_list.highlighted
        option_list.set_options(options)
        names = [context.name for context in contexts]
        if self.wizard.context_in_use in names:
            option_list.highlighted = names.index(self.wizard.context_in_use)
        elif options:
            option_list.highlighted = highlighted or 0

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        name = event.option.id
        if name and name != self.wizard.context_in_use:
            self.wizard.use_context(name)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.go_next()

    def go_next(self) -> None:
        from wizard.tui.screens.registry import RegistryScreen

        self.app.push_screen(RegistryScreen())
