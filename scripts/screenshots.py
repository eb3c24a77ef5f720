"""Regenerate screenshots/<n>-<step>.svg from the real app, run on fixed example findings."""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
from pathlib import Path

from wizard.tui.app import WizardApp
from wizard.tui.examples import EKS_CONTEXT, example_findings, write_project

SIZE = (100, 32)
MAIN_STEPS = ("project", "cluster", "registry", "review", "done")
# A re-run: the file still names an old team registry, and .gitignore lacks the entry.
OLD_OPTIONS = '{\n  "default_registry": "gcr.io/old-team"\n}\n'


async def capture_main_flow(project: Path, out: Path) -> list[Path]:
    """Walk a kind cluster with a ctlptl registry through all five steps, saving each screen."""
    app = WizardApp(project, findings=example_findings(project))
    saved = []
    async with app.run_test(size=SIZE) as pilot:
        for number, step in enumerate(MAIN_STEPS, start=1):
            await pilot.pause()
            saved.append(Path(app.save_screenshot(f"{number}-{step}.svg", str(out))))
            if step != "done":
                await pilot.press("enter")
    return saved


async def capture_eks_registry(project: Path, out: Path) -> Path:
    """Save the Registry screen for an EKS cluster, which needs a registry chosen."""
    app = WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        return Path(app.save_screenshot("3-registry-eks.svg", str(out)))


async def capture_all(out: Path) -> list[Path]:
    """Create the example projects under a temporary home and capture every screen."""
    with tempfile.TemporaryDirectory() as scratch:
        # The header shows the project under ~, so the screenshots do not name the scratch path.
        os.environ["HOME"] = scratch
        main = write_project(Path(scratch) / "src" / "shop", options=OLD_OPTIONS, gitignore="node_modules/\n")
        eks = write_project(Path(scratch) / "src" / "shop-eks")
        saved = await capture_main_flow(main, out)
        saved.append(await capture_eks_registry(eks, out))
        return saved


def main() -> None:
    """Write the screenshots and print their paths."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(capture_all(args.out)):
        print(path)


if __name__ == "__main__":
    main()
