"""The step tables of an RNN and an LSTM, read off the layer's last forward and
backward pass (the arrays the engine kept: x, h, z or the gates, c, and from BPTT
δ, dL/dh_t and dL/dc_t), for one sample of the batch.

Layer k, time steps t = 1 … T, one column block per step::

    layerk_Wx, layerk_Wh, layerk_b      given
    RNN   layerk_t{t}:  x_t, h_{t−1}, z_t = x_t Wx + h_{t−1} Wh + b, h_t = f(z_t)
          layerk_bptt_t{t}, t = T … 1:  dL/dh_t = (dL/dh_t from the output) + δ_{t+1} Whᵀ,
                                         δ_t = dL/dh_t ⊙ f'(z_t)
    LSTM  layerk_t{t}:  x_t, h_{t−1}, c_{t−1}, i, f, o = σ(…), g = tanh(…),
                        c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t)
          layerk_bptt_t{t}, t = T … 1:  dL/dh_t, dL/dc_t = dL/dc_{t+1} ⊙ f_{t+1} +
                        dL/dh_t ⊙ o ⊙ (1 − tanh² c_t), and δ of a_i, a_f, a_o, a_g

Blocks hold rows of different lengths (D inputs, H units); a shorter row is blank.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.glassbox.tables import Sources, Table, block, kept
from glassnet.recurrent import LSTM, RNN, Recurrent

GATES = ("i", "f", "o", "g")


def _weights(layer: Recurrent, k: int) -> list[Table]:
    """Wx, Wh and b, columns named by unit (and by gate for an LSTM)."""
    H = layer.n_units
    units = ([f"{g}{u}" for g in GATES for u in range(H)] if layer.gates == 4
             else [str(u) for u in range(H)])
    p = f"layer{k}"
    return [
        Table(f"{p}_Wx", layer.Wx, [f"x{d}" for d in range(layer.n_inputs)], units,
              "Wx: input → units", k, "given"),
        Table(f"{p}_Wh", layer.Wh, [f"h{u}" for u in range(H)], units,
              "Wh: state → units", k, "given"),
        Table(f"{p}_b", layer.b[None], ["b"], units, "b", k, "given"),
    ]


def _affine_sources(p: str, t: int, unit: int, D: int, H: int) -> list[tuple[str, int, int]]:
    """x_t Wx + h_{t−1} Wh + b at column ``unit`` ← x_t, h_{t−1} (rows 0, 1 of the block),
    Wx's and Wh's column and b."""
    return ([(f"{p}_t{t}", 0, d) for d in range(D)] + [(f"{p}_t{t}", 1, u) for u in range(H)]
            + [(f"{p}_Wx", d, unit) for d in range(D)] + [(f"{p}_Wh", u, unit) for u in range(H)]
            + [(f"{p}_b", 0, unit)])


def _previous(p: str, t: int, row_then: int, row_now: int, H: int) -> Sources:
    """A state carried over: row ``row_now`` of step t is row ``row_then`` of step t − 1."""
    return {(row_now, u): [(f"{p}_t{t - 1}", row_then, u)] for u in range(H)} if t > 1 else {}


def rnn_tables(layer: RNN, k: int, sample: int = 0) -> tuple[list[Table], dict[str, Any]]:
    """Forward per time step (x_t, h_{t−1}, z_t, h_t) and BPTT right to left."""
    x, h, z = kept(layer.x, "input"), kept(layer.h, "states"), kept(layer.z, "z")
    h0 = kept(layer.h0, "initial state")
    (T, D), H, p = x.shape[1:], layer.n_units, f"layer{k}"
    h_prev = [h0[sample]] + [h[sample, t - 1] for t in range(1, T)]
    tables = _weights(layer, k)
    equation = f"z_t = x_t Wx + h_(t−1) Wh + b, h_t = {layer.activation.name}(z_t)"
    for t in range(1, T + 1):
        sources: Sources = {(2, u): _affine_sources(p, t, u, D, H) for u in range(H)}
        sources.update({(3, u): [(f"{p}_t{t}", 2, u)] for u in range(H)})
        sources.update(_previous(p, t, 3, 1, H))
        rows = [("x_t", x[sample, t - 1]), ("h_{t-1}", h_prev[t - 1]),
                ("z_t", z[sample, t - 1]), ("h_t", h[sample, t - 1])]
        tables.append(Table(f"{p}_t{t}", block(rows), [r for r, _ in rows],
                            [str(c) for c in range(max(D, H))], f"step {t}: {equation}", k,
                            sources=sources))
    if layer.dz is not None and layer.dh is not None:
        for t in range(T, 0, -1):
            sources = {(1, u): [(f"{p}_bptt_t{t}", 0, u), (f"{p}_t{t}", 2, u),
                                (f"{p}_t{t}", 3, u)] for u in range(H)}
            if t < T:  # dL/dh_t ← δ_{t+1} and Wh's row
                sources.update({(0, u): [(f"{p}_bptt_t{t + 1}", 1, v) for v in range(H)]
                                + [(f"{p}_Wh", u, v) for v in range(H)] for u in range(H)})
            rows = [("dL/dh_t", layer.dh[sample, t - 1]), ("δ_t", layer.dz[sample, t - 1])]
            later = f" + δ_{t + 1} Whᵀ" if t < T else " (the last step)"
            tables.append(Table(f"{p}_bptt_t{t}", block(rows), [r for r, _ in rows],
                                [str(u) for u in range(H)],
                                f"BPTT step {t}: dL/dh_{t} = (from the output){later}; "
                                f"δ_{t} = dL/dh_{t} ⊙ f'(z_{t})", k, "backward", sources))
    return tables, {"sample": sample, "steps": T, "inputs": D, "units": H,
                    "activation": layer.activation.name,
                    "alpha": getattr(layer.activation, "alpha", None)}


def _lstm_forward_sources(p: str, t: int, D: int, H: int) -> Sources:
    """Rows x_t 0, h_{t−1} 1, c_{t−1} 2, i 3, f 4, o 5, g 6, c_t 7, h_t 8 of step t."""
    sources: Sources = {}
    for q in range(4):  # gate q of unit u reads column q·H + u of Wx, Wh and b
        sources.update({(3 + q, u): _affine_sources(p, t, q * H + u, D, H) for u in range(H)})
    me = f"{p}_t{t}"
    sources.update({(7, u): [(me, 4, u), (me, 2, u), (me, 3, u), (me, 6, u)] for u in range(H)})
    sources.update({(8, u): [(me, 5, u), (me, 7, u)] for u in range(H)})
    sources.update(_previous(p, t, 8, 1, H))
    sources.update(_previous(p, t, 7, 2, H))
    return sources


def _lstm_backward_sources(p: str, t: int, T: int, H: int) -> Sources:
    """Rows dL/dh_t 0, dL/dc_t 1, δa_i 2, δa_f 3, δa_o 4, δa_g 5 of BPTT step t."""
    me, fw = f"{p}_bptt_t{t}", f"{p}_t{t}"
    sources: Sources = {}
    for u in range(H):
        dc = [(me, 0, u), (fw, 5, u), (fw, 7, u)]
        if t < T:  # from step t + 1: δ of its gates through Wh, and dL/dc_{t+1} ⊙ f_{t+1}
            sources[(0, u)] = ([(f"{p}_bptt_t{t + 1}", 2 + q, v) for q in range(4)
                                for v in range(H)]
                               + [(f"{p}_Wh", u, c) for c in range(4 * H)])
            dc += [(f"{p}_bptt_t{t + 1}", 1, u), (f"{p}_t{t + 1}", 4, u)]
        sources[(1, u)] = dc
        sources[(2, u)] = [(me, 1, u), (fw, 6, u), (fw, 3, u)]  # through i
        sources[(3, u)] = [(me, 1, u), (fw, 2, u), (fw, 4, u)]  # through f
        sources[(4, u)] = [(me, 0, u), (fw, 7, u), (fw, 5, u)]  # through o
        sources[(5, u)] = [(me, 1, u), (fw, 3, u), (fw, 6, u)]  # through g
    return sources


def _lstm_bptt_note(t: int, T: int) -> str:
    if t == T:
        return (f"BPTT step {t} (the last): dL/dh_{t} from the output; "
                f"dL/dc_{t} = dL/dh_{t} ⊙ o ⊙ (1 − tanh² c_{t}); then the gates' δ")
    return (f"BPTT step {t}: dL/dh_{t} = (from the output) + δa_{t + 1} Whᵀ; dL/dc_{t} = "
            f"dL/dc_{t + 1} ⊙ f_{t + 1} + dL/dh_{t} ⊙ o ⊙ (1 − tanh² c_{t}); then the gates' δ")


def lstm_tables(layer: LSTM, k: int, sample: int = 0) -> tuple[list[Table], dict[str, Any]]:
    """Forward per time step (x_t, h_{t−1}, c_{t−1}, the gates, c_t, h_t) and BPTT."""
    x, h, c = kept(layer.x, "input"), kept(layer.h, "states"), kept(layer.c, "cells")
    gates = kept(layer.gate_values, "gates")
    h0, c0 = kept(layer.h0, "initial state"), kept(layer.c0, "initial cell")
    (T, D), H, p = x.shape[1:], layer.n_units, f"layer{k}"
    tables = _weights(layer, k)
    for t in range(1, T + 1):
        g = gates[sample, t - 1]
        rows = [("x_t", x[sample, t - 1]),
                ("h_{t-1}", h[sample, t - 2] if t > 1 else h0[sample]),
                ("c_{t-1}", c[sample, t - 2] if t > 1 else c0[sample])]
        rows += [(name, g[q * H : (q + 1) * H]) for q, name in enumerate(GATES)]
        rows += [("c_t", c[sample, t - 1]), ("h_t", h[sample, t - 1])]
        tables.append(Table(f"{p}_t{t}", block(rows), [r for r, _ in rows],
                            [str(u) for u in range(max(D, H))],
                            f"step {t}: i, f, o = σ(a), g = tanh(a), a = x_t Wx + h_(t−1) Wh + b;"
                            " c_t = f ⊙ c_(t−1) + i ⊙ g; h_t = o ⊙ tanh(c_t)", k,
                            sources=_lstm_forward_sources(p, t, D, H)))
    if layer.dz is not None and layer.dh is not None and layer.dc is not None:
        for t in range(T, 0, -1):
            d = layer.dz[sample, t - 1]
            rows = [("dL/dh_t", layer.dh[sample, t - 1]), ("dL/dc_t", layer.dc[sample, t - 1])]
            rows += [(f"δa_{name}", d[q * H : (q + 1) * H]) for q, name in enumerate(GATES)]
            tables.append(Table(f"{p}_bptt_t{t}", np.array([v for _, v in rows]),
                                [r for r, _ in rows], [str(u) for u in range(H)],
                                _lstm_bptt_note(t, T), k, "backward",
                                _lstm_backward_sources(p, t, T, H)))
    return tables, {"sample": sample, "steps": T, "inputs": D, "units": H}
