"""The training loop: epochs of (mini)batches, each a forward pass, a backward
pass and an optimizer step, with the figures of every epoch kept in a History.

``batch_size=None`` is the tutorials' full-batch gradient descent (one update
per epoch); ``batch_size=1`` is per-sample stochastic gradient descent, in data
order unless ``shuffle=True``; any other k is minibatch descent.

Around the batches, once per epoch: the learning-rate schedule sets the
optimizer's rate, and after the updates the metrics and validation figures are
computed and the callbacks (early stopping, the progress bar) are called.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from glassnet import metrics as metrics_module
from glassnet import resources, shaped

if TYPE_CHECKING:
    from glassnet.losses import Loss
    from glassnet.network import Network
    from glassnet.optimizers import Optimizer


class TrainingDivergedError(FloatingPointError):
    """The loss became NaN or infinite during ``fit``; the weights are rolled back
    to the start of the epoch before the one where it happened (the last weights
    whose loss was finite), or to the weights ``fit`` began with."""


class Callback(Protocol):
    """Anything with ``on_epoch_end``; see :mod:`glassnet.callbacks` for the other hooks."""

    def on_epoch_end(self, epoch: int, logs: dict[str, float]) -> bool | None: ...


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


def check_fit_options(
    weight_decay: Any, validation_split: Any, validation_data: Any, lr_schedule: Any
) -> None:
    """Refuse bad values of fit's training options, before any work is done."""
    number = (int, float, np.floating)
    if weight_decay is not None and not (
        isinstance(weight_decay, number) and math.isfinite(weight_decay) and weight_decay >= 0
    ):
        raise ValueError(f"weight_decay must be a number >= 0, but got {weight_decay!r}.")
    if not (isinstance(validation_split, number) and 0 <= validation_split < 1):
        raise ValueError(
            f"validation_split must be a fraction in [0, 1), but got {validation_split!r}."
        )
    if validation_split and validation_data is not None:
        raise ValueError("Give either validation_data or validation_split, not both.")
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(
            f"lr_schedule must be a schedule from glassnet.schedules or a function "
            f"f(lr, epoch), but got {type(lr_schedule).__name__}: {lr_schedule!r}."
        )


def hold_out(
    X: np.ndarray, y: np.ndarray, fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Split off ``fraction`` of the rows, drawn at random from ``rng``, as validation
    data; ``int(n · (1 − fraction))`` rows train. Each part keeps the rows' order.

    Random, not Keras's last rows: data sorted by class (as many bundled sets
    are) would otherwise validate on one class the training never saw.
    """
    n = X.shape[0]
    n_train = int(n * (1 - fraction))
    if n_train < 1 or n_train == n:
        raise ValueError(
            f"validation_split={fraction} of {n} sample(s) leaves {n_train} for training "
            f"and {n - n_train} for validation; both need at least one."
        )
    order = rng.permutation(n)
    train_rows, val_rows = np.sort(order[:n_train]), np.sort(order[n_train:])
    return X[train_rows], y[train_rows], (X[val_rows], y[val_rows])


def check_batch_fits(
    net: Network, rows: int, shuffled: bool = False, sample_shape: tuple[int, ...] | None = None
) -> None:
    """Refuse, with the estimate and a batch size that fits, a batch whose
    activations would not fit in memory.

    Each layer keeps x, z, a and δ for every row of the batch: about
    4 × rows × Σ n_units numbers (see :mod:`glassnet.resources`); a shuffled
    batch is also copied out of X and y.
    """
    if sample_shape is not None and shaped.is_shaped(net.layers):  # N-D samples
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


def _finite_weights(params: np.ndarray) -> bool:
    """Whether every weight is finite: a finite θ·θ settles it in one BLAS pass; a
    non-finite one (NaN, inf, or squares of huge weights) is looked at entry by entry.
    Called inside the training loop's errstate, so an overflow there is silent."""
    return math.isfinite(params.dot(params)) or bool(np.isfinite(params).all())


def _epoch(
    net: Network, X: np.ndarray, y: np.ndarray, loss: Loss, optimizer: Optimizer,
    step: int, shuffle: bool, metric_fns: dict[str, Callable],
) -> tuple[float, dict[str, float]]:
    """One epoch of (mini)batches: one permutation, one gather per batch when shuffled.

    Returns the loss and the metrics, each the mean over the epoch's batches
    weighted by their number of rows, computed on every batch's own forward
    pass, before its update (as Keras reports them). Full batch, these are the
    figures of the weights at the start of the epoch.
    """
    n = X.shape[0]
    params, grads = [net.params], [net.grads]
    if step == n and not shuffle:
        value = net.loss_and_gradients(X, y, loss, training=True)
        figures = {name: fn(y, net.output) for name, fn in metric_fns.items()}
        optimizer.step(params, grads)
        return value, figures
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


def train(
    net: Network,
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
    callbacks: list[Callback],
    verbose: int,
    history: History,
    lr_schedule: Callable[[float, int], float] | None = None,
) -> History:
    """Run ``epochs`` epochs over validated arrays X (n, d) and y (n, k).

    ``verbose`` adds a progress bar (1) or a line per epoch (2) after the
    given callbacks, so it shows the figures they see.
    """
    from glassnet.callbacks import EpochLogger, ProgressBar

    n = X.shape[0]
    step = n if batch_size is None else min(batch_size, n)
    check_batch_fits(net, step, shuffled=shuffle and step < n, sample_shape=X.shape[1:])
    metric_fns = {name: metrics_module.get(name) for name in metrics}
    full_batch = step == n
    params, grads = [net.params], [net.grads]
    # the weights at the start of this epoch and of the one before: a full-batch loss
    # is computed before the update, so when epoch e's loss is inf, the weights at the
    # start of e already overflow and the last ones known to give a finite loss are
    # those at the start of e − 1
    snapshot, previous = np.empty_like(net.params), np.empty_like(net.params)
    first_epoch = len(history)
    base_lr = optimizer.lr
    display = [ProgressBar(epochs)] if verbose == 1 else [EpochLogger()] if verbose == 2 else []
    callbacks = list(callbacks) + display
    net.stop_training = False
    outer_errstate = np.geterr()
    for cb in callbacks:
        if hasattr(cb, "on_train_begin"):
            cb.on_train_begin(net)

    try:
        # A diverging run overflows somewhere in the batch loop; the finiteness check
        # reports it as one TrainingDivergedError instead of NumPy warnings. (Entered
        # once, not per epoch: on a tiny network every microsecond of an epoch shows.)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for e in range(epochs):
                epoch = first_epoch + e
                if lr_schedule is not None:
                    optimizer.lr = float(lr_schedule(base_lr, epoch))
                snapshot, previous = previous, snapshot
                np.copyto(snapshot, net.params)
                net.epoch_start_params = snapshot
                if full_batch and not metric_fns:  # the tutorials' loop, with nothing else
                    epoch_loss, figures = net.loss_and_gradients(X, y, loss, True), {}
                    optimizer.step(params, grads)
                else:
                    epoch_loss, figures = _epoch(
                        net, X, y, loss, optimizer, step, shuffle and step < n, metric_fns
                    )
                if not (math.isfinite(epoch_loss) and _finite_weights(net.params)):
                    # the epoch before is this call's own only from its second epoch on;
                    # in the first, the weights the call began with are all there is
                    np.copyto(net.params, previous if e > 0 else snapshot)
                    where = (
                        f"to the start of epoch {epoch - 1}, the last with a finite loss"
                        if e > 0 else f"to the weights this fit call began with (epoch {epoch})"
                    )
                    optimizer.reset()  # its momenta grew with the divergence
                    raise TrainingDivergedError(
                        f"Training diverged at epoch {epoch}: the {loss.name} loss became "
                        f"{epoch_loss} (or a weight became NaN/inf). The weights were rolled "
                        f"back {where}, and the optimizer's state was reset. Try a smaller "
                        f"learning rate than lr={optimizer.lr:g}, or scale the inputs."
                    )
                if validation_data is not None:
                    Xv, yv = validation_data
                    val = net.evaluate_arrays(Xv, yv, loss, list(metric_fns))
                    figures.update({f"val_{k}": v for k, v in val.items()})
                history.add(epoch, epoch_loss, optimizer.lr, figures)
                if callbacks:
                    logs = {"loss": epoch_loss, **figures, "lr": optimizer.lr}
                    with np.errstate(**outer_errstate):  # the caller's settings for its code
                        stop = [cb.on_epoch_end(epoch, dict(logs)) for cb in callbacks]
                    if any(stop):
                        break
                if net.stop_training:
                    break
    except BaseException:
        for cb in display:  # close the progress bar before the error shows
            cb.on_train_end(net)
        raise
    finally:
        optimizer.lr = base_lr
    for cb in callbacks:
        if hasattr(cb, "on_train_end"):
            cb.on_train_end(net)
    return history
