"""Loss functions L(y, ŷ): a value and its gradient dL/dŷ.

``y`` and ``ŷ`` are (n_samples, n_outputs). Sum-losses sum over samples and
outputs; mean-losses average over the batch, so their gradients carry a 1/n.

=======================  ===================================  =====================
name                     L                                    dL/dŷ
=======================  ===================================  =====================
``sse``                  Σ (y − ŷ)²           (James Loy)     2 (ŷ − y)
``half_sse``             ½ Σ (y − ŷ)²         (Sunil Ray)     ŷ − y  (= −E)
``mse``                  mean (y − ŷ)²                        2 (ŷ − y) / N
``mae``                  mean |y − ŷ|                         sign(ŷ − y) / N
``binary_crossentropy``  −mean [y log ŷ + (1−y) log(1−ŷ)]     (ŷ − y) / (ŷ(1−ŷ) N)
``categorical_...``      −(1/n) Σ y log ŷ                     −y / (ŷ n)
=======================  ===================================  =====================

(N is the number of elements, n the number of samples.)

Fused output gradients: where a sigmoid output meets binary cross-entropy, or
a softmax output meets categorical cross-entropy, the chain rule collapses to
dL/dz = (ŷ − y) / N (resp. / n), which is exact and never divides by a
saturated probability. :meth:`Loss.fused_delta` returns it, and the value is
then computed from the logits z where log ŷ would lose it (``log(1 + e^z) − y z``;
log-softmax once a probability underflows), so no log of 0 is ever taken. Every
other pair goes through ``gradient`` and the activation's own ``backward``.

>>> import numpy as np
>>> HalfSSE().value(np.array([[1.0], [0.0]]), np.array([[0.5], [0.5]]))
0.25
"""

from __future__ import annotations

import copy

import numpy as np

from glassnet.registry import resolve


class Loss:
    """Base class: ``value(y, ŷ)`` → float and ``gradient(y, ŷ)`` → dL/dŷ."""

    name = "loss"
    #: the output activation whose pairing with this loss has the fused gradient ŷ − y
    fused_activation: str | None = None
    #: what that fused gradient is divided by: "N" (every element: a mean over samples
    #: and outputs) or "n" (the samples); see :meth:`fused_delta`
    fused_divisor: str | None = None
    #: whether ``y`` may be given as 1-D integer class labels (one-hot encoded)
    accepts_labels = False
    #: whether the value is a sum over the rows (so it grows with them) rather than a mean
    sums_over_rows = False

    def value(self, y: np.ndarray, yhat: np.ndarray, z: np.ndarray | None = None) -> float:
        raise NotImplementedError

    def gradient(self, y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def value_and_gradient(
        self, y: np.ndarray, yhat: np.ndarray, z: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """Both at once (losses that share work between them override this)."""
        return self.value(y, yhat, z), self.gradient(y, yhat)

    def fused_delta(self, y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
        """δ = dL/dz = (ŷ − y) / N or / n (``fused_divisor``), for the fused pair only."""
        d = yhat - y
        d /= self.fused_count(y)
        return d

    def fused_count(self, y: np.ndarray) -> int:
        """The number ``fused_divisor`` names for targets y: y.size for "N", rows for "n"."""
        if self.fused_divisor is None:
            raise NotImplementedError(f"{self.name} has no fused output gradient")
        return y.size if self.fused_divisor == "N" else y.shape[0]

    def check_target(self, y: np.ndarray) -> None:
        """Refuse targets this loss cannot take (called once, at the public boundary)."""

    def for_targets(self, y: np.ndarray) -> Loss:
        """This loss for batches of the training targets ``y`` only: what y alone decides
        is settled here, once per fit, not on every batch (``fit`` hands the result to
        the training loop and never keeps it on the network). Most return themselves."""
        return self

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SquaredError(Loss):
    """L = c Σ (ŷ − y)²,  dL/dŷ = 2c (ŷ − y): the three squared losses differ only in c."""

    def coefficient(self, r: np.ndarray) -> float:
        raise NotImplementedError

    def value(self, y, yhat, z=None):
        r = yhat - y
        return self.coefficient(r) * float(np.vdot(r, r))

    def gradient(self, y, yhat):
        return self.value_and_gradient(y, yhat)[1]

    def value_and_gradient(self, y, yhat, z=None):
        r = yhat - y
        c = self.coefficient(r)
        value = c * float(np.vdot(r, r))
        if 2 * c != 1:
            r *= 2 * c
        return value, r


class SSE(SquaredError):
    """L = Σ (y − ŷ)²,  dL/dŷ = 2 (ŷ − y).  James Loy's loss (c = 1)."""

    name = "sse"
    sums_over_rows = True

    def coefficient(self, r):
        return 1.0


class HalfSSE(SquaredError):
    """L = ½ Σ (y − ŷ)²,  dL/dŷ = ŷ − y = −E.  Sunil Ray's loss (c = ½).

    The tutorial's ``E = y − output`` is −dL/dŷ, and its ``d_output = E · slope``
    is −dL/dz: the tutorial adds ``lr · hᵀ d_output`` where gradient descent
    subtracts ``lr · dL/dW``, the same update.
    """

    name = "half_sse"
    sums_over_rows = True

    def coefficient(self, r):
        return 0.5


class MSE(SquaredError):
    """L = (1/N) Σ (y − ŷ)²,  dL/dŷ = 2 (ŷ − y) / N, N = number of elements (c = 1/N)."""

    name = "mse"

    def coefficient(self, r):
        return 1.0 / r.size


class MAE(Loss):
    """L = (1/N) Σ |y − ŷ|,  dL/dŷ = sign(ŷ − y) / N."""

    name = "mae"

    def value(self, y, yhat, z=None):
        return float(np.mean(np.abs(yhat - y)))

    def gradient(self, y, yhat):
        g = np.sign(yhat - y)
        g /= g.size
        return g


def _clip_probability(p: np.ndarray) -> np.ndarray:
    eps = np.finfo(p.dtype).eps if p.dtype.kind == "f" else 1e-12
    return np.clip(p, eps, 1 - eps)


class BinaryCrossEntropy(Loss):
    """L = −(1/N) Σ [y log ŷ + (1 − y) log(1 − ŷ)], N = number of elements.

    From sigmoid logits z: L = (1/N) Σ [log(1 + e^z) − y z], dL/dz = (ŷ − y) / N.
    """

    name = "binary_crossentropy"
    fused_activation = "sigmoid"
    fused_divisor = "N"
    accepts_labels = True

    def value(self, y, yhat, z=None):
        if z is not None:
            return float(np.mean(np.logaddexp(0, z) - y * z))
        p = _clip_probability(yhat)
        return float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))

    def gradient(self, y, yhat):
        p = _clip_probability(yhat)
        return (p - y) / (p * (1 - p) * p.size)

    def check_target(self, y):
        bad = (y < 0) | (y > 1)
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValueError(
                "binary_crossentropy expects targets in [0, 1], but y has "
                f"{int(bad.sum())} value(s) outside it, the first {float(y[row, col]):g} at "
                f"row {row}, column {col}."
            )


class CategoricalCrossEntropy(Loss):
    """L = −(1/n) Σ_i Σ_k y_ik log ŷ_ik, n = number of samples.

    After a softmax, dL/dz = (ŷ s − y) / n with s = Σ_k y_ik the row's sum: (ŷ − y) / n
    for one-hot or probability rows (s = 1), and still the exact gradient of L for
    multi-label, all-zero or any other non-negative rows. The value is Σ y log ŷ while every ŷ is
    a normal number (log ŷ is then as exact as log-softmax); once one underflows
    (a logit gap beyond about 87 in float32, 708 in float64) it is computed from
    the logits z instead: log ŷ = z − max z − log Σ e^(z − max z) (log-softmax),
    finite where log ŷ would be −∞.
    """

    name = "categorical_crossentropy"
    fused_activation = "softmax"
    fused_divisor = "n"
    accepts_labels = True

    def value(self, y, yhat, z=None):
        if z is None:
            log_p = np.log(_clip_probability(yhat))
        elif yhat is not None and np.minimum.reduce(yhat, axis=None) >= np.finfo(yhat.dtype).tiny:
            log_p = np.log(yhat)  # every ŷ a normal number: as exact as log-softmax
        else:
            shifted = z - np.maximum.reduce(z, axis=1, keepdims=True)
            log_p = shifted - np.log(np.add.reduce(np.exp(shifted), axis=1, keepdims=True))
        return float(-np.vdot(y, log_p)) / y.shape[0]

    def gradient(self, y, yhat):
        return -y / (_clip_probability(yhat) * y.shape[0])

    #: True only on the copy :meth:`for_targets` makes for targets whose rows sum to 1
    rows_sum_to_one = False

    def fused_delta(self, y, yhat):
        if self.rows_sum_to_one:  # ŷ · 1 − y is ŷ − y bit for bit: no row sums per batch
            return super().fused_delta(y, yhat)
        # dL/dz_j = (ŷ_j Σ_k y_k − y_j) / n, exact for any non-negative row of y; it is the
        # familiar (ŷ − y) / n when the row sums to 1 (one-hot, probabilities)
        d = np.multiply(yhat, np.add.reduce(y, axis=1, keepdims=True))
        d -= y
        d /= y.shape[0]
        return d

    def for_targets(self, y):
        """A copy whose fused δ is (ŷ − y) / n when every row of ``y`` sums to exactly 1
        (one-hot labels, most probability rows), where that is the exact formula's own
        number; this loss itself for any other targets."""
        if self.rows_sum_to_one or not (np.add.reduce(y, axis=1) == 1).all():
            return self
        twin = copy.copy(self)
        twin.rows_sum_to_one = True
        return twin

    def check_target(self, y):
        if (y < 0).any():
            row, col = np.argwhere(y < 0)[0]
            raise ValueError(
                "categorical_crossentropy expects non-negative targets (one-hot rows or "
                f"class probabilities), but y[{row}, {col}] = {float(y[row, col]):g}."
            )


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls
    for cls in (SSE, HalfSSE, MSE, MAE, BinaryCrossEntropy, CategoricalCrossEntropy)
}


def get(spec: str | Loss) -> Loss:
    """A loss from its name (``"mse"``) or a :class:`Loss` instance."""
    return resolve(LOSSES, spec, "loss", Loss)
