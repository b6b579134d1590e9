"""The training doctor in the playground: its top finding, in one line with its fix.

The page asks for it with a button (``GET /api/doctor``), and the server asks by
itself, once per network (until a reset or a new shape), when training
:func:`trouble` sees it go wrong:

- **diverged**: the training loss is no longer a finite number;
- **stalled**: after at least ``STALL_EPOCHS`` epochs, the best training loss of
  the last ``STALL_EPOCHS`` is not ``STALL_SHARE`` (1 %) below the best before
  them, and the loss is still above ``LEARNT`` (a tenth) of where it started.

:func:`snapshot` copies the network and the training data at once (the page trains
on), and :func:`examine` runs :func:`glassnet.glassbox.doctor.doctor` on the copy —
in a worker thread, so that the page keeps drawing — with the settings that are
Playground's update: per batch of B examples w ← w − η·(1/B)·Σ δ·a_prev is

- for ½ (o − t)² on one output, gradient descent on the mean squared error
  (1/B) Σ (o − t)² at η/2 with batches of B;
- for k classes, on the categorical cross-entropy at η;

its probe trains a copy for ``PROBE_EPOCHS`` epochs with no time limit, so the same
network gives the same finding. (Playground's L1/L2 step is not part of the probe.)
The page's training-loss curve goes with it as the network's history
(:func:`loss_history`), so that the doctor sees a loss that rose in training: at
lr 10 the steps throw the weights onto the flat ends of the tanh units, where the
probe from the weights as they are sees only small steps.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.glassbox.doctor import doctor
from glassnet.network import Network
from glassnet.training import History

PROBE_EPOCHS = 20  # the doctor's probe: a fixed number of epochs, no time limit (repeatable)
STALL_EPOCHS = 50
STALL_SHARE = 0.01
LEARNT = 0.1


@dataclass
class Snapshot:
    """What the doctor examines: a copy of the network, its training data and settings."""

    network: Network
    X: np.ndarray
    y: np.ndarray
    settings: dict[str, Any]
    epoch: int
    reason: str
    history: History | None = None


def trouble(history: list[tuple[int, float, float]]) -> str | None:
    """``"diverged"``, ``"stalled"`` or None, from the loss curve [(epoch, train, test)]."""
    if len(history) < 2:
        return None
    losses = [train for _, train, _ in history]
    if not math.isfinite(losses[-1]):
        return "diverged"
    if len(losses) <= STALL_EPOCHS or not math.isfinite(losses[0]):
        return None
    before, recent = min(losses[:-STALL_EPOCHS]), min(losses[-STALL_EPOCHS:])
    if recent > (1 - STALL_SHARE) * before and losses[-1] > LEARNT * losses[0]:
        return "stalled"
    return None


def doctor_settings(pg) -> dict[str, Any]:
    """gn.doctor's loss, optimizer, learning rate and batch size for Playground's update."""
    lr, batch = float(pg.state.learningRate), int(pg.state.batchSize)
    settings = {"optimizer": "gd", "batch_size": batch, "epochs": PROBE_EPOCHS}
    if pg.n_classes:
        return settings | {"loss": pg.error.name, "lr": lr}
    return settings | {"loss": "mse", "lr": lr / 2}


def loss_history(pg, curve: Sequence[tuple[int, float, float]]) -> History | None:
    """The page's curve [(epoch, train, test)], from epoch 0, as a History of the
    doctor's loss: Playground's ½·mean (o − t)² doubled into the mean squared error
    the doctor trains with, a cross-entropy as it is; None before the first epoch."""
    if len(curve) < 2:
        return None
    history, scale = History(), 1.0 if pg.n_classes else 2.0
    history.loss = [scale * train for _, train, _ in curve]
    return history


def snapshot(pg, reason: str, curve: Sequence[tuple[int, float, float]] = ()) -> Snapshot:
    """A copy of what the doctor needs, taken between two epochs (``curve``: the
    page's loss curve so far, as :attr:`Session.history` keeps it)."""
    return Snapshot(copy.deepcopy(pg.network), pg.inputs(pg.train), pg.targets(pg.train).copy(),
                    doctor_settings(pg), pg.epoch, reason, loss_history(pg, curve))


def examine(snap: Snapshot) -> dict[str, Any]:
    """The doctor's top finding as JSON: its one line (``code (severity): title. Fix:
    fix``), its parts, every code found, the epoch and why it was asked; ``line`` is
    None when the doctor finds nothing."""
    with np.errstate(all="ignore"):
        diagnosis = doctor(snap.network, snap.X, snap.y, **snap.settings,
                           history=snap.history, max_seconds=math.inf)
    top = diagnosis.top
    found: dict[str, Any] = {"epoch": snap.epoch, "reason": snap.reason,
                             "codes": diagnosis.codes, "settings": snap.settings}
    if top is None:
        return found | {"line": None}
    return found | {"line": top.one_line, "code": top.code, "severity": top.severity,
                    "title": top.title, "fix": top.fix}
