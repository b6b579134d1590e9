"""The command line, run as a user runs it: through subprocess."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def glassnet(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "glassnet", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=120,
    )


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def iris_files(tmp_path_factory):
    """Iris with string class names, shuffled, 120 rows to train and 30 held out."""
    d = load_iris()
    tmp = tmp_path_factory.mktemp("iris")
    order = np.random.default_rng(0).permutation(150)
    rows = [[*map(float, d.data[i]), str(d.target_names[d.target[i]])] for i in order]
    train = write_csv(tmp / "train.csv", FEATURES + ["species"], rows[:120])
    test = write_csv(tmp / "test.csv", FEATURES + ["species"], rows[120:])
    # the held-out features only, columns in another order than in training
    new = write_csv(tmp / "new.csv", FEATURES[::-1], [r[:4][::-1] for r in rows[120:]])
    return tmp, train, test, new, [r[4] for r in rows[120:]]


@pytest.fixture(scope="module")
def iris_model(iris_files):
    tmp, train, *_ = iris_files
    model = tmp / "iris.gnet"
    result = glassnet("train", train, "--target", "species", "--hidden", "16",
                      "--lr", "0.01", "--epochs", "100", "--validation-split", "0.2", "--seed", "0",
                      "--out", model)
    assert result.returncode == 0, result.stderr
    return model, result


def test_train_writes_a_model_and_prints_a_summary(iris_model):
    model, result = iris_model
    assert model.is_file()
    out = result.stdout
    assert "classification" in out
    assert "setosa, versicolor, virginica" in out
    rows = next(line for line in out.splitlines() if line.startswith("rows"))
    assert rows.split()[1:] == ["96", "24"]  # 120 rows, 20 % held out
    assert "4 → 16 → 3" in out
    assert "validation" in out and "accuracy" in out
    assert "epoch" in result.stderr  # the progress bar


def test_model_file_keeps_scaling_and_names(iris_model, iris_files):
    import glassnet as gn

    model, _ = iris_model
    meta = gn.load(model).metadata
    assert meta["feature_names"] == FEATURES
    assert meta["class_names"] == ["setosa", "versicolor", "virginica"]
    assert meta["task"] == "classification"
    assert len(meta["feature_mean"]) == 4 and len(meta["feature_scale"]) == 4
    # the mean is the training rows' (not the held-out validation rows' too)
    assert 5.0 < meta["feature_mean"][0] < 6.7


def test_end_to_end_iris_predict_held_out_rows(iris_model, iris_files):
    model, _ = iris_model
    tmp, _, _, new, truth = iris_files
    out = tmp / "predictions.csv"
    result = glassnet("predict", model, new, "--out", out)
    assert result.returncode == 0, result.stderr
    with open(out, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["species"]
    predicted = [r[0] for r in rows[1:]]
    assert set(predicted) <= {"setosa", "versicolor", "virginica"}
    accuracy = np.mean([p == t for p, t in zip(predicted, truth)])
    assert accuracy >= 0.9


def test_predict_proba_to_stdout(iris_model, iris_files):
    model, _ = iris_model
    result = glassnet("predict", model, iris_files[3], "--proba")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "species,P(setosa),P(versicolor),P(virginica)"
    assert len(lines) == 31
    probabilities = np.array([[float(v) for v in line.split(",")[1:]] for line in lines[1:]])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)


def test_evaluate_prints_accuracy_and_confusion_matrix(iris_model, iris_files):
    model, _ = iris_model
    result = glassnet("evaluate", model, iris_files[2], "--target", "species")
    assert result.returncode == 0, result.stderr
    # without --target: the column the model was trained on
    assert glassnet("evaluate", model, iris_files[2]).stdout == result.stdout
    figures = dict(line.split() for line in result.stdout.split("\n\n")[0].splitlines()[1:])
    assert figures["rows"] == "30"
    accuracy = float(figures["accuracy"])
    assert accuracy >= 0.9
    matrix = [line.split()[1:] for line in result.stdout.splitlines()[-3:]]
    counts = np.array(matrix, dtype=int)
    assert counts.sum() == 30
    assert np.trace(counts) / 30 == pytest.approx(accuracy, abs=1e-4)


def test_export_script_matches_predict(iris_model, iris_files, tmp_path):
    model, _ = iris_model
    script = tmp_path / "predict.py"
    assert glassnet("export", model, "--to", script).returncode == 0
    exported = subprocess.run([sys.executable, "-I", script, iris_files[3]],
                              capture_output=True, text=True, timeout=60)
    assert exported.returncode == 0, exported.stderr
    ours = glassnet("predict", model, iris_files[3]).stdout.splitlines()
    assert exported.stdout.splitlines() == ours  # the same header (species) and names
    assert ours[0] == "species"
    # --outputs: the probabilities under the --proba columns' names
    outputs = subprocess.run([sys.executable, "-I", script, iris_files[3], "--outputs"],
                             capture_output=True, text=True, timeout=60).stdout.splitlines()
    proba = glassnet("predict", model, iris_files[3], "--proba").stdout.splitlines()
    assert outputs == [line.split(",", 1)[1] for line in proba]


def test_regression_train_predict_evaluate(tmp_path):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    y = 3 * X[:, 0] - 2 * X[:, 1] + 0.5
    data = write_csv(tmp_path / "lin.csv", ["a", "b", "c", "y"], np.column_stack([X, y]))
    model = tmp_path / "lin.gnet"
    trained = glassnet("train", data, "--target", "y", "--hidden", "8", "--lr", "0.01",
                       "--epochs", "150", "--quiet", "--out", model)
    assert trained.returncode == 0, trained.stderr
    assert "regression" in trained.stdout and trained.stderr == ""
    evaluated = glassnet("evaluate", model, data, "--target", "y")
    figures = dict(line.split() for line in evaluated.stdout.splitlines()[1:])
    assert float(figures["r2"]) > 0.95
    predicted = glassnet("predict", model, data).stdout.splitlines()
    assert predicted[0] == "y"
    values = np.array([float(v) for v in predicted[1:]])
    assert np.mean(np.abs(values - y)) == pytest.approx(float(figures["mae"]), abs=1e-4)
    refused = glassnet("predict", model, data, "--proba", "--out", tmp_path / "p.csv")
    assert refused.returncode == 2 and "needs a classification model" in refused.stderr
    assert not (tmp_path / "p.csv").exists()


def test_regression_targets_in_the_hundred_thousands_are_standardised(tmp_path):
    """A price-like target (mean ~1.5e5, spread ~6e4): trained on y' = (y − mean) / std
    and answered in y's units. Unscaled, the same network stalls far from the data."""
    import glassnet as gn

    rng = np.random.default_rng(0)
    X = rng.uniform(0, 100, size=(300, 3))
    y = 2000 * X[:, 0] + 500 * X[:, 1] - 300 * X[:, 2] + 50_000 + rng.normal(0, 1000, 300)
    data = write_csv(tmp_path / "houses.csv", ["area", "rooms", "age", "price"],
                     np.column_stack([X, y]))
    model = tmp_path / "houses.gnet"
    trained = glassnet("train", data, "--target", "price", "--epochs", "200", "--quiet",
                       "--validation-split", "0", "--out", model)
    assert trained.returncode == 0, trained.stderr
    assert "loss (standardised price)" in trained.stdout
    meta = gn.load(model).metadata
    assert meta["target_mean"] == [pytest.approx(y.mean(), rel=1e-12)]
    assert meta["target_scale"] == [pytest.approx(y.std(), rel=1e-12)]

    evaluated = glassnet("evaluate", model, data, "--target", "price")
    figures = dict(line.split() for line in evaluated.stdout.splitlines()[1:])
    assert float(figures["r2"]) > 0.99
    predicted = np.array([float(v) for v in glassnet("predict", model, data).stdout.split()[1:]])
    # in y's units: the errors are a few noise widths (1000), not the target's scale
    assert np.mean(np.abs(predicted - y)) < 3000
    assert np.mean(np.abs(predicted - y)) == pytest.approx(float(figures["mae"]), abs=1e-4)
    exported = glassnet("export", model, "--to", tmp_path / "predict.py")
    assert exported.returncode == 0, exported.stderr
    script = subprocess.run([sys.executable, tmp_path / "predict.py", data],
                            capture_output=True, text=True, timeout=60)
    assert script.stdout.splitlines() == glassnet("predict", model, data).stdout.splitlines()
    assert script.stdout.splitlines()[0] == "price"


def test_task_override_makes_integer_targets_classes(tmp_path):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 2))
    rows = [[a, b, int(a > 0)] for a, b in X]
    data = write_csv(tmp_path / "bin.csv", ["a", "b", "label"], rows)
    model = tmp_path / "bin.gnet"
    result = glassnet("train", data, "--target", "label", "--task", "classification",
                      "--epochs", "5", "--quiet", "--out", model)
    assert result.returncode == 0, result.stderr
    assert "classification" in result.stdout and "0, 1" in result.stdout


def test_explain_prints_every_step_of_one_iteration(iris_model, iris_files, tmp_path):
    model, _ = iris_model
    before = model.read_bytes()
    report = tmp_path / "report.html"
    result = glassnet("explain", model, iris_files[2], "--target", "species", "--rows", "2",
                      "--html", report)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "One iteration of gradient descent: loss categorical_crossentropy" in out
    assert "1 sepal_length" in out and "Output columns: 1 setosa" in out
    assert "The trained weights and biases (from the model file)" in out
    assert "Step 0" in out and "hidden_layer_input = matrix_dot_product(X, wh) + bh" in out
    assert model.read_bytes() == before  # explaining does not train the model
    page = report.read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "hidden_layer_input" in page


def test_explain_html_to_a_missing_directory_is_refused(iris_model, iris_files, tmp_path):
    model, _ = iris_model
    result = glassnet("explain", model, iris_files[2], "--target", "species",
                      "--html", tmp_path / "gone" / "r.html")
    _assert_refused(result, "does not exist", tmp_path)


def test_gradcheck_random_network_and_model(iris_model, iris_files):
    result = glassnet("gradcheck", "--hidden", "3", "--activation", "sigmoid", "--loss", "sse")
    assert result.returncode == 0, result.stderr
    assert "layer 2 W" in result.stdout and "all passed" in result.stdout
    model, _ = iris_model
    result = glassnet("gradcheck", model, iris_files[2], "--target", "species", "--rows", "5")
    assert result.returncode == 0, result.stderr
    assert "categorical_crossentropy" in result.stdout and "(4, 16)" in result.stdout
    result = glassnet("gradcheck", model)
    assert result.returncode == 2 and "labelled CSV file" in result.stderr
    without_target = glassnet("gradcheck", model, iris_files[2], "--rows", "5")
    assert without_target.returncode == 0 and "categorical_crossentropy" in without_target.stdout


COMMANDS = ["", "train", "predict", "evaluate", "explain", "gradcheck", "export", "demo"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_everywhere_with_examples(command):
    result = glassnet(*([command] if command else []), "--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout


def test_demo_still_runs():
    result = glassnet("demo", "walkthrough", "--no-report")
    assert result.returncode == 0, result.stderr
    assert "0.11553" in result.stdout


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "glassnet"
    result = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "train" in result.stdout


# -- malformed input: exit 2, one line, no output file -------------------------------
GOOD = [["1.0", "2.0", "a"], ["2.0", "1.0", "b"], ["3.0", "0.5", "a"]]


def _bad_case(tmp, name):
    """Returns (args, expected words in the message) for one malformed case."""
    good = write_csv(tmp / "good.csv", ["x1", "x2", "t"], GOOD)
    out = tmp / "out.gnet"

    def train(path, *extra):
        return ["train", path, "--target", "t", "--epochs", "2", "--quiet", "--out", out, *extra]

    written = []

    def text(content):
        path = tmp / f"bad{len(written)}.csv"
        path.write_text(content)
        written.append(path)
        return path

    cases = {
        "missing file": (train(tmp / "nope.csv"), "does not exist"),
        "missing target": (["train", good, "--target", "label", "--out", out], "no column 'label'"),
        "empty csv": (train(text("")), "is empty"),
        "header only": (train(text("x1,x2,t\n")), "no data rows"),
        "ragged rows": (train(text("x1,x2,t\n1,2,a\n3,4,b,5\n")),
                        "Expected 3 fields in line 3, saw 4"),
        "inf cell": (train(text("x1,x2,t\n1,inf,a\n3,4,b\n")),
                     "line 2 (data row 1), column 2 ('x2') holds 'inf'"),
        "unknown activation": (train(good, "--activation", "swish"), "invalid choice: 'swish'"),
        "bad hidden sizes": (train(good, "--hidden", "16,x"), "positive integers"),
        "empty hidden size": (train(good, "--hidden", "16,,8"), "positive integers"),
        "bad validation split": (train(good, "--validation-split", "1.5"), "fraction"),
        "unwritable output": (["train", good, "--target", "t", "--out",
                               tmp / "no" / "such" / "dir" / "m.gnet"], "does not exist"),
        "one class": (train(text("x1,x2,t\n1,2,a\n3,4,a\n")), "only one class"),
    }
    return cases[name]


MALFORMED = [
    "missing file", "missing target", "empty csv", "header only",
    "ragged rows", "inf cell", "unknown activation", "bad hidden sizes",
    "empty hidden size",
    "bad validation split", "unwritable output", "one class",
]


def _assert_refused(result, expected, directory):
    assert result.returncode == 2, (result.stdout, result.stderr)
    message = result.stderr.strip()
    assert "\n" not in message, message
    assert "Traceback" not in message
    assert expected in message, message
    leftovers = [p.name for p in Path(directory).iterdir() if p.suffix in (".gnet", ".tmp")
                 or p.name.startswith(".")]
    assert leftovers == [], leftovers


@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_training_input_is_refused_in_one_line(case, tmp_path):
    args, expected = _bad_case(tmp_path, case)
    _assert_refused(glassnet(*args), expected, tmp_path)


def test_model_and_csv_column_mismatch(iris_model, tmp_path):
    model, _ = iris_model
    data = write_csv(tmp_path / "three.csv", FEATURES[:3], [[5.1, 3.5, 1.4]])
    out = tmp_path / "p.csv"
    result = glassnet("predict", model, data, "--out", out)
    _assert_refused(result, "has no column 'petal_width'", tmp_path)
    assert not out.exists()


def test_predict_non_numeric_and_unwritable_output(iris_model, tmp_path):
    model, _ = iris_model
    data = write_csv(tmp_path / "x.csv", FEATURES, [[5.1, 3.5, 1.4, 0.2], [5, "wide", 1, 1]])
    result = glassnet("predict", model, data, "--out", tmp_path / "p.csv")
    _assert_refused(result, "line 3 (data row 2), column 2 ('sepal_width') holds 'wide'", tmp_path)
    assert not (tmp_path / "p.csv").exists()
    result = glassnet("predict", model, data, "--out", tmp_path / "missing" / "p.csv")
    _assert_refused(result, "does not exist", tmp_path)


def test_corrupt_or_missing_model_file(tmp_path, iris_files):
    broken = tmp_path / "broken.gnet"
    broken.write_bytes(b"PK\x03\x04 this is not a model")
    result = glassnet("predict", broken, iris_files[3])
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "broken.gnet" in result.stderr and "Traceback" not in result.stderr
    result = glassnet("evaluate", tmp_path / "none.gnet", iris_files[2], "--target", "species")
    assert result.returncode == 2 and "does not exist" in result.stderr


def test_model_without_table_metadata_is_refused(tmp_path, iris_files):
    import glassnet as gn

    plain = tmp_path / "plain.gnet"
    gn.Network([gn.Dense(4, 3)], seed=0).save(plain)
    result = glassnet("predict", plain, iris_files[3])
    assert result.returncode == 2 and "not made by 'glassnet train'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_evaluate_unknown_class(iris_model, tmp_path):
    model, _ = iris_model
    data = write_csv(tmp_path / "odd.csv", FEATURES + ["species"], [[5, 3, 1, 0.2, "rosa"]])
    result = glassnet("evaluate", model, data, "--target", "species")
    assert result.returncode == 2
    assert "class 'rosa', which the model was not trained on" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_no_partial_model_when_training_diverges(tmp_path):
    rows = [[i * 1e150, (-1) ** i * 1e150, i * 3e150] for i in range(20)]
    data = write_csv(tmp_path / "huge.csv", ["a", "b", "y"], rows)
    out = tmp_path / "huge.gnet"
    result = glassnet("train", data, "--target", "y", "--task", "regression", "--lr", "1e6",
                      "--optimizer", "gd", "--epochs", "50", "--quiet", "--validation-split", "0",
                      "--out", out)
    _assert_refused(result, "diverged", tmp_path)
    assert not out.exists()
    assert os.listdir(tmp_path) == ["huge.csv"]


def test_targets_of_a_cross_entropy_regression_stay_probabilities(tmp_path):
    """binary_crossentropy on a numeric target in [0, 1]: standardising would leave
    [0, 1], so the target is kept as it is (and no target scaling is saved)."""
    import glassnet as gn

    rng = np.random.default_rng(3)
    X = rng.normal(size=(120, 2))
    p = 1 / (1 + np.exp(-(1.5 * X[:, 0] - X[:, 1])))
    data = write_csv(tmp_path / "p.csv", ["a", "b", "p"], np.column_stack([X, p]))
    model = tmp_path / "p.gnet"
    trained = glassnet("train", data, "--target", "p", "--loss", "binary_crossentropy",
                       "--epochs", "100", "--quiet", "--out", model)
    assert trained.returncode == 0, trained.stderr
    assert "target_mean" not in gn.load(model).metadata
    evaluated = glassnet("evaluate", model, data, "--target", "p")
    assert float(dict(line.split() for line in evaluated.stdout.splitlines()[1:])["r2"]) > 0.8


def test_a_regression_model_saved_without_target_scaling_still_answers_raw(tmp_path):
    """Model files written before targets were standardised have no target keys:
    their outputs are the predictions."""
    from glassnet.tools import tabular
    from glassnet.tools.scaling import scale_features

    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 2))
    y = X[:, 0] - 2 * X[:, 1]
    data = write_csv(tmp_path / "old.csv", ["a", "b", "y"], np.column_stack([X, y]))
    net, _ = tabular.train_table(data, "y", epochs=5)
    for key in ("target_mean", "target_scale"):
        del net.metadata[key]
    raw = net.predict(scale_features(X, net.metadata))[:, 0]
    predictions, _, _ = tabular.predict_table(net, data)
    assert predictions == [float(v) for v in raw]
    figures, _, _ = tabular.evaluate_table(net, data, "y")
    assert figures["mae"] == pytest.approx(np.mean(np.abs(raw - y)), rel=1e-12)


def test_categorical_crossentropy_on_a_numeric_target_is_refused(tmp_path):
    data = write_csv(tmp_path / "n.csv", ["a", "y"], [[0.1, 0.5], [0.2, 0.7]])
    result = glassnet("train", data, "--target", "y", "--loss", "categorical_crossentropy",
                      "--quiet", "--out", tmp_path / "n.gnet")
    _assert_refused(result, "categorical_crossentropy needs class labels", tmp_path)
    assert not (tmp_path / "n.gnet").exists()


def test_a_case_typo_in_the_target_suggests_the_column(iris_files, tmp_path):
    _, train, *_ = iris_files
    result = glassnet("train", train, "--target", "Species", "--quiet", "--out",
                      tmp_path / "x.gnet")
    assert result.returncode == 2 and not (tmp_path / "x.gnet").exists()
    assert "no column 'Species'" in result.stderr and "Did you mean 'species'?" in result.stderr


def test_a_0_1_target_is_taken_as_classes_with_a_note(tmp_path):
    rows = [[x, int(x > 0)] for x in np.linspace(-1, 1, 20)]
    data = write_csv(tmp_path / "b.csv", ["x", "label"], rows)
    result = glassnet("train", data, "--target", "label", "--epochs", "2", "--quiet",
                      "--out", tmp_path / "b.gnet")
    assert result.returncode == 0, result.stderr
    assert "task: classification (the target holds 2 distinct integers" in result.stdout
    assert "note: the target 'label' holds only the integers 0, 1" in result.stderr
    assert "--task regression" in result.stderr
    forced = glassnet("train", data, "--target", "label", "--task", "regression", "--epochs", "2",
                      "--quiet", "--out", tmp_path / "c.gnet")
    assert "note:" not in forced.stderr and "task: regression" in forced.stdout
