"""net.trace on convolutional, pooling and recurrent layers: the tables hold the engine's
own numbers (Σ patch ⊙ kernel + b = z at the chosen cell, the im2col matrix, the
pooling winners and where their gradient goes, the RNN's steps and BPTT)."""

import numpy as np

import glassnet as gn

rng = np.random.default_rng(15)


def test_conv_and_pool_tables():
    net = gn.Network([gn.Conv2D(2, 3, 3, padding=1, activation="relu"), gn.MaxPool2D(2),
                      gn.Flatten(), gn.Dense(3 * 2 * 2, 2, activation="linear")], seed=0)
    X = rng.standard_normal((2, 2, 4, 4))
    y = rng.standard_normal((2, 2))
    before = net.params.copy()
    tr = net.trace(X, y, loss="mse", cell=(1, 2, 0, 3))
    np.testing.assert_array_equal(net.params, before)
    conv = net.layers[0]
    patch = np.pad(X, ((0, 0), (0, 0), (1, 1), (1, 1)))[1, :, 0:3, 3:6]
    np.testing.assert_array_equal(tr["layer1_patch"], patch.reshape(6, 3))
    np.testing.assert_array_equal(tr["layer1_kernel"], conv.W[2].reshape(6, 3))
    total, bias, z_sum, z = tr["layer1_cell"][0]
    assert np.isclose(z_sum, z) and bias == conv.b[2]
    assert np.isclose(total, (patch * conv.W[2]).sum())
    assert tr["layer1_im2col"].shape == (2 * 4 * 4, 2 * 3 * 3)
    windows = tr["layer2_windows"]
    assert windows.shape == (2 * 3 * 2 * 2, 4)
    a = net.forward(X)  # the pooling's input for window (n0, c0, 0, 0)
    relu = net.layers[0].a[0, 0, 0:2, 0:2]
    assert windows[0, 0] == relu.max()
    r, c = int(windows[0, 1]), int(windows[0, 2])
    assert relu[r, c] == relu.max()
    assert a.shape == (2, 2)
    assert "layer1_patch" in tr.to_text()


def test_rnn_tables_run_forward_then_bptt_right_to_left():
    net = gn.Network([gn.RNN(2, 3), gn.Dense(3, 1, activation="linear")], seed=0)
    X = rng.standard_normal((4, 5, 2))
    tr = net.trace(X, rng.standard_normal((4, 1)), loss="mse")
    assert tr.names[:5] == [f"layer1_t{t}" for t in range(1, 6)]
    assert tr.names[5:] == [f"layer1_bptt_t{t}" for t in range(5, 0, -1)]
    step2 = tr["layer1_t2"]
    np.testing.assert_array_equal(step2[0, :2], X[0, 1])
    np.testing.assert_array_equal(step2[1], net.layers[0].h[0, 0])  # h_{t−1} = h_1
    np.testing.assert_allclose(step2[3], np.tanh(step2[2]))


def test_apply_is_refused_for_layer_tables():
    import pytest

    net = gn.Network([gn.RNN(2, 3)], seed=0)
    with pytest.raises(ValueError, match="applies the update of Dense networks only"):
        net.trace(rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 3)), apply=True)
