"""The displays of fit(verbose=...): the built-in progress bar and the epoch logger
(fit's verbose tests are in tests/test_callbacks.py; the bar's width in
tests/reliability/test_progress_and_classes.py)."""

import io

import pytest

import glassnet as gn
from glassnet.glassbox.progress import EpochLogger, ProgressBar


def test_the_built_in_bar_redraws_one_line_with_eta():
    stream = io.StringIO()
    bar = ProgressBar(epochs=3, stream=stream, use_tqdm=False)
    bar.on_train_begin(None)
    for e, loss in enumerate([0.5, 0.25, 0.125]):
        bar.on_epoch_end(e, {"loss": loss, "val_loss": 2 * loss, "lr": 0.1})
    bar.on_train_end(None)
    text = stream.getvalue()
    assert text.startswith("\r") and text.endswith("\n") and text.count("\n") == 1
    last = text.rstrip("\n").split("\r")[-1]
    assert "epoch 3/3" in last and "[" + "#" * ProgressBar.width + "]" in last
    assert "loss=0.125" in last and "val_loss=0.25" in last and "ETA 00:00" in last


def test_epoch_logger_writes_to_its_stream():
    stream = io.StringIO()
    EpochLogger(stream).on_epoch_end(7, {"loss": 0.5})
    assert stream.getvalue() == "epoch      7  loss=0.5\n"


def test_epoch_logger_every_100_prints_like_the_tutorials_and_the_last_epoch():
    from glassnet import tutorials

    stream = io.StringIO()
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=0)
    hist = net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=250, loss="half_sse",
                   callbacks=[gn.EpochLogger(stream, every=100)])
    lines = stream.getvalue().splitlines()
    assert [int(line.split()[1]) for line in lines] == [0, 100, 200, 249]
    for line, epoch in zip(lines, (0, 100, 200, 249)):
        assert line.split()[2] == f"loss={hist.loss[epoch]:.5g}"
    # a second fit continues the count; its last epoch (349) is a multiple of nothing
    stream.truncate(0), stream.seek(0)
    net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=100, loss="half_sse",
            callbacks=[gn.EpochLogger(stream, every=100)])
    assert [int(line.split()[1]) for line in stream.getvalue().splitlines()] == [300, 349]
    with pytest.raises(ValueError, match="every"):
        gn.EpochLogger(every=0)
