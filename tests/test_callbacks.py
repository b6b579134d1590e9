"""Callbacks: the hooks fit calls, EarlyStopping, and the verbose displays."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import Callback
from glassnet.glassbox.progress import ProgressBar


def _halving_net():
    """One weight, no bias, W₀ = 0, trained by GD on x = 1, y = 2 with mse at η = 0.25.

    dL/dW = 2(W − 2), so each epoch W ← W − ½(W − 2): after epochs 0, 1, 2, ...
    W = 1, 1.5, 1.75, 1.875, 1.9375, ... (all exact in binary).
    """
    net = gn.Network([gn.Dense(1, 1, activation="linear", use_bias=False)], seed=0)
    net.set_weights([(np.zeros((1, 1)), None)])
    return net, np.array([[1.0]]), np.array([[2.0]])


# Validation target 1.875: val loss (W − 1.875)² falls until epoch 3 (W = 1.875), then rises.
X_VAL, Y_VAL = np.array([[1.0]]), np.array([[1.875]])


def test_early_stopping_restores_the_weights_of_the_best_epoch():
    net, X, y = _halving_net()
    stop = gn.EarlyStopping(patience=3)
    hist = net.fit(X, y, epochs=100, lr=0.25, validation_data=(X_VAL, Y_VAL), callbacks=[stop])
    assert stop.best_epoch == 3 and stop.best == 0.0
    assert stop.stopped_epoch == 6 and len(hist) == 7  # epochs 4, 5, 6 without improvement
    assert hist.val_loss[3] == 0.0 and hist.val_loss[4] > 0
    assert net.layers[0].W[0, 0] == 1.875


def test_without_restoring_the_last_weights_stay():
    net, X, y = _halving_net()
    stop = gn.EarlyStopping(patience=3, restore_best_weights=False)
    net.fit(X, y, epochs=100, lr=0.25, validation_data=(X_VAL, Y_VAL), callbacks=[stop])
    assert net.layers[0].W[0, 0] == 2 - 2**-6  # after epoch 6


def test_best_weights_are_restored_when_epochs_run_out_too():
    net, X, y = _halving_net()
    stop = gn.EarlyStopping(patience=50)
    net.fit(X, y, epochs=6, lr=0.25, validation_data=(X_VAL, Y_VAL), callbacks=[stop])
    assert stop.stopped_epoch is None
    assert net.layers[0].W[0, 0] == 1.875


def test_min_delta_ignores_small_improvements():
    net, X, y = _halving_net()
    stop = gn.EarlyStopping(monitor="loss", patience=1, min_delta=0.1)
    hist = net.fit(X, y, epochs=100, lr=0.25, callbacks=[stop])
    # The recorded loss is the pre-update one (full batch), (W − 2)² = 4, 1, 0.25, 0.0625,
    # 0.015625: each step down to 0.0625 improves by more than 0.1, the next one does not,
    # so with patience 1 training stops at epoch 4 and the best epoch is 3.
    assert hist.loss == [4.0, 1.0, 0.25, 0.0625, 0.015625]
    assert stop.best_epoch == 3 and stop.stopped_epoch == 4


def test_mode_auto_maximises_accuracy():
    assert gn.EarlyStopping(monitor="val_accuracy").mode == "max"
    assert gn.EarlyStopping(monitor="r2").mode == "max"
    assert gn.EarlyStopping(monitor="val_mae").mode == "min"


def test_monitoring_val_loss_without_validation_data_says_what_to_do():
    net, X, y = _halving_net()
    with pytest.raises(ValueError, match="validation_split"):
        net.fit(X, y, epochs=3, callbacks=[gn.EarlyStopping()])


@pytest.mark.parametrize(
    "kwargs", [{"patience": -1}, {"patience": 1.5}, {"min_delta": -0.1}, {"mode": "up"}]
)
def test_bad_early_stopping_arguments_are_refused(kwargs):
    with pytest.raises(ValueError, match="must be"):
        gn.EarlyStopping(**kwargs)


class Recorder(Callback):
    def __init__(self, stop_at=None):
        self.calls, self.stop_at = [], stop_at

    def on_train_begin(self, network):
        self.calls.append(("begin", len(network.history)))

    def on_epoch_end(self, epoch, logs):
        self.calls.append(("epoch", epoch, sorted(logs)))
        return epoch == self.stop_at

    def on_train_end(self, network):
        self.calls.append(("end", len(network.history)))


def test_hooks_are_called_in_order_with_the_epoch_logs():
    net, X, y = _halving_net()
    rec = Recorder()
    net.fit(X, y, epochs=2, lr=0.25, metrics=["mae"], validation_data=(X, y), callbacks=[rec])
    keys = ["loss", "lr", "mae", "val_loss", "val_mae"]
    assert rec.calls == [("begin", 0), ("epoch", 0, keys), ("epoch", 1, keys), ("end", 2)]


def test_a_truthy_return_stops_training_and_epochs_count_across_fits():
    net, X, y = _halving_net()
    net.fit(X, y, epochs=2, lr=0.25)
    rec = Recorder(stop_at=3)
    hist = net.fit(X, y, epochs=10, lr=0.25, callbacks=[rec])
    assert len(hist) == 4 and rec.calls[-1] == ("end", 4)


def test_an_object_with_only_on_epoch_end_works_and_stop_training_stops():
    class Stopper:
        def __init__(self, net):
            self.net = net

        def on_epoch_end(self, epoch, logs):
            if epoch == 1:
                self.net.stop_training = True

    net, X, y = _halving_net()
    hist = net.fit(X, y, epochs=10, lr=0.25, callbacks=[Stopper(net)])
    assert len(hist) == 2


def test_verbose_0_is_silent(capsys):
    net, X, y = _halving_net()
    net.fit(X, y, epochs=3, lr=0.25, verbose=0)
    assert capsys.readouterr() == ("", "")


def test_verbose_2_prints_one_line_per_epoch(capsys):
    net, X, y = _halving_net()
    net.fit(X, y, epochs=3, lr=0.25, verbose=2, validation_data=(X_VAL, Y_VAL))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[1].split()[:2] == ["epoch", "1"] and "loss=1" in lines[1]
    assert "val_loss=" in lines[1]


def test_verbose_1_draws_a_tqdm_bar_on_stderr(capsys):
    net, X, y = _halving_net()
    net.fit(X, y, epochs=4, lr=0.25, verbose=1, validation_data=(X_VAL, Y_VAL))
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "4/4" in captured.err and "val_loss=" in captured.err


def test_the_built_in_bar_is_used_when_tqdm_is_missing(monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_tqdm(name, *args, **kwargs):
        if name == "tqdm" or name.startswith("tqdm."):
            raise ImportError("No module named 'tqdm'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tqdm)
    assert ProgressBar(epochs=2).use_tqdm is False
    net, X, y = _halving_net()
    net.fit(X, y, epochs=2, lr=0.25, verbose=1)
    err = capsys.readouterr().err
    assert "\repoch 2/2 [" in err and "ETA" in err


def test_early_stopping_on_the_training_loss_restores_the_weights_that_gave_it():
    # Full batch, the training loss of epoch e is measured before that epoch's update,
    # so the weights behind the best loss are those at the start of the best epoch.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 3)), rng.normal(size=(30, 1))
    net = gn.Network([gn.Dense(3, 6, "tanh", init="xavier"), gn.Dense(6, 1, "linear")], seed=1)
    stop = gn.EarlyStopping(monitor="loss", patience=2)
    net.fit(X, y, epochs=60, loss="mse", optimizer="gd", lr=3.0, callbacks=[stop])
    assert stop.best_epoch is not None
    restored = net.evaluate(X, y, loss="mse", metrics=())["loss"]
    assert restored == pytest.approx(stop.best, rel=1e-12)
