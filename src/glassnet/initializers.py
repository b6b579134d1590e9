"""Weight initialisers: draw W (n_inputs, n_units) from a seeded Generator.

=================================  ==========================================
name                               W drawn from
=================================  ==========================================
``uniform``                        U[0, 1)  — the tutorials' ``np.random.uniform``
``normal``                         N(0, 1)  — the R code's ``rnorm``
``xavier`` / ``glorot_uniform``    U[−l, l), l = √(6 / (fan_in + fan_out))
``he`` / ``he_normal``             N(0, 2 / fan_in)
``zeros``                          0
=================================  ==========================================

A convolution's kernel (F, C, kh, kw) is drawn by :meth:`Initializer.tensor` with
fan-in C·kh·kw and fan-out F·kh·kw (as PyTorch and Keras count them); a Dense
layer's W is the case shape = (fan_in, fan_out) = (n_inputs, n_units).

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
    """Base class: ``tensor(rng, shape, fan_in, fan_out, dtype)`` (or, for dense
    matrices only, ``weights(rng, n_inputs, n_units, dtype)``) and ``bias(rng, n_units, dtype)``."""

    name = "initializer"

    def weights(self, rng: np.random.Generator, n_inputs: int, n_units: int, dtype) -> np.ndarray:
        """W (n_inputs, n_units): the tensor whose fan-in is n_inputs and fan-out n_units."""
        return self.tensor(rng, (n_inputs, n_units), n_inputs, n_units, dtype)

    def tensor(self, rng: np.random.Generator, shape: tuple[int, ...], fan_in: int,
               fan_out: int, dtype) -> np.ndarray:
        """Weights of any ``shape``, scaled by ``fan_in`` / ``fan_out`` where the rule uses them."""
        raise NotImplementedError(
            f"{type(self).__name__} defines no tensor(rng, shape, fan_in, fan_out, dtype), so it "
            f"can only draw (n_inputs, n_units) matrices; add that method to use it here."
        )

    def bias(self, rng: np.random.Generator, n_units: int, dtype) -> np.ndarray:
        return np.zeros(n_units, dtype=dtype)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Uniform(Initializer):
    """W, b ~ U[0, 1): the tutorials' ``np.random.uniform(size=...)``."""

    name = "uniform"

    def tensor(self, rng, shape, fan_in, fan_out, dtype):
        return rng.uniform(size=shape).astype(dtype)

    def bias(self, rng, n_units, dtype):
        return rng.uniform(size=n_units).astype(dtype)


class Normal(Uniform):
    """W ~ N(0, 1), b ~ U[0, 1) as :class:`Uniform`'s: the R code's ``rnorm``
    weights and ``runif`` biases."""

    name = "normal"

    def tensor(self, rng, shape, fan_in, fan_out, dtype):
        return rng.standard_normal(size=shape).astype(dtype)


class GlorotUniform(Initializer):
    """W ~ U[−l, l), l = √(6 / (fan_in + fan_out)); b = 0 (fan_in = n_inputs for Dense)."""

    name = "glorot_uniform"

    def tensor(self, rng, shape, fan_in, fan_out, dtype):
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape).astype(dtype)


class HeNormal(Initializer):
    """W ~ N(0, σ²), σ = √(2 / fan_in); b = 0 (fan_in = n_inputs for Dense)."""

    name = "he_normal"

    def tensor(self, rng, shape, fan_in, fan_out, dtype):
        std = np.sqrt(2.0 / fan_in)
        return (std * rng.standard_normal(size=shape)).astype(dtype)


class Zeros(Initializer):
    """W = 0, b = 0. (Every unit of a layer then learns the same thing: for tests.)"""

    name = "zeros"

    def tensor(self, rng, shape, fan_in, fan_out, dtype):
        return np.zeros(shape, dtype=dtype)


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
