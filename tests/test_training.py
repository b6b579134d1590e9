"""fit's training features: validation split, weight decay, dropout, per-epoch metrics."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, mean_absolute_error, r2_score

import glassnet as gn


def _regression(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1 * rng.normal(size=(n, 1))
    return X, y


def _net(seed=1, dropout=None):
    layers = [gn.Dense(3, 8, activation="tanh")]
    if dropout is not None:
        layers.append(gn.Dropout(dropout))
    layers.append(gn.Dense(8, 1, activation="linear"))
    return gn.Network(layers, seed=seed)


# -- validation_split -----------------------------------------------------------
def _held_out_rows(net, n, n_train):
    """The rows validation_split will hold out: the network's generator's next
    permutation, after the first n_train (each part in row order)."""
    import copy

    order = copy.deepcopy(net.rng).permutation(n)
    return np.sort(order[:n_train]), np.sort(order[n_train:])


def test_validation_split_holds_out_rows_drawn_by_the_networks_generator():
    X, y = _regression(40)
    a_net = _net()
    train_rows, val_rows = _held_out_rows(a_net, 40, 30)
    a = a_net.fit(X, y, epochs=5, lr=0.05, batch_size=8, shuffle=True, validation_split=0.25)
    b_net = _net()
    b_net.rng.permutation(40)  # the same draw, so the shuffles that follow match
    b = b_net.fit(
        X[train_rows], y[train_rows], epochs=5, lr=0.05, batch_size=8, shuffle=True,
        validation_data=(X[val_rows], y[val_rows]),
    )
    assert len(a.val_loss) == 5
    assert a.loss == b.loss and a.val_loss == b.val_loss
    assert sorted([*train_rows, *val_rows]) == list(range(40))
    assert list(val_rows) != list(range(30, 40))  # not Keras's last rows


def test_validation_split_of_data_sorted_by_class_validates_on_every_class():
    X, labels = gn.datasets.iris()  # 50 rows of each class, in class order
    net = gn.Network([gn.Dense(4, 8, "relu"), gn.Dense(8, 3, "softmax")], seed=0)
    _, val_rows = _held_out_rows(net, 150, 120)
    assert set(labels[val_rows]) == {0, 1, 2}
    net.fit(X, labels, epochs=30, lr=0.01, optimizer="adam", batch_size=16, shuffle=True,
            loss="categorical_crossentropy", metrics=["accuracy"], validation_split=0.2)
    assert net.history.metrics["val_accuracy"][-1] > 0.8


def test_validation_split_rounds_the_training_part_down_like_keras():
    X, y = _regression(10)
    net = _net()
    train_rows, val_rows = _held_out_rows(net, 10, 6)  # int(10 * 0.67) = 6 train, 4 held out
    net.fit(X, y, epochs=1, validation_split=0.33)
    expected = net.evaluate(X[val_rows], y[val_rows], loss="mse", metrics=())["loss"]
    assert net.history.val_loss[-1] == pytest.approx(expected, rel=1e-12)
    other = net.evaluate(X[val_rows[1:]], y[val_rows[1:]], loss="mse", metrics=())["loss"]
    assert net.history.val_loss[-1] != pytest.approx(other, rel=1e-12)


@pytest.mark.parametrize("split", [-0.1, 1.0, 1.5, "0.2"])
def test_validation_split_outside_0_1_is_refused(split):
    X, y = _regression(10)
    with pytest.raises(ValueError, match="validation_split"):
        _net().fit(X, y, epochs=1, validation_split=split)


def test_validation_split_leaving_no_rows_is_refused():
    X, y = _regression(3)
    with pytest.raises(ValueError, match="both need at least one"):
        _net().fit(X, y, epochs=1, validation_split=0.9)


def test_validation_split_and_validation_data_together_are_refused():
    X, y = _regression(10)
    with pytest.raises(ValueError, match="not both"):
        _net().fit(X, y, epochs=1, validation_split=0.2, validation_data=(X, y))


# -- metrics per epoch ----------------------------------------------------------
def test_regression_metrics_per_epoch_match_scikit_learn():
    X, y = _regression(40)
    net = _net()
    hist = net.fit(X[:30], y[:30], epochs=4, lr=0.05, metrics=["mae", "r2"],
                   validation_data=(X[30:], y[30:]))
    assert set(hist.history) == {"loss", "val_loss", "mae", "r2", "val_mae", "val_r2"}
    assert all(len(v) == 4 for v in hist.history.values())
    # validation figures describe the weights after the epoch's update; training
    # figures (like the loss) come from the epoch's forward pass, before its update
    val_pred = net.predict(X[30:])
    before_last = _net()
    before_last.fit(X[:30], y[:30], epochs=3, lr=0.05)
    train_pred = before_last.predict(X[:30])
    assert hist.metrics["mae"][-1] == pytest.approx(mean_absolute_error(y[:30], train_pred))
    assert hist.metrics["r2"][-1] == pytest.approx(r2_score(y[:30], train_pred))
    assert hist.metrics["val_mae"][-1] == pytest.approx(mean_absolute_error(y[30:], val_pred))
    assert hist.metrics["val_r2"][-1] == pytest.approx(r2_score(y[30:], val_pred))


def test_accuracy_per_epoch_matches_scikit_learn_for_several_classes():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(60, 2))
    labels = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0).astype(int)  # 0, 1, 2
    net = gn.Network([gn.Dense(2, 6, activation="relu"), gn.Dense(6, 3, activation="softmax")],
                     seed=0)
    train_rows, val_rows = _held_out_rows(net, 60, 30)

    class KeepWeights(gn.Callback):  # the weights after each epoch's update
        def on_epoch_end(self, epoch, logs):
            self.after = {**getattr(self, "after", {}), epoch: net.params.copy()}

    keep = KeepWeights()
    hist = net.fit(X, labels, epochs=30, lr=0.05, optimizer="adam", callbacks=[keep],
                   loss="categorical_crossentropy", metrics=["accuracy"], validation_split=0.5)
    pred = net.predict(X).argmax(axis=1)
    assert hist.metrics["val_accuracy"][-1] == accuracy_score(labels[val_rows], pred[val_rows])
    # full batch, the training figure comes from the epoch's forward pass, before its update
    net.params[...] = keep.after[28]
    pred = net.predict(X).argmax(axis=1)
    assert hist.metrics["accuracy"][-1] == accuracy_score(labels[train_rows], pred[train_rows])
    assert hist.metrics["accuracy"][-1] > 0.5


# -- weight decay -----------------------------------------------------------------
def test_weight_decay_shrinks_the_weights_measurably():
    X, y = _regression(40)
    plain, decayed = _net(), _net()
    plain.fit(X, y, epochs=200, lr=0.05)
    decayed.fit(X, y, epochs=200, lr=0.05, weight_decay=0.1)
    assert np.linalg.norm(decayed.params) < 0.8 * np.linalg.norm(plain.params)


def test_weight_decay_adds_lambda_theta_to_the_gradient():
    # One GD step: θ₁ = θ₀ − η (g + λ θ₀), i.e. the undecayed step minus η λ θ₀.
    X, y = _regression(20)
    plain, decayed = _net(), _net()
    theta0 = plain.params.copy()
    plain.fit(X, y, epochs=1, lr=0.05)
    decayed.fit(X, y, epochs=1, lr=0.05, weight_decay=0.3)
    np.testing.assert_allclose(decayed.params, plain.params - 0.05 * 0.3 * theta0,
                               rtol=0, atol=1e-14)
    assert decayed.optimizer.weight_decay == 0.3


def test_weight_decay_is_kept_by_a_later_fit_that_does_not_name_it():
    X, y = _regression(20)
    net = _net()
    net.fit(X, y, epochs=1, lr=0.05, optimizer="momentum", weight_decay=0.2)
    first = net.optimizer
    net.fit(X, y, epochs=1, lr=0.05, optimizer="momentum")
    assert net.optimizer is first and first.weight_decay == 0.2
    net.fit(X, y, epochs=1, lr=0.05, optimizer="momentum", weight_decay=0.0)
    assert net.optimizer is not first and net.optimizer.weight_decay == 0.0


def test_weight_decay_conflicting_with_an_optimizer_object_is_refused():
    X, y = _regression(10)
    with pytest.raises(ValueError, match="one place"):
        _net().fit(X, y, epochs=1, optimizer=gn.optimizers.Adam(weight_decay=0.1),
                   weight_decay=0.2)
    with pytest.raises(ValueError, match="weight_decay"):
        _net().fit(X, y, epochs=1, weight_decay=-1)


# -- dropout ----------------------------------------------------------------------
def test_dropout_is_the_identity_when_predicting():
    X, _ = _regression(25)
    with_dropout, without = _net(dropout=0.5), _net()
    without.set_weights(with_dropout.get_weights())
    np.testing.assert_array_equal(with_dropout.predict(X), without.predict(X))
    assert with_dropout.n_params == without.n_params


def test_dropout_changes_training_but_not_predict_after_training():
    X, y = _regression(40)
    nets = {rate: _net(dropout=rate) for rate in (0.0, 0.5)}
    for net in nets.values():
        net.fit(X, y, epochs=3, lr=0.05)
    assert not np.array_equal(nets[0.0].params, nets[0.5].params)
    # predicting twice gives the same answer: no mask is drawn outside training
    trained = nets[0.5]
    np.testing.assert_array_equal(trained.predict(X), trained.predict(X))


def test_dropout_zeroes_a_fraction_rate_and_scales_the_rest():
    net = gn.Network([gn.Dense(3, 4), gn.Dropout(0.25), gn.Dense(4, 1)], seed=0)
    drop = net.layers[1]
    x = np.ones((2000, 4))
    a = drop.forward(x, training=True)
    kept = a != 0
    assert abs(kept.mean() - 0.75) < 0.02
    assert np.all(a[kept] == 1 / 0.75)
    grad = np.arange(8000.0).reshape(2000, 4)
    np.testing.assert_array_equal(drop.backward(grad), np.where(kept, grad * (1 / 0.75), 0))
    np.testing.assert_array_equal(drop.forward(x, training=False), x)


def test_dropout_masks_come_from_the_network_seed():
    X, y = _regression(30)
    a, b = _net(dropout=0.3, seed=5), _net(dropout=0.3, seed=5)
    a.fit(X, y, epochs=3, lr=0.05, batch_size=5, shuffle=True)
    b.fit(X, y, epochs=3, lr=0.05, batch_size=5, shuffle=True)
    np.testing.assert_array_equal(a.params, b.params)


def test_dropout_gradients_match_finite_differences_for_a_fixed_mask():
    net = gn.Network([gn.Dense(3, 5, activation="tanh"), gn.Dropout(0.4),
                      gn.Dense(5, 1, activation="linear")], seed=2)
    X, y = _regression(6)
    loss = gn.losses.get("mse")
    net.loss_and_gradients(X, y, loss, training=True)
    analytic, mask = net.grads.copy(), net.layers[1].mask.copy()
    drop = net.layers[1]

    def loss_with_mask(theta):
        saved = net.params.copy()
        net.params[...] = theta
        h = net.layers[0].forward(X)
        out = net.layers[2].forward(h * mask)
        net.params[...] = saved
        return float(np.mean((out - y) ** 2))

    eps = 1e-6
    numeric = np.empty_like(analytic)
    for i in range(net.n_params):
        e = np.zeros(net.n_params)
        e[i] = eps
        numeric[i] = (loss_with_mask(net.params + e) - loss_with_mask(net.params - e)) / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    assert (mask == 0).any() and drop.rate == 0.4


def test_dropout_arguments_are_checked():
    with pytest.raises(ValueError, match="rate"):
        gn.Dropout(1.0)
    with pytest.raises(ValueError, match="first layer"):
        gn.Network([gn.Dropout(0.2), gn.Dense(3, 1)])
    net = gn.Network([gn.Dropout(0.2, n_units=3), gn.Dense(3, 1)], seed=0)
    assert net.n_inputs == 3 and "Dropout(0.2)" in str(net)


# -- targets the output cannot reach ---------------------------------------------
def test_fit_warns_when_the_targets_lie_outside_the_output_activations_range():
    X = np.linspace(0, 1, 20).reshape(-1, 1)
    prices = 1e5 + 4e5 * X  # the tutorial habit: a sigmoid output, asked for prices
    net = gn.Network([gn.Dense(1, 4), gn.Dense(4, 1, activation="sigmoid")], seed=0)
    with pytest.warns(UserWarning, match=r"y spans \[1e\+05, 5e\+05\].*sigmoid only takes "
                      r"values in \[0, 1\].*activation=\"linear\""):
        net.fit(X, prices, epochs=1)
    elu = gn.Network([gn.Dense(1, 1, activation=gn.activations.ELU(alpha=0.5))], seed=0)
    with pytest.warns(UserWarning, match=r"elu only takes values in \[-0.5, inf\]"):
        elu.fit(X, -X, epochs=1)


@pytest.mark.parametrize("output, y", [
    ("sigmoid", [0.0, 1.0]), ("tanh", [-1.0, 1.0]), ("relu", [0.0, 7.0]), ("linear", [-1e9, 1e9]),
])
def test_fit_is_silent_for_targets_inside_the_range(output, y):
    X = np.array([[0.0], [1.0]])
    net = gn.Network([gn.Dense(1, 1, activation=output)], seed=0)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net.fit(X, np.array(y), epochs=1, lr=1e-12)


@pytest.mark.parametrize("n,fraction,n_val", [(10, 0.25, 3), (10, 0.33, 4), (10, 0.1, 1),
                                              (10, 0.9, 9), (3, 0.5, 2), (7, 0.2, 2)])
def test_hold_out_validates_the_ceiling_of_n_times_the_fraction(n, fraction, n_val):
    train_rows, val_rows = gn.training.hold_out(n, fraction, np.random.default_rng(0))
    assert len(val_rows) == n_val and len(train_rows) == n - n_val
    assert sorted([*train_rows, *val_rows]) == list(range(n))
    assert list(train_rows) == sorted(train_rows) and list(val_rows) == sorted(val_rows)


def test_hold_out_names_the_callers_argument():
    with pytest.raises(ValueError, match="validation_fraction=0.5 of 1 sample"):
        gn.training.hold_out(1, 0.5, np.random.default_rng(0), name="validation_fraction")
    with pytest.raises(ValueError, match="validation_fraction must be a fraction in"):
        gn.training.hold_out(10, 1.5, np.random.default_rng(0), name="validation_fraction")
