"""The training loop: epochs of (mini)batches, each a forward pass, a backward
pass and an optimizer step, with the figures of every epoch kept in a History.

``batch_size=None`` is the tutorials' full-batch gradient descent (one update
per epoch); ``batch_size=1`` is per-sample stochastic gradient descent, in data
order unless ``shuffle=True``; any other k is minibatch descent. Around the
batches, once per epoch: the learning-rate schedule sets the optimizer's rate,
and after the updates the metrics and validation figures are computed and the
callbacks (early stopping, the progress bar) are called.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from glassnet import metrics as metrics_module
from glassnet import resources, shaped
from glassnet.validation import check_range

if TYPE_CHECKING:
    from glassnet.layers import Layer
    from glassnet.losses import Loss
    from glassnet.optimizers import Optimizer


class Trainee(Protocol):
    """What the loop uses of a network (a :class:`glassnet.Network` is one): its flat
    ``params`` and ``grads``, its generator, its layers' widths, one forward and
    backward pass, and an evaluation on arrays."""

    params: np.ndarray
    grads: np.ndarray
    rng: np.random.Generator
    dtype: np.dtype
    output: np.ndarray | None
    stop_training: bool

    @property
    def layers(self) -> Sequence[Layer]: ...
    @property
    def n_inputs(self) -> int: ...
    @property
    def n_outputs(self) -> int: ...

    def loss_and_gradients(
        self, X: np.ndarray, y: np.ndarray, loss: Loss, training: bool = False
    ) -> float: ...

    def evaluate_arrays(
        self, X: np.ndarray, y: np.ndarray, loss: Loss, metric_names: list[str]
    ) -> dict[str, float]: ...


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite during ``fit``; the weights are rolled back
    to the start of the epoch before the one where it happened (the last weights
    whose loss was finite), or to the weights ``fit`` began with."""


class History:
    """What ``fit`` records, one entry per epoch.

    ``loss[e]`` is the mean of the batch losses computed in epoch e's forward
    passes (full batch: the training loss before that epoch's update);
    ``val_loss[e]`` the loss on ``validation_data`` after the epoch's updates.
    ``metrics`` maps a metric name (and ``val_`` + name) to its per-epoch list;
    ``lr`` holds the learning rate each epoch used.
    """

    def __init__(self) -> None:
        self.epochs: list[int] = []
        self.loss: list[float] = []
        self.val_loss: list[float] = []
        self.lr: list[float] = []
        self.metrics: dict[str, list[float]] = {}
        #: the training doctor's Diagnosis, when ``fit(..., doctor=True)`` ran it
        self.diagnosis: Any = None

    @property
    def history(self) -> dict[str, list[float]]:
        """Keras-style dict: ``{"loss": [...], "val_loss": [...], "accuracy": [...]}``."""
        out = {"loss": self.loss}
        if self.val_loss:
            out["val_loss"] = self.val_loss
        out.update(self.metrics)
        return out

    def add(self, epoch: int, loss: float, lr: float | None, figures: dict[str, float]) -> None:
        """Record one epoch: its loss, learning rate and other figures (metrics, val_*)."""
        self.epochs.append(epoch)
        self.loss.append(loss)
        if lr is not None:
            self.lr.append(lr)
        for key, value in figures.items():
            if key == "val_loss":
                self.val_loss.append(value)
            else:
                self.metrics.setdefault(key, []).append(value)

    def record(self, epoch: int, logs: dict[str, float]) -> None:
        """Record one epoch from a Keras-style logs dict (``loss``, ``lr``, others)."""
        figures = {k: v for k, v in logs.items() if k not in ("loss", "lr")}
        self.add(epoch, logs["loss"], logs.get("lr"), figures)

    def get_config(self) -> dict[str, Any]:
        """Everything recorded, as plain lists (JSON-ready)."""
        return {
            "epochs": list(self.epochs),
            "loss": list(self.loss),
            "val_loss": list(self.val_loss),
            "lr": list(self.lr),
            "metrics": {k: list(v) for k, v in self.metrics.items()},
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> History:
        history = cls()
        history.epochs = [int(e) for e in config.get("epochs", [])]
        history.loss = [float(v) for v in config.get("loss", [])]
        history.val_loss = [float(v) for v in config.get("val_loss", [])]
        history.lr = [float(v) for v in config.get("lr", [])]
        history.metrics = {
            str(k): [float(v) for v in values] for k, values in config.get("metrics", {}).items()
        }
        return history

    def __len__(self) -> int:
        return len(self.loss)

    def _repr_html_(self) -> str:
        """The last figures and the loss curves in a notebook (glassnet.glassbox.display)."""
        from glassnet.glassbox.display import history_html

        return history_html(self)

    def __repr__(self) -> str:
        last = f", last loss {self.loss[-1]:.6g}" if self.loss else ""
        return f"History({len(self.loss)} epochs{last})"


def hold_out(
    n_samples: int, fraction: float, rng: np.random.Generator, name: str = "validation_split"
) -> tuple[np.ndarray, np.ndarray]:
    """The rows to train on and the rows to hold out for validation, as sorted indices.

    The rule (the one ``fit(validation_split=)``, the CLI and the scikit-learn
    estimators follow): ⌊n (1 − fraction)⌋ rows train and the other
    ⌈n · fraction⌉ validate, as Keras rounds and scikit-learn's
    ``train_test_split`` does; which rows is drawn at random from ``rng`` (one
    permutation), not Keras's last rows: data sorted by class, as many bundled
    sets are, would otherwise validate on one class the training never saw.
    Each part keeps the rows' order. ``name`` is the caller's word for the
    fraction, for the error message.

    >>> hold_out(10, 0.25, np.random.default_rng(0))[1].size
    3
    """
    fraction = check_range(fraction, name, 0, 1, high_open=True, noun="a fraction")
    # rounded to 9 digits first, so that 10 × (1 − 0.9) is 1, not 0.9999999999999998
    n_train = math.floor(round(n_samples * (1 - fraction), 9))
    if n_train < 1 or n_train == n_samples:
        raise ValueError(
            f"{name}={fraction:g} of {n_samples} sample(s) leaves {n_train} for training "
            f"and {n_samples - n_train} for validation; both need at least one."
        )
    order = rng.permutation(n_samples)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def check_batch_fits(
    net: Trainee, rows: int, shuffled: bool, sample_shape: tuple[int, ...]
) -> None:
    """Refuse, with the estimate and a batch size that fits, a batch whose
    activations would not fit in memory.

    Each layer keeps x, z, a and δ for every row of the batch: about
    4 × rows × Σ n_units numbers (see :mod:`glassnet.resources`); a shuffled
    batch is also copied out of X and y.
    """
    if shaped.is_shaped(net.layers):  # N-D samples
        sizes = [int(np.prod(s)) for s in shaped.propagate(net.layers, sample_shape)]
        units, n_in, n_out = sum(sizes), int(np.prod(sample_shape)), sizes[-1]
    else:
        units = sum(layer.n_units for layer in net.layers)
        n_in, n_out = net.n_inputs, net.n_outputs
    per_row = 4 * units + (n_in + n_out if shuffled else 0)
    per_row_bytes = per_row * net.dtype.itemsize
    budget = max(resources.available_bytes() or 0, resources.MIN_BUDGET_BYTES)
    fitting = max(1, budget // per_row_bytes)
    resources.check_fits(
        rows * per_row_bytes,
        f"A training batch of {rows:,} rows ({per_row:,} {net.dtype.name} numbers per row "
        f"for the layers' activations)",
        f"Pass a smaller batch_size (about {fitting:,} rows fit), or use narrower layers.",
    )


def _epoch(
    net: Trainee, X: np.ndarray, y: np.ndarray, loss: Loss, optimizer: Optimizer,
    step: int, shuffle: bool, metric_fns: dict[str, Callable],
) -> tuple[float, dict[str, float]]:
    """One epoch of minibatches of ``step`` rows (fewer than n; a full batch is the
    loop's own branch): one permutation, one gather per batch when shuffled.

    Returns the loss and the metrics, each the mean over the epoch's batches
    weighted by their number of rows, computed on every batch's own forward
    pass, before its update (as Keras reports them).
    """
    n = X.shape[0]
    params, grads = [net.params], [net.grads]
    order = net.rng.permutation(n) if shuffle else None
    total, sums = 0.0, dict.fromkeys(metric_fns, 0.0)
    for start in range(0, n, step):
        if order is None:
            Xb, yb = X[start : start + step], y[start : start + step]
        else:
            idx = order[start : start + step]
            Xb, yb = X[idx], y[idx]
        rows = Xb.shape[0]
        total += rows * net.loss_and_gradients(Xb, yb, loss, training=True)
        for name, fn in metric_fns.items():
            sums[name] += rows * fn(yb, net.output)
        optimizer.step(params, grads)
    return total / n, {name: value / n for name, value in sums.items()}


def _diverged(value: float, params: np.ndarray) -> bool:
    """Whether the epoch's loss or any weight is NaN or infinite.

    One BLAS pass settles the common case: a finite L + θ·θ means both are
    finite. Only when it is not (NaN, inf, or squares of huge finite weights)
    are the loss and the weights looked at entry by entry. Called inside the
    loop's errstate, so an overflow of θ·θ is silent.
    """
    if math.isfinite(value + params.dot(params)):
        return False
    return not (math.isfinite(value) and np.isfinite(params).all())


def _roll_back(
    net: Trainee, optimizer: Optimizer, loss: Loss, epoch: int, first: bool,
    epoch_start: np.ndarray, before: np.ndarray, value: float,
) -> TrainingDivergedError:
    """Put back the last weights known to give a finite loss, reset the optimizer,
    and return the error that says so.

    A full-batch loss is computed before the update, so when epoch e's loss is
    not finite the weights at the start of e already overflow: the last good
    ones are those at the start of e − 1 (``before``), or, in a fit call's first
    epoch, the weights the call began with (``epoch_start``).
    """
    np.copyto(net.params, epoch_start if first else before)
    where = (
        f"to the weights this fit call began with (epoch {epoch})" if first
        else f"to the start of epoch {epoch - 1}, the last with a finite loss"
    )  # fmt: skip
    optimizer.reset()  # its momenta grew with the divergence
    return TrainingDivergedError(
        f"Training diverged at epoch {epoch}: the {loss.name} loss became {value} (or a "
        f"weight became NaN/inf). The weights were rolled back {where}, and the "
        f"optimizer's state was reset. Try a smaller learning rate than "
        f"lr={optimizer.lr:g}, or scale the inputs."
    )


def _validation_figures(
    net: Trainee, validation_data: tuple[np.ndarray, np.ndarray], loss: Loss,
    metric_names: list[str],
) -> dict[str, float]:
    """``val_loss`` and ``val_<metric>`` on the validation data, after the epoch's updates."""
    Xv, yv = validation_data
    return {f"val_{k}": v for k, v in net.evaluate_arrays(Xv, yv, loss, metric_names).items()}


class _Hooks:
    """The callbacks of one fit call, then the displays ``verbose`` adds (so that they
    show the figures the callbacks see); the epoch hooks run under the caller's errstate."""

    def __init__(self, callbacks: list[Any], displays: list[Any]):
        self.displays = displays
        self.all = [*callbacks, *displays]
        self.begins = [cb for cb in self.all if hasattr(cb, "on_epoch_begin")]
        self.ends = [cb for cb in self.all if hasattr(cb, "on_epoch_end")]
        self.errstate = np.geterr()  # the caller's settings, for the caller's code

    def call(self, hook: str, net: Trainee, displays_only: bool = False) -> None:
        """``on_train_begin`` or ``on_train_end`` of every callback that has it."""
        for cb in self.displays if displays_only else self.all:
            if hasattr(cb, hook):
                getattr(cb, hook)(net)

    def epoch_begin(self, epoch: int) -> None:
        with np.errstate(**self.errstate):
            for cb in self.begins:
                cb.on_epoch_begin(epoch, {})

    def epoch_end(self, epoch: int, value: float, figures: dict[str, float], lr: float) -> bool:
        """Call every on_epoch_end with the epoch's logs; whether one asked to stop."""
        logs = {"loss": value, **figures, "lr": lr}
        with np.errstate(**self.errstate):
            return any([cb.on_epoch_end(epoch, dict(logs)) for cb in self.ends])


def train(
    net: Trainee,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int,
    loss: Loss,
    optimizer: Optimizer,
    batch_size: int | None,
    shuffle: bool,
    validation_data: tuple[np.ndarray, np.ndarray] | None,
    metrics: list[str],
    callbacks: list[Any],
    displays: list[Any],
    history: History,
    lr_schedule: Callable[[float, int], float] | None = None,
) -> History:
    """Run ``epochs`` epochs over validated arrays X (n, d) and y (n, k).

    Each epoch: the schedule's learning rate, a snapshot of the weights (what a
    divergence rolls back to), the batches, the finiteness check, the
    validation figures, the history and the callbacks. ``displays`` (what
    ``fit(verbose=...)`` shows, :mod:`glassnet.glassbox.progress`) are called
    after the given callbacks, so that they show the figures those see, and are
    closed before an error propagates.
    """
    step = X.shape[0] if batch_size is None else min(batch_size, X.shape[0])
    shuffle = shuffle and step < X.shape[0]  # (one batch in data order needs no shuffle)
    check_batch_fits(net, step, shuffle, X.shape[1:])
    metric_fns: dict[str, Callable] = {name: metrics_module.get(name) for name in metrics}
    full_batch = step == X.shape[0]
    params, param_list, grad_list = net.params, [net.params], [net.grads]
    # the weights at the start of this epoch and of the one before (see _roll_back)
    epoch_start, before = np.empty_like(params), np.empty_like(params)
    first_epoch, base_lr = len(history), optimizer.lr
    hooks = _Hooks(callbacks, displays)
    net.stop_training = False
    hooks.call("on_train_begin", net)
    try:
        # A diverging run overflows somewhere in the batch loop; the finiteness check
        # reports it as one TrainingDivergedError instead of NumPy warnings. (Entered
        # once, not per epoch: on a tiny network every microsecond of an epoch shows.)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for e in range(epochs):
                epoch = first_epoch + e
                if lr_schedule is not None:
                    optimizer.lr = float(lr_schedule(base_lr, epoch))
                epoch_start, before = before, epoch_start
                epoch_start[...] = params  # (cheaper than np.copyto on small vectors)
                if hooks.begins:
                    hooks.epoch_begin(epoch)
                if full_batch:  # the tutorials' loop; figures of the weights at the epoch's start
                    value = net.loss_and_gradients(X, y, loss, training=True)
                    figures = {name: fn(y, net.output) for name, fn in metric_fns.items()}
                    optimizer.step(param_list, grad_list)
                else:
                    value, figures = _epoch(net, X, y, loss, optimizer, step, shuffle, metric_fns)
                if _diverged(value, params):
                    raise _roll_back(net, optimizer, loss, epoch, e == 0, epoch_start, before,
                                     value)  # fmt: skip
                if validation_data is not None:
                    figures.update(_validation_figures(net, validation_data, loss, metrics))
                history.add(epoch, value, optimizer.lr, figures)
                if (hooks.ends and hooks.epoch_end(epoch, value, figures, optimizer.lr)
                        or net.stop_training):
                    break
    except BaseException:
        hooks.call("on_train_end", net, displays_only=True)  # close the displays first
        raise
    finally:
        optimizer.lr = base_lr
    hooks.call("on_train_end", net)
    return history
