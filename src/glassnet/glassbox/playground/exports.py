"""The page's network, taken away: a ``.gnet`` model file, a NumPy script, a live spreadsheet,
and the trace report of its next step.

Each is made from a copy of the network as it is now (the page's is never changed)
whose ``metadata`` names what it reads and answers: ``feature_names`` (the enabled
inputs, Playground's ids x, y, xSquared … or your table's columns, in the order the
network takes them), ``target_name``, and ``class_names`` for k ≥ 3 classes (the
softmax outputs' order). Playground's own one-output network answers a number in
[−1, 1] (tanh; the class is its sign), so it carries no class names.

- :func:`gnet_bytes`: ``Network.save`` (what ``gn.load`` reads back);
- :func:`script_bytes`: ``Network.export_script`` (what ``glassnet export`` writes: a
  ``predict.py`` that needs only NumPy; ``python predict.py inputs.csv --outputs``);
- :func:`xlsx_bytes` and :func:`step_view`: the next step — one gradient step on the
  next update's examples, the first B training points — as
  ``network.trace(X_B, t_B, loss, lr)``: Playground's ½ Σ (o − t)² at η/B (its step
  w ← w − η·(1/B)·Σ δ·a_prev without the regularisation term), or the categorical
  cross-entropy (a mean over the B rows already) at η; written as the workbook of
  live formulas (``Trace.to_xlsx``) or the HTML trace report.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import numpy as np

from glassnet.glassbox.playground.state import serialize
from glassnet.network import Network


def exported_network(pg) -> Network:
    """A copy of the page's network with the metadata that says what it reads."""
    network = copy.deepcopy(pg.network)
    metadata = {"feature_names": [str(f) for f in pg.feature_ids],
                "target_name": str(getattr(pg, "target_name", "label")),
                "playground": "#" + serialize(pg.state)}
    if pg.n_classes:
        metadata["class_names"] = [str(c) for c in pg.classes]
    network.metadata = metadata
    return network


def _written(write, name: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        write(path)
        return path.read_bytes()


def gnet_bytes(pg) -> bytes:
    """The network as a glassnet model file (JSON + arrays in a zip)."""
    return _written(exported_network(pg).save, "playground.gnet")


def script_bytes(pg) -> bytes:
    """The network as a standalone NumPy ``predict.py``, its weights embedded."""
    return _written(exported_network(pg).export_script, "predict.py")


def step_rate(pg) -> float:
    """The learning rate of a full-batch step on B rows that is Playground's update:
    η/B for its sum error ½ Σ (o − t)², η for a mean loss (the cross-entropy)."""
    B = min(int(pg.state.batchSize), len(pg.train))
    return pg.state.learningRate / B if pg.error.sums_over_rows else pg.state.learningRate


def next_step(pg):
    """The trace of the next step on a copy of the network, and that copy."""
    B = min(int(pg.state.batchSize), len(pg.train))
    points = pg.train[:B]
    network = copy.deepcopy(pg.network)
    with np.errstate(all="ignore"):
        step = network.trace(pg.inputs(points), pg.targets(points), loss=pg.error.name,
                             lr=step_rate(pg))
    return step, network


def step_view(pg) -> str:
    """The existing trace report (tutorial names, every intermediate array) of the next step."""
    from glassnet.glassbox.report import render_html

    step, network = next_step(pg)
    return render_html(step, net=network)


def xlsx_bytes(pg) -> bytes:
    """The next step as a live Excel workbook: X, t, W, b and η are numbers, every
    other cell a formula over them (needs ``glassnet[xlsx]``)."""
    step, _ = next_step(pg)
    return _written(step.to_xlsx, "playground.xlsx")
