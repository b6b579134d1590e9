"""Callbacks: objects that ``fit`` calls at the start, after every epoch and at the end.

A callback may define any of four methods (all optional; :class:`Callback`
gives no-op defaults)::

    on_train_begin(network)            before the first epoch of a fit call
    on_epoch_begin(epoch, logs)        before each epoch's first batch (logs is empty)
    on_epoch_end(epoch, logs) -> bool  after each epoch; a truthy return stops training
    on_train_end(network)              after the last epoch (also after an early stop)

The network comes from the loop (``on_train_begin``), as Keras hands a callback
its model: this module never imports :mod:`glassnet.network`, and a callback
uses only what :class:`Model` lists.

``epoch`` counts across ``fit`` calls (the index into ``network.history``);
``logs`` holds the epoch's figures: ``loss``, ``lr``, the metrics, and with
validation data ``val_loss`` and ``val_<metric>``. Setting
``network.stop_training = True`` also stops training.

>>> import numpy as np, glassnet as gn
>>> X = np.linspace(0, 1, 40).reshape(-1, 1); y = 2 * X
>>> net = gn.Network([gn.Dense(1, 1, activation="linear")], seed=0)
>>> stop = gn.EarlyStopping(monitor="loss", patience=3, min_delta=1e-3)
>>> hist = net.fit(X, y, epochs=10_000, lr=0.5, callbacks=[stop])
>>> len(hist) < 10_000
True
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np

from glassnet.validation import check_choice, check_range


class Model(Protocol):
    """What the callbacks here use of the network the loop hands them."""

    params: np.ndarray
    stop_training: bool

#: metrics where a larger value is better (EarlyStopping's ``mode="auto"``)
HIGHER_IS_BETTER = ("accuracy", "r2")


class Callback:
    """Base class with do-nothing hooks; override the ones you need."""

    def on_train_begin(self, network: Model) -> None:
        """Called once before the first epoch of a ``fit`` call."""

    def on_epoch_begin(self, epoch: int, logs: dict[str, float]) -> None:
        """Called before every epoch."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> bool | None:
        """Called after every epoch; return True to stop training."""
        return None

    def on_train_end(self, network: Model) -> None:
        """Called once after the last epoch (normal end or stop)."""


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved for ``patience`` epochs.

    An epoch improves on the best so far when its value is lower than
    ``best − min_delta`` (``mode="min"``) or higher than ``best + min_delta``
    (``mode="max"``); ``mode="auto"`` picks max for accuracy and r2, min
    otherwise. Training stops after ``patience`` epochs in a row without an
    improvement. With ``restore_best_weights`` (the default) the network ends
    with the weights of the best epoch, whether it stopped early or ran out of
    epochs: for a ``val_`` figure the weights after that epoch's updates, for a
    training figure (measured before each update) those at its start. Only the
    weights are restored; the optimizer's state and the
    history keep the later epochs.

    After ``fit``: ``best`` (the best value), ``best_epoch``, and
    ``stopped_epoch`` (None if training was not stopped by this callback).
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best_weights: bool = True,
        mode: str = "auto",
    ):
        self.patience = check_range(patience, "patience", 0, whole=True)
        self.min_delta = check_range(min_delta, "min_delta", 0)
        check_choice(mode, "mode", ("auto", "min", "max"))
        if mode == "auto":
            mode = "max" if monitor.removeprefix("val_") in HIGHER_IS_BETTER else "min"
        self.monitor = monitor
        self.restore_best_weights = bool(restore_best_weights)
        self.mode = mode
        self._reset()

    def _reset(self) -> None:
        self.network: Model | None = None
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None
        self.stopped_epoch: int | None = None
        self.best_params: np.ndarray | None = None
        #: the weights at the start of the current epoch (kept for a training figure)
        self.epoch_start: np.ndarray | None = None
        self.wait = 0

    def on_train_begin(self, network: Model) -> None:
        self._reset()
        self.network = network

    def on_epoch_begin(self, epoch: int, logs: dict[str, float]) -> None:
        # a training figure is measured on each batch's forward pass, before its
        # update: (exactly so for full batch) on the weights at the start of the epoch
        if self.network is None:  # (on_train_begin hands it over first)
            return
        if self.restore_best_weights and not self.monitor.startswith("val_"):
            if self.epoch_start is None:
                self.epoch_start = self.network.params.copy()
            else:
                self.epoch_start[...] = self.network.params

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> bool:
        if self.monitor not in logs:
            hint = (
                " Give fit validation_data or validation_split, or monitor 'loss'."
                if self.monitor.startswith("val_")
                else " Add the metric to fit's metrics."
            )
            raise ValueError(
                f"EarlyStopping monitors {self.monitor!r}, but the epoch's logs only have "
                f"{sorted(logs)}.{hint}"
            )
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights and self.network is not None:
                # validation figures come after the epoch's updates
                behind = self.network.params if self.epoch_start is None else self.epoch_start
                self.best_params = behind.copy()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def on_train_end(self, network: Model) -> None:
        if self.restore_best_weights and self.best_params is not None:
            np.copyto(network.params, self.best_params)

    def __repr__(self) -> str:
        return (
            f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
            f"min_delta={self.min_delta}, restore_best_weights={self.restore_best_weights})"
        )
