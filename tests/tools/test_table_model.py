"""The Python side of the table front end: fit_table on a DataFrame or a CSV path,
the same preprocessing and predictions as the command line, save/load/export."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import glassnet as gn
from glassnet.tools import datasets


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    path = tmp_path_factory.mktemp("penguins") / "penguins.csv"
    path.write_text(datasets.table_csv("penguins"))
    return path


def test_fit_on_a_dataframe_predicts_raw_rows(penguins, tmp_path):
    frame = pd.read_csv(penguins)
    model = gn.fit_table(frame, "species", epochs=50)
    assert model.task == "classification" and model.class_names == ["Adelie", "Chinstrap",
                                                                    "Gentoo"]
    assert "island=Biscoe" in model.feature_names
    labels = model.predict(frame.drop(columns="species").iloc[:, ::-1])  # any column order
    assert labels.shape == (344,) and np.mean(labels == frame["species"].to_numpy()) > 0.9
    assert model.evaluate(frame)["accuracy"] > 0.9
    model.save(tmp_path / "p.gnet")
    again = gn.TableModel.load(tmp_path / "p.gnet")
    np.testing.assert_array_equal(again.predict_proba(frame), model.predict_proba(frame))
    script = model.export(tmp_path / "predict.py")
    out = subprocess.run([sys.executable, script, penguins], capture_output=True, text=True,
                         timeout=60).stdout.splitlines()
    assert out[1:] == list(labels)


def test_a_csv_path_and_its_dataframe_train_the_same_model(penguins):
    by_path = gn.fit_table(penguins, "species", epochs=5)
    by_frame = gn.fit_table(pd.read_csv(penguins, keep_default_na=False), "species", epochs=5)
    np.testing.assert_array_equal(by_path.network.params, by_frame.network.params)


def test_pd_na_none_and_nan_are_missing_values():
    frame = pd.DataFrame({
        "x": pd.array([1, 2, pd.NA, 4] * 10, dtype="Int64"),
        "c": ["a", None, "b", "a"] * 10,
        "when": pd.to_datetime(["2020-01-01", "2020-06-01", None, "2021-01-01"] * 10),
        "y": [0.5, 1.5, 2.5, np.nan] * 10,
    })
    model = gn.fit_table(frame, "y", epochs=5)
    specs = {s["name"]: s for s in model.metadata["columns"]}
    assert specs["x"]["kind"] == "number" and specs["x"]["indicator"]
    assert specs["c"]["kind"] == "category" and specs["c"]["missing"]
    assert specs["when"]["kind"] == "date"
    assert model.report.notes[0].startswith("10 row(s) with a missing target")
    assert model.predict(frame).shape == (40,)


def test_an_unseen_category_warns_once_naming_the_column(penguins):
    model = gn.fit_table(penguins, "species", epochs=5)
    row = pd.read_csv(penguins).head(2).assign(island="Atlantis")
    with pytest.warns(UserWarning, match="column 'island': 'Atlantis' not seen"):
        assert model.predict(row).shape == (2,)
