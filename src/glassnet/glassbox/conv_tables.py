"""The step tables of a convolution and of max pooling, read off the layer's last pass.

A convolution (layer k, output cell (n, f, i, j)); "input" is the padded x the
forward pass multiplied, one row per (image, channel, row)::

    layerk_input      x_pad (N·C·H_p, W_p)           given
    layerk_kernel     W[f] (C·kh, kw), layerk_b: b    given
    layerk_patch      x_pad[n, :, i·s_h : i·s_h + kh, j·s_w : j·s_w + kw]   (a row of X_col)
    layerk_patch_x_kernel   patch ⊙ kernel
    layerk_cell       Σ patch ⊙ kernel, b[f], their sum, and the engine's z[n, f, i, j]
    layerk_z, layerk_a      the output map z[n, f] (H′, W′) and a[n, f] = f(z[n, f])
    layerk_im2col     X_col (N·H′·W′, C·kh·kw), the matrix of the layer's one GEMM

Max pooling (layer k): ``layerk_input`` (its x) and ``layerk_windows``, one row per
window: the maximum, the winner's row and column in x, and dL/da, which goes to the
winner alone.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.conv import Conv2D
from glassnet.glassbox.tables import Sources, Table, kept
from glassnet.pooling import MaxPool2D


def _padded(layer: Conv2D) -> np.ndarray:
    """x as the forward pass padded it (its im2col rows are patches of this)."""
    x = kept(layer.x, "input")
    pt, pb, pl, pr = layer.pads
    return np.pad(x, ((0, 0), (0, 0), (pt, pb), (pl, pr)))


def _plane_labels(shape: tuple[int, ...], first: str, offset: int = 0) -> list[str]:
    """Row labels of an (N, C, H, …) array laid out as (N·C·H) rows."""
    N, C, H = shape[:3]
    return [f"n{n} {first}{c} r{r - offset}" for n in range(N) for c in range(C)
            for r in range(H)]


class _Conv:
    """What the tables of one convolution share: the layer's kept arrays, the chosen
    cell and the map from a kernel position to the input cell under it."""

    def __init__(self, layer: Conv2D, k: int, cell: tuple[int, int, int, int]):
        self.z, self.a = kept(layer.z, "output z"), kept(layer.a, "output a")
        self.cols = kept(layer.cols, "im2col")
        N, F, Ho, Wo = self.z.shape
        n, f, i, j = self.cell = cell
        if not (0 <= n < N and 0 <= f < F and 0 <= i < Ho and 0 <= j < Wo):
            raise ValueError(f"cell must be (n, f, i, j) inside the output (N, F, H′, W′) = "
                             f"{self.z.shape} of layer {k}, but is {cell}.")
        self.layer, self.k, self.p, self.C = layer, k, f"layer{k}", layer.in_channels
        (self.kh, self.kw), (self.sh, self.sw) = layer.kernel_size, layer.stride
        self.xp = _padded(layer)
        self.Hp, self.Wp = self.xp.shape[2:]
        self.positions = [(c, u, v) for c in range(self.C) for u in range(self.kh)
                          for v in range(self.kw)]
        self.bias_cell = [(f"{self.p}_b", 0, f)] if layer.b is not None else []

    def source(self, q: tuple[int, int, int], image: int, ii: int, jj: int
               ) -> tuple[str, int, int]:
        """The input cell under kernel position q = (c, u, v) for output (image, ii, jj)."""
        c, u, v = q
        return (f"{self.p}_input", (image * self.C + c) * self.Hp + ii * self.sh + u,
                jj * self.sw + v)

    def at(self, q: tuple[int, int, int]) -> tuple[int, int]:
        """Where kernel position (c, u, v) sits in the (C·kh, kw) kernel and patch tables."""
        return (q[0] * self.kh + q[1], q[2])

    def z_sources(self) -> Sources:
        """z[n, f, i, j] ← its patch of the input, the kernel and b[f]."""
        n = self.cell[0]
        kernel = [(f"{self.p}_kernel", *self.at(q)) for q in self.positions]
        Ho, Wo = self.z.shape[2:]
        return {(ii, jj): [self.source(q, n, ii, jj) for q in self.positions] + kernel
                + self.bias_cell for ii in range(Ho) for jj in range(Wo)}


def _given_tables(cv: _Conv) -> list[Table]:
    """The padded input, the kernel W[f] and the biases: the numbers the step starts from."""
    layer, p, (pt, _, pl, _) = cv.layer, cv.p, cv.layer.pads
    N, f, C, kh, kw = cv.z.shape[0], cv.cell[1], cv.C, cv.kh, cv.kw
    k = cv.k
    tables = [
        Table(f"{p}_input", cv.xp.reshape(N * C * cv.Hp, cv.Wp),
              _plane_labels(cv.xp.shape, "c", pt), [str(v - pl) for v in range(cv.Wp)],
              "x, zero-padded: rows (image n, channel c, row r), columns the input's column",
              k, "given"),
        Table(f"{p}_kernel", layer.W[f].reshape(C * kh, kw),
              [f"c{c} u{u}" for c in range(C) for u in range(kh)],
              [f"v{v}" for v in range(kw)], f"W[{f}]", k, "given"),
    ]
    if layer.b is not None:
        tables.append(Table(f"{p}_b", layer.b[None], ["b"],
                            [f"f{q}" for q in range(layer.out_channels)],
                            "b, one bias per filter", k, "given"))
    return tables


def _cell_tables(cv: _Conv) -> list[Table]:
    """The patch under the chosen cell, patch ⊙ kernel, and Σ patch ⊙ kernel + b = z."""
    layer, p, (pt, _, pl, _) = cv.layer, cv.p, cv.layer.pads
    n, f, i, j = cv.cell
    C, kh, kw, sh, sw = cv.C, cv.kh, cv.kw, cv.sh, cv.sw
    Ho, Wo = cv.z.shape[2:]
    k = cv.k
    patch = cv.cols[(n * Ho + i) * Wo + j].reshape(C, kh, kw)  # the row of X_col
    products = patch * layer.W[f]
    bias = 0.0 if layer.b is None else float(layer.b[f])
    total = float(products.sum())
    spatial = [f"c{c} u{u}" for c in range(C) for u in range(kh)]
    columns = [f"v{v}" for v in range(kw)]
    where = (f"rows {i * sh - pt}…{i * sh - pt + kh - 1}, columns {j * sw - pl}…"
             f"{j * sw - pl + kw - 1} of image {n} (negative or past the edge: padding)")
    at, qs = cv.at, cv.positions
    return [
        Table(f"{p}_patch", patch.reshape(C * kh, kw), spatial, columns, where, k,
              sources={at(q): [cv.source(q, n, i, j)] for q in qs}),
        Table(f"{p}_patch_x_kernel", products.reshape(C * kh, kw), spatial, columns,
              "patch ⊙ kernel", k,
              sources={at(q): [(f"{p}_patch", *at(q)), (f"{p}_kernel", *at(q))] for q in qs}),
        Table(f"{p}_cell", np.array([[total, bias, total + bias, float(cv.z[n, f, i, j])]]),
              [f"({n}, {f}, {i}, {j})"], ["Σ p⊙k", "b[f]", "sum", "z"],
              "Σ patch ⊙ kernel + b equals z at this cell", k,
              sources={(0, 0): [(f"{p}_patch_x_kernel", *at(q)) for q in qs],
                       (0, 1): cv.bias_cell, (0, 2): [(f"{p}_cell", 0, 0), (f"{p}_cell", 0, 1)],
                       (0, 3): cv.z_sources()[(i, j)]}),
    ]


def _map_tables(cv: _Conv) -> list[Table]:
    """The output maps z[n, f] and a[n, f], and the whole im2col matrix."""
    p, (n, f, _, _) = cv.p, cv.cell
    N, _, Ho, Wo = cv.z.shape
    k = cv.k
    rows, columns = [f"i{ii}" for ii in range(Ho)], [f"j{jj}" for jj in range(Wo)]
    im2col: Sources = {}
    for r in range(cv.cols.shape[0]):
        image, rest = divmod(r, Ho * Wo)
        for col, q in enumerate(cv.positions):
            im2col[(r, col)] = [cv.source(q, image, *divmod(rest, Wo))]
    return [
        Table(f"{p}_z", cv.z[n, f], rows, columns,
              f"z[{n}, {f}] = x ⋆ W[{f}] + b[{f}]: image {n}'s map for filter {f}", k,
              sources=cv.z_sources()),
        Table(f"{p}_a", cv.a[n, f], rows, columns,
              f"a[{n}, {f}] = {cv.layer.activation.name}(z[{n}, {f}])", k,
              sources={(ii, jj): [(f"{p}_z", ii, jj)] for ii in range(Ho) for jj in range(Wo)}),
        Table(f"{p}_im2col", cv.cols,
              [f"n{q}:{b},{c}" for q in range(N) for b in range(Ho) for c in range(Wo)],
              [f"c{c}u{u}v{v}" for c, u, v in cv.positions],
              "X_col: one row per output cell (image n: i,j), one column per (c, u, v)", k,
              sources=im2col),
    ]


def conv_tables(layer: Conv2D, k: int, cell: tuple[int, int, int, int]
                ) -> tuple[list[Table], dict[str, Any]]:
    """The tables of convolution layer ``k`` at output ``cell`` (n, f, i, j), and what
    the workbook needs to lay the layer out."""
    cv = _Conv(layer, k, cell)
    more = {"cell": cell, "kernel_size": (cv.kh, cv.kw), "stride": (cv.sh, cv.sw),
            "channels": cv.C, "padded": (cv.Hp, cv.Wp), "output": cv.z.shape[2:],
            "activation": layer.activation.name,
            "alpha": getattr(layer.activation, "alpha", None), "use_bias": layer.b is not None}
    return _given_tables(cv) + _cell_tables(cv) + _map_tables(cv), more


def pool_tables(layer: MaxPool2D, k: int) -> tuple[list[Table], dict[str, Any]]:
    """Per window: its maximum, the winner's place in x, and the gradient sent there."""
    x, a = kept(layer.x, "input"), kept(layer.a, "output")
    index = layer.winner_index()  # flat index into x (also sets layer.winner)
    N, C, H, W = x.shape
    Ho, Wo = a.shape[2:]
    (ph, pw), (sh, sw) = layer.pool_size, layer.stride
    plane = index % (H * W)
    rows, cols = plane // W, plane % W
    grad = np.zeros(index.shape) if layer.grad_a is None else layer.grad_a
    flat = np.stack([a.ravel(), rows.ravel(), cols.ravel(), np.ravel(grad)], axis=1)
    p = f"layer{k}"
    sources: Sources = {}
    for w, (n, c, i, j) in enumerate(np.ndindex(N, C, Ho, Wo)):
        base = (n * C + c) * H
        window = [(f"{p}_input", base + i * sh + u, j * sw + v)
                  for u in range(ph) for v in range(pw)]
        winner = [(f"{p}_input", base + int(rows[n, c, i, j]), int(cols[n, c, i, j]))]
        sources.update({(w, 0): window, (w, 1): winner, (w, 2): winner, (w, 3): winner})
    labels = [f"n{n}c{c}:{i},{j}" for n, c, i, j in np.ndindex(N, C, Ho, Wo)]
    tables = [
        Table(f"{p}_input", x.reshape(N * C * H, W), _plane_labels(x.shape, "c"),
              [str(v) for v in range(W)], "the pooling's input x: rows (image, channel, row)",
              k, "given"),
        Table(f"{p}_windows", flat, labels, ["max", "winner row", "winner col",
                                             "dL/da → x[winner]"],
              "each window's gradient goes to its winner alone (first maximum on ties)", k,
              "backward", sources),
    ]
    return tables, {"pool_size": (ph, pw), "stride": (sh, sw)}
