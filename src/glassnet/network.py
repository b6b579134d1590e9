"""The Network: a stack of layers trained by backpropagation.

Forward propagation runs the layers in order, a⁽ˡ⁾ = f(a⁽ˡ⁻¹⁾ W⁽ˡ⁾ + b⁽ˡ⁾) with
a⁽⁰⁾ = X; backpropagation runs them in reverse, each turning dL/da into dL/dz,
filling its dW and db, and passing dL/dx back (the chain rule, one layer at a
time). Every weight and bias lives in one flat vector ``params`` and every
gradient in ``grads``; ``layer.W`` and ``layer.b`` are views into them.

The network owns its random generator: ``seed`` fixes the initial weights and
the shuffling order, and nothing touches NumPy's global random state.

>>> import numpy as np, glassnet as gn
>>> X = np.array([[1, 0, 1, 0], [1, 0, 1, 1], [0, 1, 0, 1]])
>>> y = np.array([[1], [1], [0]])
>>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
>>> hist = net.fit(X, y, epochs=5000, lr=0.1, loss="half_sse")
>>> bool((np.abs(net.predict(X) - y) < 0.1).all())
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from glassnet import fitting, predicting, shaped
from glassnet import losses as losses_module
from glassnet import metrics as metrics_module
from glassnet import optimizers as optimizers_module
from glassnet.activations import Activation
from glassnet.initializers import Initializer
from glassnet.layers import Dense, Dropout, Layer
from glassnet.parameters import Parameters, connect
from glassnet.training import History
from glassnet.validation import (
    check_choice,
    check_positive_int,
    check_X,
    check_y,
)

if TYPE_CHECKING:  # what the glass box's doors on a Network give back
    from glassnet.glassbox.doctor import Diagnosis
    from glassnet.glassbox.layer_tables import LayerTrace
    from glassnet.glassbox.lr_finder import LRFinderResult
    from glassnet.glassbox.trace import Trace


class Network(Parameters):
    """A feed-forward network of layers.

    Parameters
    ----------
    layers : the layers, input to output; each layer's ``n_inputs`` must equal
        the previous layer's ``n_units``.
    seed : seed of the network's ``numpy.random.Generator`` (initialisation and
        shuffling); None draws fresh entropy.
    dtype : ``"float64"`` (default) or ``"float32"``; inputs are converted to it.
    """

    def __init__(self, layers: Sequence[Layer], seed: int | None = None, dtype: str = "float64"):
        self.layers = connect(layers)
        key = dtype if isinstance(dtype, str) else str(np.dtype(dtype))
        self.dtype = np.dtype(check_choice(key, "dtype", ("float64", "float32")))
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.loss: losses_module.Loss | None = None
        self.optimizer: optimizers_module.Optimizer | None = None
        self.history = History()
        self.stop_training = False
        #: the last forward pass's output (a work array: the next pass overwrites it)
        self.output: np.ndarray | None = None
        #: free-form JSON-ready facts saved with the model (feature scaling, names, ...)
        self.metadata: dict[str, Any] = {}
        self._allocate()

    # -- the math, on arrays already validated --------------------------------
    def forward(self, X: np.ndarray, training: bool = False) -> np.ndarray:
        """Forward propagation: run X through every layer; returns the output.

        X must already be a 2-D array of the network's dtype (``predict``
        validates; this does not). Each layer keeps its x, z and a, in work
        arrays that the next pass with the same number of rows overwrites: the
        returned array is one of them, so copy it to keep it (``predict`` does).
        """
        a = X
        for layer in self.layers:
            a = layer.forward(a, training)
        self.output = a
        return a

    def backward(self, y: np.ndarray, loss: losses_module.Loss) -> float:
        """Backpropagation after :meth:`forward`: fill ``grads`` with dL/dθ; returns L.

        At the output, a fused pair (sigmoid + binary cross-entropy, softmax +
        categorical cross-entropy) starts from δ = dL/dz directly, and L is
        computed with the logits z at hand (see :mod:`glassnet.losses`); every
        other pair starts from dL/dŷ and goes through the output activation.
        """
        last, yhat = self.layers[-1], self.output
        if yhat is None:
            raise ValueError("backward needs a forward pass first: call net.forward(X).")
        more = len(self.layers) > 1
        if self.is_fused(loss):
            fused = cast(Dense, last)  # is_fused: it has Dense's z and backward_delta
            value = loss.value(y, yhat, fused.z)
            fused.grad_a = None
            grad = fused.backward_delta(loss.fused_delta(y, yhat), more)
        else:
            value, grad_a = loss.value_and_gradient(y, yhat)
            grad = last.backward(grad_a, more)
        for i in range(len(self.layers) - 2, -1, -1):
            # (grad is None only after layer 1, where the loop ends)
            grad = self.layers[i].backward(grad, i > 0)  # type: ignore[arg-type]
        return value

    def loss_value(self, y: np.ndarray, loss: losses_module.Loss) -> float:
        """The loss of the last :meth:`forward` (from the logits where that is stabler)."""
        if self.output is None:
            raise ValueError("loss_value needs a forward pass first: call net.forward(X).")
        z = cast(Dense, self.layers[-1]).z if self.is_fused(loss) else None  # (as in backward)
        return loss.value(y, self.output, z)

    def loss_and_gradients(
        self, X: np.ndarray, y: np.ndarray, loss: losses_module.Loss, training: bool = False
    ) -> float:
        """One forward and one backward pass: returns L and leaves dL/dθ in ``grads``."""
        self.forward(X, training)
        return self.backward(y, loss)

    def predict_array(self, X: np.ndarray, chunk_rows: int | None = None) -> np.ndarray:
        """:meth:`forward` in chunks of rows, so memory stays bounded on large X, keeping
        nothing on the layers, so threads may call it at once (:mod:`glassnet.predicting`)."""
        return predicting.forward_in_chunks(self, X, chunk_rows)[0]

    def evaluate_arrays(
        self, X: np.ndarray, y: np.ndarray, loss: losses_module.Loss, metric_names: list[str]
    ) -> dict[str, float]:
        yhat, z = predicting.forward_in_chunks(self, X, keep_z=self.is_fused(loss))
        result = {"loss": loss.value(y, yhat, z)}  # z is None unless the pair is fused
        return result | {name: metrics_module.get(name)(y, yhat) for name in metric_names}

    def is_fused(self, loss: losses_module.Loss) -> bool:
        """Whether the output activation and ``loss`` form a fused pair, whose output
        gradient is δ = dL/dz = (ŷ − y) / (the loss's ``fused_divisor``)."""
        if loss.fused_activation is None or not hasattr(self.layers[-1], "backward_delta"):
            return False
        activation = getattr(self.layers[-1], "activation", None)
        return loss.fused_activation == getattr(activation, "name", None)

    # -- the public surface -------------------------------------------------
    def check_X(self, X: Any) -> np.ndarray:
        """X as this network takes it, a (n_samples, n_inputs) array of its dtype, or
        the sentence that says why not (see :func:`glassnet.validation.check_X`); for
        N-D layers, samples of the shape they take (:mod:`glassnet.shaped`)."""
        if shaped.is_shaped(self.layers):
            X, self._out_shape = shaped.check_input(X, self.layers, self.dtype)
            return X
        return check_X(X, self.n_inputs, self.dtype, f"Layer 1 ({self.layers[0]!r})")

    def check_y(self, y: Any, n_samples: int, loss: losses_module.Loss) -> np.ndarray:
        """y as (n_samples, n_outputs) of the network's dtype (1-D class labels one-hot
        encoded where ``loss`` takes labels; N-D targets shaped like the last layer's
        output), refused if ``loss`` cannot take it."""
        out_shape = getattr(self, "_out_shape", None)  # from check_X, for N-D outputs
        if shaped.is_shaped(self.layers) and out_shape is not None and len(out_shape) > 1:
            y = shaped.check_targets(y, n_samples, out_shape, self.dtype, loss)
        else:
            y = check_y(y, n_samples, self.n_outputs, self.dtype, loss.accepts_labels)
        loss.check_target(y)
        return y

    fit = fitting.fit
    """``net.fit(X, y, epochs=..., lr=..., ...)`` trains the network: it is
    :func:`glassnet.fitting.fit`, which checks the call and runs the training loop."""

    def diagnose(self, X: Any, y: Any, **settings: Any) -> Diagnosis:
        """The training doctor on this network: ``gn.doctor(net, X, y, **settings)``
        (see :func:`glassnet.glassbox.doctor.doctor`); the network is not changed."""
        from glassnet.glassbox.doctor import doctor

        return doctor(self, X, y, **settings)

    def lr_find(
        self, X: Any, y: Any, loss: str | losses_module.Loss | None = None, **options: Any
    ) -> LRFinderResult:
        """The learning-rate range test (fastai's ``lr_find``) on a copy of this network;
        ``options`` are :func:`glassnet.glassbox.lr_finder.lr_find`'s (optimizer,
        batch_size, start_lr, end_lr, num_it, stop_div). Returns the curve and
        ``suggestion``; this network's weights, optimizer state and generator are exactly
        as before."""
        from glassnet.glassbox.lr_finder import lr_find

        return lr_find(self, X, y, loss, **options)

    def _repr_html_(self) -> str:
        """The summary table and loss curve in a notebook (:mod:`glassnet.glassbox.display`)."""
        from glassnet.glassbox.display import network_html

        return network_html(self)

    def save(self, path: str | os.PathLike) -> None:
        """Save the whole network to one file; see :func:`glassnet.tools.saving.save`.

        Architecture, weights, loss, optimizer with its state, random generator
        state, history and ``metadata``; load it back with :func:`glassnet.load`.
        """
        from glassnet.tools.saving import save

        save(self, path)

    def export_script(self, path: str | os.PathLike, **options: Any) -> str:
        """Write a standalone NumPy-only ``predict.py`` for this network (what ``glassnet
        export`` writes); see :func:`glassnet.tools.export.export_script`."""
        from glassnet.tools.export import export_script

        return export_script(self, path, **options)

    def predict(self, X: Any) -> np.ndarray:
        """Outputs for X: (n_samples, n_outputs), or the last layer's shape for N-D
        layers ((N, F, H′, W′), (N, T, H)), computed in bounded memory."""
        return self.predict_array(self.check_X(X))

    def predict_classes(self, X: Any, class_names: Sequence[Any] | None = None) -> np.ndarray:
        """The class of each row, right for both classifier shapes: one sigmoid output
        is P(class 1), so class 1 where it is > 0.5; k outputs give the argmax. (A plain
        ``argmax(axis=1)`` over one column would answer class 0 for every row.) Ties go
        to the lower class, as ``glassnet predict`` and scikit-learn break them.

        Returns indices (n_samples,), or the names from ``class_names`` (default:
        ``metadata["class_names"]``, what ``glassnet train`` saves) when there are any.
        X is what the network takes (a table model's features scaled first).
        """
        out = self.predict(X)
        if out.ndim != 2:
            raise ValueError(f"predict_classes needs one row of class scores per sample, but "
                             f"this network outputs shape {out.shape}.")
        index = (out[:, 0] > 0.5).astype(np.intp) if out.shape[1] == 1 else out.argmax(axis=1)
        names = class_names if class_names is not None else self.metadata.get("class_names")
        if names is None:
            return index
        n_classes = 2 if out.shape[1] == 1 else out.shape[1]
        if len(names) != n_classes:
            raise ValueError(
                f"class_names has {len(names)} name(s), but the network's {out.shape[1]} "
                f"output(s) give {n_classes} classes."
            )
        return np.asarray(names)[index]

    def evaluate(
        self,
        X: Any,
        y: Any,
        loss: str | losses_module.Loss | None = None,
        metrics: Sequence[str] | None = None,
    ) -> dict[str, float]:
        """``{"loss": L, metric: value, ...}`` on (X, y).

        ``loss`` defaults to the one of the last ``fit`` (mse if never fitted);
        ``metrics`` to accuracy for a classifier (sigmoid or softmax output) and
        none for a regressor.
        """
        loss_obj = losses_module.get(loss if loss is not None else (self.loss or "mse"))
        if metrics is None:
            output = getattr(getattr(self.layers[-1], "activation", None), "name", None)
            metrics = ("accuracy",) if output in ("sigmoid", "softmax") else ()
        metric_names = metrics_module.names(metrics)
        X = self.check_X(X)
        y = self.check_y(y, X.shape[0], loss_obj)
        return self.evaluate_arrays(X, y, loss_obj, metric_names)

    def summary(
        self, print_fn: Callable[[str], object] = print, input_shape: tuple[int, ...] | None = None
    ) -> None:
        """Print the layers, their output shapes and parameter counts; ``input_shape``,
        one sample's shape (e.g. (1, 8, 8)), gives the shapes of N-D layers (see
        :func:`glassnet.glassbox.summary.summary_text`)."""
        from glassnet.glassbox.summary import summary_text

        print_fn(summary_text(self, input_shape))

    def __str__(self) -> str:
        """The summary table, as :meth:`summary` prints it without ``input_shape``."""
        from glassnet.glassbox.summary import summary_text

        return summary_text(self)

    def __repr__(self) -> str:
        return f"Network({self.layers!r}, seed={self.seed!r}, dtype={self.dtype.name!r})"

    def trace(
        self,
        X: Any,
        y: Any,
        loss: str | losses_module.Loss = "half_sse",
        lr: float = 0.1,
        apply: bool = False,
        cell: tuple[int, int, int, int] = (0, 0, 0, 0),
    ) -> Trace | LayerTrace:
        """One full-batch gradient-descent iteration, every number kept: a
        :class:`glassnet.glassbox.trace.Trace` of the tutorial's steps 0-11; see
        :func:`glassnet.glassbox.trace.trace` (``apply=True`` keeps the update).

        A network with Conv2D, MaxPool2D, RNN or LSTM layers gives instead a
        :class:`glassnet.glassbox.layer_tables.LayerTrace` of one forward and
        backward pass: for each convolution the patch, kernel and Σ patch ⊙ kernel
        of output ``cell`` (n, f, i, j) and the im2col matrix, for each pooling the
        winner of every window, for each RNN and LSTM the time steps and BPTT
        (``to_text()``, ``to_html(path)``, ``to_xlsx(path)``).
        """
        from glassnet.glassbox.trace import trace_network

        return trace_network(self, X, y, loss=loss, lr=lr, apply=apply, cell=cell)


def mlp(
    sizes: Sequence[int],
    activation: str | Activation = "sigmoid",
    output: str | Activation = "sigmoid",
    *,
    init: str | Initializer = "uniform",
    use_bias: bool = True,
    dropout: float = 0.0,
    seed: int | None = None,
    dtype: str = "float64",
) -> Network:
    """A multi-layer perceptron: Dense layers of widths ``sizes`` (inputs first,
    outputs last), ``activation`` on every hidden layer and ``output`` on the last;
    with ``dropout`` > 0, a :class:`~glassnet.layers.Dropout` of that rate after
    each hidden layer (``glassnet train --dropout``).

    The defaults are the tutorials' network (sigmoid everywhere, U[0, 1) weights):

    >>> mlp([4, 3, 1], seed=42).layers      # Sunil Ray's 4-3-1
    [Dense(4, 3, activation='sigmoid'), Dense(3, 1, activation='sigmoid')]
    >>> mlp([64, 128, 10], activation="relu", output="softmax", init="he").n_params
    9610
    >>> mlp([4, 8, 1], dropout=0.5).layers
    [Dense(4, 8, activation='sigmoid'), Dropout(0.5), Dense(8, 1, activation='sigmoid')]
    """
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
        raise ValueError(
            f"sizes must list at least two widths, inputs first and outputs last, such as "
            f"[4, 3, 1], but got {sizes!r}."
        )
    widths = [check_positive_int(n, f"sizes[{i}]") for i, n in enumerate(sizes)]
    last = len(widths) - 2
    layers: list[Layer] = []
    for i, (n_in, n_out) in enumerate(zip(widths, widths[1:])):
        layers.append(Dense(n_in, n_out, activation=output if i == last else activation,
                            use_bias=use_bias, init=init))  # fmt: skip
        if dropout and i < last:
            layers.append(Dropout(dropout))
    return Network(layers, seed=seed, dtype=dtype)
