"""The layers below the front ends must not import textual or questionary, nor reach into wizard.tui."""

import ast
import subprocess
import sys
from pathlib import Path

import wizard

PACKAGE = Path(wizard.__file__).parent
FRONT_ENDS = {"tui", "plain.py", "cli.py", "commands.py", "__main__.py"}
FORBIDDEN = ("textual", "questionary")
# Step logic shared by both front ends; it lives beside the domain so plain.py needs no wizard.tui.
SHARED_STEP_MODULES = {"steps.py", "rows.py", "next_steps.py"}
# The one module outside wizard/tui allowed to import it: the entry point that starts the app.
TUI_LAUNCHER = "cli.py"


def domain_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] not in FRONT_ENDS:
            yield path


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            # `from wizard import tui` names the package only in the alias.
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_domain_files_exist():
    names = {path.name for path in domain_files()}
    assert {"model.py", "recommend.py", "plan.py", "files.py", "imageref.py"} <= names


def test_domain_files_include_shared_steps():
    names = {path.name for path in domain_files()}
    assert SHARED_STEP_MODULES <= names


def test_tui_package_holds_no_shared_steps():
    names = {path.name for path in (PACKAGE / "tui").rglob("*.py")}
    assert names & SHARED_STEP_MODULES == set()


def test_only_launcher_imports_tui():
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE).parts[0] not in ("tui", TUI_LAUNCHER)
        for module in imported_modules(path)
        if module == "wizard.tui" or module.startswith("wizard.tui.")
    ]
    assert offenders == []


def test_launcher_imports_only_tui_app():
    modules = {
        module for module in imported_modules(PACKAGE / TUI_LAUNCHER)
        if module == "wizard.tui" or module.startswith("wizard.tui.")
    }
    assert modules == {"wizard.tui.app", "wizard.tui.app.run_app"}


def test_domain_source_names_no_front_end():
    offenders = [
        f"{path.relative_to(PACKAGE)} imports {module}"
        for path in domain_files()
        for module in imported_modules(path)
        if module.split(".")[0] in FORBIDDEN
    ]
    assert offenders == []


def test_domain_import_loads_no_front_end():
    modules = [
        "wizard." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        for path in domain_files()
    ]
    modules = [name.removesuffix(".__init__") for name in modules]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_credential_states_defined_once():
    definitions = [
        path.relative_to(PACKAGE).as_posix()
        for path in sorted(PACKAGE.rglob("*.py"))
        if "CREDENTIAL_STATES = " in path.read_text(encoding="utf-8")
    ]
    assert definitions == ["rows.py"]
