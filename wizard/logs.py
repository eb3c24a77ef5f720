"""Logging to a file under the user's state directory, echoed to stderr with --verbose."""

from __future__ import annotations

import logging
import os
from pathlib import Path

APP_NAME = "tilt-registry-wizard"


def log_path() -> Path:
    """Return the log file path: platformdirs' user state directory for this program."""
    from platformdirs import user_state_path

    return user_state_path(APP_NAME) / "wizard.log"


def setup_logging(verbose: bool = False) -> None:
    """Send the wizard's log records to the log file, and to stderr when `verbose`.

    A log file that cannot be created is skipped: logging must never stop the wizard.
    """
    root = logging.getLogger("wizard")
    root.setLevel(logging.DEBUG)
    root.propagate = False
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")

    try:
        path = log_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8", delay=True)
        handler.setFormatter(formatter)
        root.addHandler(handler)
    except OSError:
        pass

    if verbose:
        stream = logging.StreamHandler()
        stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        root.addHandler(stream)
    root.debug("started pid=%d", os.getpid())
