"""TensorFlow Playground's algorithm on glassnet's engine: its data, its network, its epoch.

``from_url(url)`` builds what Playground builds when it opens that URL
(src/playground.ts ``generateData(true)`` then ``reset(true)``), from one
random stream seeded with the URL's ``seed`` (seedrandom's ARC4):

1. the data set, drawn in its generator's order (:mod:`.datasets`), with
   noise = ``noise``/100 (500 points for classification, 1200 for regression);
2. Playground's Fisher–Yates shuffle, then the split: the first
   ⌊n·percTrainData/100⌋ points train, the rest test;
3. the network: input features → ``networkShape`` hidden layers of
   ``activation`` → one output (tanh for classification with labels ±1,
   linear for regression). Each weight is ``random() − 0.5``, drawn destination
   node by destination node (so ``W`` fills column by column); biases are 0.1;
   ``initZero`` sets both to 0 but still consumes the draws.

``train_epoch(pg)`` is Playground's ``oneStep``; see :mod:`.training`.
"""

from __future__ import annotations

import math
import random as stdlib_random
from dataclasses import dataclass, field

import numpy as np

from glassnet.glassbox.playground import datasets
from glassnet.glassbox.playground.dense import dense_layers
from glassnet.glassbox.playground.seedrandom import SeedRandom
from glassnet.glassbox.playground.state import State, check, parse, to_fixed
from glassnet.glassbox.playground.training import loss
from glassnet.layers import Dense
from glassnet.losses import HalfSSE, Loss
from glassnet.network import Network

#: Playground's INPUTS, in its order: id → (label, f(x₁, x₂)); cosX/cosY are not inputs
FEATURES = {
    "x": ("X_1", lambda x, y: x),
    "y": ("X_2", lambda x, y: y),
    "xSquared": ("X_1^2", lambda x, y: x * x),
    "ySquared": ("X_2^2", lambda x, y: y * y),
    "xTimesY": ("X_1X_2", lambda x, y: x * y),
    "sinX": ("sin(X_1)", lambda x, y: np.sin(x)),
    "sinY": ("sin(X_2)", lambda x, y: np.sin(y)),
}


def feature_ids(state: State) -> list[str]:
    """The enabled inputs in Playground's order: on in the state and not ``<id>_hide``."""
    return [f for f in FEATURES if getattr(state, f) and not state.is_hidden(f)]


@dataclass(repr=False)
class Experiment:
    """What Playground holds for one page: its state, data, network and training progress.

    Attributes
    ----------
    state : the :class:`~.state.State` (``learningRate``, ``batchSize``,
        ``regularizationRate`` are read again at every epoch, so changing them
        takes effect at once, as in Playground).
    train, test : (n, 3) float64 arrays of x₁, x₂ and label, in Playground's order.
    network : the glassnet :class:`~glassnet.network.Network`;
        ``layers[k].W[i, j]`` is the weight of the link from node i of layer k
        (layer 0: the inputs) to node j of layer k + 1, ``layers[k].b[j]`` that
        node's bias.
    rng : the random stream, where Playground's ``Math.random`` is now.
    dead : per layer, a bool array shaped like W: the links L1 has set to 0 for good.
    acc_W, acc_b, n_acc : the gradient sums accumulated since the last update
        and how many examples they hold (carried from one epoch into the next).
    epoch : Playground's ``iter``; loss_train, loss_test : its last ``getLoss``.
    last_update : per layer, the numbers of the most recent weight update
        (``W_before``, ``b_before``, ``grad_W``, ``grad_b`` = sums / n, ``regul_der``,
        ``n``), so that a page can show ``w ← w − η·(1/B)·Σ δ·a_prev − η·λ·sign(w)``.
    """

    state: State
    train: np.ndarray
    test: np.ndarray
    rng: SeedRandom
    network: Network = field(init=False)
    dead: list[np.ndarray] = field(init=False)
    acc_W: list[np.ndarray] = field(init=False)
    acc_b: list[np.ndarray] = field(init=False)
    n_acc: int = 0
    epoch: int = 0
    loss_train: float = math.nan
    loss_test: float = math.nan
    last_update: list[dict] = field(default_factory=list)

    def __repr__(self) -> str:
        shape = "-".join(str(layer.n_inputs) for layer in self.layers)
        shape += f"-{self.layers[-1].n_units}"
        return (
            f"Experiment(seed={self.state.seed!r}, data={self.data_name!r}, network={shape}, "
            f"train={len(self.train)}, test={len(self.test)}, epoch={self.epoch}, "
            f"loss_train={self.loss_train:.6g}, loss_test={self.loss_test:.6g})"
        )

    @property
    def data_name(self) -> str:
        """The data set's Playground name (``circle`` … ``reg-gauss``)."""
        return self.state.regDataset if self.is_regression else self.state.dataset

    @property
    def feature_ids(self) -> list[str]:
        """Playground's ids of the enabled inputs (``x``, ``y``, ``xSquared``, …), in order."""
        return feature_ids(self.state)

    @property
    def is_regression(self) -> bool:
        return self.state.problem == "regression"

    @property
    def layers(self) -> list[Dense]:
        """``network.layers``, each a :class:`~glassnet.layers.Dense`."""
        return dense_layers(self.network)

    @property
    def n_classes(self) -> int:
        """The number of classes of a softmax output (k ≥ 3, your own table only); 0 for
        Playground's own output (one tanh unit, labels ±1, or linear for regression)."""
        return 0

    @property
    def error(self) -> Loss:
        """The error each example's backward pass starts from: Playground's ½ (o − t)²."""
        return HalfSSE()

    def targets(self, points: np.ndarray) -> np.ndarray:
        """The network's targets for stored points: the label column, (m, 1)."""
        return points[:, 2:3]

    def inputs(self, points) -> np.ndarray:
        """The feature matrix of ``points`` ((m, ≥2): x₁, x₂ first): one column per
        enabled feature, in Playground's order x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂."""
        points = np.asarray(points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] < 2:
            raise ValueError(
                f"points must be an (m, 2) or (m, 3) array of x₁, x₂ (and label), but it has "
                f"shape {points.shape}."
            )
        x, y = points[:, 0], points[:, 1]
        columns = [FEATURES[f][1](x, y) for f in self.feature_ids]
        return np.column_stack(columns) if columns else np.empty((len(points), 0))

    def reset(self) -> None:
        """Playground's reset button: a new network whose weights continue the stream."""
        self.network, self.dead = build_network(self.state, len(self.feature_ids), self.rng,
                                                self.n_classes)
        self.acc_W = [np.zeros_like(layer.W) for layer in self.layers]
        self.acc_b = [np.zeros_like(layer.b) for layer in self.layers]
        self.n_acc, self.epoch, self.last_update = 0, 0, []
        self.loss_train = loss(self, self.train)
        self.loss_test = loss(self, self.test)

    def regenerate(self) -> None:
        """Playground's ``generateData()``: a new seed from the stream (``toFixed(5)``),
        new data from it; the network is kept (Playground's controls that change the
        data call :meth:`reset` after this)."""
        self.state.seed = to_fixed(self.rng.random())
        self.train, self.test, self.rng = make_data(self.state)


def make_data(state: State) -> tuple[np.ndarray, np.ndarray, SeedRandom]:
    """Seed the stream with ``state.seed``, draw the data, shuffle and split it.

    Returns (train, test, stream), the stream where the weights will start.
    """
    if state.seed is None:
        raise ValueError("The state has no seed; give one (seed=0.59454), or build it with "
                         "from_state, which picks one as Playground does.")
    rng = SeedRandom(state.seed)
    regression = state.problem == "regression"
    n = datasets.N_REGRESS if regression else datasets.N_CLASSIFY
    generator = datasets.GENERATORS[state.regDataset if regression else state.dataset]
    points = datasets.shuffle(rng, generator(rng, n, state.noise / 100))
    split = math.floor(len(points) * state.percTrainData / 100)  # slices as JavaScript's do
    return points[:split].copy(), points[split:].copy(), rng


def build_network(state: State, n_inputs: int, rng: SeedRandom,
                  n_classes: int = 0) -> tuple[Network, list[np.ndarray]]:
    """Playground's ``buildNetwork`` as a glassnet Network, and its (all-alive) dead masks.

    Weights are ``random() − 0.5`` drawn for node j of each layer in turn, over its
    input links i: W[:, j] is one destination node's draws. Biases 0.1; ``initZero``
    zeroes both after the draws. ``n_classes`` = k ≥ 3 ends in k softmax units
    instead of Playground's one output (drawn the same way).
    """
    if n_inputs == 0:
        raise ValueError(
            "No input feature is enabled (x, y, xSquared, ySquared, xTimesY, sinX, sinY are "
            "all false or hidden); turn at least one on, for example x=true."
        )
    sizes = [n_inputs, *state.networkShape, n_classes or 1]
    output = "softmax" if n_classes else "linear" if state.problem == "regression" else "tanh"
    layers = [
        Dense(n_in, n_out, activation=output if k == len(sizes) - 2 else state.activation)
        for k, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]
    network = Network(layers, seed=0)
    for layer in layers:
        draws = rng.random_array(layer.n_inputs * layer.n_units) - 0.5
        W = draws.reshape(layer.n_units, layer.n_inputs).T  # row j of the draws → column j of W
        layer.W = np.zeros_like(W) if state.initZero else W
        layer.b = np.full(layer.n_units, 0.0 if state.initZero else 0.1)
    return network, [np.zeros(layer.W.shape, dtype=bool) for layer in layers]


def from_state(state: State) -> Experiment:
    """The :class:`Experiment` Playground builds when its page opens with ``state``.

    A state without a seed gets one as Playground picks it (a random number
    written with five decimals), kept in ``pg.state.seed``.
    """
    state = state.copy()
    check(state)
    if state.seed is None:
        state.seed = to_fixed(stdlib_random.random())  # Playground: Math.random().toFixed(5)
    # the page's noise slider at load: above 80 becomes 50, below 0 becomes 0
    if state.noise > 80:
        state.noise = 50
    elif state.noise < 0:
        state.noise = 0
    train, test, rng = make_data(state)
    pg = Experiment(state=state, train=train, test=test, rng=rng)
    pg.reset()
    return pg


def from_url(url: str) -> Experiment:
    """The data set and initial network TensorFlow Playground builds from ``url``.

    ``url`` is a Playground link (``https://playground.tensorflow.org/#activation=...``)
    or its hash alone. See :class:`Experiment` for what comes back.

    >>> import glassnet as gn
    >>> pg = gn.playground.from_url("#dataset=xor&networkShape=3&seed=0.5&percTrainData=40")
    >>> pg.train.shape, pg.test.shape, [layer.W.shape for layer in pg.network.layers]
    ((200, 3), (300, 3), [(2, 3), (3, 1)])
    """
    return from_state(parse(url))
