"""Step tables for the convolutional and recurrent layers: the numbers of one
training step of a :class:`~glassnet.Conv2D`, :class:`~glassnet.MaxPool2D`,
:class:`~glassnet.RNN` or :class:`~glassnet.LSTM`, read off the engine's own
forward and backward passes (nothing is recomputed by a second copy of the math).

``trace_layers(net, X, y, loss)`` runs one forward and backward pass, leaves the
network as it was, and returns a :class:`LayerTrace` of named tables per layer
(:mod:`~glassnet.glassbox.conv_tables` and
:mod:`~glassnet.glassbox.recurrent_tables` say which):

- a convolution: the padded input, the kernel W[f] and b; for a chosen output
  cell (n, f, i, j) the ``patch`` under it, their elementwise ``products`` and
  ``Σ patch ⊙ kernel + b[f]``, equal to z[n, f, i, j]; the output map z[n, f]
  and a[n, f]; and the whole ``im2col`` matrix X_col;
- max pooling: its input and, per window, the maximum, the ``winner`` (its
  (row, column) in the input) and the gradient sent there;
- an RNN: one column block per time step, ``x_t``, ``h_{t−1}``, ``z_t``, ``h_t``,
  and back-propagation through time right to left: ``dL/dh_t`` and δ_t = dL/dz_t;
- an LSTM: per step ``x_t``, ``h_{t−1}``, ``c_{t−1}``, the gates i, f, o, g, ``c_t``
  and ``h_t``, and BPTT right to left: dL/dh_t, dL/dc_t and the gates' δ.

Every table cell knows the cells it was computed from (:meth:`LayerTrace.sources`),
which the HTML report lights up on hover. ``print(tr.to_text())`` prints the
tables, ``tr.to_html(path)`` writes the report and ``tr.to_xlsx(path)`` a workbook
of live formulas (:mod:`~glassnet.glassbox.layer_sheets`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet import losses as losses_module
from glassnet.conv import Conv2D
from glassnet.glassbox.conv_tables import conv_tables, pool_tables
from glassnet.glassbox.recurrent_tables import lstm_tables, rnn_tables
from glassnet.glassbox.tables import Table
from glassnet.pooling import MaxPool2D
from glassnet.recurrent import LSTM, RNN


@dataclass
class LayerTrace:
    """``tables`` in order; ``tr[name]`` gives one table's numbers.

    ``layers`` describes each traced layer (its number ``k``, ``type``, ``repr`` and
    what the workbook needs to lay it out); ``network`` every layer's repr;
    ``loss_value`` is the loss of the pass.
    """

    tables: list[Table] = field(default_factory=list)
    loss_value: float = 0.0
    layers: list[dict[str, Any]] = field(default_factory=list)
    loss_name: str = ""
    network: list[str] = field(default_factory=list)

    def table(self, name: str) -> Table:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"No table {name!r}; the tables are {self.names}.")

    def __getitem__(self, name: str) -> np.ndarray:
        return self.table(name).values

    @property
    def names(self) -> list[str]:
        return [t.name for t in self.tables]

    def sources(self, name: str, i: int, j: int) -> list[tuple[str, int, int]]:
        """The cells that cell (i, j) of table ``name`` was computed from, as
        (table, row, column); [] for a given number (an input or a parameter)."""
        values = self[name]
        if not (0 <= i < values.shape[0] and 0 <= j < values.shape[1]):
            raise IndexError(f"{name} has shape {values.shape}; ({i}, {j}) is outside it.")
        return list(self.table(name).sources.get((i, j), []))

    def to_text(self, decimals: int = 3, max_rows: int = 12) -> str:
        return "\n\n".join(t.to_text(decimals, max_rows) for t in self.tables)

    def to_html(self, path: str | os.PathLike[str] | None = None, max_rows: int = 40,
                decimals: int | None = None) -> str:
        """The report as a standalone HTML page: written to ``path`` (and the path
        returned), or returned as a string without one."""
        from glassnet.glassbox import layer_report

        if path is None:
            return layer_report.render_html(self, max_rows=max_rows, decimals=decimals)
        return layer_report.write_html(self, path, max_rows=max_rows, decimals=decimals)

    def to_xlsx(self, path: str | os.PathLike[str]) -> str:
        """A workbook of live formulas: one sheet per Conv2D and RNN layer."""
        from glassnet.glassbox import layer_sheets

        return layer_sheets.write_xlsx(self, path)


def trace_layers(net: Any, X: np.ndarray, y: np.ndarray, loss: Any = "mse",
                 cell: tuple[int, int, int, int] = (0, 0, 0, 0)) -> LayerTrace:
    """One forward and backward pass of ``net`` on validated (X, y) (``net.trace``
    validates them), its layers' tables kept; weights and gradients are left as
    they were. ``cell`` (n, f, i, j) picks each convolution's output cell."""
    loss_obj = losses_module.get(loss)
    saved_params, saved_grads = net.params.copy(), net.grads.copy()
    try:
        value = net.loss_and_gradients(X, y, loss_obj)
        out = LayerTrace(loss_value=float(value), loss_name=loss_obj.name,
                         network=[repr(layer) for layer in net.layers])
        for k, layer in enumerate(net.layers, start=1):
            info: dict[str, Any] = {"k": k, "type": type(layer).__name__, "repr": repr(layer)}
            if isinstance(layer, Conv2D):
                tables, more = conv_tables(layer, k, cell)
            elif isinstance(layer, MaxPool2D):
                tables, more = pool_tables(layer, k)
            elif isinstance(layer, RNN):
                tables, more = rnn_tables(layer, k)
            elif isinstance(layer, LSTM):
                tables, more = lstm_tables(layer, k)
            else:
                continue
            out.tables += tables
            out.layers.append({**info, **more})
    finally:
        np.copyto(net.params, saved_params)
        np.copyto(net.grads, saved_grads)
    return out


__all__ = ["LayerTrace", "Table", "conv_tables", "lstm_tables", "pool_tables", "rnn_tables",
           "trace_layers"]
