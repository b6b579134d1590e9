"""The Network's public contract: shapes, weights, fit/predict/evaluate, seeds, dtypes."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import tutorials


def tutorial_net(**kwargs):
    return gn.Network(
        [gn.Dense(4, 3, activation="sigmoid"), gn.Dense(3, 1, activation="sigmoid")], **kwargs
    )


def test_layers_expose_the_tutorials_matrices_with_their_shapes():
    net = tutorial_net(seed=42)
    assert net.layers[0].W.shape == (4, 3)  # wh
    assert net.layers[0].b.shape == (3,)  # bh
    assert net.layers[1].W.shape == (3, 1)  # wout
    assert net.layers[1].b.shape == (1,)  # bout
    assert net.n_params == 4 * 3 + 3 + 3 + 1
    # uniform init draws from [0, 1), as np.random.uniform does in the tutorial
    assert (net.params >= 0).all() and (net.params < 1).all()


def test_no_bias_layer_has_b_none():
    net = gn.Network([gn.Dense(3, 4, use_bias=False), gn.Dense(4, 1, use_bias=False)], seed=0)
    assert net.layers[0].b is None
    assert [b for _, b in net.get_weights()] == [None, None]
    assert net.n_params == 16


def test_get_weights_returns_copies_and_set_weights_accepts_tutorial_shapes():
    net = tutorial_net(seed=1)
    weights = net.get_weights()
    weights[0][0][...] = 123.0
    assert not (net.layers[0].W == 123.0).any()

    w = tutorials.RAY_PRINTED_WEIGHTS
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])  # b as (1, n_units)
    np.testing.assert_array_equal(net.layers[0].W, w["wh"])
    np.testing.assert_array_equal(net.layers[0].b, w["bh"].ravel())
    np.testing.assert_array_equal(net.layers[1].b, [0.69])


def test_set_weights_checks_every_shape_before_writing_anything():
    net = tutorial_net(seed=1)
    before = net.params.copy()
    with pytest.raises(ValueError, match=r"W of layer 2 .* must have shape \(3, 1\).*\(1, 3\)"):
        net.set_weights([(np.zeros((4, 3)), np.zeros(3)), (np.zeros((1, 3)), np.zeros(1))])
    np.testing.assert_array_equal(net.params, before)
    with pytest.raises(ValueError, match="expects a list of 2"):
        net.set_weights([(np.zeros((4, 3)), np.zeros(3))])
    with pytest.raises(ValueError, match=r"b of layer 1 .* must have shape \(3,\)"):
        net.set_weights([(np.zeros((4, 3)), np.zeros(4)), (np.zeros((3, 1)), np.zeros(1))])


def test_assigning_W_writes_into_the_network_and_checks_the_shape():
    net = tutorial_net(seed=1)
    net.layers[1].W = np.full((3, 1), 0.5)
    assert net.get_weights()[1][0].tolist() == [[0.5], [0.5], [0.5]]
    with pytest.raises(ValueError, match=r"must have shape \(3, 1\)"):
        net.layers[1].W = np.zeros((1, 3))


def test_assigning_b_outside_a_network_says_so_not_that_the_layer_has_no_bias():
    # it used to say "has use_bias=False" for a layer with a bias not yet in a network
    with pytest.raises(ValueError, match="is not part of a Network yet, so it has no b"):
        gn.Dense(2, 3).b = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match="has use_bias=False, so it cannot take a bias"):
        gn.Dense(2, 3, use_bias=False).b = [1.0, 2.0, 3.0]
    gn.Dense(2, 3, use_bias=False).b = None  # nothing to set, nothing refused


def test_layers_must_chain():
    with pytest.raises(
        ValueError, match=r"Layer 1 .* outputs 3 unit\(s\) but layer 2 .* expects 4"
    ):
        gn.Network([gn.Dense(4, 3), gn.Dense(4, 1)])
    with pytest.raises(ValueError, match="at least one layer"):
        gn.Network([])
    with pytest.raises(TypeError, match="Layer 2 must be a glassnet layer"):
        gn.Network([gn.Dense(4, 3), "dense"])


def test_same_seed_same_weights_and_training_different_seed_different():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 4)), rng.integers(0, 2, size=30)

    def trained(seed):
        net = tutorial_net(seed=seed)
        net.fit(X, y, epochs=20, batch_size=4, shuffle=True, loss="binary_crossentropy")
        return net.params

    np.testing.assert_array_equal(trained(7), trained(7))
    assert not np.array_equal(trained(7), trained(8))


def test_shuffle_changes_the_order_and_no_shuffle_does_not_use_the_generator():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 4)), rng.random(size=(12, 1))
    a, b = tutorial_net(seed=3), tutorial_net(seed=3)
    a.fit(X, y, epochs=3, batch_size=3, shuffle=False)
    b.fit(X, y, epochs=3, batch_size=3, shuffle=True)
    assert not np.array_equal(a.params, b.params)
    state = a.rng.bit_generator.state
    a.fit(X, y, epochs=2, batch_size=3, shuffle=False)
    assert a.rng.bit_generator.state == state


def test_global_numpy_random_state_is_untouched():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    net = tutorial_net(seed=None)
    net.fit(np.eye(4), np.ones(4), epochs=3, batch_size=2, shuffle=True)
    assert np.random.random() == expected


def test_fit_returns_history_with_one_loss_per_epoch_and_val_loss():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 4)), rng.random(size=(20, 1))
    Xv, yv = rng.normal(size=(5, 4)), rng.random(size=(5, 1))
    net = tutorial_net(seed=0)
    hist = net.fit(X, y, epochs=7, validation_data=(Xv, yv), metrics=["mae"])
    assert len(hist.loss) == len(hist.val_loss) == len(hist.metrics["mae"]) == 7
    assert hist.val_loss[-1] == pytest.approx(net.evaluate(Xv, yv, loss="mse")["loss"])
    assert hist.metrics["val_mae"][-1] == pytest.approx(
        float(np.mean(np.abs(net.predict(Xv) - yv)))
    )
    assert set(hist.history) == {"loss", "val_loss", "mae", "val_mae"}


def test_minibatch_history_is_the_row_weighted_mean_of_the_batch_losses():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(6, 4)), rng.random(size=(6, 1))
    net = tutorial_net(seed=0)
    start = net.get_weights()
    hist = net.fit(X, y, epochs=1, batch_size=4, loss="mse", optimizer="gd", lr=0.1)
    check = tutorial_net(seed=0)
    check.set_weights(start)
    first = check.evaluate(X[:4], y[:4], loss="mse", metrics=())["loss"]
    check.fit(X[:4], y[:4], epochs=1, loss="mse", lr=0.1)
    second = check.evaluate(X[4:], y[4:], loss="mse", metrics=())["loss"]
    # batches of 4 and 2 rows: the epoch's figure is the mean over its 6 samples
    assert hist.loss[0] == pytest.approx((4 * first + 2 * second) / 6, rel=1e-12)


def test_callback_can_stop_training():
    class StopAfterThree:
        def __init__(self):
            self.seen = []

        def on_epoch_end(self, epoch, logs):
            self.seen.append((epoch, logs["loss"]))
            return epoch == 2

    cb = StopAfterThree()
    hist = tutorial_net(seed=0).fit(np.eye(4), np.ones(4), epochs=50, callbacks=[cb])
    assert len(hist.loss) == 3 and [e for e, _ in cb.seen] == [0, 1, 2]


def test_multiclass_labels_are_one_hot_encoded_for_cross_entropy():
    net = gn.Network([gn.Dense(2, 5, "relu", init="he"), gn.Dense(5, 3, "softmax")], seed=0)
    X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 2, 1])
    a = net.evaluate(X, labels, loss="categorical_crossentropy")
    b = net.evaluate(X, np.eye(3)[labels], loss="categorical_crossentropy")
    assert a == b
    assert net.predict(X).shape == (3, 3)
    np.testing.assert_allclose(net.predict(X).sum(axis=1), 1.0)


def test_evaluate_reports_loss_and_accuracy():
    net = tutorial_net(seed=0)
    w = tutorials.RAY_PRINTED_WEIGHTS
    net.set_weights([(w["wh"], w["bh"]), (w["wout"], w["bout"])])
    out = net.predict(tutorials.RAY_X)
    result = net.evaluate(tutorials.RAY_X, tutorials.RAY_Y, loss="half_sse")
    assert result["loss"] == pytest.approx(0.5 * np.sum((tutorials.RAY_Y - out) ** 2))
    # the untrained network says ≈0.79 for every sample: right on two of three
    assert result["accuracy"] == pytest.approx(2 / 3)


def test_predict_in_chunks_equals_predict_at_once():
    rng = np.random.default_rng(0)
    net = gn.Network([gn.Dense(5, 7, "tanh"), gn.Dense(7, 2, "softmax")], seed=0)
    X = rng.normal(size=(1001, 5))
    np.testing.assert_array_equal(net.predict_array(X, chunk_rows=64), net.predict(X))


def test_float32_network_stays_float32():
    net = tutorial_net(seed=0, dtype="float32")
    assert net.params.dtype == np.float32
    hist = net.fit(tutorials.RAY_X, tutorials.RAY_Y, epochs=10, optimizer="adam", lr=0.01)
    assert net.predict(tutorials.RAY_X).dtype == np.float32
    assert net.layers[0].W.dtype == np.float32 and net.grads.dtype == np.float32
    assert isinstance(hist.loss[0], float)
    with pytest.raises(ValueError, match="dtype must be 'float64' or 'float32'"):
        tutorial_net(dtype="float16")


def test_summary_lists_layers_shapes_and_parameter_counts(capsys):
    tutorial_net(seed=0).summary()
    text = capsys.readouterr().out
    assert "Network 4 → 3 → 1" in text
    assert "(n, 3)" in text and "(n, 1)" in text
    assert text.splitlines()[-1].split()[-1] == "19"


def test_divergence_stops_with_the_epoch_and_rolls_back_to_finite_weights():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)) * 10, rng.normal(size=(20, 1)) * 100
    net = gn.Network([gn.Dense(3, 8, "relu", init="he"), gn.Dense(8, 1, "linear")], seed=0)
    with pytest.raises(gn.TrainingDivergedError, match=r"diverged at epoch \d+.*smaller learning"):
        net.fit(X, y, epochs=200, lr=1e3, loss="sse", optimizer="gd")
    assert np.isfinite(net.params).all()
    assert all(np.isfinite(net.history.loss))


def test_deep_network_learns_xor():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 0])
    net = gn.Network(
        [
            gn.Dense(2, 8, "tanh", init="xavier"),
            gn.Dense(8, 8, "tanh", init="xavier"),
            gn.Dense(8, 8, "relu", init="he"),
            gn.Dense(8, 1, "sigmoid", init="xavier"),
        ],
        seed=0,
    )
    net.fit(X, y, epochs=500, loss="binary_crossentropy", optimizer="adam", lr=0.02)
    assert net.evaluate(X, y)["accuracy"] == 1.0


def test_a_layer_object_belongs_to_one_network():
    layers = [gn.Dense(3, 4, "tanh"), gn.Dense(4, 1, "linear")]
    gn.Network(layers, seed=0)
    with pytest.raises(ValueError, match="already belongs to another Network"):
        gn.Network(layers, seed=1)
    shared = gn.Dense(4, 4, "tanh")
    with pytest.raises(ValueError, match="Layer 3 .* is the same object as an earlier layer"):
        gn.Network([gn.Dense(3, 4), shared, shared, gn.Dense(4, 1)])


def test_metrics_and_loss_describe_the_same_forward_pass():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    net = gn.Network([gn.Dense(3, 5, "tanh", init="xavier"), gn.Dense(5, 1, "linear")], seed=0)
    hist = net.fit(X, y, epochs=4, loss="mse", metrics=["mse"], lr=0.05)
    np.testing.assert_allclose(hist.metrics["mse"], hist.loss, rtol=1e-12)
    minibatch = net.fit(X, y, epochs=2, loss="mse", metrics=["mse"], batch_size=6, lr=0.05)
    np.testing.assert_allclose(minibatch.metrics["mse"][-2:], minibatch.loss[-2:], rtol=1e-12)


def test_divergence_resets_the_optimizer_so_a_retry_starts_clean():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)) * 10, rng.normal(size=(20, 1)) * 100
    net = gn.Network([gn.Dense(3, 8, "relu", init="he"), gn.Dense(8, 1, "linear")], seed=0)
    with pytest.raises(gn.TrainingDivergedError, match="optimizer's state was reset"):
        net.fit(X, y, epochs=200, lr=0.05, loss="sse", optimizer="momentum")
    assert net.optimizer.state == {}


def test_evaluate_reports_accuracy_for_classifiers_only():
    X = np.random.default_rng(0).normal(size=(6, 2))
    regressor = gn.Network([gn.Dense(2, 3, "tanh"), gn.Dense(3, 1, "linear")], seed=0)
    assert set(regressor.evaluate(X, np.zeros(6))) == {"loss"}
    classifier = gn.Network([gn.Dense(2, 3, "tanh"), gn.Dense(3, 1, "sigmoid")], seed=0)
    assert set(classifier.evaluate(X, np.zeros(6))) == {"loss", "accuracy"}


# -- the one factory, the one storage order, the one snapshot ---------------------
def test_mlp_builds_the_tutorial_network_as_network_does():
    net = gn.mlp([4, 3, 1], seed=42)
    same = tutorial_net(seed=42)
    assert repr(net) == repr(same)
    np.testing.assert_array_equal(net.params, same.params)
    deep = gn.mlp([5, 8, 8, 3], activation="relu", output="softmax", init="he", use_bias=False)
    assert [layer.activation.name for layer in deep.layers] == ["relu", "relu", "softmax"]
    assert [layer.b for layer in deep.layers] == [None, None, None]


def test_mlp_puts_dropout_after_each_hidden_layer_and_the_same_weights():
    net = gn.mlp([5, 8, 6, 2], activation="relu", output="linear", init="xavier", dropout=0.25,
                 seed=3)
    assert [type(layer).__name__ for layer in net.layers] == [
        "Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.rate for layer in net.layers[1::2]] == [0.25, 0.25]
    plain = gn.mlp([5, 8, 6, 2], activation="relu", output="linear", init="xavier", seed=3)
    np.testing.assert_array_equal(net.params, plain.params)  # Dropout draws no weights
    with pytest.raises(ValueError, match="Dropout rate"):
        gn.mlp([2, 3, 1], dropout=1.0)


@pytest.mark.parametrize("sizes", [[4], [], "43", [4, 0, 1], [4, 2.5, 1], None])
def test_mlp_refuses_sizes_that_are_not_two_or_more_widths(sizes):
    with pytest.raises(ValueError, match="sizes"):
        gn.mlp(sizes)


def test_named_parameters_walk_the_flat_storage_in_order():
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 2, use_bias=False), gn.Dense(2, 1)], seed=0)
    named = list(net.named_parameters())
    assert [name for name, _, _ in named] == [
        "layer 1 W", "layer 1 b", "layer 2 W", "layer 3 W", "layer 3 b"]
    np.testing.assert_array_equal(np.concatenate([W.ravel() for _, W, _ in named]), net.params)
    assert named[2][1] is net.layers[1].W and named[2][2] is net.layers[1].dW
    named[0][2][...] = 7.0  # dW is a view into grads
    assert (net.grads[:12] == 7.0).all()


def test_preserved_restores_weights_optimizer_generator_and_history():
    X, y = tutorials.RAY_X, tutorials.RAY_Y
    net = tutorial_net(seed=0)
    net.fit(X, y, epochs=3, optimizer="adam", lr=0.01, batch_size=1, shuffle=True)
    optimizer = net.optimizer
    before = (net.params.copy(), net.grads.copy(), net.rng.bit_generator.state,
              len(net.history), optimizer.state[0]["m"].copy(), net.loss)
    with net.preserved():
        net.fit(X, y, epochs=5, optimizer="adam", lr=0.5, batch_size=1, shuffle=True,
                loss="half_sse")
        net.fit(X, y, epochs=2, optimizer="gd")
        assert not np.array_equal(net.params, before[0])
    np.testing.assert_array_equal(net.params, before[0])
    np.testing.assert_array_equal(net.grads, before[1])
    assert net.rng.bit_generator.state == before[2]
    assert len(net.history) == before[3] and net.loss is before[5]
    assert net.optimizer is optimizer
    np.testing.assert_array_equal(optimizer.state[0]["m"], before[4])
    # and the run continues as if the probe had never happened
    twin = tutorial_net(seed=0)
    twin.fit(X, y, epochs=3, optimizer="adam", lr=0.01, batch_size=1, shuffle=True)
    for model in (net, twin):
        model.fit(X, y, epochs=4, optimizer="adam", lr=0.01, batch_size=1, shuffle=True)
    np.testing.assert_array_equal(net.params, twin.params)


def test_preserved_restores_even_when_the_probe_raises():
    net = tutorial_net(seed=0)
    before = net.params.copy()
    with pytest.raises(RuntimeError), net.preserved():
        net.params += 1.0
        raise RuntimeError("probe failed")
    np.testing.assert_array_equal(net.params, before)


def test_summary_columns_line_up_when_a_layer_repr_is_long():
    net = gn.Network([gn.Dense(4, 3, activation="leaky_relu", use_bias=False),
                      gn.Dense(3, 1, activation="sigmoid")], seed=0)
    lines = str(net).splitlines()
    header, rows, total = lines[1], lines[2:-1], lines[-1]
    long_repr = repr(net.layers[0])
    assert len(long_repr) > 44  # longer than the old fixed column
    start = header.index("output shape")
    for row in rows:
        assert row[start:].startswith("(n, ")  # every shape starts under its heading
        assert row[start - 2:start] == "  "  # and never runs into the layer's repr
    assert len({len(line) for line in [header, *rows, total]}) == 1
