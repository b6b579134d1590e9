"""The tutorials, replayed with glassnet: ``glassnet demo [ray|loy|walkthrough|moons|blobs]``.

``ray``, ``loy`` and ``walkthrough`` build the tutorial's network with
glassnet, give it the tutorial's initial weights, train it as the tutorial
does, print the tutorial-style error table and predictions, and put the
tutorial's own loop (:mod:`glassnet.tutorials`) beside it to show that the
numbers agree. ``moons`` and ``blobs`` are the 2020 walk-through's second data
set and closing exercise; they also save a decision-boundary plot (PNG) when
matplotlib is installed.

Every demo returns a :class:`DemoRun`: the trained network, its data and its
training history.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from glassnet import tutorials
from glassnet.glassbox.trace import Trace, trace
from glassnet.layers import Dense
from glassnet.network import Network
from glassnet.tools import datasets
from glassnet.training import History


class DemoRun(NamedTuple):
    """What a demo trained: the network, the data (X, y as trained on), the history,
    and the trace of its first training step (taken before ``fit``, as the
    tutorial's spreadsheet shows the first iteration)."""

    net: Network
    X: np.ndarray
    y: np.ndarray
    history: History
    first_step: Trace
    #: whether the demo prints its sum loss per row (the article's "Error"), as its report does
    per_row: bool = False


def _print_table(title: str, epochs: list[int], errors: list[float]) -> None:
    print(title)
    for epoch, error in zip(epochs, errors):
        print(f"Error at epoch {epoch} is {error:.5f}")


def _print_predictions(y: np.ndarray, glassnet_out: np.ndarray, tutorial_out: np.ndarray) -> None:
    print(f"\n{'target':>8}  {'glassnet':>12}  {'tutorial loop':>14}")
    for t, g, r in zip(y.ravel(), glassnet_out.ravel(), tutorial_out.ravel()):
        print(f"{t:>8g}  {g:>12.8f}  {r:>14.8f}")
    diff = float(np.max(np.abs(glassnet_out - tutorial_out)))
    print(f"largest difference between glassnet and the tutorial's loop: {diff:.2e}")


def _trace_and_fit(net: Network, X: np.ndarray, y: np.ndarray, epochs: int, lr: float,
                   loss: str, intro: str) -> tuple[Trace, Any]:
    """Print what the demo trains, trace its first step, then train full-batch."""
    print(intro)
    first_step = trace(net, X, y, loss=loss, lr=lr)
    return first_step, net.fit(X, y, epochs=epochs, lr=lr, loss=loss, optimizer="gd")


def ray(epochs: int = 5000) -> DemoRun:
    """Sunil Ray's 4-3-1 sigmoid network with biases, lr 0.1, full batch."""
    X, y = tutorials.RAY_X, tutorials.RAY_Y
    w = tutorials.ray_initial_weights(seed=42)
    net = Network([Dense(4, 3, activation="sigmoid"), Dense(3, 1, activation="sigmoid")])
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
    first_step, history = _trace_and_fit(
        net, X, y, epochs, 0.1, "half_sse",
        "Sunil Ray's network: 4 inputs, 3 hidden sigmoid units, 1 sigmoid output,\n"
        f"weights from np.random.uniform after seed 42, lr 0.1, {epochs} full-batch epochs\n")
    shown = list(range(0, epochs, max(1, epochs // 10)))
    _print_table("half squared error ½Σ(y − output)²:", shown, [history.loss[e] for e in shown])
    _, trained = tutorials.ray_loop(X, y, **w, epoch=epochs, lr=0.1)
    _print_predictions(y, net.predict(X), tutorials.ray_forward(X, **trained))
    return DemoRun(net, X, y, history, first_step)


def _no_bias_sigmoid_net(hidden_weights: np.ndarray, output_weights: np.ndarray) -> Network:
    """Two sigmoid Dense layers without biases, holding the tutorial's weights."""
    n_inputs, n_hidden = hidden_weights.shape
    net = Network([Dense(n_inputs, n_hidden, "sigmoid", use_bias=False),
                   Dense(n_hidden, output_weights.shape[1], "sigmoid", use_bias=False)])
    net.set_weights([(hidden_weights, None), (output_weights, None)])
    return net


def loy(epochs: int = 1500) -> DemoRun:
    """James Loy's 3-4-1 sigmoid network without biases, sum of squares, lr 1."""
    X, y = tutorials.LOY_X, tutorials.LOY_Y
    w = tutorials.loy_initial_weights(seed=1)
    net = _no_bias_sigmoid_net(w["weights1"], w["weights2"])
    first_step, history = _trace_and_fit(
        net, X, y, epochs, 1.0, "sse",
        "James Loy's network: 3 inputs, 4 hidden sigmoid units, 1 sigmoid output, no biases,\n"
        f"weights from np.random.rand after seed 1, lr 1, {epochs} iterations\n")
    shown = list(range(0, epochs, max(1, epochs // 10)))
    _print_table("sum of squares Σ(y − ŷ)²:", shown, [history.loss[e] for e in shown])
    reference, _ = tutorials.loy_loop(X, y, **w, iterations=epochs)
    _print_predictions(y, net.predict(X), reference)
    return DemoRun(net, X, y, history, first_step)


def walkthrough(epochs: int = 1000) -> DemoRun:
    """The 2020 walk-through: 4-3-1, no biases, seed 42, lr 0.1, error every 100 epochs."""
    X, y = tutorials.WALKTHROUGH_X, tutorials.WALKTHROUGH_Y
    w = tutorials.walkthrough_initial_weights(seed=42)
    net = _no_bias_sigmoid_net(w["weights_input_hidden"], w["weights_hidden_output"])
    first_step, history = _trace_and_fit(
        net, X, y, epochs, 0.1, "half_sse",
        "The 2020 walk-through: 4 inputs, 3 hidden sigmoid units, 1 sigmoid output,\n"
        f"no biases, np.random.seed(42), lr 0.1, {epochs} full-batch epochs\n")
    n = X.shape[0]
    shown = list(range(0, epochs, 100))
    _print_table(
        f"mean half squared error per row, ½Σ(y − output)² ÷ {n} rows (the article's table):",
        shown,
        [history.loss[e] / n for e in shown],
    )
    published = tutorials.WALKTHROUGH_PUBLISHED_ERRORS
    if epochs >= 1000:
        ours = [round(history.loss[e] / n, 5) for e in range(0, 1000, 100)]
        verdict = "equal" if ours == published else "NOT equal"
        print(f"\nthe article printed {published[0]} … {published[-1]}: {verdict} to 5 decimals")
    _, trained = tutorials.walkthrough_loop(X, y, **w, epochs=epochs)
    reference = tutorials.sigmoid(
        tutorials.sigmoid(X @ trained["weights_input_hidden"]) @ trained["weights_hidden_output"]
    )
    _print_predictions(y, net.predict(X), reference)
    return DemoRun(net, X, y, history, first_step, per_row=True)


def _save_boundary(net: Network, X: np.ndarray, labels: np.ndarray, title: str,
                   plot_path: str | os.PathLike | None) -> None:
    if plot_path is None:
        return
    try:
        from glassnet.glassbox import plotting

        fig = plotting.decision_boundary(net, X, labels, title=title)
    except ImportError:
        print("\n(matplotlib is not installed, so no decision-boundary plot: "
              "`pip install glassnet[plot]` adds it)")
        return
    print(f"\ndecision boundary saved to {plotting.save_figure(fig, plot_path)}")


def moons(epochs: int = 10000, n_samples: int = 1000,
          plot_path: str | os.PathLike | None = "glassnet-moons.png") -> DemoRun:
    """The 2020 walk-through's second data set: two moons, 10 hidden neurons, lr 0.1.

    The article's network, rows as samples: 2 → 10 → 1, sigmoid, no biases,
    half squared error ½Σ(y − ŷ)² with the full-batch gradient (a sum over
    samples), weights U[0, 1) (``seed=42``), printing the mean ½(y − ŷ)² every
    1000 epochs. The inputs (glassnet's own moons generator, noise 0.1,
    ``random_state=42``) are normalised by dividing each column by its largest
    value. Saves the decision boundary to ``plot_path`` (None: no plot).
    """
    X, y = datasets.moons(n_samples, noise=0.1, random_state=42)
    X = X / np.amax(X, axis=0)
    net = Network(
        [Dense(2, 10, "sigmoid", use_bias=False), Dense(10, 1, "sigmoid", use_bias=False)],
        seed=42,
    )
    print(f"Two moons: {n_samples} samples, inputs divided by their column maximum;")
    print(f"2 inputs, 10 hidden sigmoid units, 1 sigmoid output, no biases, lr 0.1, {epochs} "
          "full-batch epochs\n")
    first_step = trace(net, X, y, loss="half_sse", lr=0.1)
    history = net.fit(X, y, epochs=epochs, lr=0.1, loss="half_sse", optimizer="gd")
    shown = list(range(0, epochs, 1000))
    _print_table(f"mean half squared error per row, ½Σ(y − ŷ)² ÷ {n_samples} rows "
                 "(the article's table):", shown, [history.loss[e] / n_samples for e in shown])
    output = net.predict(X)[:, 0]
    print(f"\n{'target':>8}  {'output':>10}")
    for t, o in zip(y[:5], output[:5]):
        print(f"{t:>8d}  {o:>10.5f}")
    accuracy = float(np.mean((output >= 0.5) == y))
    print(f"accuracy (output ≥ 0.5 is class 1): {accuracy:.1%}")
    _save_boundary(net, X, y, "Two moons: 2-10-1 sigmoid network", plot_path)
    return DemoRun(net, X, y, history, first_step, per_row=True)


def blobs(epochs: int = 2000, n_samples: int = 1000,
          plot_path: str | os.PathLike | None = "glassnet-blobs.png") -> DemoRun:
    """The walk-through's closing exercise: the same kind of network on three blobs.

    Three Gaussian blobs (``random_state=42``), inputs scaled to [0, 1] per
    column. Three classes need three output units: 2 → 10 → 3, sigmoid hidden
    units, a softmax output ŷ_k = e^(z_k) / Σ_j e^(z_j) and the categorical
    cross-entropy −(1/n) Σ log ŷ_(true class), lr 1.0, full batch, with biases.
    (The article's no-bias squared-error network on one-hot targets stalls on
    a plateau for this data with seed 42, at two classes out of three.)
    """
    X, y = datasets.blobs(n_samples, centers=3, random_state=42)
    X = (X - X.min(axis=0)) / (X.max(axis=0) - X.min(axis=0))
    net = Network([Dense(2, 10, "sigmoid"), Dense(10, 3, "softmax")], seed=42)
    print(f"Three blobs: {n_samples} samples, inputs scaled to [0, 1];")
    print(f"2 inputs, 10 hidden sigmoid units, 3 softmax outputs, lr 1.0, {epochs} "
          "full-batch epochs\n")
    first_step = trace(net, X, y, loss="categorical_crossentropy", lr=1.0)
    history = net.fit(X, y, epochs=epochs, lr=1.0, loss="categorical_crossentropy",
                      metrics=("accuracy",))
    every = max(1, epochs // 10)
    shown = list(range(0, epochs, every))
    print(f"{'epoch':>6}  {'cross-entropy':>13}  {'accuracy':>8}")
    for e in shown:
        print(f"{e:>6}  {history.loss[e]:>13.5f}  {history.metrics['accuracy'][e]:>8.1%}")
    predicted = net.predict(X).argmax(axis=1)
    print(f"\n{'class':>6}  {'samples':>7}  {'predicted right':>15}")
    for k in range(3):
        mask = y == k
        print(f"{k:>6}  {int(mask.sum()):>7}  {int((predicted[mask] == k).sum()):>15}")
    print(f"accuracy: {np.mean(predicted == y):.1%}")
    _save_boundary(net, X, y, "Three blobs: 2-10-3 softmax network", plot_path)
    return DemoRun(net, X, y, history, first_step)


def run(name: str, report: str | os.PathLike | None = "auto") -> DemoRun:
    """Run demo ``name`` and write its HTML report: the first training step traced
    cell by cell, the loss curve, and for 2-D inputs the decision boundary.

    ``report="auto"`` writes ``glassnet-<name>.html`` in the current folder;
    None writes nothing.
    """
    if name not in DEMOS:
        raise ValueError(f"Unknown demo {name!r}. Expected one of: {', '.join(DEMOS)}.")
    result = DEMOS[name]()
    if report is not None:
        path = f"glassnet-{name}.html" if report == "auto" else report
        written = result.first_step.to_html(path, net=result.net, per_row=result.per_row)
        print(f"\nHTML report (first step traced, loss curve) written to {written}")
    return result


DEMOS: dict[str, Callable[[], DemoRun]] = {
    "ray": ray,
    "loy": loy,
    "walkthrough": walkthrough,
    "moons": moons,
    "blobs": blobs,
}
