"""A playground network's layers, as the page reads them: every one a Dense with a bias.

Playground's networks are built by :func:`~.core.build_network` from Dense layers,
each with a bias (one per node); these read them with those types, and say so in
a sentence if a network is not one.
"""

from __future__ import annotations

import numpy as np

from glassnet.layers import Dense
from glassnet.network import Network


def dense_layers(network: Network) -> list[Dense]:
    """The layers of a playground network, every one a Dense (as :func:`build_network`
    makes them): ``W`` (n_inputs, n_units), ``b`` (n_units,), ``activation``."""
    layers = [layer for layer in network.layers if isinstance(layer, Dense)]
    if len(layers) != len(network.layers):
        raise TypeError(f"A playground network is made of Dense layers only, but this one "
                        f"holds {network.layers!r}; build it with build_network.")
    return layers


def bias(layer: Dense) -> np.ndarray:
    """A playground layer's bias b (n_units,): every node of Playground has one."""
    if layer.b is None:
        raise TypeError(f"A playground layer has a bias, but {layer!r} has none; build the "
                        f"network with build_network.")
    return layer.b


def last_pass(layer: Dense) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The z, a and δ a layer kept from the engine's last forward and backward pass."""
    if layer.z is None or layer.a is None or layer.delta is None:
        raise ValueError("This layer has no pass to show yet; run network.forward and "
                         "network.backward first.")
    return layer.z, layer.a, layer.delta
