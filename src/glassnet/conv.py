"""Convolution on NCHW images, by im2col and one GEMM.

:class:`Conv2D` is the cross-correlation ``torch.nn.Conv2d`` and cs231n compute,
with zero padding::

    x: (N, C, H, W)   W: (F, C, kh, kw)   b: (F,)   stride s, padding p
    z[n, f, i, j] = b[f] + Σ_c Σ_u Σ_v x_pad[n, c, i·s_h + u, j·s_w + v] · W[f, c, u, v]
    a = f(z)          a, z: (N, F, H′, W′),   H′ = (H + 2p_h − kh)//s_h + 1  (W′ alike)

im2col lays every patch out as one row, so the whole layer is one matrix product::

    X_col: (N·H′·W′, C·kh·kw)      row (n, i, j) = the patch under output cell (i, j)
    Z_col = X_col W_colᵀ + b       W_col = W reshaped (F, C·kh·kw);  z = Z_col as (N, F, H′, W′)

    δ = dL/dz = dL/da ⊙ f'(z)      δ_col = δ as (N·H′·W′, F)
    dW = δ_colᵀ X_col              db = Σ_rows δ_col
    dL/dX_col = δ_col W_col        col2im adds each row back onto its patch: dL/dx

The patches are a strided view of the padded input (no Python loop over
positions); col2im loops over the kh·kw kernel offsets only.

Max pooling and flattening are in :mod:`glassnet.pooling`.

Every forward allocates its own arrays (no shared work arrays), so predict may
run in several threads; what backward needs is kept on the layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from glassnet import activations, initializers
from glassnet.layers import LAYERS
from glassnet.shaped import Grad, Param, ParamLayer, as_pair, show
from glassnet.validation import check_positive_int


def windows(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """A read-only view (N, C, H′, W′, kh, kw) of every kh×kw window of ``xp`` (N, C, H, W)."""
    N, C, H, W = xp.shape
    Ho, Wo = (H - kh) // sh + 1, (W - kw) // sw + 1
    sN, sC, sH, sW = xp.strides
    return as_strided(xp, (N, C, Ho, Wo, kh, kw), (sN, sC, sh * sH, sw * sW, sH, sW),
                      writeable=False)


def im2col(xp: np.ndarray, kh: int, kw: int, sh: int, sw: int) -> np.ndarray:
    """X_col (N·H′·W′, C·kh·kw) of the (padded) input: one row per output cell, its
    patch in (c, u, v) order, the order of W (F, C, kh, kw) reshaped (F, C·kh·kw)."""
    view = windows(xp, kh, kw, sh, sw)  # (N, C, H′, W′, kh, kw)
    N, C, Ho, Wo = view.shape[:4]
    return view.transpose(0, 2, 3, 1, 4, 5).reshape(N * Ho * Wo, C * kh * kw)


def col2im(dcols: np.ndarray, padded_shape: tuple[int, ...], kh: int, kw: int, sh: int,
           sw: int) -> np.ndarray:
    """The adjoint of :func:`im2col`: add each row of dL/dX_col back onto its patch."""
    N, C, Hp, Wp = padded_shape
    Ho, Wo = (Hp - kh) // sh + 1, (Wp - kw) // sw + 1
    d6 = dcols.reshape(N, Ho, Wo, C, kh, kw)
    dxp = np.zeros(padded_shape, dtype=dcols.dtype)
    for u in range(kh):  # a loop over kernel offsets, never over positions
        for v in range(kw):
            dxp[:, :, u : u + sh * Ho : sh, v : v + sw * Wo : sw] += d6[:, :, :, :, u, v].transpose(
                0, 3, 1, 2
            )
    return dxp


def _padding(padding: Any, kernel: tuple[int, int], stride: tuple[int, int]) -> tuple[int, ...]:
    """(top, bottom, left, right) zero rows/columns; "same" pads as torch (extra at the end)."""
    if isinstance(padding, str):
        if padding.strip().lower() != "same":
            raise ValueError(f"padding must be an integer, a pair or 'same', but got {padding!r}.")
        if stride != (1, 1):
            raise ValueError(
                f"padding='same' needs stride 1 (as in torch), but stride is {stride}; give "
                f"the padding as numbers instead."
            )
        (kh, kw) = kernel
        return ((kh - 1) // 2, kh - 1 - (kh - 1) // 2, (kw - 1) // 2, kw - 1 - (kw - 1) // 2)
    ph, pw = as_pair(padding, "padding", minimum=0)
    return (ph, ph, pw, pw)


class Conv2D(ParamLayer):
    """A 2-D convolution: a = f(x ⋆ W + b) on (N, C, H, W) images (see the module docstring).

    Parameters
    ----------
    in_channels : C, channels of the input. out_channels : F, filters (output channels).
    kernel_size, stride : an int or an (h, w) pair.
    padding : zero padding, an int, an (h, w) pair or "same" (stride 1: output as big as the input).
    activation : a name from :data:`glassnet.activations.ACTIVATIONS` or an object.
    init : a name from :data:`glassnet.initializers.INITIALIZERS`; the default Glorot
        uniform draws W ~ U[−l, l), l = √(6 / (fan_in + fan_out)), fan_in = C·kh·kw,
        fan_out = F·kh·kw; b starts at 0.

    Examples
    --------
    >>> import numpy as np, glassnet as gn
    >>> net = gn.Network([gn.Conv2D(1, 4, 3, padding=1)], seed=0)
    >>> net.layers[0].W.shape, net.predict(np.zeros((2, 1, 8, 8))).shape
    ((4, 1, 3, 3), (2, 4, 8, 8))
    """

    W = Param()
    b = Param()
    dW = Grad("W")
    db = Grad("b")
    sample_rank = 3
    input_layout = "(N, C, H, W)"
    #: what forward keeps for backward: x, z, a, the patches X_col (cols), and δ (dz)
    x: np.ndarray | None
    z: np.ndarray | None
    a: np.ndarray | None
    cols: np.ndarray | None
    dz: np.ndarray | None
    padded_shape: tuple[int, ...]

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any, stride: Any = 1,
                 padding: Any = 0, activation: str | activations.Activation = "linear",
                 use_bias: bool = True, init: str | initializers.Initializer = "glorot_uniform"):
        super().__init__()
        check_positive_int(in_channels, "in_channels")
        check_positive_int(out_channels, "out_channels")
        self.n_inputs = self.in_channels = int(in_channels)
        self.n_units = self.out_channels = int(out_channels)
        self.kernel_size = as_pair(kernel_size, "kernel_size")
        self.stride = as_pair(stride, "stride")
        self.padding = padding if isinstance(padding, str) else as_pair(padding, "padding", 0)
        self.pads = _padding(padding, self.kernel_size, self.stride)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.init = initializers.get(init)
        self.x = self.z = self.a = self.cols = self.dz = None

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        shapes: dict[str, tuple[int, ...]] = {
            "W": (self.out_channels, self.in_channels, *self.kernel_size)
        }
        if self.use_bias:
            shapes["b"] = (self.out_channels,)
        return shapes

    def initialize(self, rng: np.random.Generator) -> None:
        kh, kw = self.kernel_size
        W = self.parameters["W"]
        fan_in, fan_out = self.in_channels * kh * kw, self.out_channels * kh * kw
        W[...] = self.init.tensor(rng, W.shape, fan_in, fan_out, W.dtype)
        if "b" in self.parameters:
            self.parameters["b"][...] = self.init.bias(rng, self.out_channels, W.dtype)

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """(C, H, W) → (F, H′, W′), H′ = (H + p_top + p_bottom − kh)//s_h + 1."""
        if len(shape) != 3 or shape[0] != self.in_channels:
            raise ValueError(
                f"{self!r} expects (N, C, H, W) with C = {self.in_channels}, but got an array "
                f"of shape {show(shape)}."
            )
        (kh, kw), (sh, sw), (pt, pb, pl, pr) = self.kernel_size, self.stride, self.pads
        Hp, Wp = shape[1] + pt + pb, shape[2] + pl + pr
        if Hp < kh or Wp < kw:
            raise ValueError(
                f"{self!r} has a {kh}×{kw} kernel, larger than its padded input "
                f"{Hp}×{Wp} (input {show(shape)}); use a smaller kernel or more padding."
            )
        return (self.out_channels, (Hp - kh) // sh + 1, (Wp - kw) // sw + 1)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """X_col = im2col(x);  z = X_col W_colᵀ + b as (N, F, H′, W′);  a = f(z)."""
        F = self.out_channels
        _, Ho, Wo = self.output_shape(x.shape[1:])
        pt, pb, pl, pr = self.pads
        xp = np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr))) if any(self.pads) else x
        cols = im2col(xp, *self.kernel_size, *self.stride)
        z_col = cols @ self.W.reshape(F, -1).T
        if self.use_bias:
            z_col += self.b
        z = np.ascontiguousarray(z_col.reshape(x.shape[0], Ho, Wo, F).transpose(0, 3, 1, 2))
        a = self.activation.forward(z)
        self.x, self.padded_shape, self.cols, self.z, self.a = x, xp.shape, cols, z, a
        return a

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """δ = dL/da ⊙ f'(z);  dW = δ_colᵀ X_col,  db = Σ δ_col;  dL/dx = col2im(δ_col W_col)."""
        F = self.out_channels
        z, a, cols = self.z, self.a, self.cols
        if z is None or a is None or cols is None:
            raise ValueError(f"{self!r} has no forward pass to go back through; call forward.")
        dz = self.activation.backward(grad_out, z, a)
        self.dz = dz
        d_col = dz.transpose(0, 2, 3, 1).reshape(-1, F)
        np.dot(d_col.T, cols, out=self.dW.reshape(F, -1))
        if self.use_bias:
            np.add.reduce(d_col, axis=0, out=self.db)
        if not need_input_grad:
            return None
        dxp = col2im(d_col @ self.W.reshape(F, -1), self.padded_shape, *self.kernel_size,
                     *self.stride)
        pt, pb, pl, pr = self.pads
        return dxp[:, :, pt : dxp.shape[2] - pb, pl : dxp.shape[3] - pr]

    def get_config(self) -> dict[str, Any]:
        return {
            "type": "Conv2D", "in_channels": self.in_channels,
            "out_channels": self.out_channels, "kernel_size": list(self.kernel_size),
            "stride": list(self.stride),
            "padding": self.padding if isinstance(self.padding, str) else list(self.padding),
            "activation": self.activation.name,
            "activation_config": self.activation.get_config(),
            "use_bias": self.use_bias, "init": self.init.name,
        }  # fmt: skip

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Conv2D:
        activation = activations.get(config["activation"])
        activation = type(activation)(**config.get("activation_config", {}))
        return cls(
            config["in_channels"], config["out_channels"], tuple(config["kernel_size"]),
            stride=tuple(config["stride"]), padding=config["padding"]
            if isinstance(config["padding"], str) else tuple(config["padding"]),
            activation=activation, use_bias=bool(config["use_bias"]), init=config["init"],
        )  # fmt: skip

    def __repr__(self) -> str:
        k = self.kernel_size[0] if self.kernel_size[0] == self.kernel_size[1] else self.kernel_size
        extra = ""
        if self.stride != (1, 1):
            extra += f", stride={self.stride[0] if len(set(self.stride)) == 1 else self.stride}"
        if self.padding != (0, 0):
            p = self.padding
            extra += f", padding={p if isinstance(p, str) or p[0] != p[1] else p[0]!r}"
        if self.activation.name != "linear":
            extra += f", activation={self.activation.name!r}"
        if not self.use_bias:
            extra += ", use_bias=False"
        return f"Conv2D({self.in_channels}, {self.out_channels}, {k}{extra})"


# model files name these types too: the loader's allow-list learns them on import
LAYERS.update({cls.__name__: cls for cls in (Conv2D,)})
