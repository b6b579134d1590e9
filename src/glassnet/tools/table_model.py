"""Tables from Python: what ``glassnet train`` does, on a DataFrame or a CSV path.

One call trains with the command line's preprocessing and defaults (see
:mod:`glassnet.tools.tabular`) and returns a :class:`TableModel`, which
predicts on raw rows — a DataFrame with the original columns (any order,
extra columns ignored) or a CSV path — and saves, loads and exports with the
preprocessing inside::

    import glassnet as gn, pandas as pd
    model = gn.fit_table(pd.read_csv("penguins.csv"), target="species")
    model.predict(new_rows)                # class names, one per row, in order
    model.predict_proba(new_rows)          # (n, k), columns in model.class_names order
    model.evaluate(labelled_rows)          # {"rows": …, "loss": …, "accuracy": …}
    model.save("penguins.gnet")            # the same file as glassnet train writes
    model = gn.TableModel.load("penguins.gnet")
    model.export("predict.py")             # NumPy-only, the preprocessing included

A category not seen in training is encoded as zeros with a ``UserWarning``
naming the column and the value. The scikit-learn estimators
(:mod:`glassnet.tools.sklearn`) stay plain arrays in, arrays out; compose a
``ColumnTransformer`` there.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from glassnet.network import Network
from glassnet.tools import tabular


class TableModel:
    """A network with its table preprocessing (``network.metadata``)."""

    def __init__(self, network: Network, report: tabular.TrainReport | None = None):
        tabular.check_model(network)
        self.network = network
        #: what training did (columns, task, figures); None for a loaded model
        self.report = report

    @property
    def metadata(self) -> dict[str, Any]:
        return self.network.metadata

    @property
    def task(self) -> str:
        return self.metadata["task"]

    @property
    def class_names(self) -> list[str] | None:
        return self.metadata.get("class_names")

    @property
    def feature_names(self) -> list[str]:
        """The network's inputs after preprocessing (``island=Biscoe``, …)."""
        return list(self.metadata["feature_names"])

    def _warn(self, lines: list[str]) -> None:
        for line in lines:
            warnings.warn(line, UserWarning, stacklevel=3)

    def predict(self, data: Any) -> np.ndarray:
        """One prediction per row, in order: class names, or numbers in the
        target's units."""
        values, _, notes = tabular.predict_table(self.network, data)
        self._warn(notes)
        return np.asarray(values, dtype=object if self.task == "classification" else float)

    def predict_proba(self, data: Any) -> np.ndarray:
        """(n, k) class probabilities, columns in :attr:`class_names` order."""
        if self.task != "classification":
            raise ValueError("predict_proba needs a classification model; this one is "
                             "regression: use predict.")
        _, proba, notes = tabular.predict_table(self.network, data)
        self._warn(notes)
        assert proba is not None  # a classifier's
        return proba

    def evaluate(self, data: Any, target: str | None = None) -> dict[str, float]:
        """rows, accuracy (or mae, rmse, r2) on labelled rows; a missing target
        leaves its row out."""
        figures, _, notes = tabular.evaluate_table(self.network, data,
                                                   target or self.metadata["target_name"])
        self._warn([n for n in notes if "not seen" in n])
        return figures

    def save(self, path: str | os.PathLike) -> None:
        """The model file ``glassnet predict`` reads (see :mod:`glassnet.tools.saving`)."""
        self.network.save(path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> TableModel:
        from glassnet.tools.saving import load

        return cls(load(path))

    def export(self, path: str | os.PathLike, *, embed: bool = True) -> str:
        """A NumPy-only ``predict.py`` that applies the preprocessing too."""
        from glassnet.tools.export import export_script

        return export_script(self.network, path, embed=embed)

    def __repr__(self) -> str:
        inputs = len({s["name"] for s in self.metadata["columns"] if s["kind"] != "dropped"})
        return (f"TableModel({self.task}, target {self.metadata['target_name']!r}, "
                f"{inputs} columns → {self.network.n_inputs} inputs)")


def fit_table(data: Any, target: str, **options: Any) -> TableModel:
    """Train on a DataFrame or a CSV path with ``glassnet train``'s preprocessing
    and defaults; ``options`` are :func:`glassnet.tools.tabular.train_table`'s
    (``hidden``, ``epochs``, ``validation_split``, ``test_split``, ``patience``,
    ``weight_decay``, ``dropout``, ``ignore``, ``features``, ``task``, ``seed``, …)."""
    with np.errstate(all="ignore"):
        net, report = tabular.train_table(data, target, **options)
    return TableModel(net, report)
