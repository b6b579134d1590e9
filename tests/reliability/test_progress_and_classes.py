"""Class 11: the plain progress bar fits the terminal; predict_classes is right for
one sigmoid output and for softmax outputs."""

import io

import numpy as np
import pytest

import glassnet as gn
from glassnet.glassbox.progress import ProgressBar


def _drawn_lines(columns, monkeypatch, epochs, logs):
    monkeypatch.setenv("COLUMNS", str(columns))
    stream = io.StringIO()
    bar = ProgressBar(epochs, stream=stream, use_tqdm=False)
    bar.on_train_begin(None)
    for epoch in range(epochs):
        bar.on_epoch_end(epoch, logs)
    bar.on_train_end(None)
    return [part for part in stream.getvalue().replace("\n", "\r").split("\r") if part]


@pytest.mark.parametrize("columns", [80, 60, 40, 20, 120])
@pytest.mark.parametrize("epochs", [1, 99, 10000])
def test_the_plain_bar_never_fills_the_terminal(monkeypatch, columns, epochs):
    logs = {"loss": 0.123456789, "val_loss": 1234.56789, "val_accuracy": 0.5}
    lines = _drawn_lines(columns, monkeypatch, epochs, logs)
    assert lines and all(len(line) < columns for line in lines), max(map(len, lines))
    assert lines[-1].startswith(f"epoch {epochs}/{epochs}"[: columns - 1])
    if columns >= 60:  # the figures stay whole; only a narrower terminal cuts them
        assert "loss=0.12346" in lines[-1] and "val_loss=1234.6" in lines[-1]


def test_at_80_columns_the_bar_keeps_its_figures_and_eta(monkeypatch):
    lines = _drawn_lines(80, monkeypatch, 10000, {"loss": 0.123456789, "val_loss": 0.98765})
    assert "val_loss=0.98765" in lines[-1] and "ETA" in lines[-1] and "[" in lines[-1]
    assert len(lines[-1]) <= 79


@pytest.mark.parametrize("epochs", [5, 200, 100000])
def test_the_tqdm_bar_fits_80_columns_with_its_figures_whole(monkeypatch, epochs):
    monkeypatch.setenv("COLUMNS", "80")
    stream = io.StringIO()
    bar = ProgressBar(epochs, stream=stream, use_tqdm=True)
    bar.on_train_begin(None)
    for epoch in range(epochs):
        bar.on_epoch_end(epoch, {"loss": 1.23456789e-5, "val_loss": 1234.56789})
    bar.on_train_end(None)
    lines = [line for line in stream.getvalue().replace("\n", "\r").split("\r") if line]
    assert max(len(line) for line in lines) <= 79
    assert f"| {epochs}/{epochs} epochs [" in lines[-1]
    assert lines[-1].endswith("<00:00, loss=1.2346e-05, val_loss=1234.6]")


def test_fit_verbose_1_fits_80_columns(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(
        "glassnet.glassbox.progress.ProgressBar.__init__.__defaults__", (None, False)
    )
    net = gn.Network([gn.Dense(2, 1, activation="linear")], seed=0)
    X = np.random.default_rng(0).normal(size=(20, 2))
    net.fit(X, X[:, :1], epochs=12000, validation_split=0.2, verbose=1, lr=1e-3)
    drawn = capsys.readouterr().err.replace("\n", "\r").split("\r")
    assert max(len(line) for line in drawn) <= 79


def test_predict_classes_for_one_sigmoid_output():
    net = gn.Network([gn.Dense(1, 1, activation="sigmoid")], seed=0)
    net.set_weights([(np.array([[1.0]]), np.array([0.0]))])
    X = np.array([[-2.0], [3.0], [0.0], [0.1]])
    assert net.predict(X).argmax(axis=1).tolist() == [0, 0, 0, 0]  # the recipe's old mistake
    assert net.predict_classes(X).tolist() == [0, 1, 0, 1]  # a tie (0.5) goes to class 0
    net.metadata = {"class_names": ["no", "yes"]}
    assert net.predict_classes(X).tolist() == ["no", "yes", "no", "yes"]
    assert net.predict_classes(X, class_names=["a", "b"]).tolist() == ["a", "b", "a", "b"]


def test_predict_classes_for_softmax_outputs():
    net = gn.Network([gn.Dense(3, 3, activation="softmax")], seed=0)
    net.set_weights([(np.eye(3), np.zeros(3))])
    X = np.array([[5.0, 0, 0], [0, 0, 5.0], [0, 5.0, 0]])
    assert net.predict_classes(X).tolist() == [0, 2, 1]
    assert net.predict_classes(X, ["r", "g", "b"]).tolist() == ["r", "b", "g"]
    with pytest.raises(ValueError, match="class_names has 2 name"):
        net.predict_classes(X, ["r", "g"])


def test_predict_classes_agrees_with_glassnet_predict_and_the_exported_script(tmp_path):
    from glassnet.tools import cli

    data = tmp_path / "d.csv"
    rng = np.random.default_rng(4)
    rows = rng.normal(size=(30, 2))
    data.write_text("a,b,label\n" + "".join(f"{a},{b},{'yes' if a > b else 'no'}\n"
                                             for a, b in rows))
    assert cli.main(["train", str(data), "--target", "label", "--epochs", "20", "--quiet",
                     "--out", str(tmp_path / "m.gnet")]) == 0
    net = gn.load(tmp_path / "m.gnet")
    from glassnet.tools.scaling import scale_features
    from glassnet.tools.tabular import predict_table

    assert net.predict_classes(scale_features(rows, net.metadata)).tolist() == \
        predict_table(net, data)[0]
