"""The doctor's measurements: what the data, one forward and backward pass, and a
short training run on a copy of the network show.

Everything runs on ``net.copy()``: the network handed to the doctor keeps its
weights, optimizer state, history, work arrays and random generator.

Per Dense layer l, on up to :data:`PROBE_ROWS` rows (evenly spaced, no random draw)::

    saturated_l = share of a⁽ˡ⁾ within SATURATION_MARGIN of a bound of f
                  (sigmoid 0 or 1, tanh −1 or 1)
    dead_l      = units whose ReLU output is 0 on every probed row
    ‖dW⁽ˡ⁾‖     = Frobenius norm of dL/dW⁽ˡ⁾ at the current weights
    update_l    = ‖Δθ⁽ˡ⁾‖ / ‖θ⁽ˡ⁾‖ over the probe's first epoch (cs231n's
                  update-to-weight ratio; θ⁽ˡ⁾ = W⁽ˡ⁾ and b⁽ˡ⁾)
"""

from __future__ import annotations

import copy
import math
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet.layers import Dense, Dropout
from glassnet.optimizers import Optimizer
from glassnet.optimizers import get as get_optimizer
from glassnet.training import TrainingDivergedError
from glassnet.validation import check_X, check_y, loss_output_problem, target_range_warning

#: rows of the forward/backward probe (evenly spaced through the data)
PROBE_ROWS = 2048
#: an activation this close to a bound of a sigmoid or tanh is saturated (f' ≈ 0)
SATURATION_MARGIN = 0.01
#: epochs of the probe run: full batch, and with minibatches
PROBE_EPOCHS_FULL_BATCH = 200
PROBE_EPOCHS_MINIBATCH = 5
#: the probe run stops after this many seconds whatever its epoch count
PROBE_SECONDS = 3.0
#: losses that sum over the rows instead of averaging (the gradient grows with n)
SUM_LOSSES = ("sse", "half_sse")
#: a bounded activation's bounds, for saturation
BOUNDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
#: activations whose units can die (output 0, slope 0, on every row)
RELU_LIKE = ("relu",)


@dataclass
class LayerProbe:
    """What one Dense layer showed. ``names`` are the trace's names of its arrays."""

    number: int
    activation: str
    n_units: int
    hidden: bool
    names: dict[str, str] = field(default_factory=dict)
    saturated: float | None = None
    saturated_cell: tuple[int, int] | None = None
    dead_units: list[int] = field(default_factory=list)
    weight_norm: float = 0.0
    grad_norm: float = 0.0
    grad_zero_fraction: float = 0.0
    update_ratio: float | None = None

    @property
    def label(self) -> str:
        role = "hidden layer" if self.hidden else "output layer"
        return f"layer {self.number} ({role}, {self.n_units} {self.activation})"


@dataclass
class ProbeRun:
    """The short training run on a copy: its loss per epoch, and a divergence."""

    epochs: int
    losses: list[float]
    first_epoch: int
    diverged: dict[str, Any] | None = None
    output_spread: float | None = None
    predicted_classes: int | None = None


@dataclass
class Measurements:
    """Everything the rules look at (see :mod:`glassnet.glassbox.doctor.rules`)."""

    n_rows: int
    feature_mean: np.ndarray
    feature_std: np.ndarray
    feature_absmax: np.ndarray
    loss: str
    output_activation: str
    n_outputs: int
    classification: bool
    class_counts: np.ndarray | None
    optimizer: str
    lr: float
    batch_rows: int
    epochs: int | None
    loss_now: float
    baseline_loss: float
    target_spread: float
    output_spread: float
    predicted_classes: int | None
    layers: list[LayerProbe]
    probe: ProbeRun
    history: dict[str, list[float]]
    trained: bool
    target_range: str | None = None
    val_loss_now: float | None = None

    @property
    def output_layer(self) -> LayerProbe:
        return self.layers[-1]

    @property
    def hidden_layers(self) -> list[LayerProbe]:
        return [layer for layer in self.layers if layer.hidden]


def _rows(n: int, limit: int = PROBE_ROWS) -> np.ndarray:
    """Up to ``limit`` row indices spread evenly over n rows (sorted data stays mixed)."""
    return np.unique(np.linspace(0, n - 1, min(n, limit)).round().astype(np.intp))


def baseline_loss(loss: losses_module.Loss, y: np.ndarray) -> float:
    """The loss of the best constant prediction: the column means of y (for
    cross-entropy, the class shares; balanced K classes give ln K)."""
    mean = y.mean(axis=0, keepdims=True)
    if loss.name in ("binary_crossentropy", "categorical_crossentropy"):
        mean = np.clip(mean, 1e-7, 1 - 1e-7)
    if loss.name == "mae":
        mean = np.median(y, axis=0, keepdims=True)
    guess = np.broadcast_to(mean, y.shape).astype(y.dtype)
    with np.errstate(all="ignore"):
        return float(loss.value(y, guess))


def is_classification(loss: losses_module.Loss, activation: str, y: np.ndarray) -> bool:
    if loss.name in ("binary_crossentropy", "categorical_crossentropy"):
        return True
    return activation in ("sigmoid", "softmax") and bool(np.isin(y, (0.0, 1.0)).all())


def class_counts(y: np.ndarray) -> np.ndarray:
    """Samples per class: one-hot columns, or 0/1 for a single output."""
    if y.shape[1] == 1:
        positive = int((y[:, 0] >= 0.5).sum())
        return np.array([y.shape[0] - positive, positive])
    return np.bincount(np.argmax(y, axis=1), minlength=y.shape[1])


def trace_names(net, X: np.ndarray, y: np.ndarray, loss) -> list[dict[str, str]]:
    """The trace's names for each layer's arrays (``hiddenlayer_activations``, …), from
    a one-row trace; a network the trace does not follow gets ``layer{l}_…`` names."""
    try:
        with np.errstate(all="ignore"):
            tr = net.copy().trace(X[:1], y[:1], loss=loss, lr=0.1)
        return [{k: info[k] for k in ("W", "z", "a", "d")} for info in tr.layers]
    except (TypeError, ValueError):
        return [
            {"W": f"W{l}", "z": f"layer{l}_input", "a": f"layer{l}_activations", "d": f"d_layer{l}"}
            for l in range(1, len(net.layers) + 1)
        ]


def _layer_probe(number: int, layer, hidden: bool, names: dict[str, str]) -> LayerProbe:
    """Saturation, dead units and gradient norms of one Dense layer after a pass."""
    act = layer.activation.name
    probe = LayerProbe(number, act, layer.n_units, hidden, names)
    a = layer.a
    if act in BOUNDS:
        low, high = BOUNDS[act]
        near = (a < low + SATURATION_MARGIN * (high - low)) | (
            a > high - SATURATION_MARGIN * (high - low)
        )
        probe.saturated = float(near.mean())
        if near.any():
            i, j = np.argwhere(near)[0]
            probe.saturated_cell = (int(i), int(j))
    if act in RELU_LIKE and hidden:
        probe.dead_units = [int(j) for j in np.flatnonzero((a <= 0).all(axis=0))]
    grads = [layer.dW] + ([layer.db] if layer.db is not None else [])
    params = [layer.W] + ([layer.b] if layer.b is not None else [])
    probe.grad_norm = float(np.linalg.norm(layer.dW))
    probe.weight_norm = float(math.sqrt(sum(float(np.vdot(p, p)) for p in params)))
    size = sum(g.size for g in grads)
    probe.grad_zero_fraction = float(sum(int((g == 0).sum()) for g in grads) / size)
    return probe


def layer_slices(net) -> list[slice]:
    """Each Dense layer's stretch of ``net.params`` (layers without weights get none)."""
    out, offset = [], 0
    for layer in net.layers:
        size = sum(int(np.prod(s)) for s in layer.param_shapes().values())
        if isinstance(layer, Dense):
            out.append(slice(offset, offset + size))
        offset += size
    return out


class _ProbeWatch:
    """The probe run's callback: the first epoch's update per layer, and a time limit."""

    def __init__(self, net, slices: list[slice], seconds: float):
        self.net, self.slices, self.seconds = net, slices, seconds
        self.start_params = net.params.copy()
        self.update_ratios: list[float] | None = None
        self.started = time.monotonic()

    def on_epoch_end(self, epoch, logs):
        if self.update_ratios is None:
            ratios = []
            for s in self.slices:
                before = float(np.linalg.norm(self.start_params[s]))
                step = float(np.linalg.norm(self.net.params[s] - self.start_params[s]))
                ratios.append(step / before if before > 0 else math.inf)
            self.update_ratios = ratios
        return time.monotonic() - self.started > self.seconds


def first_nonfinite(net, X: np.ndarray, y: np.ndarray, loss, lr: float, epoch: int):
    """Replay full-batch gradient-descent steps from the current weights, each recorded
    by the trace, and return the first array (in the trace's step order) holding a
    NaN or inf: ``{"tensor", "step", "title", "cell", "value", "epoch"}``, or None."""
    for k in range(3):
        try:
            with np.errstate(all="ignore"):
                tr = net.trace(X, y, loss=loss, lr=lr, apply=True)
        except (TypeError, ValueError):
            return None  # a network the trace does not follow (Dropout)
        for step in tr.steps:
            for name, arr in step.arrays.items():
                bad = ~np.isfinite(arr)
                if bad.any():
                    i, j = (int(v) for v in np.argwhere(bad)[0])
                    return {"tensor": name, "step": step.number, "title": step.title,
                            "cell": (i, j), "value": float(arr[i, j]), "epoch": epoch + k}
        if not math.isfinite(tr.loss_value):
            return {"tensor": "loss", "step": None, "title": "loss", "cell": None,
                    "value": tr.loss_value, "epoch": epoch + k}
    return None


def probe_run(net, X, y, loss, optimizer, lr, batch_size, epochs, seconds, slices):
    """Train a copy for a few epochs with the given settings; returns the ProbeRun and
    the first epoch's update-to-weight ratio per layer."""
    probe = net.copy()
    first = len(probe.history)
    full_batch = batch_size is None or batch_size >= X.shape[0]
    limit = PROBE_EPOCHS_FULL_BATCH if full_batch else PROBE_EPOCHS_MINIBATCH
    n_epochs = min(limit, epochs) if epochs else limit
    watch = _ProbeWatch(probe, slices, seconds)
    # an optimizer object is copied (its state is the caller's); a name with lr keeps
    # the copy's own optimizer state when it is of that kind and rate, as fit does
    opt, opt_lr = (copy.deepcopy(optimizer), None) if isinstance(optimizer, Optimizer) else (
        optimizer, lr)
    diverged = None
    if loss_output_problem(losses_module.get(loss).name,
                           getattr(net.layers[-1], "activation", None), net.n_outputs):
        # fit refuses a loss/output pair that cannot learn; the loss_output_mismatch rule
        # reports it, and there is no run to measure
        return ProbeRun(0, [], first), None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # fit's own warnings are the rules' business
        try:
            probe.fit(X, y, epochs=n_epochs, lr=opt_lr, loss=loss, optimizer=opt,
                      batch_size=batch_size, shuffle=not full_batch, callbacks=[watch])
        except TrainingDivergedError as exc:
            epoch = len(probe.history)  # history holds the epochs before the one that failed
            # probe_epoch counts from the probe's start (1 = its first epoch): the probe
            # starts from the current weights, which after a fit's rollback are not
            # where that fit's own epoch count diverged
            diverged = {"epoch": epoch, "probe_epoch": epoch - first + 1, "message": str(exc)}
            # fit rolled the weights back to the start of the epoch before (or of the call)
            start = epoch - 1 if epoch > first else epoch
            rows = _rows(X.shape[0], 256)
            found = first_nonfinite(probe.copy(), X[rows], y[rows], loss, lr, start)
            if found:
                diverged.update(found)
    losses = probe.history.loss[first:]
    run = ProbeRun(len(losses), [float(v) for v in losses], first, diverged)
    if diverged is None:
        with np.errstate(all="ignore"):
            out = probe.predict_array(X[_rows(X.shape[0])])
        run.output_spread = float(out.std(axis=0).max())
        run.predicted_classes = _distinct_classes(out)
    return run, watch.update_ratios


def _distinct_classes(out: np.ndarray) -> int:
    labels = (out[:, 0] >= 0.5).astype(int) if out.shape[1] == 1 else np.argmax(out, axis=1)
    return int(np.unique(labels).size)


def _history_dict(history) -> dict[str, list[float]]:
    if history is None:
        return {}
    return {k: [float(v) for v in vals] for k, vals in history.history.items()}


def settings(net, loss, optimizer, lr) -> tuple[Any, Any, float]:
    """The loss object, the optimizer (name or object) and lr the probes train with:
    those given, else the network's last ``fit``'s, else mse and gd at its default rate."""
    loss_obj = losses_module.get(loss if loss is not None else (net.loss or "mse"))
    if optimizer is None:
        optimizer = net.optimizer.name if net.optimizer is not None else "gd"
    if isinstance(optimizer, Optimizer):
        return loss_obj, optimizer, optimizer.lr
    if lr is None and net.optimizer is not None and net.optimizer.name == optimizer:
        lr = net.optimizer.lr
    return loss_obj, optimizer, float(lr if lr is not None else get_optimizer(optimizer).lr)


def measure(net, X, y, *, loss=None, optimizer=None, lr=None, batch_size=None, epochs=None,
            history=None, validation_data=None, seconds: float = PROBE_SECONDS) -> Measurements:
    """Run every probe on copies of ``net`` and gather the :class:`Measurements`."""
    other = [layer for layer in net.layers if not isinstance(layer, (Dense, Dropout))]
    if other:
        raise TypeError(
            f"The doctor follows networks of Dense (and Dropout) layers, but this one has "
            f"{other[0]!r}. Diagnose a Dense network, or look at this one with net.fit's "
            f"history and gn.gradcheck."
        )
    loss_obj, optimizer, lr = settings(net, loss, optimizer, lr)
    X = check_X(X, net.n_inputs, net.dtype, f"Layer 1 ({net.layers[0]!r})")
    y = check_y(y, X.shape[0], net.n_outputs, net.dtype, loss_obj.accepts_labels)
    loss_obj.check_target(y)
    names = trace_names(net, X, y, loss_obj)
    rows = _rows(X.shape[0])
    ys = y[rows]
    look = net.copy()
    with np.errstate(all="ignore"):
        loss_now = float(look.loss_and_gradients(X[rows], ys, loss_obj))
    dense = [layer for layer in look.layers if isinstance(layer, Dense)]
    layers = [_layer_probe(i, layer, i < len(dense), names[i - 1])
              for i, layer in enumerate(dense, start=1)]
    out = dense[-1].a  # a work array: read it before anything else runs on `look`
    if out is None:  # (the pass above ran through every layer)
        raise RuntimeError("the doctor's probe pass left no output on the last Dense layer")
    out_spread, out_classes = float(out.std(axis=0).max()), _distinct_classes(out)
    run, ratios = probe_run(net, X, y, loss_obj, optimizer, lr, batch_size, epochs, seconds,
                            layer_slices(net))
    for layer, ratio in zip(layers, ratios or []):
        layer.update_ratio = ratio
    hist = history if history is not None else net.history
    val_loss = None
    if validation_data is not None:
        Xv = check_X(validation_data[0], net.n_inputs, net.dtype, "validation X")
        yv = check_y(validation_data[1], Xv.shape[0], net.n_outputs, net.dtype,
                     loss_obj.accepts_labels)
        with np.errstate(all="ignore"):
            val_loss = float(look.evaluate_arrays(Xv, yv, loss_obj, [])["loss"])
    classification = is_classification(loss_obj, dense[-1].activation.name, y)
    return Measurements(
        n_rows=X.shape[0], feature_mean=X.mean(axis=0), feature_std=X.std(axis=0),
        feature_absmax=np.abs(X).max(axis=0), loss=loss_obj.name,
        output_activation=dense[-1].activation.name, n_outputs=net.n_outputs,
        classification=classification,
        class_counts=class_counts(y) if classification else None,
        optimizer=str(getattr(optimizer, "name", optimizer)), lr=lr,
        batch_rows=X.shape[0] if batch_size is None else min(batch_size, X.shape[0]),
        epochs=epochs, loss_now=loss_now, baseline_loss=baseline_loss(loss_obj, ys),
        target_spread=float(ys.std(axis=0).max()), output_spread=out_spread,
        predicted_classes=out_classes if classification else None,
        layers=layers, probe=run, history=_history_dict(hist), trained=len(hist) > 0,
        target_range=target_range_warning(y, dense[-1].activation), val_loss_now=val_loss,
    )
