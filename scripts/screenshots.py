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
# Tall enough for all three diffs of the EKS run and the write button below them.
REVIEW_SIZE = (100, 44)
# The kind run shows the first three steps. It writes nothing, because the cluster has its own
# registry, so the Review and Done screenshots come from the EKS run, which writes three files.
KIND_STEPS = ("project", "cluster", "registry")
EKS_STEPS = ("review", "done")
# A re-run: the file still names an old team registry, and .gitignore lacks the entry.
OLD_OPTIONS = '{\n  "default_registry": "gcr.io/old-team"\n}\n'


async def capture_kind_flow(project: Path, out: Path) -> list[Path]:
    """Walk a kind cluster with a ctlptl registry through the first three steps, saving each screen."""
    app = WizardApp(project, findings=example_findings(project))
    saved = []
    async with app.run_test(size=SIZE) as pilot:
        for number, step in enumerate(KIND_STEPS, start=1):
            await pilot.pause()
            saved.append(Path(app.save_screenshot(f"{number}-{step}.svg", str(out))))
            await pilot.press("enter")
    return saved


async def capture_eks_flow(project: Path, out: Path) -> list[Path]:
    """Save the Registry, Review and Done screens for an EKS cluster, which needs a registry chosen."""
    app = WizardApp(project, findings=example_findings(project, current=EKS_CONTEXT, hosting=None))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "enter")
        await pilot.pause()
        saved = [Path(app.save_screenshot("3-registry-eks.svg", str(out)))]
        for number, step in enumerate(EKS_STEPS, start=len(KIND_STEPS) + 1):
            await pilot.resize_terminal(*(REVIEW_SIZE if step == "review" else SIZE))
            await pilot.press("enter")
            await pilot.pause()
            saved.append(Path(app.save_screenshot(f"{number}-{step}.svg", str(out))))
    return saved


async def capture_all(out: Path) -> list[Path]:
    """Create the example projects under a temporary home and capture every screen."""
    with tempfile.TemporaryDirectory() as scratch:
        # The header shows the project under ~, so the screenshots do not name the scratch path.
        os.environ["HOME"] = scratch
        main = write_project(Path(scratch) / "src" / "shop", options=OLD_OPTIONS, gitignore="node_modules/\n")
        eks = write_project(Path(scratch) / "src" / "shop-eks")
        return await capture_kind_flow(main, out) + await capture_eks_flow(eks, out)


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
