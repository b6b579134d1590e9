"""Three reports a learner opens, rendered and photographed in headless Chromium.

    python scripts/report_gallery.py OUT_DIR [SUFFIX]

writes OUT_DIR/report-{moons,penguins,digits}{SUFFIX}.html and a PNG of the top
of each page at 1400 px: the two-moons demo (2 → 10 → 1), a penguins-like
classifier (10 → 16 → 3, softmax) and the digits (64 → 32 → 10). The
screenshots in docs/reports.md come from it.
"""

from __future__ import annotations

import contextlib
import io
import sys
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.tools import demos

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _penguins_like() -> tuple[gn.Network, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 2, (3, 10))
    labels = rng.integers(0, 3, 300)
    X = centres[labels] + rng.normal(0, 1, (300, 10))
    Y = np.eye(3)[labels]
    net = gn.Network([gn.Dense(10, 16, "relu"), gn.Dense(16, 3, "softmax")], seed=0)
    net.fit(X, Y, epochs=60, lr=1e-2, optimizer="adam", loss="categorical_crossentropy",
            batch_size=32)
    net.metadata["feature_names"] = [f"feature_{k}" for k in range(10)]
    return net, X, Y


def _digits() -> tuple[gn.Network, np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    X, labels = load_digits(return_X_y=True)
    X = X / 16.0
    Y = np.eye(10)[labels]
    net = gn.Network([gn.Dense(64, 32, "relu"), gn.Dense(32, 10, "softmax")], seed=0)
    net.fit(X, Y, epochs=20, lr=1e-3, optimizer="adam", loss="categorical_crossentropy",
            batch_size=32)
    return net, X[:40], Y[:40]


def write_reports(out: Path, suffix: str = "") -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    with contextlib.redirect_stdout(io.StringIO()):
        run = demos.moons(epochs=3000, plot_path=None)
    paths = [Path(run.first_step.to_html(out / f"report-moons{suffix}.html", net=run.net,
                                         per_row=run.per_row))]
    for name, make in (("penguins", _penguins_like), ("digits", _digits)):
        net, X, Y = make()
        trace = net.trace(X, Y, loss="categorical_crossentropy", lr=1e-2)
        paths.append(Path(trace.to_html(out / f"report-{name}{suffix}.html", net=net)))
    return paths


def screenshot(paths: list[Path]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        for path in paths:
            page.goto(path.resolve().as_uri())
            page.screenshot(path=str(path.with_suffix(".png")), full_page=True,
                            clip={"x": 0, "y": 0, "width": 1400, "height": 1300})
        browser.close()


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    screenshot(write_reports(folder, sys.argv[2] if len(sys.argv) > 2 else ""))
