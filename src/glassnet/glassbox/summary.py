"""A network's summary as text (``print(net)``, ``net.summary()``): each layer, the
shape of what it outputs and its number of parameters.

A Dense network's shapes are known from its widths; a network with N-D layers
(Conv2D, MaxPool2D, Flatten, RNN, LSTM) learns them from one sample's shape,
``net.summary(input_shape=(1, 8, 8))``, walked through the layers by
:func:`glassnet.shaped.propagate` (without it the shapes are "?").

>>> import glassnet as gn
>>> print(gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42))
Network 4 → 3 → 1  (float64, seed=42)
  #  layer                                       output shape   parameters
  1  Dense(4, 3, activation='sigmoid')           (n, 3)                 15
  2  Dense(3, 1, activation='sigmoid')           (n, 1)                  4
     total                                                              19
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from glassnet import shaped

if TYPE_CHECKING:
    from glassnet.layers import Layer
    from glassnet.network import Network


def summary_text(net: Network, input_shape: tuple[int, ...] | None = None) -> str:
    """The summary table of ``net``; ``input_shape``, one sample's shape, gives the
    output shapes of N-D layers."""
    if input_shape is None and not shaped.is_shaped(net.layers):
        path = " → ".join([str(net.n_inputs)] + [str(layer.n_units) for layer in net.layers])
        where, column = [f"(n, {layer.n_units})" for layer in net.layers], 15
    else:  # N-D layers: the shapes follow one sample's
        path, where = shapes_through(net.layers, input_shape)
        column = 18
    names = [repr(layer) for layer in net.layers]
    wide = max([44, *(len(name) + 2 for name in names)])  # columns line up at any length
    lines = [
        f"Network {path}  ({net.dtype.name}, seed={net.seed})",
        f"{'#':>3}  {'layer':<{wide}}{'output shape':<{column}}{'parameters':>10}",
    ]
    for i, (layer, name, shape) in enumerate(zip(net.layers, names, where), start=1):
        count = sum(int(np.prod(s)) for s in layer.param_shapes().values())
        lines.append(f"{i:>3}  {name:<{wide}}{shape:<{column}}{count:>10,}")
    lines.append(f"{'':>3}  {'total':<{wide + column}}{net.n_params:>10,}")
    return "\n".join(lines)


def shapes_through(
    layers: list[Layer], input_shape: tuple[int, ...] | None
) -> tuple[str, list[str]]:
    """For N-D layers: the path of shapes from ``input_shape`` to the output, and each
    layer's output shape as the user's array has it, batch axis first ("?" without
    ``input_shape``)."""
    if input_shape is None:
        path = f"of {len(layers)} layers (summary(input_shape=...) gives the shapes)"
        return path, ["?"] * len(layers)
    input_shape = tuple(int(s) for s in np.atleast_1d(input_shape))
    shapes = shaped.propagate(layers, input_shape)
    return " → ".join(str(s) for s in [input_shape, *shapes]), [shaped.show(s, "n") for s in shapes]
