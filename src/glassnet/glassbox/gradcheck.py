"""Gradient check: backpropagation against central finite differences.

For every parameter θ_k the numerical derivative is

    ∂L/∂θ_k ≈ (L(θ + ε e_k) − L(θ − ε e_k)) / (2 ε)

(error O(ε²)), compared with the backpropagated ∂L/∂θ_k from
``net.loss_and_gradients``. Per parameter tensor (each layer's W and b) the
report gives the largest absolute error and the largest relative error
|g − n| / max(|g|, |n|, tiny). Run it in float64: in float32 the rounding of
L swamps the difference quotient.

>>> import glassnet as gn
>>> from glassnet.tutorials import RAY_X, RAY_Y
>>> net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
>>> gn.gradcheck(net, RAY_X, RAY_Y, loss="half_sse").passed
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet import losses as losses_module

if TYPE_CHECKING:
    from glassnet.network import Network


@dataclass(frozen=True)
class TensorCheck:
    """One parameter tensor: where it lives, its shape and its errors."""

    name: str
    shape: tuple[int, ...]
    max_abs_error: float
    max_rel_error: float
    passed: bool
    #: elements whose rel error is over rtol but whose abs error is within atol (near-zero
    #: gradients, where a relative error means little): they pass on the absolute test
    n_passed_on_abs: int = 0


class GradcheckReport:
    """Per-tensor results of :func:`gradcheck`; ``passed`` when every tensor passed."""

    def __init__(self, checks: list[TensorCheck], loss_name: str, eps: float, rtol: float,
                 atol: float, loss_value: float):
        self.checks = checks
        self.loss_name = loss_name
        self.eps, self.rtol, self.atol = eps, rtol, atol
        self.loss_value = loss_value

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def max_abs_error(self) -> float:
        return max(c.max_abs_error for c in self.checks)

    @property
    def max_rel_error(self) -> float:
        return max(c.max_rel_error for c in self.checks)

    def __bool__(self) -> bool:
        return self.passed

    def __getitem__(self, name: str) -> TensorCheck:
        for c in self.checks:
            if c.name == name:
                return c
        raise KeyError(f"No tensor {name!r}; the tensors are {[c.name for c in self.checks]}.")

    def __str__(self) -> str:
        lines = [
            f"Gradient check: {self.loss_name}, L = {self.loss_value:.6g}, central differences "
            f"with ε = {self.eps:g}",
            f"(a tensor passes when every element has rel error ≤ {self.rtol:g} or abs error "
            f"≤ {self.atol:g})",
            f"{'tensor':<12}{'shape':<12}{'max abs error':>15}{'max rel error':>15}  result",
        ]
        for c in self.checks:
            result = "ok" if c.passed else "FAIL"
            if c.n_passed_on_abs:
                result += f" ({c.n_passed_on_abs} near 0, on abs error)"
            lines.append(f"{c.name:<12}{str(c.shape):<12}{c.max_abs_error:>15.3e}"
                         f"{c.max_rel_error:>15.3e}  {result}")
        lines.append("all passed" if self.passed else "SOME TENSORS FAILED")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from glassnet.glassbox.display import gradcheck_html

        return gradcheck_html(self)

    def __repr__(self) -> str:
        return (f"GradcheckReport({len(self.checks)} tensors, passed={self.passed}, "
                f"max_rel_error={self.max_rel_error:.3g})")


def gradcheck(net: Network, X: Any, y: Any, loss: str | losses_module.Loss = "half_sse",
              eps: float | None = None, rtol: float | None = None,
              atol: float | None = None) -> GradcheckReport:
    """Compare ``net``'s backpropagated gradients with central finite differences.

    X, y : data as for ``fit`` (validated the same way).
    loss : a name from :data:`glassnet.losses.LOSSES` or a Loss object.
    eps : the step ε (default 1e-6 in float64, 1e-2 in float32).
    rtol, atol : a tensor passes when each element's relative error is ≤ rtol or
        its absolute error is ≤ atol (defaults 1e-5 and 1e-8 in float64; 1e-2 and
        1e-4 in float32, where L itself is only good to about 7 digits).

    The network's weights and gradient buffer are left as they were.
    """
    loss_obj = losses_module.get(loss)
    X = net.check_X(X)
    y = net.check_y(y, X.shape[0], loss_obj)
    wide = net.dtype == np.float64
    eps = (1e-6 if wide else 1e-2) if eps is None else eps
    rtol = (1e-5 if wide else 1e-2) if rtol is None else rtol
    atol = (1e-8 if wide else 1e-4) if atol is None else atol
    with net.preserved():
        value = net.loss_and_gradients(X, y, loss_obj)
        checks = [
            _check_tensor(net, X, y, loss_obj, name, W, dW.copy(), eps, rtol, atol)
            for name, W, dW in net.named_parameters()
        ]
    return GradcheckReport(checks, loss_obj.name, eps, rtol, atol, value)


def _check_tensor(net, X, y, loss, name, W, analytic, eps, rtol, atol) -> TensorCheck:
    """Central differences for every element of the parameter tensor W (a view into
    the network's weights), against its backpropagated gradient ``analytic``."""
    theta, numeric = W.reshape(-1), np.empty(analytic.size)

    def loss_at() -> float:
        net.forward(X)
        return net.loss_value(y, loss)

    for k in range(theta.size):
        orig = theta[k]
        theta[k] = orig + eps
        up = loss_at()
        theta[k] = orig - eps
        down = loss_at()
        theta[k] = orig
        numeric[k] = (up - down) / (2 * eps)
    g = analytic.reshape(-1)
    abs_err = np.abs(g - numeric)
    scale = np.maximum(np.maximum(np.abs(g), np.abs(numeric)), np.finfo(np.float64).tiny)
    rel_err = abs_err / scale
    ok = bool(np.all((rel_err <= rtol) | (abs_err <= atol)))
    on_abs = int(np.count_nonzero((rel_err > rtol) & (abs_err <= atol)))
    return TensorCheck(name, W.shape, float(abs_err.max()), float(rel_err.max()), ok, on_abs)
