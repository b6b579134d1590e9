"""The tutorials' own data, initial weights and training loops, transcribed.

These are the published NumPy loops, kept line for line (only wrapped in
functions), so that glassnet's results can be put beside the originals:

- :func:`ray_loop` — Sunil Ray, "Understanding and coding Neural Networks From
  Scratch in Python and R" (2017), "Implementing NN using Numpy": 4-3-1,
  biases, sigmoid, full-batch, ``E = y − output``, weights updated with ``+=``.
- :func:`loy_loop` — James Loy, "How to build your own Neural Network from
  scratch in Python": 3-4-1, no biases, sum of squares, learning rate 1.
- :func:`walkthrough_loop` — the 2020 rewrite of Ray's article: inputs as
  columns, no biases, ``np.random.seed(42)``, lr 0.1, mean half squared error
  printed every 100 epochs.

The initial weights come from a local ``numpy.random.RandomState(seed)``, which
draws exactly what the tutorials' ``np.random.seed(seed)`` followed by
``np.random.uniform`` / ``np.random.rand`` draw, without touching NumPy's
global random state.
"""

from __future__ import annotations

import numpy as np

#: Ray's inputs and targets (the 2017 article and its Excel walk-through)
RAY_X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
RAY_Y = np.array([[1], [1], [0]], dtype=float)

#: The 2020 walk-through's inputs (samples as rows here; the article transposes them)
WALKTHROUGH_X = np.array([[1, 0, 0, 0], [1, 0, 1, 1], [0, 1, 0, 1]], dtype=float)
WALKTHROUGH_Y = np.array([[1], [1], [0]], dtype=float)

#: The article's printed mean half squared error at epochs 0, 100, ..., 900
WALKTHROUGH_PUBLISHED_ERRORS = [
    0.11553, 0.11082, 0.10606, 0.09845, 0.08483,
    0.06396, 0.04206, 0.02641, 0.01719, 0.01190,
]  # fmt: skip

#: Loy's XOR-like data: the target is x1 XOR x2
LOY_X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=float)
LOY_Y = np.array([[0], [1], [1], [0]], dtype=float)

#: The weights printed in the 2017 article's Excel steps 1-2 (two decimals)
RAY_PRINTED_WEIGHTS = {
    "wh": np.array(
        [[0.42, 0.88, 0.55], [0.10, 0.73, 0.68], [0.60, 0.18, 0.47], [0.92, 0.11, 0.52]]
    ),
    "bh": np.array([[0.46, 0.72, 0.08]]),
    "wout": np.array([[0.30], [0.25], [0.23]]),
    "bout": np.array([[0.69]]),
}


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def derivatives_sigmoid(x):
    return x * (1 - x)


def ray_initial_weights(seed: int = 42, hidden: int = 3) -> dict[str, np.ndarray]:
    """wh, bh, wout, bout drawn in the tutorial's order with ``np.random.uniform``."""
    rs = np.random.RandomState(seed)
    inputlayer_neurons, hiddenlayer_neurons, output_neurons = RAY_X.shape[1], hidden, 1
    wh = rs.uniform(size=(inputlayer_neurons, hiddenlayer_neurons))
    bh = rs.uniform(size=(1, hiddenlayer_neurons))
    wout = rs.uniform(size=(hiddenlayer_neurons, output_neurons))
    bout = rs.uniform(size=(1, output_neurons))
    return {"wh": wh, "bh": bh, "wout": wout, "bout": bout}


def ray_loop(X, y, wh, bh, wout, bout, epoch=5000, lr=0.1):
    """Sunil Ray's loop; returns its last ``output`` and the trained weights.

    Like the tutorial's ``print output``, the returned output is the one computed
    in the last epoch's forward pass, before that epoch's update.
    """
    wh, bh, wout, bout = wh.copy(), bh.copy(), wout.copy(), bout.copy()
    for _ in range(epoch):
        # Forward Propogation
        hidden_layer_input1 = np.dot(X, wh)
        hidden_layer_input = hidden_layer_input1 + bh
        hiddenlayer_activations = sigmoid(hidden_layer_input)
        output_layer_input1 = np.dot(hiddenlayer_activations, wout)
        output_layer_input = output_layer_input1 + bout
        output = sigmoid(output_layer_input)
        # Backpropagation
        E = y - output
        slope_output_layer = derivatives_sigmoid(output)
        slope_hidden_layer = derivatives_sigmoid(hiddenlayer_activations)
        d_output = E * slope_output_layer
        Error_at_hidden_layer = d_output.dot(wout.T)
        d_hiddenlayer = Error_at_hidden_layer * slope_hidden_layer
        wout += hiddenlayer_activations.T.dot(d_output) * lr
        bout += np.sum(d_output, axis=0, keepdims=True) * lr
        wh += X.T.dot(d_hiddenlayer) * lr
        bh += np.sum(d_hiddenlayer, axis=0, keepdims=True) * lr
    return output, {"wh": wh, "bh": bh, "wout": wout, "bout": bout}


def ray_forward(X, wh, bh, wout, bout):
    """The tutorial's forward propagation alone: the network's output for X."""
    hiddenlayer_activations = sigmoid(np.dot(X, wh) + bh)
    return sigmoid(np.dot(hiddenlayer_activations, wout) + bout)


def loy_initial_weights(seed: int = 1) -> dict[str, np.ndarray]:
    """weights1 (3, 4) and weights2 (4, 1) drawn as Loy's ``np.random.rand``."""
    rs = np.random.RandomState(seed)
    return {"weights1": rs.rand(LOY_X.shape[1], 4), "weights2": rs.rand(4, 1)}


class NeuralNetwork:
    """James Loy's class, as published (``iterations`` of feedforward + backprop)."""

    def __init__(self, x, y, weights1, weights2):
        self.input = x
        self.weights1 = weights1.copy()
        self.weights2 = weights2.copy()
        self.y = y
        self.output = np.zeros(self.y.shape)

    def feedforward(self):
        self.layer1 = sigmoid(np.dot(self.input, self.weights1))
        self.output = sigmoid(np.dot(self.layer1, self.weights2))

    def backprop(self):
        # application of the chain rule to find derivative of the loss function
        # with respect to weights2 and weights1
        d_weights2 = np.dot(
            self.layer1.T, (2 * (self.y - self.output) * derivatives_sigmoid(self.output))
        )
        d_weights1 = np.dot(
            self.input.T,
            (
                np.dot(
                    2 * (self.y - self.output) * derivatives_sigmoid(self.output),
                    self.weights2.T,
                )
                * derivatives_sigmoid(self.layer1)
            ),
        )
        self.weights1 += d_weights1
        self.weights2 += d_weights2


def loy_loop(X, y, weights1, weights2, iterations=1500):
    nn = NeuralNetwork(X, y, weights1, weights2)
    for _ in range(iterations):
        nn.feedforward()
        nn.backprop()
    nn.feedforward()
    return nn.output, {"weights1": nn.weights1, "weights2": nn.weights2}


def walkthrough_initial_weights(seed: int = 42) -> dict[str, np.ndarray]:
    """The weights the 2020 article's loop starts from.

    After ``np.random.seed(42)`` the article draws both matrices for its
    single-step demo, then draws them again before its 1000-epoch loop; the
    loop starts from the second draw.
    """
    rs = np.random.RandomState(seed)
    for _ in range(2):
        weights_input_hidden = rs.uniform(size=(4, 3))
        weights_hidden_output = rs.uniform(size=(3, 1))
    return {
        "weights_input_hidden": weights_input_hidden,
        "weights_hidden_output": weights_hidden_output,
    }


def walkthrough_loop(X, y, weights_input_hidden, weights_hidden_output, epochs=1000, lr=0.1):
    """The 2020 article's loop (X given with samples as rows); returns the losses."""
    X, y = X.T, y.T
    w_ih, w_ho = weights_input_hidden.copy(), weights_hidden_output.copy()
    losses = []
    for _ in range(epochs):
        hiddenLayer_linearTransform = np.dot(w_ih.T, X)
        hiddenLayer_activations = sigmoid(hiddenLayer_linearTransform)
        outputLayer_linearTransform = np.dot(w_ho.T, hiddenLayer_activations)
        output = sigmoid(outputLayer_linearTransform)
        error = np.square(y - output) / 2
        error_wrt_output = -(y - output)
        output_wrt_outputLayer_LinearTransform = np.multiply(output, (1 - output))
        error_wrt_weights_hidden_output = np.dot(
            hiddenLayer_activations,
            (error_wrt_output * output_wrt_outputLayer_LinearTransform).T,
        )
        error_wrt_hiddenLayer_activations = np.dot(
            w_ho, error_wrt_output * output_wrt_outputLayer_LinearTransform
        )
        hiddenLayer_activations_wrt_linear = np.multiply(
            hiddenLayer_activations, (1 - hiddenLayer_activations)
        )
        error_wrt_weights_input_hidden = np.dot(
            X, (hiddenLayer_activations_wrt_linear * error_wrt_hiddenLayer_activations).T
        )
        w_ho = w_ho - lr * error_wrt_weights_hidden_output
        w_ih = w_ih - lr * error_wrt_weights_input_hidden
        losses.append(np.average(error))
    return np.array(losses), {"weights_input_hidden": w_ih, "weights_hidden_output": w_ho}
