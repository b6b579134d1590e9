"""Learning-rate schedules: the learning rate η_e of epoch e, from the base rate η.

Give one to ``fit(..., lr_schedule=...)``. Before each epoch ``fit`` sets the
optimizer's rate to ``schedule(η, e)``, where η is the optimizer's ``lr`` and e
counts epochs across ``fit`` calls (``len(network.history)`` at the start of the
epoch), so a second ``fit`` call, or a model saved and loaded, continues the
schedule where it stopped. After ``fit`` the optimizer's ``lr`` is η again. The
rate used in each epoch is recorded in ``History.lr``.

==================  ===========================================================
``StepDecay``       η_e = η · γ^⌊e / step_size⌋        (``torch.optim.lr_scheduler.StepLR``)
``ExponentialDecay``  η_e = η · γ^e                    (``ExponentialLR``)
``CosineDecay``     η_e = η_min + (η − η_min) · (1 + cos(π · min(e, T) / T)) / 2
                    (``CosineAnnealingLR``'s closed form; constant η_min after T)
==================  ===========================================================

Any callable ``f(lr, epoch) -> float`` works as a schedule too.

>>> StepDecay(step_size=10, gamma=0.5)(0.1, 25)
0.025
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.validation import check_positive_int, check_range


def _check_gamma(gamma: Any) -> float:
    return check_range(gamma, "gamma", 0, 1, low_open=True, noun="a number")


class Schedule:
    """Base class: ``schedule(lr, epoch)`` → the learning rate of ``epoch``."""

    def __call__(self, lr: float, epoch: int) -> float:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        """The constructor's arguments, which a schedule keeps as attributes of the same names."""
        return dict(vars(self))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class StepDecay(Schedule):
    """η_e = η · γ^⌊e / step_size⌋: multiply by γ every ``step_size`` epochs."""

    def __init__(self, step_size: int, gamma: float = 0.1):
        self.step_size = check_positive_int(step_size, "step_size")
        self.gamma = _check_gamma(gamma)

    def __call__(self, lr, epoch):
        return lr * self.gamma ** (epoch // self.step_size)


class ExponentialDecay(Schedule):
    """η_e = η · γ^e: multiply by γ every epoch."""

    def __init__(self, gamma: float):
        self.gamma = _check_gamma(gamma)

    def __call__(self, lr, epoch):
        return lr * self.gamma**epoch


class CosineDecay(Schedule):
    """η_e = η_min + (η − η_min)(1 + cos(π·min(e, T)/T))/2: half a cosine from η to η_min.

    ``period`` is T in epochs; after T epochs the rate stays at ``min_lr``.
    """

    def __init__(self, period: int, min_lr: float = 0.0):
        self.period = check_positive_int(period, "period")
        self.min_lr = check_range(min_lr, "min_lr", 0)

    def __call__(self, lr, epoch):
        progress = min(epoch, self.period) / self.period
        return self.min_lr + (lr - self.min_lr) * (1 + math.cos(math.pi * progress)) / 2
