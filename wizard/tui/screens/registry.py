"""Step 3: the registry options, the reason for the highlighted one and where images will go."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Collapsible, Input, OptionList, Static
from textual.widgets.option_list import Option

from wizard.model import Choice, RegistryOption
from wizard import steps
from wizard.next_steps import pushed_registry
from wizard.rows import CREDENTIAL_STATES, no_push_sentence, option_file_blocker
from wizard.tui.screens.base import StepScreen
from wizard.tui.widgets import StatusList

FIELD_INPUTS = {"registry": "#registry-input", "host_from_cluster": "#host-from-cluster", "single_name": "#single-name"}
# The image column of the push preview never takes more than this share of the screen width.
IMAGE_COLUMN_SHARE = 3


def option_signature(options: list[RegistryOption]) -> list[tuple[str, str, bool]]:
    """Return what the option list shows of each option, to tell whether new findings changed it."""
    return [(option.key, option.title, option.recommended) for option in options]


class RegistryScreen(StepScreen):
    """Registry options (recommended first), a typed registry, advanced fields and a push preview."""

    STEP = "Registry"
    HELP = (
        "Pick where Tilt pushes the images it builds. The first option is the recommendation for "
        "this cluster, and `enter` accepts it.\n\n"
        "**Type a registry** takes a host with an optional port and path, such as "
        "`registry.example.com:5000/team`.\n\n"
        "**Advanced**: `host_from_cluster` is the registry's name as the cluster's nodes see it, "
        "when that differs from the name you push to. `single_name` pushes every image to one "
        "repository and tells them apart by tag, for registries that limit repositories. "
        "`tab` reaches the Advanced title; `enter` or `space` opens it.\n\n"
        "`escape` in a text field leaves the field, and `escape` again goes back a step. What you "
        "typed and the highlighted option stay when you come back to this step."
    )

    def __init__(self) -> None:
        super().__init__()
        self.options: list[RegistryOption] = []
        self.problems: dict[str, str] = {}
        # The highlighted option's key and the options when enter was pressed during a check.
        # The step continues by itself only if the check's result changed neither.
        self.waiting: tuple[str, list[tuple[str, str, bool]]] | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="step-body"):
            yield StatusList(label_width=13, id="option-file-blocker", classes="error-panel")
            with Horizontal(id="registry-top"):
                yield OptionList(id="options")
                yield Static(id="reason", classes="reason", markup=False)
            with Vertical(id="typed"):
                yield Input(id="registry-input", placeholder="registry.example.com:5000/me")
                yield StatusList(id="registry-message", label_width=9, classes="field-message")
            with Collapsible(title="Advanced: host_from_cluster, single_name", id="advanced"):
                yield Input(id="host-from-cluster", placeholder="host_from_cluster: the registry as the cluster sees it, e.g. registry:5000")
                yield Input(id="single-name", placeholder="single_name: push every image to this one repository, e.g. team/dev")
                yield StatusList(id="advanced-message", label_width=9, classes="field-message")
            yield Static("Images Tilt will push", classes="section-title")
            yield StatusList(id="preview", label_width=9)
            yield StatusList(id="credentials", label_width=12)

    def on_mount(self) -> None:
        saved = self.wizard.registry_form
        for name, selector in FIELD_INPUTS.items():
            self.query_one(selector, Input).value = saved.get(name, "")
        self.query_one("#advanced", Collapsible).collapsed = not saved.get("advanced_open", False)
        super().on_mount()
        self.query_one("#options", OptionList).focus()

    def save_form(self) -> None:
        """Keep the highlighted option, the typed fields and the Advanced state in the app for a return."""
        form = {name: self._field(selector) for name, selector in FIELD_INPUTS.items()}
        form["option"] = self.option.key if self.option else ""
        form["advanced_open"] = not self.query_one("#advanced", Collapsible).collapsed
        self.wizard.registry_form = form

    def action_back(self) -> None:
        if not isinstance(self.focused, Input):
            self.save_form()
            self.waiting = None
        super().action_back()

    def leave_input(self) -> None:
        self.query_one("#options", OptionList).focus()

    # -- state -----------------------------------------------------------------------------

    @property
    def option(self) -> RegistryOption | None:
        """The highlighted option."""
        index = self.query_one("#options", OptionList).highlighted
        return self.options[index] if index is not None and index < len(self.options) else None

    def _field(self, widget_id: str) -> str:
        return self.query_one(widget_id, Input).value

    def current_choice(self) -> Choice | None:
        """Build the choice that the fields describe now; return None when no option is highlighted."""
        option = self.option
        if option is None:
            return None
        return steps.make_choice(
            option, self.wizard.findings, self._field("#registry-input"),
            self._field("#host-from-cluster"), self._field("#single-name"),
        )

    # -- rendering -------------------------------------------------------------------------

    def show_findings(self) -> None:
        from wizard.recommend import recommend

        self.show_option_file_blocker()
        try:
            options = recommend(self.wizard.findings)
        except Exception as exc:  # noqa: BLE001 - shown in place of the reason
            self.query_one("#reason", Static).update(f"✗ The recommendation failed: {type(exc).__name__}: {exc}")
            return
        if option_signature(options) == option_signature(self.options):
            self.options = options
        else:
            self._set_options(options)
        self.show_option()
        self.continue_after_wait()

    def show_option_file_blocker(self) -> None:
        """Say above the options that nothing can be written while tilt_option.json cannot be parsed or read."""
        blocker = option_file_blocker(self.wizard.findings.project)
        panel = self.query_one("#option-file-blocker", StatusList)
        panel.set_rows([("fail", "Cannot write:", blocker)] if blocker else [])
        panel.display = blocker is not None

    def _set_options(self, options: list[RegistryOption]) -> None:
        option_list = self.query_one("#options", OptionList)
        previous = self.option.key if self.option else self.wizard.registry_form.get("option")
        self.options = options
        option_list.set_options([Option(self._prompt(option), id=option.key) for option in options])
        keys = [option.key for option in options]
        if options:
            option_list.highlighted = keys.index(previous) if previous in keys else 0

    @staticmethod
    def _prompt(option: RegistryOption) -> Content:
        if option.recommended:
            return Content.assemble(option.title, "\n", ("✓ recommended", "bold $text-success"))
        return Content(option.title)

    def show_option(self) -> None:
        """Show the reason, fields, preview and credentials for the highlighted option."""
        option = self.option
        if option is None:
            return
        reason = f"{option.reason}\n\n{steps.writes_sentence(option)}"
        pending = self.pending_check()
        if pending and self.waiting:
            reason += f"\n\n{pending} The wizard continues when it finishes."
        elif pending:
            reason += "\n\n… still checking; the options may change."
        self.query_one("#reason", Static).update(reason)
        self.query_one("#typed").display = option.needs_input
        if option.needs_input:
            self.query_one("#registry-input", Input).placeholder = option.placeholder or "registry.example.com:5000/me"
        self.query_one("#advanced").display = steps.offers_advanced(option)
        self.validate_fields()
        self.show_preview()

    def validate_fields(self) -> None:
        """Check the typed fields and show each problem, or ✓ valid for the typed registry."""
        option = self.option
        if option is None:
            return
        problems = steps.field_problems(
            option, self._field("#registry-input"), self._field("#host-from-cluster"), self._field("#single-name")
        )
        typed = self._field("#registry-input")
        typed_problem = problems.get("registry")
        if not typed_problem:
            rows = [("ok", "Registry", "valid")]
            rows += [("info", "Cleaned", notice) for notice in steps.registry_notices(typed)]
        elif typed.strip():
            rows = [("fail", "Registry", typed_problem)]
        else:
            rows = [("info", "Registry", typed_problem)]
        note = steps.ignored_registry_note(self.wizard.findings) if option.needs_input else None
        if note:
            rows.append(("warn", "Ignored", note))
        self.query_one("#registry-message", StatusList).set_rows(rows)
        for field, selector in FIELD_INPUTS.items():
            self.query_one(selector, Input).set_class(field in problems, "-invalid")

        advanced = [("fail", "Invalid", problems[name]) for name in ("host_from_cluster", "single_name") if name in problems]
        self.query_one("#advanced-message", StatusList).set_rows(advanced)
        self.problems = problems

    def show_preview(self) -> None:
        """Show where each image goes and whether Docker can log in to that registry."""
        from wizard.credentials import credential_status
        from wizard.recommend import push_previews

        option, choice = self.option, self.current_choice()
        if option is None or choice is None:
            return
        registry = pushed_registry(self.wizard.findings, choice)
        images = self.wizard.findings.project.images if self.wizard.findings.project else []
        if not option.push:
            rows = [("info", "No push", no_push_sentence(option))]
        elif "registry" in self.problems or registry is None:
            rows = [("pending", "Waiting", "type a valid registry to see where each image goes")]
        elif "single_name" in self.problems:
            # The targets depend on single_name; an invalid host_from_cluster does not change them.
            rows = [("fail", "Invalid", self.problems["single_name"])]
        elif not images:
            rows = [("info", "No images", "the wizard found no docker_build images in the Tiltfile")]
        else:
            pairs = push_previews(self.wizard.findings, choice.default_registry, choice.single_name)
            rows = [("info", image, f"→ {target}") for image, target in pairs]
        preview = self.query_one("#preview", StatusList)
        widest = max([9] + [len(label) + 1 for _, label, _ in rows])
        preview.label_width = min(widest, max(9, self.app.size.width // IMAGE_COLUMN_SHARE))
        preview.set_rows(rows)

        if option.push and "registry" in self.problems:
            credential = ("pending", "Credentials", "checked once the registry is valid")
        elif not option.push or registry is None:
            credential = ("info", "Credentials", "none needed")
        else:
            mark, sentence = credential_status(registry, self.wizard.findings.docker)
            credential = (CREDENTIAL_STATES.get(mark, "info"), "Credentials", sentence)
        self.query_one("#credentials", StatusList).set_rows([credential])

    # -- events ----------------------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_option()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.go_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.validate_fields()
        self.show_preview()

    def pending_check(self) -> str | None:
        """Return what the step waits for before enter may accept an option, or None."""
        if self.wizard.probe_pending("kubeconfig") or self.wizard.probe_pending("local_registry"):
            # A registry the cluster advertises changes the recommendation, so accepting one
            # before the check could write a registry that Tilt then ignores.
            return "Waiting for the cluster check…"
        if self.wizard.probe_pending("project"):
            return "Waiting for the project to be read…"
        return None

    def continue_after_wait(self) -> None:
        """Continue once the awaited checks finish, unless their result changed the options or the highlight."""
        if self.waiting is None or self.pending_check() or not self.is_current:
            return
        key, signature = self.waiting
        self.waiting = None
        if self.option is not None and self.option.key == key and option_signature(self.options) == signature:
            self.go_next()
        else:
            self.notify("The checks finished and the options changed. Press enter to accept the highlighted one.", timeout=6)

    def go_next(self) -> None:
        """Accept the highlighted option unless a check still runs or a typed field is invalid."""
        option = self.option
        if option is None:
            return
        pending = self.pending_check()
        if pending:
            self.waiting = (option.key, option_signature(self.options))
            self.show_option()
            self.notify(pending, timeout=3)
            return
        self.validate_fields()
        if self.problems:
            field, problem = next(iter(self.problems.items()))
            if field != "registry":
                self.query_one("#advanced", Collapsible).collapsed = False
            self.query_one(FIELD_INPUTS[field], Input).focus()
            self.notify(problem, severity="error", timeout=4)
            return
        choice = self.current_choice()
        if option.needs_input and not self._normalize(choice):
            return
        self.wizard.option, self.wizard.choice = option, choice
        self.save_form()

        from wizard.tui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def _normalize(self, choice: Choice) -> bool:
        cleaned = steps.clean_registry(choice.default_registry or "")
        if cleaned.problem:
            self.notify(cleaned.problem, severity="error", timeout=4)
            return False
        choice.default_registry = cleaned.registry
        for notice in cleaned.notices:
            self.notify(notice, timeout=4)
        return True
