"""Weight initialisers: draw W (n_inputs, n_units) from a seeded Generator.

=================================  ==========================================
name                               W drawn from
=================================  ==========================================
``uniform``                        U[0, 1)  — the tutorials' ``np.random.uniform``
``normal``                         N(0, 1)  — the R code's ``rnorm``
``xavier`` / ``glorot_uniform``    U[−l, l), l = √(6 / (n_inputs + n_units))
``he`` / ``he_normal``             N(0, 2 / n_inputs)
``zeros``                          0
=================================  ==========================================

Biases follow the tutorials for ``uniform`` and ``normal`` (drawn U[0, 1),
as ``np.random.uniform`` and R's ``runif`` draw them) and start at zero for the
others, as Keras and PyTorch users expect from Glorot and He.

>>> import numpy as np
>>> get("xavier").weights(np.random.default_rng(0), 4, 3, np.float64).shape
(4, 3)
"""

from __future__ import annotations

import numpy as np

from glassnet.registry import resolve


class Initializer:
    """Base class: ``weights(rng, n_inputs, n_units, dtype)`` and ``bias(rng, n_units, dtype)``."""

    name = "initializer"

    def weights(self, rng: np.random.Generator, n_inputs: int, n_units: int, dtype) -> np.ndarray:
        raise NotImplementedError

    def bias(self, rng: np.random.Generator, n_units: int, dtype) -> np.ndarray:
        return np.zeros(n_units, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Uniform(Initializer):
    """W, b ~ U[0, 1): the tutorials' ``np.random.uniform(size=...)``."""

    name = "uniform"

    def weights(self, rng, n_inputs, n_units, dtype):
        return rng.uniform(size=(n_inputs, n_units)).astype(dtype)

    def bias(self, rng, n_units, dtype):
        return rng.uniform(size=n_units).astype(dtype)


class Normal(Initializer):
    """W ~ N(0, 1), b ~ U[0, 1): the R code's ``rnorm`` weights and ``runif`` biases."""

    name = "normal"

    def weights(self, rng, n_inputs, n_units, dtype):
        return rng.standard_normal(size=(n_inputs, n_units)).astype(dtype)

    def bias(self, rng, n_units, dtype):
        return rng.uniform(size=n_units).astype(dtype)


class GlorotUniform(Initializer):
    """W ~ U[−l, l), l = √(6 / (n_inputs + n_units)); b = 0."""

    name = "glorot_uniform"

    def weights(self, rng, n_inputs, n_units, dtype):
        limit = np.sqrt(6.0 / (n_inputs + n_units))
        return rng.uniform(-limit, limit, size=(n_inputs, n_units)).astype(dtype)


class HeNormal(Initializer):
    """W ~ N(0, σ²), σ = √(2 / n_inputs); b = 0."""

    name = "he_normal"

    def weights(self, rng, n_inputs, n_units, dtype):
        std = np.sqrt(2.0 / n_inputs)
        return (std * rng.standard_normal(size=(n_inputs, n_units))).astype(dtype)


class Zeros(Initializer):
    """W = 0, b = 0. (Every unit of a layer then learns the same thing: for tests.)"""

    name = "zeros"

    def weights(self, rng, n_inputs, n_units, dtype):
        return np.zeros((n_inputs, n_units), dtype=dtype)


INITIALIZERS: dict[str, type[Initializer]] = {
    "uniform": Uniform,
    "normal": Normal,
    "xavier": GlorotUniform,
    "glorot_uniform": GlorotUniform,
    "he": HeNormal,
    "he_normal": HeNormal,
    "zeros": Zeros,
}


def get(spec: str | Initializer) -> Initializer:
    """An initialiser from its name (``"he"``) or an :class:`Initializer` instance."""
    return resolve(INITIALIZERS, spec, "init", Initializer)
