"""``Network.fit``: everything a fit call does around the training loop.

In order: every option is checked once, before any work (the loop itself,
:func:`glassnet.training.train`, takes validated values); the data is validated
once, and ``validation_split`` held out with the network's generator
(:func:`glassnet.training.hold_out`); a second fit of the same network while one
runs is refused; then the loop runs. If the loss diverges, the error gains the
training doctor's top finding; with ``doctor=True`` the doctor's diagnosis is
attached to the returned history.

:class:`~glassnet.Network` has this function as its ``fit`` method, so
``net.fit(X, y, ...)`` is ``fit(net, X, y, ...)``.
"""

from __future__ import annotations

import contextlib
import inspect
import math
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import losses as losses_module
from glassnet import metrics as metrics_module
from glassnet import optimizers as optimizers_module
from glassnet.training import History, TrainingDivergedError, hold_out, train
from glassnet.validation import (
    check_choice,
    check_positive_int,
    check_range,
    loss_output_problem,
    target_range_warning,
)

if TYPE_CHECKING:
    from glassnet.callbacks import Callback
    from glassnet.losses import Loss
    from glassnet.network import Network
    from glassnet.schedules import Schedule

#: the networks being trained right now (by id): fit is single-threaded per network
_TRAINING: set[int] = set()
_TRAINING_LOCK = threading.Lock()


def fit(
    net: Network,
    X: Any,
    y: Any,
    epochs: int = 1000,
    lr: float | None = None,
    loss: str | losses_module.Loss = "mse",
    optimizer: str | optimizers_module.Optimizer = "gd",
    batch_size: int | None = None,
    shuffle: bool = False,
    validation_data: tuple[Any, Any] | None = None,
    verbose: int | str = 0,
    metrics: Sequence[str] = (),
    callbacks: Sequence[Callback] = (),
    validation_split: float = 0.0,
    weight_decay: float | None = None,
    lr_schedule: Schedule | Callable[[float, int], float] | None = None,
    doctor: bool = False,
    **unexpected: Any,
) -> History:
    """Train for ``epochs`` epochs, continuing from the current weights.

    Parameters
    ----------
    X : (n_samples, n_features) inputs. y : targets, (n_samples, n_outputs);
        1-D is a column, or class labels for the cross-entropy losses.
    lr : learning rate η; None keeps the optimizer's default (0.1 for "gd").
    loss : a name from :data:`glassnet.losses.LOSSES` or a Loss object.
    optimizer : a name from :data:`glassnet.optimizers.OPTIMIZERS` or an
        Optimizer object. Calling ``fit`` again with the same optimizer name
        and lr keeps its state (momenta), so two calls train as one.
    batch_size : None for full-batch gradient descent, 1 for per-sample
        SGD, k for minibatches of k.
    shuffle : shuffle the samples each epoch (with the network's generator).
    validation_data : (X_val, y_val), evaluated after every epoch.
    verbose : 0 silent; 1 a progress bar on stderr (epoch, loss, val_loss,
        ETA; tqdm's if installed); 2 one line per epoch on stdout; ``"plot"``
        live loss curves in a notebook, a text line elsewhere (the same as
        ``callbacks=[gn.LivePlot(epochs=epochs)]``).
    metrics : names from :data:`glassnet.metrics.METRICS`, recorded per epoch
        (with ``val_`` + name on the validation data).
    callbacks : objects with the hooks of :mod:`glassnet.callbacks`, e.g. an
        :class:`~glassnet.callbacks.EarlyStopping`; a truthy ``on_epoch_end``
        (or ``net.stop_training = True``) stops training.
    validation_split : a fraction in [0, 1) of the rows to hold out as validation
        data, drawn at random with the network's generator, not Keras's last rows
        (:func:`glassnet.training.hold_out`); not with ``validation_data``.
    weight_decay : L2 weight decay λ, set on the optimizer (None keeps the
        optimizer's own, 0 by default). Each step uses g + λθ, the gradient of
        L + (λ/2)‖θ‖², for every weight and bias (``torch.optim`` semantics);
        the recorded loss is L without the penalty.
    lr_schedule : a :mod:`glassnet.schedules` schedule (or any
        ``f(lr, epoch) -> float``) that sets the learning rate each epoch.

    doctor : also run the training doctor after training (:meth:`diagnose`) and
        attach its :class:`~glassnet.glassbox.doctor.Diagnosis` to the returned
        history as ``history.diagnosis``.

    Returns the network's :class:`History`, which grows across ``fit`` calls.

    Raises :class:`TrainingDivergedError` if the loss becomes NaN or
    infinite; the weights are then those from the start of the epoch
    before (the last with a finite loss). Its message ends with the training
    doctor's top finding and its fix.
    """
    if unexpected:  # fit(learning_rate=...): say which name was meant
        raise TypeError(unexpected_arguments(unexpected))
    epochs = check_positive_int(epochs, "epochs")
    batch_size = check_positive_int(batch_size, "batch_size", allow_none=True)
    lr = check_range(lr, "lr", 0, low_open=True, allow_none=True)
    check_choice(verbose, "verbose", (0, 1, 2, "plot"))
    check_fit_options(weight_decay, validation_split, validation_data, lr_schedule)
    loss_obj = losses_module.get(loss)
    mistake = loss_output_problem(
        loss_obj.name, getattr(net.layers[-1], "activation", None), net.n_outputs
    )
    if mistake:
        raise ValueError(mistake)
    optimizer_obj = optimizers_module.for_fit(optimizer, lr, weight_decay, net.optimizer)
    metric_names = metrics_module.names(metrics)
    X, y, val = _training_data(net, X, y, loss_obj, validation_split, validation_data)
    settings = dict(loss=loss_obj, lr=optimizer_obj.lr, optimizer=optimizer_obj.name,
                    batch_size=batch_size, epochs=epochs, validation_data=val)
    with _one_fit_at_a_time(net):
        net.loss, net.optimizer = loss_obj, optimizer_obj
        first_epoch = len(net.history)
        try:
            history = train(
                net, X, y, epochs=epochs, loss=loss_obj.for_targets(y), optimizer=optimizer_obj,
                batch_size=batch_size, shuffle=bool(shuffle), validation_data=val,
                metrics=metric_names, callbacks=list(callbacks),
                displays=_displays(verbose, epochs) if verbose else [],
                history=net.history, lr_schedule=lr_schedule,
            )  # fmt: skip
        except TrainingDivergedError as exc:
            raise TrainingDivergedError(f"{exc}{_doctor_says(net, X, y, settings)}") from None
    growth = loss_growth_warning(history.loss[first_epoch:], loss_obj.name)
    if growth:
        warnings.warn(growth, RuntimeWarning, stacklevel=2)
    if doctor:
        history.diagnosis = net.diagnose(X, y, **settings)
    return history


#: a fit call whose last loss is this many times its first is diverging, finite or not
LOSS_GROWTH_LIMIT = 1e3


def loss_growth_warning(losses: list[float], loss_name: str) -> str | None:
    """A sentence when the loss of one fit call grew by ``LOSS_GROWTH_LIMIT`` or more
    from its first epoch to its last: training is diverging although every number is
    still finite (``sse`` over 1,000 rows at lr 0.1 ends at 6.8e286), else None."""
    if len(losses) < 2 or not losses[0] > 0 or not losses[-1] >= LOSS_GROWTH_LIMIT * losses[0]:
        return None
    return (f"the {loss_name} loss grew from {losses[0]:.4g} to {losses[-1]:.4g} in this fit "
            f"call (x{losses[-1] / losses[0]:.3g}): training is diverging, although every "
            f"number is still finite. Lower the learning rate (net.lr_find(X, y) suggests "
            f"one), use a mean loss such as 'mse' rather than a sum, or scale the inputs; "
            f"net.diagnose(X, y) says which.")


def check_fit_options(
    weight_decay: Any, validation_split: Any, validation_data: Any, lr_schedule: Any
) -> None:
    """Refuse bad values of fit's training options, before any work is done."""
    check_range(weight_decay, "weight_decay", 0, allow_none=True)
    check_range(validation_split, "validation_split", 0, 1, high_open=True, noun="a fraction")
    if validation_split and validation_data is not None:
        raise ValueError("Give either validation_data or validation_split, not both.")
    if lr_schedule is not None and not callable(lr_schedule):
        raise TypeError(
            f"lr_schedule must be a schedule from glassnet.schedules or a function "
            f"f(lr, epoch), but got {type(lr_schedule).__name__}: {lr_schedule!r}."
        )


def _training_data(
    net: Network, X: Any, y: Any, loss: Loss, validation_split: float,
    validation_data: tuple[Any, Any] | None,
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """fit's (X, y) and validation pair, validated once, the split held out."""
    X = net.check_X(X)
    y = net.check_y(y, X.shape[0], loss)
    unreachable = target_range_warning(y, getattr(net.layers[-1], "activation", None))
    if unreachable:
        warnings.warn(unreachable, UserWarning, stacklevel=3)
    if validation_split:
        train_rows, val_rows = hold_out(X.shape[0], validation_split, net.rng)
        return X[train_rows], y[train_rows], (X[val_rows], y[val_rows])
    if validation_data is None:
        return X, y, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        got = (f"a {type(validation_data).__name__} of {len(validation_data)} item(s)"
               if isinstance(validation_data, (tuple, list))
               else f"one array of shape {np.shape(validation_data)}")
        raise ValueError(f"validation_data must be a pair (X_val, y_val), but got {got}; "
                         f"pass validation_data=(X_val, y_val), or validation_split=0.2.")
    Xv = net.check_X(validation_data[0])
    return X, y, (Xv, net.check_y(validation_data[1], Xv.shape[0], loss))


#: what people coming from Keras, scikit-learn or PyTorch type for fit's arguments
FIT_ALIASES = {
    "learning_rate": "lr", "learning_rate_init": "lr", "eta": "lr", "n_epochs": "epochs",
    "num_epochs": "epochs", "epoch": "epochs", "max_iter": "epochs", "nb_epoch": "epochs",
    "batchsize": "batch_size", "validation_fraction": "validation_split",
    "callback": "callbacks", "metric": "metrics", "optim": "optimizer", "loss_fn": "loss",
    "criterion": "loss", "l2": "weight_decay", "alpha": "weight_decay",
    "scheduler": "lr_schedule", "lr_scheduler": "lr_schedule", "val_data": "validation_data",
}


def unexpected_arguments(given: dict[str, Any]) -> str:
    """The TypeError's sentence for keyword arguments fit does not take, with the name
    meant ("did you mean lr?"): an alias people bring from elsewhere, or the closest."""
    import difflib

    accepted = list(inspect.signature(fit).parameters)[1:-1]  # (not net, nor **unexpected)
    parts = []
    for key in given:
        close = difflib.get_close_matches(key, accepted, n=1)
        meant = FIT_ALIASES.get(key) or (close[0] if close else None)
        parts.append(f"{key!r}" + (f" (did you mean {meant}=?)" if meant else ""))
    return (
        f"fit got unexpected keyword argument(s) {', '.join(parts)}. It takes "
        f"{', '.join(accepted)}."
    )


@contextlib.contextmanager
def _one_fit_at_a_time(net: Network) -> Iterator[None]:
    """Refuse a second fit of one network while one runs (another thread, a callback):
    training writes the layers' work arrays and the weights in place."""
    with _TRAINING_LOCK:
        if id(net) in _TRAINING:
            raise RuntimeError(
                "This network is already being trained (fit runs in another thread, or was "
                "called from a callback); fit is single-threaded per network. Wait for that "
                "fit to end, or train a copy (net.copy()). predict is thread-safe."
            )
        _TRAINING.add(id(net))
    try:
        yield
    finally:
        with _TRAINING_LOCK:
            _TRAINING.discard(id(net))


def _displays(verbose: int | str, epochs: int) -> list[Callback]:
    from glassnet.glassbox.progress import displays

    return displays(verbose, epochs)


def _doctor_says(net: Network, X: np.ndarray, y: np.ndarray, settings: dict[str, Any]) -> str:
    """The doctor's top finding in one line, for the divergence error (a short,
    deterministic probe: 20 epochs, no time limit); "" if it cannot say."""
    try:
        top = net.diagnose(X, y, **(settings | {"epochs": 20, "max_seconds": math.inf})).top
    except Exception:  # the error being raised matters more than the doctor's view
        return ""
    return f" The training doctor: {top.one_line}" if top is not None else ""
