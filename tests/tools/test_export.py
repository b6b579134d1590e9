"""The exported predict.py runs on NumPy alone and reproduces net.predict bit for bit."""

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn
from glassnet import predicting
from glassnet.tools.scaling import scale_features


@pytest.fixture(scope="module")
def numpy_only(tmp_path_factory):
    """Run Python code with NumPy importable and glassnet not.

    ``python -S`` skips the site module, so no site-packages (and no editable
    install of glassnet) is on the path; PYTHONPATH then holds a directory with
    links to NumPy alone (and its bundled libraries, for wheels).
    """
    root = tmp_path_factory.mktemp("numpy_only")
    site = Path(np.__file__).resolve().parent.parent
    for name in ("numpy", "numpy.libs"):
        if (site / name).exists():
            (root / name).symlink_to(site / name)

    def run(args, cwd):
        env = {"PYTHONPATH": str(root), "PATH": os.environ.get("PATH", "/usr/bin")}
        result = subprocess.run([sys.executable, "-S", *args], cwd=cwd, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    out = run(["-c", "import importlib.util as u, numpy; print(u.find_spec('glassnet'))"], root)
    assert out.strip() == "None"
    return run


def _predict_in_subprocess(run, script_dir, X):
    np.save(script_dir / "X.npy", X)
    code = "import numpy as np, predict; np.save('out.npy', predict.predict(np.load('X.npy')))"
    run(["-c", code], script_dir)
    return np.load(script_dir / "out.npy")


def _every_activation_net(dtype):
    return gn.Network(
        [
            gn.Dense(4, 6, activation="sigmoid"),
            gn.Dropout(0.3),
            gn.Dense(6, 5, activation="tanh"),
            gn.Dense(5, 5, activation="relu", use_bias=False),
            gn.Dense(5, 4, activation=gn.activations.LeakyReLU(0.05)),
            gn.Dense(4, 4, activation="elu"),
            gn.Dense(4, 4, activation="softplus"),
            gn.Dense(4, 3, activation="linear"),
            gn.Dense(3, 3, activation="softmax"),
        ],
        seed=7,
        dtype=dtype,
    )


def _data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4)) * np.array([1.0, 10.0, 0.1, 3.0]) + np.array([0, 5, -1, 2])
    labels = (X[:, 0] > 0).astype(int) + (X[:, 3] > 2).astype(int)
    return X, labels


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_embedded_script_reproduces_predict_bit_for_bit(numpy_only, tmp_path, monkeypatch, dtype):
    # Small chunks, so that predict and the script both work through X in pieces.
    monkeypatch.setattr(predicting, "PREDICT_CHUNK_BYTES", 480)
    X, labels = _data()
    net = _every_activation_net(dtype)
    net.fit(X, labels, epochs=3, lr=0.01, optimizer="adam", loss="categorical_crossentropy",
            batch_size=32, shuffle=True)
    script = gn.export_script(net, tmp_path / "predict.py")
    text = Path(script).read_text()
    assert re.search(r"^\s*(import|from)\s+glassnet", text, re.MULTILINE) is None
    for rows in (X, X[:1], X[:37]):
        got = _predict_in_subprocess(numpy_only, tmp_path, rows)
        expected = net.predict(rows)
        assert got.dtype == expected.dtype and got.shape == expected.shape
        assert got.tobytes() == expected.tobytes()


def test_script_from_a_model_file_with_scaling_and_class_names(numpy_only, tmp_path):
    X, labels = _data(120, seed=1)
    meta = {"feature_mean": X.mean(axis=0).tolist(), "feature_scale": X.std(axis=0).tolist(),
            "feature_names": ["w", "x", "y", "z"], "class_names": ["low", "mid", "high"]}
    net = gn.Network([gn.Dense(4, 8, activation="relu"), gn.Dense(8, 3, activation="softmax")],
                     seed=0, dtype="float32")
    net.fit(scale_features(X, meta), labels, epochs=20, lr=0.05, optimizer="adam",
            loss="categorical_crossentropy")
    net.metadata = meta
    net.save(tmp_path / "model.gnet")
    out_dir = tmp_path / "ship"
    out_dir.mkdir()
    gn.export_script(tmp_path / "model.gnet", out_dir / "predict.py", embed=False)
    assert sorted(os.listdir(out_dir)) == ["predict.npz", "predict.py"]

    expected = net.predict(scale_features(X, meta))
    got = _predict_in_subprocess(numpy_only, out_dir, X)
    assert got.tobytes() == expected.tobytes()

    # The command line: a CSV with a header, columns in another order, gives class names.
    order = [2, 0, 3, 1]
    lines = [",".join(meta["feature_names"][j] for j in order)]
    lines += [",".join(repr(float(row[j])) for j in order) for row in X[:10]]
    (out_dir / "new.csv").write_text("\n".join(lines) + "\n")
    printed = numpy_only(["predict.py", "new.csv"], out_dir).splitlines()
    names = np.array(meta["class_names"])[expected[:10].argmax(axis=1)]
    assert printed == ["prediction", *names]


def test_single_output_labels_use_the_half_threshold(numpy_only, tmp_path):
    X, labels = _data(50, seed=2)
    net = gn.Network([gn.Dense(4, 1, activation="sigmoid")], seed=0)
    net.set_weights([(np.array([[1.0], [0.0], [0.0], [0.0]]), np.array([0.0]))])
    net.metadata = {"class_names": ["no", "yes"]}
    gn.export_script(net, tmp_path / "predict.py")
    code = ("import numpy as np, predict; X = np.array([[2.0, 0, 0, 0], [-2.0, 0, 0, 0]]); "
            "print(','.join(predict.predict_labels(X)))")
    assert numpy_only(["-c", code], tmp_path).strip() == "yes,no"


def test_metadata_scaling_of_the_wrong_length_is_refused(tmp_path):
    net = gn.Network([gn.Dense(4, 1)], seed=0)
    net.metadata = {"feature_mean": [0.0, 1.0], "feature_scale": [1.0, 1.0]}
    with pytest.raises(ValueError, match="feature_mean has 2 value"):
        gn.export_script(net, tmp_path / "predict.py")
    assert os.listdir(tmp_path) == []
    net.metadata = {"target_mean": [0.0, 1.0], "target_scale": [1.0, 1.0]}
    with pytest.raises(ValueError, match="target_mean has 2 value.*network has 1 outputs"):
        gn.export_script(net, tmp_path / "predict.py")
    assert os.listdir(tmp_path) == []


def test_script_undoes_a_standardised_target_bit_for_bit(numpy_only, tmp_path):
    from glassnet.tools.scaling import unscale_targets

    X, _ = _data(40, seed=3)
    net = gn.Network([gn.Dense(4, 6, activation="tanh"), gn.Dense(6, 2, activation="linear")],
                     seed=0)
    net.metadata = {"target_mean": [1.5e5, -3.0], "target_scale": [6.0e4, 0.25]}
    gn.export_script(net, tmp_path / "predict.py")
    got = _predict_in_subprocess(numpy_only, tmp_path, X)
    expected = unscale_targets(net.predict(X), net.metadata)
    assert got.tobytes() == expected.tobytes()
    # the outputs are in the target's units, not the network's
    np.testing.assert_allclose(got, net.predict(X) * [6.0e4, 0.25] + [1.5e5, -3.0], rtol=1e-15)


def test_script_refuses_non_finite_features_in_one_line(numpy_only, tmp_path):
    net = gn.Network([gn.Dense(2, 3, activation="softmax")], seed=0)
    net.metadata = {"feature_names": ["a", "b"], "class_names": ["x", "y", "z"]}
    gn.export_script(net, tmp_path / "predict.py")
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n3,nan\n")
    result = subprocess.run([sys.executable, "-I", "predict.py", "bad.csv"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message and "Traceback" not in message
    assert "bad.csv" in message and "row 2, column 2 holds nan" in message
    (tmp_path / "text.csv").write_text("a,b\n1,two\n")
    result = subprocess.run([sys.executable, "-I", "predict.py", "text.csv"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'two'" in result.stderr


def test_script_piped_into_head_ends_quietly(numpy_only, tmp_path):
    net = gn.Network([gn.Dense(2, 1, activation="linear")], seed=0)
    gn.export_script(net, tmp_path / "predict.py")
    rows = "\n".join(f"{i},{-i}" for i in range(20_000))  # more than a pipe's buffer
    (tmp_path / "many.csv").write_text("a,b\n" + rows + "\n")
    result = subprocess.run(f'"{sys.executable}" -I predict.py many.csv | head -n 2', shell=True,
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.stdout.splitlines()[0] == "output_0" and len(result.stdout.splitlines()) == 2
    assert result.stderr == ""


# -- networks on N-D samples: Conv2D, MaxPool2D, Flatten, RNN, LSTM ---------------------
_STDLIB_AND_NUMPY = {"base64", "csv", "datetime", "io", "os", "re", "sys", "numpy",
                     "numpy.lib.stride_tricks"}  # datetime, re: the column rules (tools.columns)


def _imports(text):
    code = text.split('"""', 2)[2]  # after the docstring (which shows `from predict import`)
    return set(re.findall(r"^\s*(?:import|from)\s+([\w.]+)", code, re.MULTILINE))


def _cnn(dtype):
    return gn.Network(
        [
            gn.Conv2D(1, 3, 3, padding="same", activation="relu"),
            gn.MaxPool2D(2),
            gn.Conv2D(3, 2, (2, 3), stride=(1, 2), padding=1, activation="tanh", use_bias=False),
            gn.MaxPool2D(2, stride=1),
            gn.Flatten(),
            gn.Dropout(0.2),
            gn.Dense(8, 3, activation="softmax"),
        ],
        seed=3,
        dtype=dtype,
    )


def _images(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, 8, 8))
    labels = (X[:, 0, :4].mean(axis=(1, 2)) > 0).astype(int) + (X[:, 0, :, :2].sum((1, 2)) > 1)
    return X, labels


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_cnn_script_reproduces_predict_bit_for_bit(numpy_only, tmp_path, monkeypatch, dtype):
    # 2,000 bytes: a few images per chunk, so predict and the script both work in pieces
    monkeypatch.setattr(predicting, "PREDICT_CHUNK_BYTES", 2_000)
    X, labels = _images()
    net = _cnn(dtype)
    net.fit(X, labels, epochs=2, lr=0.01, optimizer="adam", loss="categorical_crossentropy",
            batch_size=16)
    text = Path(gn.export_script(net, tmp_path / "predict.py")).read_text()
    assert _imports(text) <= _STDLIB_AND_NUMPY
    for rows in (X, X[:1], X[:7]):
        got = _predict_in_subprocess(numpy_only, tmp_path, rows)
        expected = net.predict(rows)
        assert got.dtype == expected.dtype and got.shape == expected.shape == (len(rows), 3)
        assert got.tobytes() == expected.tobytes()
    # another image size runs too (the shapes follow the data, as in the engine)
    big = np.random.default_rng(1).normal(size=(3, 1, 10, 10))
    net2 = gn.Network([gn.Conv2D(1, 2, 3, activation="elu"), gn.MaxPool2D(3)], seed=0,
                      dtype=dtype)
    gn.export_script(net2, tmp_path / "predict.py")
    got = _predict_in_subprocess(numpy_only, tmp_path, big)
    assert got.shape == (3, 2, 2, 2) and got.tobytes() == net2.predict(big).tobytes()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rnn_and_lstm_scripts_reproduce_predict_bit_for_bit(numpy_only, tmp_path, monkeypatch,
                                                            dtype):
    monkeypatch.setattr(predicting, "PREDICT_CHUNK_BYTES", 1_000)
    rng = np.random.default_rng(4)
    X = rng.normal(size=(40, 6, 3))
    y = X[:, :, 0].sum(axis=1, keepdims=True)
    nets = [
        gn.Network([gn.LSTM(3, 5, return_sequences=True), gn.RNN(5, 4, activation="relu"),
                    gn.Dense(4, 1, activation="linear")], seed=5, dtype=dtype),
        gn.Network([gn.RNN(3, 4, return_sequences=True), gn.LSTM(4, 2, return_sequences=True)],
                   seed=6, dtype=dtype),
    ]
    nets[0].fit(X, y, epochs=2, lr=0.01, optimizer="adam", loss="mse", batch_size=8)
    for net in nets:
        text = Path(gn.export_script(net, tmp_path / "predict.py")).read_text()
        assert _imports(text) <= _STDLIB_AND_NUMPY
        for rows in (X, X[:1]):
            got = _predict_in_subprocess(numpy_only, tmp_path, rows)
            expected = net.predict(rows)
            assert got.dtype == expected.dtype and got.shape == expected.shape
            assert got.tobytes() == expected.tobytes()


def test_cnn_command_line_reads_rows_of_input_shape(numpy_only, tmp_path):
    X, _ = _images(12, seed=2)
    net = _cnn("float64")
    net.metadata = {"class_names": ["a", "b", "c"]}
    gn.export_script(net, tmp_path / "predict.py", input_shape=(1, 8, 8))
    lines = [",".join(f"p{k}" for k in range(64))]
    lines += [",".join(repr(float(v)) for v in row) for row in X.reshape(12, -1)]
    (tmp_path / "images.csv").write_text("\n".join(lines) + "\n")
    printed = numpy_only(["predict.py", "images.csv"], tmp_path).splitlines()
    assert printed == ["prediction", *np.array(["a", "b", "c"])[net.predict(X).argmax(1)]]
    printed = numpy_only(["predict.py", "images.csv", "--outputs"], tmp_path).splitlines()
    assert printed[0] == "P(a),P(b),P(c)"
    got = np.array([[float(v) for v in line.split(",")] for line in printed[1:]])
    assert got.tobytes() == net.predict(X).tobytes()
    # a row of the wrong length: one line naming the file and the expected size
    (tmp_path / "short.csv").write_text("1,2,3\n")
    result = subprocess.run([sys.executable, "-I", "predict.py", "short.csv"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "short.csv: each row must hold 64 values" in result.stderr


def test_shaped_script_checks_its_input_in_sentences(numpy_only, tmp_path):
    gn.export_script(_cnn("float64"), tmp_path / "predict.py")  # no input_shape
    code = """
import numpy as np, predict
for X in (np.zeros((2, 8, 8)), np.zeros((2, 3, 8, 8)), np.zeros((2, 1, 2, 2))):
    try:
        predict.predict(X)
    except ValueError as exc:
        print(exc)
X = np.zeros((3, 1, 8, 8)); X[1, 0, 3, 4] = np.inf
try:
    predict.predict(X)
except ValueError as exc:
    print(exc)
"""
    printed = numpy_only(["-c", code], tmp_path).splitlines()
    assert printed[0] == "X must be 4-D, samples on the first axis, but has shape (2, 8, 8)."
    assert printed[1].startswith("Layer 1 (Conv2D) expects (N, C, H, W) with C = 1")
    assert printed[2] == ("Layer 4 (MaxPool2D) has 2x2 windows, larger than its input (2, 2, 1) "
                          "per sample (X: (2, 1, 2, 2)).")
    assert "sample 2, index (0, 3, 4) holds inf (1 such value(s) in all)" in printed[3]
    (tmp_path / "rows.csv").write_text("1,2\n")
    result = subprocess.run([sys.executable, "-I", "predict.py", "rows.csv"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "exported without input_shape" in result.stderr


def test_export_refuses_what_the_script_cannot_do(tmp_path):
    net = _cnn("float64")
    with pytest.raises(ValueError, match="Layer 1: .*C = 1"):
        gn.export_script(net, tmp_path / "predict.py", input_shape=(2, 8, 8))
    with pytest.raises(ValueError, match="leave input_shape out"):
        gn.export_script(gn.Network([gn.Dense(2, 1)]), tmp_path / "p.py", input_shape=(2,))
    net.metadata = {"feature_mean": [0.0], "feature_scale": [1.0]}
    with pytest.raises(ValueError, match="N-D samples"):
        gn.export_script(net, tmp_path / "predict.py")

    class Odd(gn.Dropout):
        pass

    with pytest.raises(TypeError, match="knows Dense, Dropout, Conv2D.*but the network has Odd"):
        gn.export_script(gn.Network([gn.Dense(2, 2), Odd(0.1)]), tmp_path / "predict.py")
    assert os.listdir(tmp_path) == []
