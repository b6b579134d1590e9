"""``glassnet explain`` on model files with Conv2D / MaxPool2D / RNN / LSTM layers: each CSV
row is one sample in C order, reshaped by the first layer's rule (or --input-shape), and
the command prints the layers' step tables, the engine's numbers."""

import subprocess
import sys

import numpy as np
import pytest

import glassnet as gn

rng = np.random.default_rng(1517)


def glassnet(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "glassnet", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def write_rows(path, X, y, target="label"):
    header = ",".join([f"v{k}" for k in range(X.shape[1])] + [target])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header, comments="",
               fmt="%.17g")
    return path


@pytest.fixture()
def cnn(tmp_path):
    net = gn.Network([gn.Conv2D(1, 2, 3, padding=1, activation="relu"), gn.MaxPool2D(2),
                      gn.Flatten(), gn.Dense(2 * 3 * 3, 3, activation="softmax")], seed=7)
    net.save(tmp_path / "cnn.gnet")
    images = rng.integers(0, 17, (4, 1, 6, 6)).astype(float)
    labels = np.array([0, 2, 1, 2])
    return net, images, labels, write_rows(tmp_path / "images.csv", images.reshape(4, -1), labels)


def test_explain_shows_the_conv_and_pooling_tables_of_square_images(cnn, tmp_path):
    net, images, labels, data = cnn
    out = glassnet("explain", tmp_path / "cnn.gnet", data, "--rows", 2, "--cell", "1,1,2,3",
                   "--decimals", 6, "--html", tmp_path / "r.html")
    assert out.returncode == 0, out.stderr
    assert "sample of shape (1, 6, 6)" in out.stderr
    for name in ("layer1_patch", "layer1_kernel", "layer1_cell", "layer1_im2col",
                 "layer2_windows"):
        assert f"\n{name}  (" in out.stdout
    tr = net.trace(images[:2], np.eye(3)[labels[:2]], loss="mse", cell=(1, 1, 2, 3))
    cell_line = out.stdout.split("layer1_cell")[1].splitlines()[2]
    shown = [float(v) for v in cell_line.split()[-4:]]
    np.testing.assert_allclose(shown, tr["layer1_cell"][0], atol=1e-6)
    assert "patch ⊙ kernel" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_explain_reads_sequences_as_t_steps_of_d_features(tmp_path):
    net = gn.Network([gn.LSTM(2, 3), gn.Dense(3, 1, activation="linear")], seed=8)
    net.save(tmp_path / "seq.gnet")
    X, y = rng.standard_normal((3, 5, 2)), rng.standard_normal(3)
    data = write_rows(tmp_path / "seq.csv", X.reshape(3, -1), y, target="next")
    out = glassnet("explain", tmp_path / "seq.gnet", data, "--target", "next", "--rows", 1)
    assert out.returncode == 0, out.stderr
    assert "sample of shape (5, 2)" in out.stderr
    assert "layer1_t5" in out.stdout and "layer1_bptt_t1" in out.stdout
    tr = net.trace(X[:1], y[:1, None], loss="mse")
    last = [line for line in out.stdout.split("layer1_t5")[1].splitlines() if
            line.startswith("h_t")][0]
    np.testing.assert_allclose([float(v) for v in last.split()[1:]], tr["layer1_t5"][8],
                               atol=0.006)


def test_explain_refuses_in_one_line_what_it_cannot_reshape(cnn, tmp_path):
    net, images, labels, _ = cnn
    wide = write_rows(tmp_path / "wide.csv", rng.standard_normal((2, 35)), [0, 1])
    out = glassnet("explain", tmp_path / "cnn.gnet", wide)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1
    assert "give the sample shape: --input-shape 1,H,W" in out.stderr
    out = glassnet("explain", tmp_path / "cnn.gnet", wide, "--input-shape", "1,5,7")
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "18" in out.stderr
    bad = write_rows(tmp_path / "bad.csv", images.reshape(4, -1), [0, 1, 5, 0.5])
    out = glassnet("explain", tmp_path / "cnn.gnet", bad)
    assert out.returncode == 2 and "class codes 0 … 2" in out.stderr
    dense = gn.Network([gn.Dense(2, 1)], seed=0)
    dense.save(tmp_path / "dense.gnet")
    out = glassnet("explain", tmp_path / "dense.gnet", wide, "--input-shape", "1,5,7")
    assert out.returncode == 2 and "Dense layers only" in out.stderr
