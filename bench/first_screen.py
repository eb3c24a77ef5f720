"""Start an app headless, wait for its first screen to be painted, and exit (used by run.py)."""

import sys
from pathlib import Path


async def quit_after_first_frame(pilot):
    await pilot.pause()
    pilot.app.exit()


def main() -> None:
    which, project = sys.argv[1], Path(sys.argv[2])
    if which == "minimal":
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
    app.run(headless=True, auto_pilot=quit_after_first_frame)


if __name__ == "__main__":
    main()
