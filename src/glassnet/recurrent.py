"""Recurrent layers on sequences (N, T, D): a vanilla RNN and an LSTM, trained by
back-propagation through time. Both loop over time only; the input products of
all T steps are one matrix product, and so are the weight gradients.

:class:`RNN` (cs231n's and min-char-rnn's)::

    z_t = x_t Wx + h_{t−1} Wh + b        x_t: (N, D)  Wx: (D, H)  Wh: (H, H)  b: (H,)
    h_t = f(z_t)                          h_0 = 0 (or the h0 given), f = tanh by default

    BPTT, t = T … 1:   dL/dh_t = (dL/dh_t from the output) + dL/dz_{t+1} Whᵀ
                       δ_t = dL/dz_t = dL/dh_t ⊙ f'(z_t)
    dWx = Σ_t x_tᵀ δ_t    dWh = Σ_t h_{t−1}ᵀ δ_t    db = Σ_t 1ᵀ δ_t    dL/dx_t = δ_t Wxᵀ

:class:`LSTM`, gates in cs231n's order i, f, o, g::

    a_t = x_t Wx + h_{t−1} Wh + b                     Wx: (D, 4H)  Wh: (H, 4H)  b: (4H,)
    i = σ(a_t[:, :H])   f = σ(a_t[:, H:2H])   o = σ(a_t[:, 2H:3H])   g = tanh(a_t[:, 3H:])
    c_t = f ⊙ c_{t−1} + i ⊙ g                h_t = o ⊙ tanh(c_t)       c_0 = h_0 = 0

The layer gives the last state h_T (N, H), or every state (N, T, H) with
``return_sequences=True``. ``clip`` (off by default) clips every element of the
layer's weight gradients to [−clip, clip] after BPTT, as min-char-rnn does.
Called directly, ``forward(x, h0=..., c0=...)`` starts from a given state; the
gradient reaching it is left in ``dh0`` (and ``dc0``). Backward keeps what BPTT
computed per step for the glass box: δ in ``dz``, dL/dh_t in ``dh`` (and the
LSTM's dL/dc_t in ``dc``), each (N, T, ·).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations, initializers
from glassnet.layers import LAYERS
from glassnet.shaped import Grad, Param, ParamLayer, show
from glassnet.validation import check_positive_int

_sigmoid = activations.Sigmoid()


class Recurrent(ParamLayer):
    """What RNN and LSTM share: Wx (D, kH), Wh (H, kH), b (kH,), k gates per unit."""

    Wx = Param()
    Wh = Param()
    b = Param()
    dWx = Grad("Wx")
    dWh = Grad("Wh")
    db = Grad("b")
    sample_rank = 2
    input_layout = "(N, T, D)"
    gates = 1
    #: what forward keeps for backward, and the state gradient dL/dh0 (None before a pass)
    x: np.ndarray | None
    h0: np.ndarray | None
    h: np.ndarray | None
    a: np.ndarray | None
    dz: np.ndarray | None
    dh0: np.ndarray | None
    dh: np.ndarray | None  # dL/dh_t (N, T, H), all of it: from the output and from step t + 1

    def __init__(self, n_inputs: int, n_units: int, return_sequences: bool = False,
                 clip: float | None = None,
                 init: str | initializers.Initializer = "glorot_uniform"):
        super().__init__()
        self.n_inputs = check_positive_int(n_inputs, "n_inputs")
        self.n_units = check_positive_int(n_units, "n_units")
        self.return_sequences = bool(return_sequences)
        if clip is not None and not (isinstance(clip, (int, float)) and clip > 0):
            raise ValueError(f"clip must be a positive number or None, but got {clip!r}.")
        self.clip = None if clip is None else float(clip)
        self.init = initializers.get(init)
        self.x = self.h0 = self.h = self.a = self.dz = self.dh0 = self.dh = None

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        D, H, k = self.n_inputs, self.n_units, self.gates
        return {"Wx": (D, k * H), "Wh": (H, k * H), "b": (k * H,)}

    def initialize(self, rng: np.random.Generator) -> None:
        """Wx and Wh from ``init`` (fan-in D or H, fan-out k·H); b = ``init``'s bias (0)."""
        for name, shape in self.param_shapes().items():
            target = self.parameters[name]
            if name == "b":
                target[...] = self.init.bias(rng, shape[0], target.dtype)
            else:
                target[...] = self.init.tensor(rng, shape, shape[0], shape[1], target.dtype)

    def output_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        """(T, D) → (H,) or, with ``return_sequences``, (T, H)."""
        if len(shape) != 2 or shape[1] != self.n_inputs or shape[0] < 1:
            raise ValueError(
                f"{type(self).__name__} expects (N, T, D) with D = {self.n_inputs}, but got an "
                f"array of shape {show(shape)}."
            )
        return (shape[0], self.n_units) if self.return_sequences else (self.n_units,)

    def _state(self, given: Any, name: str, n: int, dtype: np.dtype) -> np.ndarray:
        if given is None:
            return np.zeros((n, self.n_units), dtype=dtype)
        given = np.asarray(given, dtype=dtype)
        if given.shape != (n, self.n_units):
            raise ValueError(
                f"{name} must have shape {(n, self.n_units)} (one state per sample), but has "
                f"shape {given.shape}."
            )
        return given

    def _input_products(self, x: np.ndarray) -> np.ndarray:
        """x_t Wx + b for every t at once: (N, T, kH), one matrix product."""
        N, T, D = x.shape
        return (x.reshape(N * T, D) @ self.Wx).reshape(N, T, -1) + self.b

    def _kept(self, *names: str) -> list[np.ndarray]:
        """The arrays the last forward kept, by name, for backward (refused before one)."""
        arrays = [getattr(self, name) for name in names]
        if any(array is None for array in arrays):
            raise ValueError(f"{self!r} has no forward pass to go back through; call forward.")
        return arrays

    def _output(self, h: np.ndarray) -> np.ndarray:
        """What the layer gives (kept as ``a``, as every layer keeps its output)."""
        self.a = h if self.return_sequences else h[:, -1]
        return self.a

    def _grad_at(self, grad_out: np.ndarray, t: int, T: int) -> np.ndarray | float:
        """dL/dh_t arriving from the layer's output at step t."""
        if self.return_sequences:
            return grad_out[:, t]
        return grad_out if t == T - 1 else 0.0

    def _weight_gradients(self, dz: np.ndarray, need_input_grad: bool) -> np.ndarray | None:
        """dWx = Σ x_tᵀ δ_t, dWh = Σ h_{t−1}ᵀ δ_t, db = Σ δ_t (one product each), then the
        clipping; returns dL/dx = δ Wxᵀ."""
        x, h0, h = self._kept("x", "h0", "h")
        N, T, D = x.shape
        k_h = dz.shape[2]
        d2 = dz.reshape(N * T, k_h)
        h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
        np.dot(x.reshape(N * T, D).T, d2, out=self.dWx)
        np.dot(h_prev.reshape(N * T, -1).T, d2, out=self.dWh)
        np.add.reduce(d2, axis=0, out=self.db)
        if self.clip is not None:
            for grad in self.gradients.values():
                np.clip(grad, -self.clip, self.clip, out=grad)
        self.dz = dz
        return (d2 @ self.Wx.T).reshape(N, T, D) if need_input_grad else None

    def _config(self) -> dict[str, Any]:
        return {
            "type": type(self).__name__, "n_inputs": self.n_inputs, "n_units": self.n_units,
            "return_sequences": self.return_sequences, "clip": self.clip, "init": self.init.name,
        }  # fmt: skip

    def _repr_extra(self) -> str:
        extra = ", return_sequences=True" if self.return_sequences else ""
        return extra + (f", clip={self.clip:g}" if self.clip is not None else "")


class RNN(Recurrent):
    """A vanilla recurrent layer, h_t = f(x_t Wx + h_{t−1} Wh + b), on (N, T, D).

    Parameters
    ----------
    n_inputs : D, features per time step. n_units : H, size of the state h.
    activation : f, a name from :data:`glassnet.activations.ACTIVATIONS` (tanh).
    return_sequences : give every h_t (N, T, H) instead of the last (N, H).
    clip : clip each element of dWx, dWh, db to [−clip, clip] (None: no clipping).
    init : Wx and Wh from this initialiser (Glorot uniform; b = 0).

    Examples
    --------
    >>> import numpy as np, glassnet as gn
    >>> net = gn.Network([gn.RNN(3, 5, return_sequences=True)], seed=0)
    >>> net.predict(np.zeros((2, 4, 3))).shape
    (2, 4, 5)
    """

    def __init__(self, n_inputs: int, n_units: int,
                 activation: str | activations.Activation = "tanh",
                 return_sequences: bool = False, clip: float | None = None,
                 init: str | initializers.Initializer = "glorot_uniform"):
        super().__init__(n_inputs, n_units, return_sequences, clip, init)
        self.activation = activations.get(activation)
        self.z: np.ndarray | None = None

    def forward(
        self, x: np.ndarray, training: bool = False, h0: np.ndarray | None = None
    ) -> np.ndarray:
        """z_t = x_t Wx + h_{t−1} Wh + b,  h_t = f(z_t), for t = 1 … T."""
        self.output_shape(x.shape[1:])
        N, T, _ = x.shape
        h_prev = h0 = self._state(h0, "h0", N, x.dtype)
        z = self._input_products(x)
        h = np.empty_like(z)
        for t in range(T):
            z[:, t] += h_prev @ self.Wh
            h[:, t] = h_prev = self.activation.forward(z[:, t])
        self.x, self.h0, self.z, self.h = x, h0, z, h
        return self._output(h)

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """BPTT right to left: δ_t = (dL/dh_t + δ_{t+1} Whᵀ) ⊙ f'(z_t)."""
        x, z, h0, h = self._kept("x", "z", "h0", "h")
        T = x.shape[1]
        dz, dh_all = np.empty_like(z), np.empty_like(h)
        dh_next = np.zeros_like(h0)
        for t in range(T - 1, -1, -1):
            dh_all[:, t] = dh = dh_next + self._grad_at(grad_out, t, T)
            dz[:, t] = self.activation.backward(dh, z[:, t], h[:, t])
            dh_next = dz[:, t] @ self.Wh.T
        self.dh0, self.dh = dh_next, dh_all
        return self._weight_gradients(dz, need_input_grad)

    def get_config(self) -> dict[str, Any]:
        return {**self._config(), "activation": self.activation.name,
                "activation_config": self.activation.get_config()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        activation = type(activations.get(config["activation"]))(
            **config.get("activation_config", {})
        )
        return cls(config["n_inputs"], config["n_units"], activation,
                   bool(config["return_sequences"]), config.get("clip"), config["init"])

    def __repr__(self) -> str:
        f = "" if self.activation.name == "tanh" else f", activation={self.activation.name!r}"
        return f"RNN({self.n_inputs}, {self.n_units}{f}{self._repr_extra()})"


class LSTM(Recurrent):
    """A long short-term memory layer on (N, T, D), gates i, f, o, g as in cs231n.

    Parameters
    ----------
    n_inputs : D, features per time step. n_units : H, size of h and c.
    return_sequences : give every h_t (N, T, H) instead of the last (N, H).
    clip : clip each element of dWx, dWh, db to [−clip, clip] (None: no clipping).
    init : Wx (D, 4H) and Wh (H, 4H) from this initialiser (Glorot uniform; b = 0).

    Examples
    --------
    >>> import numpy as np, glassnet as gn
    >>> net = gn.Network([gn.LSTM(3, 5)], seed=0)
    >>> net.layers[0].Wx.shape, net.predict(np.zeros((2, 4, 3))).shape
    ((3, 20), (2, 5))
    """

    gates = 4

    def __init__(self, n_inputs: int, n_units: int, return_sequences: bool = False,
                 clip: float | None = None,
                 init: str | initializers.Initializer = "glorot_uniform"):
        super().__init__(n_inputs, n_units, return_sequences, clip, init)
        self.gate_values: np.ndarray | None = None
        self.c: np.ndarray | None = None
        self.c0: np.ndarray | None = None
        self.dc0: np.ndarray | None = None
        self.dc: np.ndarray | None = None  # dL/dc_t (N, T, H): through h_t and from c_{t+1}

    def forward(
        self, x: np.ndarray, training: bool = False, h0: np.ndarray | None = None,
        c0: np.ndarray | None = None,
    ) -> np.ndarray:
        """a_t = x_t Wx + h_{t−1} Wh + b; i, f, o = σ(…), g = tanh(…);
        c_t = f ⊙ c_{t−1} + i ⊙ g;  h_t = o ⊙ tanh(c_t)."""
        self.output_shape(x.shape[1:])
        N, T, _ = x.shape
        H = self.n_units
        h_prev = h0 = self._state(h0, "h0", N, x.dtype)
        c_prev = c0 = self._state(c0, "c0", N, x.dtype)
        gates = self._input_products(x)  # pre-activations a_t, made the gates in place
        h, c = np.empty((N, T, H), dtype=x.dtype), np.empty((N, T, H), dtype=x.dtype)
        for t in range(T):
            a = gates[:, t]
            a += h_prev @ self.Wh
            _sigmoid.forward(a[:, : 3 * H], out=a[:, : 3 * H])  # i, f, o
            np.tanh(a[:, 3 * H :], out=a[:, 3 * H :])  # g
            i, f, o, g = a[:, :H], a[:, H : 2 * H], a[:, 2 * H : 3 * H], a[:, 3 * H :]
            c[:, t] = c_prev = f * c_prev + i * g
            h[:, t] = h_prev = o * np.tanh(c_prev)
        self.x, self.h0, self.c0, self.gate_values, self.h, self.c = x, h0, c0, gates, h, c
        return self._output(h)

    def backward(self, grad_out: np.ndarray, need_input_grad: bool = True) -> np.ndarray | None:
        """BPTT right to left through h_t = o ⊙ tanh(c_t) and c_t = f ⊙ c_{t−1} + i ⊙ g."""
        x, gate_values, h0, c0, c = self._kept("x", "gate_values", "h0", "c0", "c")
        T, H = x.shape[1], self.n_units
        da = np.empty_like(gate_values)
        dh_all, dc_all = np.empty_like(c), np.empty_like(c)
        dh_next, dc_next = np.zeros_like(h0), np.zeros_like(c0)
        for t in range(T - 1, -1, -1):
            gv = gate_values[:, t]
            i, f, o, g = gv[:, :H], gv[:, H : 2 * H], gv[:, 2 * H : 3 * H], gv[:, 3 * H :]
            c_prev = c[:, t - 1] if t > 0 else c0
            tanh_c = np.tanh(c[:, t])
            dh_all[:, t] = dh = dh_next + self._grad_at(grad_out, t, T)
            dc_all[:, t] = dc = dc_next + dh * o * (1 - tanh_c * tanh_c)
            d = da[:, t]
            d[:, :H] = dc * g * i * (1 - i)  # through i = σ(a_i)
            d[:, H : 2 * H] = dc * c_prev * f * (1 - f)
            d[:, 2 * H : 3 * H] = dh * tanh_c * o * (1 - o)
            d[:, 3 * H :] = dc * i * (1 - g * g)  # through g = tanh(a_g)
            dc_next = dc * f
            dh_next = d @ self.Wh.T
        self.dh0, self.dc0, self.dh, self.dc = dh_next, dc_next, dh_all, dc_all
        return self._weight_gradients(da, need_input_grad)

    def get_config(self) -> dict[str, Any]:
        return self._config()

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LSTM:
        return cls(config["n_inputs"], config["n_units"], bool(config["return_sequences"]),
                   config.get("clip"), config["init"])

    def __repr__(self) -> str:
        return f"LSTM({self.n_inputs}, {self.n_units}{self._repr_extra()})"


# model files name these types too: the loader's allow-list learns them on import
LAYERS.update({cls.__name__: cls for cls in (RNN, LSTM)})
