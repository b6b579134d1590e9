"""The training doctor: what is wrong with a network and its training, in plain words.

>>> import numpy as np, glassnet as gn
>>> X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]]); y = np.array([[1], [1], [0]])
>>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
>>> gn.doctor(net, X, y, loss="half_sse", lr=1e-6).codes
['lr_too_low']

:func:`doctor` measures the network as it is (one forward and one backward pass),
trains a copy for a few epochs with the given settings, and reads the history of
past training; :mod:`~.rules` and :mod:`~.rules_training` turn those numbers into
:class:`Finding` objects. The network itself is never changed: every probe runs on
``net.copy()``. docs/doctor.md lists every code with its rule and threshold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.glassbox.doctor import rules, rules_training
from glassnet.glassbox.doctor.findings import SEVERITIES, Diagnosis, Finding
from glassnet.glassbox.doctor.probes import PROBE_SECONDS, Measurements, measure

if TYPE_CHECKING:
    from glassnet.network import Network

__all__ = ["Diagnosis", "Finding", "SEVERITIES", "diagnose", "doctor"]

#: the rules in the order they run: causes before the symptoms they explain
RULES = (
    *rules.RULES,
    rules_training.saturated_output,
    rules_training.saturated_hidden,
    rules_training.dead_relu,
    rules_training.gradient_flow,
    rules_training.diverged,
    rules_training.overfitting,
)
#: rules that also read which codes the rules before them found
LATE_RULES = (rules_training.learning_rate, rules_training.constant_predictions,
              rules_training.underfitting)


def diagnose(m: Measurements) -> Diagnosis:
    """Apply every rule to the measurements; link each symptom to the cause found."""
    findings: list[Finding] = []
    for rule in RULES:
        findings += rule(m)
    for late in LATE_RULES:
        findings += late(m, {f.code for f in findings})
    # the history and the probe may both see the rate: one lr_too_high, the first
    rate = [f for f in findings if f.code == "lr_too_high"]
    findings = [f for f in findings if f.code != "lr_too_high" or f is rate[0]]
    codes = {f.code for f in findings}
    grown = bool(rate) and rate[0].numbers.get("from") == "history"
    for f in findings:
        if f.cause is not None and f.cause not in codes:
            f.cause = None
        if f.code in ("diverged", "lr_too_high") and "sum_loss_scales_lr" in codes:
            f.cause = "sum_loss_scales_lr"
        if f.code == "vanishing_gradient" and f.cause is None and "saturated_hidden" in codes:
            f.cause = "saturated_hidden"
        if f.code in ("saturated_output", "saturated_hidden") and f.cause is None and grown:
            # the units saturated while the loss rose: the steps threw the weights out
            f.cause, f.fix = "lr_too_high", "fix its cause first (lr_too_high, above)"
    return Diagnosis(findings, m)


def doctor(
    net: Network,
    X: Any,
    y: Any,
    loss: Any = None,
    *,
    lr: float | None = None,
    optimizer: Any = None,
    batch_size: int | None = None,
    epochs: int | None = None,
    validation_data: tuple[Any, Any] | None = None,
    history: Any = None,
    max_seconds: float = PROBE_SECONDS,
) -> Diagnosis:
    """Diagnose ``net`` trained on (X, y): a :class:`Diagnosis` of :class:`Finding` s.

    Parameters
    ----------
    net : the network, trained or not; it is never changed (probes run on copies).
    X, y : the training data, as ``fit`` takes it.
    loss, lr, optimizer, batch_size, epochs : the training settings to judge; by
        default the network's last ``fit``'s (loss ``"mse"``, ``"gd"`` at its
        default rate if it was never fitted).
    validation_data : (X_val, y_val), to compare the fit on unseen rows.
    history : a :class:`~glassnet.training.History` to read (default ``net.history``).
    max_seconds : the probe run's time limit.

    The probes: one forward and backward pass at the current weights (saturation,
    dead units, gradient norms per layer), and a short run on a copy with the given
    settings (at most 200 full-batch or 5 minibatch epochs, and ``max_seconds``).
    """
    # a sick network's numbers overflow on the way (norms of huge weights): inf is a
    # measurement here, not an accident
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        m = measure(net, X, y, loss=loss, optimizer=optimizer, lr=lr, batch_size=batch_size,
                    epochs=epochs, history=history, validation_data=validation_data,
                    seconds=max_seconds)
        return diagnose(m)
