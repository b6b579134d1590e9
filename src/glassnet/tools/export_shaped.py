"""The part of an exported ``predict.py`` that runs Conv2D, MaxPool2D, Flatten, RNN and LSTM.

:mod:`glassnet.tools.export` writes the script; for a network with any of these
layers it adds the source below. ``windows`` and ``im2col`` are copied from
:mod:`glassnet.conv` itself; the layer functions repeat the engine's forward
passes operation for operation (the same NumPy calls on arrays of the same
shapes, strides and dtype, so the same BLAS products)::

    Conv2D     X_col = im2col(pad(x));  z = X_col W_colᵀ + b as (N, F, H′, W′);  a = f(z)
    MaxPool2D  a = running maximum over the p_h·p_w cells of every window
    Flatten    (N, d₁, d₂, …) → (N, d₁·d₂·…) in C order
    RNN        z_t = x_t Wx + b + h_{t−1} Wh,  h_t = f(z_t)
    LSTM       a_t = x_t Wx + b + h_{t−1} Wh;  i, f, o = σ(a_t[…]), g = tanh(a_t[…]);
               c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)

which is why the script's predictions equal ``net.predict`` bit for bit, as
``tests/tools/test_export.py`` checks. ``layer_row`` gives the facts of one
layer that the script's ``LAYERS`` table holds; ``checked_input_shape`` and
``activations_source`` give the script's input shape and activation classes.
"""

from __future__ import annotations

import inspect
import textwrap
from typing import Any

from glassnet import activations, conv, shaped
from glassnet.conv import Conv2D
from glassnet.layers import Dense, Dropout
from glassnet.pooling import Flatten, MaxPool2D
from glassnet.recurrent import LSTM, RNN

#: the layer types an exported script can run
KINDS = (Dense, Dropout, Conv2D, MaxPool2D, Flatten, RNN, LSTM)


def layer_row(layer: Any) -> tuple:
    """(type, activation, activation config, n_inputs, n_units, use_bias, options): the
    options hold the parameter shapes in storage order and the layer's own sizes."""
    if type(layer) not in KINDS:  # a subclass may compute something else
        names = ", ".join(kind.__name__ for kind in KINDS)
        raise TypeError(
            f"export_script knows {names} layers, but the network has {type(layer).__name__}."
        )
    act = getattr(layer, "activation", None)
    options: dict[str, Any] = {"params": [[k, list(s)] for k, s in layer.param_shapes().items()]}
    if isinstance(layer, Conv2D):
        options.update(kernel=list(layer.kernel_size), stride=list(layer.stride),
                       pads=list(layer.pads))
    elif isinstance(layer, MaxPool2D):
        options.update(pool=list(layer.pool_size), stride=list(layer.stride))
    elif isinstance(layer, (RNN, LSTM)):
        options.update(return_sequences=layer.return_sequences)
    return (
        type(layer).__name__, None if act is None else act.name,
        {} if act is None else act.get_config(), layer.n_inputs, layer.n_units,
        bool(getattr(layer, "use_bias", False)), options,
    )  # fmt: skip


def activation_source(activation: Any) -> str:
    """A minimal class with the activation's own ``forward`` method."""
    forward = textwrap.dedent(inspect.getsource(type(activation).forward)).rstrip() + "\n"
    return (
        f"class {type(activation).__name__}:\n"
        f"    def __init__(self, **config):\n"
        f"        self.__dict__.update(config)\n\n"
        + textwrap.indent(forward, "    ")
    )


def checked_input_shape(net: Any, input_shape: Any, metadata: dict) -> tuple | None:
    """``input_shape`` as a tuple the layers can take; refuses what the script cannot do."""
    is_shaped = shaped.is_shaped(net.layers)
    if is_shaped and any(key in metadata for key in ("feature_mean", "target_mean")):
        raise ValueError(
            "export_script applies metadata feature/target scaling to networks on rows of "
            "features only; this network reads N-D samples. Scale the data before predict "
            "and drop feature_mean/target_mean from net.metadata."
        )
    if input_shape is None:
        return None
    if not is_shaped:
        raise ValueError(
            f"input_shape is for networks on N-D samples; this one reads rows of "
            f"{net.n_inputs} feature(s), so leave input_shape out."
        )
    input_shape = tuple(int(s) for s in input_shape)
    shaped.propagate(net.layers, input_shape)  # a sentence if the layers cannot take it
    return input_shape


def activations_source(net: Any) -> str:
    """The classes of the activations the layers use (and σ for an LSTM's gates), and
    the ``ACTIVATIONS`` table naming them."""
    used = {layer.activation.name: layer.activation
            for layer in net.layers if hasattr(layer, "activation")}
    if any(isinstance(layer, LSTM) for layer in net.layers):  # its gates: σ and tanh
        used.setdefault("sigmoid", activations.Sigmoid())
    table = ", ".join(f"{name!r}: {type(act).__name__}" for name, act in used.items())
    source = "\n\n".join(activation_source(act) for act in used.values())
    return source + f"\n\n\nACTIVATIONS = {{{table}}}"


def shaped_source() -> str:
    """The script's code for the N-D layers: conv's own helpers, then the layers."""
    helpers = "\n\n".join(inspect.getsource(f).rstrip() for f in (conv.windows, conv.im2col))
    return _SOURCE.replace("{helpers}", helpers)


_SOURCE = '''\
# -- N-D layers: windows and im2col copied from glassnet.conv -----------------------
from numpy.lib.stride_tricks import as_strided  # noqa: E402  (NumPy itself)

{helpers}


def _conv2d(x, weights, activation, options):
    W, F = weights["W"], weights["W"].shape[0]
    (kh, kw), (sh, sw), (pt, pb, pl, pr) = options["kernel"], options["stride"], options["pads"]
    Ho, Wo = (x.shape[2] + pt + pb - kh) // sh + 1, (x.shape[3] + pl + pr - kw) // sw + 1
    xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr))) if any(options["pads"]) else x
    cols = im2col(xp, *options["kernel"], *options["stride"])
    z_col = cols @ W.reshape(F, -1).T
    if "b" in weights:
        z_col += weights["b"]
    z = np.ascontiguousarray(z_col.reshape(x.shape[0], Ho, Wo, F).transpose(0, 3, 1, 2))
    return activation.forward(z)


def _maxpool2d(x, weights, activation, options):
    (ph, pw), (sh, sw) = options["pool"], options["stride"]
    Ho, Wo = (x.shape[2] - ph) // sh + 1, (x.shape[3] - pw) // sw + 1
    best = None
    for k in range(ph * pw):
        u, v = divmod(k, pw)
        cell = x[:, :, u : u + sh * Ho : sh, v : v + sw * Wo : sw]
        if best is None:
            best = cell.copy()
        else:
            np.maximum(best, cell, out=best)
    return best


def _flatten(x, weights, activation, options):
    return x.reshape(x.shape[0], -1)


def _input_products(x, weights):
    N, T, D = x.shape
    return (x.reshape(N * T, D) @ weights["Wx"]).reshape(N, T, -1) + weights["b"]


def _rnn(x, weights, activation, options):
    N, T, _ = x.shape
    Wh = weights["Wh"]
    h_prev = np.zeros((N, Wh.shape[0]), dtype=x.dtype)
    z = _input_products(x, weights)
    h = np.empty_like(z)
    for t in range(T):
        z[:, t] += h_prev @ Wh
        h[:, t] = h_prev = activation.forward(z[:, t])
    return h if options["return_sequences"] else h[:, -1]


def _lstm(x, weights, activation, options):
    N, T, _ = x.shape
    Wh = weights["Wh"]
    H = Wh.shape[0]
    sigmoid = ACTIVATIONS["sigmoid"]()
    h_prev = np.zeros((N, H), dtype=x.dtype)
    c_prev = np.zeros((N, H), dtype=x.dtype)
    gates = _input_products(x, weights)
    h, c = np.empty((N, T, H), dtype=x.dtype), np.empty((N, T, H), dtype=x.dtype)
    for t in range(T):
        a = gates[:, t]
        a += h_prev @ Wh
        sigmoid.forward(a[:, : 3 * H], out=a[:, : 3 * H])  # i, f, o
        np.tanh(a[:, 3 * H :], out=a[:, 3 * H :])  # g
        i, f, o, g = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
        c[:, t] = c_prev = f * c_prev + i * g
        h[:, t] = h_prev = o * np.tanh(c_prev)
    return h if options["return_sequences"] else h[:, -1]


FORWARD.update(Conv2D=_conv2d, MaxPool2D=_maxpool2d, Flatten=_flatten, RNN=_rnn, LSTM=_lstm)
'''


#: the script's shape checks, for every network (a Dense network's samples are rows)
SHAPES_SOURCE = '''\
def _shape_after(kind, n_in, n_out, options, shape):
    """One sample's shape after a layer, or a ValueError saying what the layer expects."""
    if kind in ("Conv2D", "MaxPool2D"):
        (kh, kw), (sh, sw) = options.get("kernel", options.get("pool")), options["stride"]
        pt, pb, pl, pr = options.get("pads", (0, 0, 0, 0))
        if len(shape) != 3 or (n_in is not None and shape[0] != n_in):
            raise ValueError(f"expects (N, C, H, W) with C = {n_in}, but gets {shape}")
        if shape[1] + pt + pb < kh or shape[2] + pl + pr < kw:
            raise ValueError(f"has {kh}x{kw} windows, larger than its input {shape}")
        channels = n_out if kind == "Conv2D" else shape[0]
        return (channels, (shape[1] + pt + pb - kh) // sh + 1, (shape[2] + pl + pr - kw) // sw + 1)
    if kind == "Flatten":
        return (int(np.prod(shape)),)
    if kind in ("RNN", "LSTM"):
        if len(shape) != 2 or shape[1] != n_in:
            raise ValueError(f"expects (N, T, D) with D = {n_in}, but gets {shape}")
        return (shape[0], n_out) if options["return_sequences"] else (n_out,)
    if kind == "Dropout":
        return shape
    if len(shape) != 1 or shape[0] != n_in:
        raise ValueError(f"expects {n_in} feature(s) per sample, but gets {shape}")
    return (n_out,)


def _sample_shapes(X):
    """Each layer's output shape for one sample of X, checking X on the way."""
    rank = SAMPLE_RANK
    if X.ndim < 2 or (rank is not None and X.ndim != rank + 1):
        want = "(N, ...)" if rank is None else f"{rank + 1}-D, samples on the first axis"
        raise ValueError(f"X must be {want}, but has shape {X.shape}.")
    shapes, shape = [], X.shape[1:]
    for i, (kind, _, _, n_in, n_out, _, options) in enumerate(LAYERS, start=1):
        try:
            shape = _shape_after(kind, n_in, n_out, options, tuple(shape))
        except ValueError as exc:
            raise ValueError(f"Layer {i} ({kind}) {exc} per sample (X: {X.shape}).") from None
        shapes.append(shape)
    return shapes
'''
