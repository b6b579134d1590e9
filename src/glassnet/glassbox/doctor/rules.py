"""The doctor's rules: each reads the :class:`~.probes.Measurements` and returns the
findings it sees. Thresholds are module constants; docs/doctor.md gives each one's
source (AUTOTRAINER, cs231n, Karpathy's recipe, Keras's plateau defaults) or says
that it is glassnet's own choice.

The rules run cause first (a sum loss before the divergence it causes, unscaled
inputs before the saturation they cause), and a finding names its cause.
"""

from __future__ import annotations

import math

import numpy as np

from glassnet.glassbox.doctor.findings import Finding
from glassnet.glassbox.doctor.probes import SUM_LOSSES, Measurements

#: a column whose mean or standard deviation exceeds this is not scaled (glassnet's choice)
INPUT_SCALE_LIMIT = 10.0
#: share of a layer's activations (rows × units) saturated for a finding (glassnet's choice)
SATURATED_SHARE = 0.5
#: share of a layer's ReLU units dead for a warning (AUTOTRAINER's γ = 0.7)
DEAD_SHARE = 0.7
#: AUTOTRAINER's gradient rules: ‖dW¹‖/‖dWᴸ‖ < β₁ and ‖dW¹‖ < β₂ vanishes; > β₃ explodes
VANISH_RATIO, VANISH_FIRST_NORM, EXPLODE_RATIO = 1e-3, 1e-4, 70.0
#: cs231n: update/weight ≈ 1e-3; two decades below or above it is too low / too high
UPDATE_LOW, UPDATE_HIGH = 1e-5, 1e-1
#: a probe loss that improves less than this share is not learning (glassnet's choice)
STALL_SHARE = 0.01
#: Keras's ReduceLROnPlateau / EarlyStopping-style plateau: patience 10, min_delta 1e-4
PATIENCE, MIN_DELTA = 10, 1e-4
#: validation loss this much above its best (after PATIENCE epochs) overfits (glassnet's)
OVERFIT_RISE = 0.10
#: AUTOTRAINER's train−validation accuracy gaps: ≥ 0.1 (train ≤ 0.9), ≥ 0.07 (train > 0.9)
ACC_GAP_LOW, ACC_GAP_HIGH = 0.10, 0.07
#: AUTOTRAINER's Θ: a classifier below this training accuracy has not converged
SATISFIED_ACCURACY = 0.7
#: a loss above this share of the constant-prediction loss has learnt little (glassnet's)
UNDERFIT_SHARE = 0.5
#: outputs whose spread over the rows is below this share of the targets' are constant
CONSTANT_SHARE = 0.01
#: Karpathy: cross-entropy at initialisation ≈ ln K; this many times more is far from it
BAD_INIT_FACTOR = 2.0
#: largest / smallest class: a warning from this ratio, an info from the second
IMBALANCE_WARNING, IMBALANCE_INFO = 10.0, 3.0
#: a sum loss over at least this many rows per batch scales the step (glassnet's choice)
SUM_ROWS = 100
#: a training loss this share above its first value, and still above it, overshoots
#: (glassnet's choice, the probe's 10 % of lr_too_high)
HISTORY_RISE = 0.10

SQUARED = ("mse", "sse", "half_sse", "mae")
CROSS_ENTROPY = ("binary_crossentropy", "categorical_crossentropy")


def fmt(value: float) -> str:
    return f"{value:.3g}"


def sum_loss_scales_lr(m: Measurements) -> list[Finding]:
    if m.loss not in SUM_LOSSES or m.batch_rows < SUM_ROWS:
        return []
    effective = m.lr * m.batch_rows
    bad = m.probe.diverged is not None
    return [Finding(
        "sum_loss_scales_lr", "error" if bad else "warning",
        f"the {m.loss} loss sums over {m.batch_rows} rows, so lr={fmt(m.lr)} acts as "
        f"{fmt(effective)}",
        f"{m.loss} adds up one term per row, so its gradient, and every step, grows with "
        f"the number of rows in a batch ({m.batch_rows}): lr={fmt(m.lr)} moves the weights "
        f"as a mean loss would with lr={fmt(effective)}."
        + (" That step is what made training diverge." if bad else ""),
        f"train with loss=\"mse\" (a mean over the rows), or divide lr by the rows per batch "
        f"(lr={fmt(m.lr / m.batch_rows)})",
        {"rows_per_batch": m.batch_rows, "lr": m.lr, "effective_lr": effective},
    )]


def loss_output_mismatch(m: Measurements) -> list[Finding]:
    act, loss = m.output_activation, m.loss
    fix_ce = ("use activation=\"softmax\" on the last layer with "
              "loss=\"categorical_crossentropy\" (or sigmoid with binary_crossentropy)")
    if loss in CROSS_ENTROPY and act not in ("sigmoid", "softmax"):
        return [Finding(
            "loss_output_mismatch", "error", f"{loss} on a {act} output",
            f"Cross-entropy takes log ŷ and log(1 − ŷ); a {act} output is not a probability "
            f"and can be ≤ 0 or ≥ 1, where the logarithm is undefined (NaN) or infinite.",
            fix_ce, {"loss": loss, "output_activation": act}, [len(m.layers)])]
    if act == "softmax" and loss in SQUARED:
        return [Finding(
            "loss_output_mismatch", "warning", f"a softmax output trained with {loss}",
            "Squared error through a softmax passes the error back through the softmax's "
            "Jacobian, whose entries ŷᵢ(δᵢⱼ − ŷⱼ) are small when a class probability is "
            "near 0 or 1: confident wrong answers barely learn. Softmax is paired with "
            "categorical cross-entropy, whose output delta is simply ŷ − y.",
            "train with loss=\"categorical_crossentropy\"",
            {"loss": loss, "output_activation": act}, [len(m.layers)])]
    if act == "sigmoid" and loss == "categorical_crossentropy" and m.n_outputs > 1:
        return [Finding(
            "loss_output_mismatch", "warning", "categorical cross-entropy on sigmoid outputs",
            "Categorical cross-entropy assumes the outputs are one distribution summing to 1; "
            "independent sigmoids do not sum to 1, so the loss rewards all of them rising.",
            "use activation=\"softmax\" on the last layer",
            {"loss": loss, "output_activation": act}, [len(m.layers)])]
    if m.target_range:
        return [Finding(
            "loss_output_mismatch", "warning", f"targets outside what a {act} output can reach",
            m.target_range, "use activation=\"linear\" on the last layer for regression, or "
            "scale y into the output's range", {"output_activation": act}, [len(m.layers)])]
    return []


def inputs_not_scaled(m: Measurements) -> list[Finding]:
    scale = np.maximum(np.abs(m.feature_mean), m.feature_std)
    cols = [int(j) for j in np.flatnonzero(scale > INPUT_SCALE_LIMIT)]
    if not cols:
        return []
    shown = ", ".join(
        f"column {j} (mean {fmt(m.feature_mean[j])}, std {fmt(m.feature_std[j])}, "
        f"largest |x| {fmt(m.feature_absmax[j])})" for j in cols[:5])
    return [Finding(
        "inputs_not_scaled", "warning",
        f"{len(cols)} input column(s) are far from mean 0 and standard deviation 1",
        f"{shown}. The first layer computes z = X W + b, so large inputs make large z: "
        f"sigmoid and tanh units then sit on their flat ends (slope ≈ 0) and a step size "
        f"that suits one column is far too big or too small for another.",
        "standardise each column, X = (X − X.mean(axis=0)) / X.std(axis=0), and apply the "
        "same mean and std to new data (glassnet train does this itself)",
        {"columns": cols, "mean": [float(m.feature_mean[j]) for j in cols],
         "std": [float(m.feature_std[j]) for j in cols],
         "max_abs": [float(m.feature_absmax[j]) for j in cols]},
        [1], ["X"])]


def bad_init_loss(m: Measurements) -> list[Finding]:
    if m.loss not in CROSS_ENTROPY or m.trained or not math.isfinite(m.baseline_loss):
        return []
    K = m.n_outputs if m.n_outputs > 1 else 2
    if m.loss_now <= BAD_INIT_FACTOR * m.baseline_loss:
        return []
    return [Finding(
        "bad_init_loss", "warning",
        f"the loss at initialisation is {fmt(m.loss_now)}, far above ln {K} ≈ {fmt(math.log(K))}",
        f"An untrained classifier should be unsure: with every class equally likely the "
        f"cross-entropy is ln K = {fmt(math.log(K))} (the constant guess of the class shares "
        f"gives {fmt(m.baseline_loss)}). It is {fmt(m.loss_now)}, so the initial outputs are "
        f"confidently wrong and the first epochs are spent undoing that.",
        "initialise the last layer smaller (init=\"glorot_uniform\" or \"he_normal\" rather "
        "than \"uniform\", last-layer bias 0) and scale the inputs",
        {"loss_at_init": m.loss_now, "ln_K": math.log(K), "constant_guess_loss": m.baseline_loss},
        [len(m.layers)], [m.output_layer.names.get("a", "output")])]


def loss_rose_in_training(m: Measurements) -> list[Finding]:
    """lr_too_high read from the training history: the loss rose above where training
    began and is still above it. Gradient descent with a step that suits the loss
    does not end up worse than it started; steps that overshoot do, and the weights
    they throw far out can leave the units saturated, where the probe from the
    current weights sees only small steps (so its own lr_too_high rule cannot)."""
    losses = m.history.get("loss", [])
    if len(losses) < 2 or not all(math.isfinite(v) for v in losses):
        return []
    start, peak, last = losses[0], max(losses), losses[-1]
    if not (peak > (1 + HISTORY_RISE) * start and last > start):
        return []
    return [Finding(
        "lr_too_high", "warning",
        f"the training loss rose from {fmt(start)} to {fmt(peak)} during training",
        f"Steps of a learning rate that suits the loss take it down, or up and back down; "
        f"here it rose from {fmt(start)}, its first value, to {fmt(peak)}, and its last value "
        f"is {fmt(last)}: at lr={fmt(m.lr)} the steps overshoot. Steps "
        f"that large can throw the weights far out, onto the flat ends of sigmoid and tanh "
        f"units (saturated_output, saturated_hidden), where the gradient is nearly 0 and "
        f"no step brings them back.",
        f"lower the learning rate tenfold (lr={fmt(m.lr / 10)}) and start again from fresh "
        f"weights (grown weights stay saturated), or pick one with net.lr_find(X, y)",
        {"loss_first": start, "loss_peak": peak, "loss_last": last, "lr": m.lr,
         "from": "history"},
        list(range(1, len(m.layers) + 1)))]


def class_imbalance(m: Measurements) -> list[Finding]:
    if m.class_counts is None or m.class_counts.size < 2:
        return []
    counts = m.class_counts
    present = counts[counts > 0]
    if present.size < 2:
        return []
    ratio = float(present.max() / present.min())
    if ratio < IMBALANCE_INFO:
        return []
    small = int(np.argmin(np.where(counts > 0, counts, counts.max() + 1)))
    return [Finding(
        "class_imbalance", "warning" if ratio >= IMBALANCE_WARNING else "info",
        f"the largest class has {ratio:.1f}× the samples of the smallest",
        f"Samples per class: {counts.tolist()}. A network that always answers the largest "
        f"class is already {present.max() / counts.sum():.0%} accurate, so accuracy hides "
        f"how badly class {small} ({int(counts[small])} samples) is learnt.",
        "collect or oversample the small classes, weight the loss by class, and judge the "
        "model by its confusion matrix (glassnet evaluate) rather than accuracy",
        {"class_counts": counts.tolist(), "ratio": ratio})]


RULES = (sum_loss_scales_lr, loss_output_mismatch, inputs_not_scaled, bad_init_loss,
         loss_rose_in_training, class_imbalance)
