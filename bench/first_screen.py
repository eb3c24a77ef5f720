"""Start an app headless, exit once its first screen is up, and report nothing (used by run.py).

`first` exits as soon as Textual reports the app ready, after the first screen is composed and
painted. `settled` also waits for the messages pending then, so the probe results that arrive
at start are rendered too.
"""

import sys
from pathlib import Path


async def exit_when_ready(pilot):
    pilot.app.exit()


async def exit_when_settled(pilot):
    await pilot.pause()
    pilot.app.exit()


def main() -> None:
    app_name, mode, project = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if app_name == "minimal":
        from textual.app import App
        from textual.widgets import Footer, Header, Static

        class Minimal(App):
            def compose(self):
                yield Header()
                yield Static("Hello")
                yield Footer()

        app = Minimal()
    else:
        from wizard.tui.app import WizardApp

        app = WizardApp(project)
    app.run(headless=True, auto_pilot=exit_when_ready if mode == "first" else exit_when_settled)


if __name__ == "__main__":
    main()
