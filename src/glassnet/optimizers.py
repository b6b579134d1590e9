"""Optimizers: ``step(params, grads)`` updates each parameter array in place.

Each follows ``torch.optim``'s update formulation (PyTorch 2.x, single-tensor
path) so that it can be checked against PyTorch to 1e-10. Every optimizer takes
``weight_decay`` λ (L2, PyTorch's meaning): the gradient g becomes g + λθ first.

State (velocities, moment estimates, the step count) is kept per parameter,
indexed by the parameter's position in the list; a :class:`~glassnet.Network`
hands over a single flat vector holding every weight and bias, so one step is a
handful of NumPy calls whatever the depth. Each update writes its intermediate
terms into one scratch array per parameter (made on the first step), so a step
allocates nothing, and the arithmetic stays in the parameters' dtype.

>>> import numpy as np
>>> theta, g = np.array([1.0, 2.0]), np.array([0.5, -0.5])
>>> GD(lr=0.1).step([theta], [g]); theta
array([0.95, 2.05])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet.registry import resolve
from glassnet.validation import check_positive_float, check_real


class Optimizer:
    """Base class. Subclasses implement :meth:`update` for one parameter array."""

    name = "optimizer"
    #: the constructor's settings, in the order :meth:`get_config` lists them
    hyperparameters: tuple[str, ...] = ("lr", "weight_decay")
    #: what :attr:`state` holds per parameter: arrays shaped like it, and step counts
    #: (a model file's restored state is checked against these by tools.model_checks)
    state_arrays: tuple[str, ...] = ()
    state_counts: tuple[str, ...] = ()
    #: state arrays that are running averages of g², never negative
    nonnegative_state: tuple[str, ...] = ()

    def __init__(self, lr: float, weight_decay: float = 0.0):
        # the ranges of torch.optim and scikit-learn (beta_1 in [0, 1)), checked here
        # and, through these same constructors, when a model file is loaded
        self.lr = check_positive_float(lr, "lr")
        self.weight_decay = check_real(weight_decay, "weight_decay", 0)
        self.state: dict[int, dict[str, Any]] = {}
        self._scratch: dict[tuple, np.ndarray] = {}

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array of ``params`` in place from its gradient in ``grads``."""
        for i, (theta, g) in enumerate(zip(params, grads)):
            if self.weight_decay:
                g = g + self.weight_decay * theta
            self.update(theta, g, self.state.setdefault(i, {}))

    def update(self, theta: np.ndarray, g: np.ndarray, state: dict[str, Any]) -> None:
        raise NotImplementedError

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_scratch": {}}  # scratch is not state: never pickled

    def scratch(self, theta: np.ndarray) -> np.ndarray:
        """A work array shaped like ``theta`` for an update's intermediate terms.

        It holds no state (it is overwritten on every step), so it lives apart
        from :attr:`state` and is never saved.
        """
        key = (theta.shape, theta.dtype)
        work = self._scratch.get(key)
        if work is None:
            work = self._scratch[key] = np.empty_like(theta)
        return work

    def get_config(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.hyperparameters}

    def reset(self) -> None:
        """Forget all state (velocities, moments, step counts)."""
        self.state.clear()

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def running_average(avg: np.ndarray, new: np.ndarray, beta: float, work: np.ndarray) -> None:
    """avg ← β avg + (1 − β) new, in place, through the scratch array ``work`` (which
    may hold ``new``): the moving averages of RMSprop and Adam."""
    avg *= beta
    np.multiply(new, 1 - beta, out=work)
    avg += work


class GD(Optimizer):
    """Plain gradient descent: θ ← θ − η g.

    Full batch, this is the tutorials' update; with ``batch_size=1`` it is
    per-sample stochastic gradient descent.
    """

    name = "gd"

    def __init__(self, lr: float = 0.1, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)

    def update(self, theta, g, state):
        step = np.multiply(g, self.lr, out=self.scratch(theta))  # η g
        theta -= step


class Momentum(Optimizer):
    """Heavy-ball momentum (``torch.optim.SGD(momentum=μ)``)::

        b ← g                 on the first step
        b ← μ b + g           afterwards
        θ ← θ − η b
    """

    name = "momentum"
    nesterov = False
    hyperparameters = (*Optimizer.hyperparameters, "momentum")
    state_arrays = ("velocity",)

    def __init__(self, lr: float = 0.01, momentum: float = 0.9, weight_decay: float = 0.0):
        super().__init__(lr, weight_decay)
        self.momentum = check_real(momentum, "momentum", 0, 1, high_open=True)

    def update(self, theta, g, state):
        b = state.get("velocity")
        if b is None:
            b = state["velocity"] = g.copy()
        else:
            b *= self.momentum
            b += g
        step = self.scratch(theta)
        if self.nesterov:
            np.multiply(b, self.momentum, out=step)
            step += g
            step *= self.lr  # η (g + μ b)
        else:
            np.multiply(b, self.lr, out=step)  # η b
        theta -= step


class Nesterov(Momentum):
    """Nesterov momentum (``torch.optim.SGD(momentum=μ, nesterov=True)``)::

        b ← g  (first step),  b ← μ b + g  (afterwards)
        θ ← θ − η (g + μ b)
    """

    name = "nesterov"
    nesterov = True


class RMSprop(Optimizer):
    """RMSprop (``torch.optim.RMSprop``)::

        v ← α v + (1 − α) g²          (v starts at 0)
        θ ← θ − η g / (√v + ε)
    """

    name = "rmsprop"
    hyperparameters = (*Optimizer.hyperparameters, "alpha", "eps")
    state_arrays = nonnegative_state = ("square_avg",)

    def __init__(
        self, lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0
    ):
        super().__init__(lr, weight_decay)
        self.alpha = check_real(alpha, "alpha", 0, 1, high_open=True)
        self.eps = check_real(eps, "eps", 0, low_open=True)

    def update(self, theta, g, state):
        v = state.get("square_avg")
        if v is None:
            v = state["square_avg"] = np.zeros_like(theta)
        work = self.scratch(theta)
        running_average(v, np.multiply(g, g, out=work), self.alpha, work)  # α v + (1 − α) g²
        np.sqrt(v, out=work)
        work += self.eps
        np.divide(g, work, out=work)
        work *= self.lr
        theta -= work  # η g / (√v + ε)


class Adam(Optimizer):
    """Adam (``torch.optim.Adam``), t counting steps from 1::

        m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
        m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η m̂ / (√v̂ + ε)
    """

    name = "adam"
    hyperparameters = (*Optimizer.hyperparameters, "beta1", "beta2", "eps")
    state_arrays, state_counts, nonnegative_state = ("m", "v"), ("t",), ("v",)

    def __init__(
        self,
        lr: float = 1e-3,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ):
        super().__init__(lr, weight_decay)
        self.beta1 = check_real(beta1, "beta1", 0, 1, high_open=True)
        self.beta2 = check_real(beta2, "beta2", 0, 1, high_open=True)
        self.eps = check_real(eps, "eps", 0, low_open=True)

    def update(self, theta, g, state):
        if "m" not in state:
            state.update(t=0, m=np.zeros_like(theta), v=np.zeros_like(theta))
        state["t"] += 1
        t, m, v = state["t"], state["m"], state["v"]
        work = self.scratch(theta)
        running_average(m, g, self.beta1, work)  # β₁ m + (1 − β₁) g
        running_average(v, np.multiply(g, g, out=work), self.beta2, work)  # β₂ v + (1 − β₂) g²
        # η m̂ / (√v̂ + ε) = η_t m / (√v + ε_t) with the bias corrections folded into
        # two Python floats (Kingma & Ba's "more efficient order", §2): one pass fewer,
        # and float32 arithmetic stays float32
        root_c2 = math.sqrt(1 - self.beta2**t)
        np.sqrt(v, out=work)
        work += self.eps * root_c2  # ε_t = ε √(1 − β₂ᵗ)
        np.divide(m, work, out=work)
        work *= self.lr * root_c2 / (1 - self.beta1**t)  # η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)
        theta -= work


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GD, Momentum, Nesterov, RMSprop, Adam)
}
OPTIMIZERS["sgd"] = GD


def get(spec: str | Optimizer, lr: float | None = None) -> Optimizer:
    """An optimizer from its name (with ``lr`` if given) or an :class:`Optimizer` instance."""
    optimizer = resolve(OPTIMIZERS, spec, "optimizer", Optimizer)
    if isinstance(spec, str) and lr is not None:
        optimizer.lr = check_positive_float(lr, "lr")  # the constructor's own check
    return optimizer


def for_fit(
    spec: str | Optimizer,
    lr: float | None,
    weight_decay: float | None,
    current: Optimizer | None,
) -> Optimizer:
    """The optimizer a ``fit`` call trains with.

    An object is used as it is (a conflicting ``lr`` or ``weight_decay`` is
    refused rather than silently overridden). A name gives a fresh optimizer,
    unless ``current`` (the network's last one) has the same kind and settings:
    then its state (momenta, step counts) carries on, so two fits train as one.
    """
    if isinstance(spec, Optimizer):
        for name, given in (("lr", lr), ("weight_decay", weight_decay)):
            if given is not None and given != getattr(spec, name):
                raise ValueError(
                    f"{name}={given} was given to fit, but the optimizer object already has "
                    f"{name}={getattr(spec, name)}; give it in one place."
                )
        return spec
    fresh = get(spec, lr)
    if weight_decay is not None:
        fresh.weight_decay = float(weight_decay)
    if current is None or type(current) is not type(fresh) or current.lr != fresh.lr:
        return fresh
    if weight_decay is not None and current.weight_decay != fresh.weight_decay:
        return fresh
    return current
