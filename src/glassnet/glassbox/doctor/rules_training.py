"""The doctor's rules on what the passes and the training show: saturation, dead
units, gradient flow, the learning rate, divergence and the fit. Thresholds and
their sources are in :mod:`glassnet.glassbox.doctor.rules`."""

from __future__ import annotations

import math

import numpy as np

from glassnet.glassbox.doctor.findings import Finding
from glassnet.glassbox.doctor.probes import SATURATION_MARGIN, Measurements
from glassnet.glassbox.doctor.rules import (
    ACC_GAP_HIGH,
    ACC_GAP_LOW,
    CONSTANT_SHARE,
    DEAD_SHARE,
    EXPLODE_RATIO,
    MIN_DELTA,
    OVERFIT_RISE,
    PATIENCE,
    SATISFIED_ACCURACY,
    SATURATED_SHARE,
    STALL_SHARE,
    UNDERFIT_SHARE,
    UPDATE_HIGH,
    UPDATE_LOW,
    VANISH_FIRST_NORM,
    VANISH_RATIO,
    fmt,
)

INIT_FIX = ("initialise with zero-centred, scaled weights: init=\"glorot_uniform\" for sigmoid "
            "and tanh layers, init=\"he_normal\" for relu (the default \"uniform\" draws "
            "U[0, 1), all positive, as the tutorials do)")


def _cell(layer, which: str = "a") -> str:
    name = layer.names.get(which, f"layer{layer.number}_{which}")
    if layer.saturated_cell is None:
        return name
    return f"{name}[{layer.saturated_cell[0]}, {layer.saturated_cell[1]}]"


def _fused(m: Measurements) -> bool:
    """Sigmoid with binary cross-entropy (softmax with categorical): the output delta is
    ŷ − y, which skips the activation's slope, so a saturated output still learns."""
    return (m.output_activation, m.loss) in (("sigmoid", "binary_crossentropy"),
                                            ("softmax", "categorical_crossentropy"))


def saturated_output(m: Measurements) -> list[Finding]:
    out = m.output_layer
    if out.saturated is None or out.saturated < SATURATED_SHARE or _fused(m):
        return []
    return [Finding(
        "saturated_output", "warning",
        f"{out.saturated:.0%} of the outputs sit on the flat ends of the {out.activation}",
        f"The output layer's {out.activation} is within {SATURATION_MARGIN} of its bounds for "
        f"{out.saturated:.0%} of the rows, where its slope (slope_output_layer = a(1 − a) for "
        f"a sigmoid) is nearly 0, so d_output and every gradient behind it are nearly 0: the "
        f"output cannot move. Its input z = a W + b is large: each output unit adds up "
        f"{m.layers[-2].n_units if len(m.layers) > 1 else m.feature_mean.size} products, "
        f"and weights that all share one sign (‖W‖ = {fmt(out.weight_norm)}) add up.",
        INIT_FIX + ", or fewer hidden units",
        {"saturated_share": out.saturated, "weight_norm": out.weight_norm},
        [out.number], [_cell(out), out.names.get("z", "output_layer_input")])]


def saturated_hidden(m: Measurements) -> list[Finding]:
    hit = [layer for layer in m.hidden_layers
           if layer.saturated is not None and layer.saturated >= SATURATED_SHARE]
    if not hit:
        return []
    shares = ", ".join(f"{layer.label}: {layer.saturated:.0%}" for layer in hit)
    cause = "inputs_not_scaled" if hit[0].number == 1 else None
    return [Finding(
        "saturated_hidden", "warning",
        f"hidden units sit on the flat ends of their activation ({shares})",
        f"Saturated share of the activations (within {SATURATION_MARGIN} of a bound): "
        f"{shares}. There the slope f'(z) is nearly 0, so d = Error ⊙ f'(z) is nearly 0 and "
        f"those weights hardly change; the units behave as constants.",
        "scale the inputs to mean 0 and standard deviation 1 and " + INIT_FIX,
        {"saturated_share": {layer.number: layer.saturated for layer in hit}},
        [layer.number for layer in hit], [_cell(layer) for layer in hit], cause)]


def dead_relu(m: Measurements) -> list[Finding]:
    out = []
    for layer in m.hidden_layers:
        if not layer.dead_units:
            continue
        share = len(layer.dead_units) / layer.n_units
        units = ", ".join(map(str, layer.dead_units[:20])) + (
            " …" if len(layer.dead_units) > 20 else "")
        a = layer.names.get("a", f"layer{layer.number}_activations")
        out.append(Finding(
            "dead_relu", "warning" if share >= DEAD_SHARE else "info",
            f"{len(layer.dead_units)} of {layer.n_units} ReLU units of layer {layer.number} "
            f"are dead",
            f"Units {units} of {layer.label} output 0 for every probed row: their z is "
            f"negative everywhere, so relu'(z) = 0, no gradient reaches their weights and they "
            f"never come back ({share:.0%} of the layer; {layer.grad_zero_fraction:.0%} of its "
            f"weight gradients are exactly 0).",
            "start the biases at 0 (or a small positive value such as 0.01), use "
            "init=\"he_normal\", a smaller learning rate, or activation=\"leaky_relu\"",
            {"layer": layer.number, "dead_units": layer.dead_units, "share": share,
             "grad_zero_fraction": layer.grad_zero_fraction},
            [layer.number], [f"{a}[:, {j}]" for j in layer.dead_units[:5]]))
    return out


def gradient_table(m: Measurements) -> str:
    return "; ".join(f"layer {layer.number} ‖dW‖ = {fmt(layer.grad_norm)}" for layer in m.layers)


def gradient_flow(m: Measurements) -> list[Finding]:
    if len(m.layers) < 2 or m.layers[-1].grad_norm == 0 or m.probe.diverged:
        return []
    first, last = m.layers[0].grad_norm, m.layers[-1].grad_norm
    ratio = first / last
    numbers = {"ratio_first_to_last": ratio,
               "grad_norms": {layer.number: layer.grad_norm for layer in m.layers}}
    if ratio < VANISH_RATIO and first < VANISH_FIRST_NORM:
        dead = any(layer.dead_units for layer in m.hidden_layers)
        return [Finding(
            "vanishing_gradient", "warning",
            f"the first layer's gradient is {ratio:.1e} times the last layer's",
            f"Going back through the layers the gradient shrinks ({gradient_table(m)}): each "
            f"layer multiplies it by Wᵀ and by its activation's slope (at most 0.25 for a "
            f"sigmoid), so after {len(m.layers)} layers the first ones barely learn.",
            "use fewer layers, relu with init=\"he_normal\" (or tanh with "
            "init=\"glorot_uniform\") in the hidden layers, and scaled inputs",
            numbers, [layer.number for layer in m.layers], [m.layers[0].names.get("W", "W1")],
            "dead_relu" if dead else None)]
    if ratio > EXPLODE_RATIO:
        return [Finding(
            "exploding_gradient", "warning",
            f"the first layer's gradient is {ratio:.3g} times the last layer's",
            f"Going back through the layers the gradient grows ({gradient_table(m)}): each "
            f"layer multiplies it by Wᵀ, and weights this large amplify it at every layer.",
            "initialise smaller (init=\"glorot_uniform\" or \"he_normal\"), use fewer layers "
            "or a smaller learning rate",
            numbers, [layer.number for layer in m.layers], [m.layers[0].names.get("W", "W1")])]
    return []


def diverged(m: Measurements) -> list[Finding]:
    d = m.probe.diverged
    if d is None:
        return []
    where, cells = "", []
    if d.get("tensor") == "loss":
        where = (" Every array of the trace is still finite in that epoch, but the "
                 "outputs are so far off that the loss itself overflows (inf).")
        cells = ["E"]
    elif d.get("tensor"):
        cell = d.get("cell")
        at = f"[{cell[0]}, {cell[1]}]" if cell else ""
        step = f" in step {d['step']} ({d['title']})" if d.get("step") is not None else ""
        where = (f" The first number to overflow is {d['tensor']}{at} = {d['value']}{step} "
                 f"of the trace, in that epoch; every later step is NaN.")
        cells = [f"{d['tensor']}{at}"]
    return [Finding(
        "diverged", "error",
        f"training diverges: the loss becomes NaN or infinite in epoch {d['probe_epoch']} of "
        f"a short run from the current weights",
        f"With {m.optimizer} at lr={fmt(m.lr)} the steps overshoot and grow until a number "
        f"is no longer finite.{where}",
        f"lower the learning rate (try lr={fmt(m.lr / 10)}, or pick one with "
        f"net.lr_find(X, y)) and scale the inputs",
        {k: v for k, v in d.items() if k != "message"} | {"lr": m.lr}, [], cells)]


def _per_step_ratio(m: Measurements) -> float | None:
    """The largest layer's update/weight ratio per update (the epoch's, over its steps)."""
    ratios = [layer.update_ratio for layer in m.layers if layer.update_ratio is not None]
    if not ratios or not all(math.isfinite(r) for r in ratios):
        return None
    steps = math.ceil(m.n_rows / m.batch_rows)
    return max(ratios) / steps


def learning_rate(m: Measurements, codes: set[str]) -> list[Finding]:
    losses, ratio = m.probe.losses, _per_step_ratio(m)
    if m.probe.diverged or len(losses) < 2 or ratio is None:
        return []
    start, end = losses[0], losses[-1]
    before = min(start, m.loss_now)  # the first epoch's mean already holds its steps
    rose = max(losses) > 1.1 * before
    numbers = {"update_ratio": ratio, "lr": m.lr, "probe_epochs": len(losses),
               "probe_loss_first": start, "probe_loss_last": end}
    if ratio > UPDATE_HIGH and rose:
        return [Finding(
            "lr_too_high", "warning",
            f"each step changes the weights by {ratio:.0%} of their size",
            f"cs231n's rule of thumb: an update should be about 1e-3 of the weights it "
            f"changes; at lr={fmt(m.lr)} it is {ratio:.2g}, and the loss rose from {fmt(before)} "
            f"to {fmt(max(losses))} during {len(losses)} probe epochs: the steps overshoot.",
            f"lower the learning rate (try lr={fmt(m.lr / 10)}) or pick one with "
            f"net.lr_find(X, y)", numbers, [layer.number for layer in m.layers])]
    learnt = m.loss_now <= 0.1 * m.baseline_loss
    stalled = start - end < STALL_SHARE * abs(start)
    # saturated or dead units make the steps small whatever the rate: the cause is theirs
    blocked = codes & {"saturated_output", "saturated_hidden", "dead_relu", "vanishing_gradient"}
    if 0 < ratio < UPDATE_LOW and stalled and not learnt and not blocked:
        return [Finding(
            "lr_too_low", "warning",
            f"each step changes the weights by only {ratio:.1e} of their size",
            f"cs231n's rule of thumb: an update should be about 1e-3 of the weights it "
            f"changes; at lr={fmt(m.lr)} it is {ratio:.1e}, and in {len(losses)} probe epochs "
            f"the loss went from {fmt(start)} to {fmt(end)} ({(start - end) / start:.2%} less): "
            f"training would take thousands of times longer than it needs to.",
            f"raise the learning rate (try lr={fmt(m.lr * 1e-3 / ratio)}, which makes the "
            f"ratio about 1e-3) or pick one with net.lr_find(X, y)",
            numbers, [layer.number for layer in m.layers])]
    return []


def constant_predictions(m: Measurements, codes: set[str]) -> list[Finding]:
    if m.probe.diverged or m.target_spread == 0:
        return []
    spread = m.output_spread if m.trained or m.probe.output_spread is None else min(
        m.output_spread, m.probe.output_spread)
    # (one predicted class for every row is not enough: a classifier starts that way and
    # leaves that plateau later, as the tutorial's network does after a few hundred epochs)
    if spread >= CONSTANT_SHARE * m.target_spread:
        return []
    dead_last = bool(m.hidden_layers and len(m.hidden_layers[-1].dead_units)
                     == m.hidden_layers[-1].n_units)
    out = m.output_layer
    saturated = out.saturated is not None and out.saturated >= SATURATED_SHARE and not _fused(m)
    cause = "saturated_output" if saturated else "dead_relu" if dead_last else next(
        (c for c in ("saturated_hidden", "vanishing_gradient") if c in codes), None)
    return [Finding(
        "constant_predictions", "warning",
        "the network gives (nearly) the same output for every row",
        f"Across the rows the outputs vary by {spread:.2g} (standard deviation) while the "
        f"targets vary by {m.target_spread:.2g}: the network answers as if it had not "
        f"looked at the inputs.",
        f"fix its cause first ({cause}, above)" if cause else INIT_FIX,
        {"output_spread": spread, "target_spread": m.target_spread},
        [out.number], [out.names.get("a", "output")], cause)]


def overfitting(m: Measurements) -> list[Finding]:
    train, val = m.history.get("loss", []), m.history.get("val_loss", [])
    numbers: dict = {}
    why = ""
    if len(val) == len(train) and len(val) > 2 * PATIENCE:
        best = int(np.argmin(val))
        if (len(val) - 1 - best >= PATIENCE and val[-1] > (1 + OVERFIT_RISE) * val[best]
                and train[-1] < train[best]):
            numbers = {"best_val_epoch": best, "best_val_loss": val[best],
                       "last_val_loss": val[-1], "last_loss": train[-1], "epochs": len(val)}
            why = (f"The validation loss was lowest at epoch {best} ({fmt(val[best])}) and has "
                   f"risen to {fmt(val[-1])} over the {len(val) - 1 - best} epochs since, while "
                   f"the training loss kept falling (to {fmt(train[-1])}).")
    acc, val_acc = m.history.get("accuracy", []), m.history.get("val_accuracy", [])
    if not why and acc and val_acc:
        gap = acc[-1] - val_acc[-1]
        if gap >= (ACC_GAP_HIGH if acc[-1] > 0.9 else ACC_GAP_LOW):
            numbers = {"accuracy": acc[-1], "val_accuracy": val_acc[-1], "gap": gap}
            why = (f"Training accuracy is {acc[-1]:.1%} but validation accuracy only "
                   f"{val_acc[-1]:.1%} (a gap of {gap:.1%}).")
    if not why and m.val_loss_now is not None and m.loss_now < UNDERFIT_SHARE * m.baseline_loss:
        if m.val_loss_now > 2 * m.loss_now:
            numbers = {"loss": m.loss_now, "val_loss": m.val_loss_now}
            times = m.val_loss_now / m.loss_now
            why = (f"The loss on the validation data ({fmt(m.val_loss_now)}) is {times:.1f} "
                   f"times the training loss ({fmt(m.loss_now)}).")
    if not why:
        return []
    return [Finding(
        "overfitting", "warning", "the network memorises the training rows",
        why + " It has learnt the training rows' noise rather than the pattern, so it does "
        "worse on rows it has not seen.",
        "stop earlier (callbacks=[gn.EarlyStopping(patience=10)] keeps the best weights), use "
        "fewer or narrower layers, weight_decay, gn.Dropout, or more data", numbers)]


def underfitting(m: Measurements, codes: set[str]) -> list[Finding]:
    train = m.history.get("loss", [])
    if len(train) <= 2 * PATIENCE or codes & {"lr_too_low", "diverged", "constant_predictions"}:
        return []
    window = train[-PATIENCE - 1:]
    plateau = window[0] - min(window[1:]) < MIN_DELTA * max(1.0, m.baseline_loss)
    acc = m.history.get("accuracy", [])
    poor = (acc[-1] < SATISFIED_ACCURACY) if acc else train[-1] > UNDERFIT_SHARE * m.baseline_loss
    if not (plateau and poor):
        return []
    detail = (f"training accuracy {acc[-1]:.1%}" if acc else
              f"loss {fmt(train[-1])}, {train[-1] / m.baseline_loss:.0%} of the "
              f"{fmt(m.baseline_loss)} that always predicting the mean gives")
    return [Finding(
        "underfitting", "warning", "training has stopped improving while the fit is still poor",
        f"Over the last {PATIENCE} epochs the loss improved by less than {MIN_DELTA:g} (Keras's "
        f"plateau rule), with {detail}: the network is too small, or cannot learn with these "
        f"settings.",
        "use more units or layers, scaled inputs, a loss matched to the output, and a "
        "learning rate picked with net.lr_find(X, y)",
        {"last_loss": train[-1], "baseline_loss": m.baseline_loss} | (
            {"accuracy": acc[-1]} if acc else {}))]
