"""The tutorials, replayed with glassnet: ``glassnet demo [ray|loy|walkthrough]``.

Each demo builds the tutorial's network with glassnet, gives it the
tutorial's initial weights, trains it as the tutorial does, prints the
tutorial-style error table and predictions, and puts the tutorial's own loop
(:mod:`glassnet.tutorials`) beside it to show that the numbers agree.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassnet import tutorials
from glassnet.layers import Dense
from glassnet.network import Network


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


def ray(epochs: int = 5000) -> Network:
    """Sunil Ray's 4-3-1 sigmoid network with biases, lr 0.1, full batch."""
    X, y = tutorials.RAY_X, tutorials.RAY_Y
    w = tutorials.ray_initial_weights(seed=42)
    net = Network([Dense(4, 3, activation="sigmoid"), Dense(3, 1, activation="sigmoid")])
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
    print("Sunil Ray's network: 4 inputs, 3 hidden sigmoid units, 1 sigmoid output,")
    print(f"weights from np.random.uniform after seed 42, lr 0.1, {epochs} full-batch epochs\n")
    history = net.fit(X, y, epochs=epochs, lr=0.1, loss="half_sse", optimizer="gd")
    shown = list(range(0, epochs, max(1, epochs // 10)))
    _print_table("half squared error ½Σ(y − output)²:", shown, [history.loss[e] for e in shown])
    _, trained = tutorials.ray_loop(X, y, **w, epoch=epochs, lr=0.1)
    _print_predictions(y, net.predict(X), tutorials.ray_forward(X, **trained))
    return net


def loy(epochs: int = 1500) -> Network:
    """James Loy's 3-4-1 sigmoid network without biases, sum of squares, lr 1."""
    X, y = tutorials.LOY_X, tutorials.LOY_Y
    w = tutorials.loy_initial_weights(seed=1)
    net = Network(
        [Dense(3, 4, "sigmoid", use_bias=False), Dense(4, 1, "sigmoid", use_bias=False)]
    )
    net.set_weights([(w["weights1"], None), (w["weights2"], None)])
    print("James Loy's network: 3 inputs, 4 hidden sigmoid units, 1 sigmoid output, no biases,")
    print(f"weights from np.random.rand after seed 1, lr 1, {epochs} iterations\n")
    history = net.fit(X, y, epochs=epochs, lr=1.0, loss="sse", optimizer="gd")
    shown = list(range(0, epochs, max(1, epochs // 10)))
    _print_table("sum of squares Σ(y − ŷ)²:", shown, [history.loss[e] for e in shown])
    reference, _ = tutorials.loy_loop(X, y, **w, iterations=epochs)
    _print_predictions(y, net.predict(X), reference)
    return net


def walkthrough(epochs: int = 1000) -> Network:
    """The 2020 walk-through: 4-3-1, no biases, seed 42, lr 0.1, error every 100 epochs."""
    X, y = tutorials.WALKTHROUGH_X, tutorials.WALKTHROUGH_Y
    w = tutorials.walkthrough_initial_weights(seed=42)
    net = Network(
        [Dense(4, 3, "sigmoid", use_bias=False), Dense(3, 1, "sigmoid", use_bias=False)]
    )
    net.set_weights([(w["weights_input_hidden"], None), (w["weights_hidden_output"], None)])
    print("The 2020 walk-through: 4 inputs, 3 hidden sigmoid units, 1 sigmoid output,")
    print(f"no biases, np.random.seed(42), lr 0.1, {epochs} full-batch epochs\n")
    history = net.fit(X, y, epochs=epochs, lr=0.1, loss="half_sse", optimizer="gd")
    n = X.shape[0]
    shown = list(range(0, epochs, 100))
    _print_table(
        "mean half squared error (the article's table):",
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
    return net


DEMOS: dict[str, Callable[[], Network]] = {"ray": ray, "loy": loy, "walkthrough": walkthrough}
