"""Max pooling and flattening on NCHW images, the layers between a convolution and
a Dense layer (``Conv2D → MaxPool2D → Flatten → Dense``).

:class:`MaxPool2D` keeps the largest value of each window, flooring a window
that does not fit, as torch does; the gradient goes to that winner alone (on
ties, the first maximum in row-major order, as torch picks it)::

    a[n, c, i, j] = max_{u, v} x[n, c, i·s_h + u, j·s_w + v]      H′ = (H − p_h)//s_h + 1
    dL/dx[n, c, winner of (i, j)] += dL/da[n, c, i, j],  0 elsewhere

:class:`Flatten` turns (N, C, H, W) into (N, C·H·W) in C order.

Neither loops over windows in Python: both work one vectorised pass per cell of
the window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet.layers import LAYERS, Layer
from glassnet.shaped import as_pair, show
from glassnet.validation import check_positive_int


class MaxPool2D(Layer):
    """Max pooling: a[n, c, i, j] = max of the window x[n, c, i·s_h : i·s_h + p_h, j·s_w : …].

    ``pool_size`` and ``stride`` take an int or an (h, w) pair; the stride defaults
    to the pool size (windows side by side). H′ = (H − p_h)//s_h + 1: a window that
    does not fit is dropped, as torch does. Backward routes each window's
    gradient to its winner, the first maximum in row-major order (torch's choice)::

        dL/dx[n, c, winner of (i, j)] += dL/da[n, c, i, j],   0 elsewhere

    >>> import numpy as np, glassnet as gn
    >>> MaxPool2D(2).forward(np.arange(16.0).reshape(1, 1, 4, 4))
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """

    any_width = True
    sample_rank = 3
    input_layout = "(N, C, H, W)"

    def __init__(self, pool_size: Any = 2, stride: Any = None):
        self.pool_size = as_pair(pool_size, "pool_size")
        self.stride = self.pool_size if stride is None else as_pair(stride, "stride")
        # the channels pass through, known once built (Layer types the widths as int)
        self.n_inputs = self.n_units = None  # type: ignore[assignment]
        self.x: np.ndarray | None = None
        self.a: np.ndarray | None = None
        self.grad_a: np.ndarray | None = None
        #: which cell of each window won (set by find_winners, for the glass box)
        self.winner: np.ndarray | None = None

    def build(self, n_inputs: int) -> None:
        """Take the channel count of the layer before (pooling keeps it)."""
        check_positive_int(n_inputs, "channels")
        self.n_inputs = self.n_units = int(n_inputs)

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """(C, H, W) → (C, H′, W′), H′ = (H − p_h)//s_h + 1."""
        (ph, pw), (sh, sw) = self.pool_size, self.stride
        if len(shape) != 3 or (self.n_inputs is not None and shape[0] != self.n_inputs):
            channels = "" if self.n_inputs is None else f" with C = {self.n_inputs}"
            raise ValueError(
                f"{self!r} expects (N, C, H, W){channels}, but got an array of shape "
                f"{show(shape)}."
            )
        if shape[1] < ph or shape[2] < pw:
            raise ValueError(
                f"{self!r} has {ph}×{pw} windows, larger than its {shape[1]}×{shape[2]} input."
            )
        return (shape[0], (shape[1] - ph) // sh + 1, (shape[2] - pw) // sw + 1)

    def _offsets(self, x_shape: tuple[int, ...]) -> Iterator[tuple[int, tuple[slice, ...]]]:
        """(k, slices): for each cell (u, v) of the window, in row-major order k, the
        strided slices of x holding that cell of every window."""
        (ph, pw), (sh, sw) = self.pool_size, self.stride
        _, Ho, Wo = self.output_shape(x_shape[1:])
        for k in range(ph * pw):
            u, v = divmod(k, pw)
            yield k, (slice(None), slice(None), slice(u, u + sh * Ho, sh),
                      slice(v, v + sw * Wo, sw))

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """The window maxima: a running maximum over the p_h·p_w cells of the windows
        (one vectorised pass per window cell, none per window)."""
        cells = self._offsets(x.shape)
        _, first = next(cells)
        best = x[first].copy()
        for _, cell in cells:
            np.maximum(best, x[cell], out=best)
        self.x, self.a, self.winner = x, best, None
        return best

    def _kept(self) -> tuple[np.ndarray, np.ndarray]:
        """x and a of the last forward pass."""
        if self.x is None or self.a is None:
            raise ValueError(f"{self!r} has not run forward yet; call forward(x) first.")
        return self.x, self.a

    def _hits(self) -> Iterator[tuple[int, tuple[slice, ...], np.ndarray]]:
        """(k, slices, hit) for each window cell k in row-major order: ``hit`` marks the
        windows whose first cell equal to the maximum is k (torch's choice on ties)."""
        x, a = self._kept()
        free = np.ones(a.shape, dtype=np.bool_)  # windows whose winner is still unknown
        for k, cell in self._offsets(x.shape):
            hit = (x[cell] == a) & free
            free &= ~hit
            yield k, cell, hit

    def find_winners(self) -> np.ndarray:
        """Which cell k (row-major in the window) won each window (N, C, H′, W′): the
        first whose value equals the maximum, torch's choice on ties. Kept as ``winner``."""
        winner = np.zeros(self._kept()[1].shape, dtype=np.int16)
        for k, _, hit in self._hits():
            winner[hit] = k
        self.winner = winner
        return winner

    def winner_index(self) -> np.ndarray:
        """For each window (N, C, H′, W′), the flat index into x of the cell that won."""
        N, C, H, W = self._kept()[0].shape
        pw, (sh, sw) = self.pool_size[1], self.stride
        winner = self.find_winners() if self.winner is None else self.winner
        Ho, Wo = winner.shape[2:]
        rows = np.arange(Ho).reshape(-1, 1) * sh + winner // pw
        cols = np.arange(Wo) * sw + winner % pw
        base = (np.arange(N * C) * (H * W)).reshape(N, C, 1, 1)
        return base + rows * W + cols

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """dL/dx: each window's dL/da added onto its winner (the first cell equal to the
        maximum, in row-major order); zeros elsewhere."""
        self.grad_a = grad_out
        if not need_input_grad:
            return None
        dx = np.zeros_like(self._kept()[0])
        for _, cell, hit in self._hits():
            dx[cell] += grad_out * hit  # += adds up where windows overlap
        return dx

    def get_config(self) -> dict[str, Any]:
        return {"type": "MaxPool2D", "pool_size": list(self.pool_size),
                "stride": list(self.stride)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> MaxPool2D:
        return cls(tuple(config["pool_size"]), tuple(config["stride"]))

    def __repr__(self) -> str:
        p = self.pool_size[0] if self.pool_size[0] == self.pool_size[1] else self.pool_size
        stride = "" if self.stride == self.pool_size else f", stride={self.stride}"
        return f"MaxPool2D({p}{stride})"


class Flatten(Layer):
    """(N, d₁, d₂, …) → (N, d₁·d₂·…) in C order (a view); backward reshapes back.

    Its width is known once data (or ``summary(input_shape=...)``) arrives.

    >>> import numpy as np
    >>> Flatten().forward(np.zeros((2, 3, 4, 4))).shape
    (2, 48)
    """

    any_width = True
    sample_rank = None

    def __init__(self) -> None:
        # None until data comes: the width follows the data (output_shape sets it)
        self.n_inputs = self.n_units = None  # type: ignore[assignment]
        self.x_shape: tuple[int, ...] | None = None
        self.a: np.ndarray | None = None

    def build(self, n_inputs: int) -> None:
        """Nothing to take from the layer before: the width follows the data."""

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        if len(shape) < 1:
            raise ValueError(f"{self!r} needs samples with at least one axis, got {show(shape)}.")
        self.n_units = int(np.prod(shape))
        return (self.n_units,)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self.x_shape = x.shape
        self.a = x.reshape(x.shape[0], -1)
        return self.a

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        if self.x_shape is None:
            raise ValueError(f"{self!r} has not run forward yet; call forward(x) first.")
        return grad_out.reshape(self.x_shape) if need_input_grad else None

    def get_config(self) -> dict[str, Any]:
        return {"type": "Flatten"}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Flatten:
        return cls()

    def __repr__(self) -> str:
        return "Flatten()"


# model files name these types too: the loader's allow-list learns them on import
LAYERS.update({cls.__name__: cls for cls in (MaxPool2D, Flatten)})
