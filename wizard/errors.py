"""The error tree: every WizardError carries a one-line message for the user."""


class WizardError(Exception):
    """A failure the user can act on; the CLI prints `message` on one line and exits 1."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(WizardError):
    """A value given on the command line or typed in a form is invalid."""


class UnparsableFile(WizardError):
    """A file the wizard would change cannot be parsed, so it is left untouched."""
