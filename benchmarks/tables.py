"""End to end on public tables: raw CSV in, default settings, held-out figures.

    python -m benchmarks.tables          # the table in docs/cli.md

Eight tables that packages ship (no download): the Palmer penguins (bundled
with glassnet, from the palmerpenguins package), two of vega_datasets' local
files (cars: miles per gallon, with blanks, a name and a date; Seattle weather:
the day's weather from its date and measurements), and scikit-learn's bundled
iris, wine, breast cancer, diabetes and digits, as ``glassnet datasets`` prints
them. Each is split once, 75 % / 25 % (stratified for classes, seed 0), into
two CSV files. Then, on the same files:

- glassnet: ``tabular.train_table(train.csv, target)`` with its defaults,
  scored on test.csv by ``evaluate_table``;
- scikit-learn's MLPClassifier / MLPRegressor at their defaults in a Pipeline:
  a ColumnTransformer with SimpleImputer(median) + StandardScaler on numbers
  and SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore")
  on text columns with at most 50 categories (other text columns — names,
  dates — are left out, as glassnet's defaults drop or split them);
- the same Pipeline with a linear model: LogisticRegression(max_iter=1000) or Ridge.

Accuracy for classes, R² for numbers; the process's CPU seconds to train.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
import warnings

import numpy as np


def _tables() -> dict[str, tuple[str, str]]:
    """name → (CSV text, target column)."""
    from vega_datasets import local_data

    from glassnet.tools.datasets import TABLES, table_csv

    out = {name: (table_csv(name), TABLES[name][1]) for name in TABLES}
    cars = local_data.cars()
    out["cars (vega)"] = (cars.to_csv(index=False), "Miles_per_Gallon")
    weather = local_data.seattle_weather()
    out["seattle weather (vega)"] = (weather.to_csv(index=False), "weather")
    return out


def _split(text: str, target: str, directory: str) -> tuple[str, str, bool]:
    import pandas as pd
    from sklearn.model_selection import train_test_split

    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    frame = frame[~frame[target].isin(["", "NA", "NaN"])]
    values = pd.to_numeric(frame[target], errors="coerce")
    is_class = values.isna().any() or (values.nunique() <= 20 and (values % 1 == 0).all())
    train, test = train_test_split(frame, test_size=0.25, random_state=0,
                                   stratify=frame[target] if is_class else None)
    paths = os.path.join(directory, "train.csv"), os.path.join(directory, "test.csv")
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    return paths[0], paths[1], bool(is_class)


def _glassnet(train: str, test: str, target: str) -> tuple[float, float]:
    from glassnet.tools import tabular

    start = time.process_time()
    with np.errstate(all="ignore"):
        net, _ = tabular.train_table(train, target)
    seconds = time.process_time() - start
    figures, _, _ = tabular.evaluate_table(net, test, target)
    return figures.get("accuracy", figures.get("r2")), seconds


def _pipeline(model, frame, target):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X = frame.drop(columns=[target])
    numbers = [c for c in X if X[c].dtype.kind in "if"]
    texts = [c for c in X if c not in numbers and X[c].nunique() <= 50]
    columns = ColumnTransformer([
        ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
        ("texts", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                OneHotEncoder(handle_unknown="ignore")), texts),
    ])
    return make_pipeline(columns, model)


def _sklearn(train: str, test: str, target: str, is_class: bool) -> dict[str, tuple]:
    import pandas as pd
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    a, b = pd.read_csv(train), pd.read_csv(test)
    if is_class:
        a[target], b[target] = a[target].astype(str), b[target].astype(str)
    models = {"mlp": MLPClassifier() if is_class else MLPRegressor(),
              "linear": LogisticRegression(max_iter=1000) if is_class else Ridge()}
    out = {}
    for name, model in models.items():
        pipe = _pipeline(model, a, target)
        start = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            pipe.fit(a.drop(columns=[target]), a[target])
        seconds = time.process_time() - start
        out[name] = (pipe.score(b.drop(columns=[target]), b[target]), seconds)
    return out


def main() -> None:
    print("| table | rows | task | glassnet | s | MLP (sklearn) | s | linear | s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (text, target) in _tables().items():
        with tempfile.TemporaryDirectory() as tmp:
            train, test, is_class = _split(text, target, tmp)
            ours, seconds = _glassnet(train, test, target)
            theirs = _sklearn(train, test, target, is_class)
        rows = text.count("\n") - 1
        kind = "accuracy" if is_class else "R²"
        print(f"| {name} | {rows} | {kind} | {ours:.3f} | {seconds:.1f} | "
              f"{theirs['mlp'][0]:.3f} | {theirs['mlp'][1]:.1f} | "
              f"{theirs['linear'][0]:.3f} | {theirs['linear'][1]:.1f} |", flush=True)


if __name__ == "__main__":
    main()
