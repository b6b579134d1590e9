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
    assert tr.names[:3] == ["layer1_Wx", "layer1_Wh", "layer1_b"]
    assert tr.names[3:8] == [f"layer1_t{t}" for t in range(1, 6)]
    assert tr.names[8:] == [f"layer1_bptt_t{t}" for t in range(5, 0, -1)]
    step2 = tr["layer1_t2"]
    np.testing.assert_array_equal(step2[0, :2], X[0, 1])
    np.testing.assert_array_equal(step2[1], net.layers[0].h[0, 0])  # h_{t−1} = h_1
    np.testing.assert_allclose(step2[3], np.tanh(step2[2]))
    rnn = net.layers[0]
    np.testing.assert_allclose(step2[2, :3], X[0, 1] @ rnn.Wx + step2[1] @ rnn.Wh + rnn.b)
    # BPTT: δ_t = dL/dh_t ⊙ (1 − h_t²), and dL/dh_t = δ_{t+1} Whᵀ below the last step
    for t in range(1, 6):
        dh, delta = tr[f"layer1_bptt_t{t}"]
        np.testing.assert_allclose(delta, dh * (1 - tr[f"layer1_t{t}"][3] ** 2))
        if t < 5:
            np.testing.assert_allclose(dh, tr[f"layer1_bptt_t{t + 1}"][1] @ rnn.Wh.T)
    assert np.isnan(step2[0, 2]) and "nan" not in tr.to_text()  # x_t has 2 of 3 columns


def lstm_trace(N=1, T=4):
    net = gn.Network([gn.LSTM(2, 3), gn.Dense(3, 1, activation="linear")], seed=3)
    X, y = rng.standard_normal((N, T, 2)), rng.standard_normal((N, 1))
    return net, X, y, net.trace(X, y, loss="mse")


def test_lstm_tables_hold_the_gates_cell_and_state_of_every_step():
    net, X, y, tr = lstm_trace()
    lstm, H = net.layers[0], 3
    assert tr.names[3:7] == [f"layer1_t{t}" for t in range(1, 5)]
    assert tr.names[7:11] == [f"layer1_bptt_t{t}" for t in range(4, 0, -1)]
    h_prev = c_prev = np.zeros(H)
    for t in range(1, 5):
        x_t, hp, cp, i, f, o, g, c, h = tr[f"layer1_t{t}"]
        np.testing.assert_array_equal(x_t[:2], X[0, t - 1])
        np.testing.assert_allclose(hp, h_prev)
        np.testing.assert_allclose(cp, c_prev)
        a = X[0, t - 1] @ lstm.Wx + h_prev @ lstm.Wh + lstm.b  # cs231n's gate order i, f, o, g
        gates = np.concatenate([1 / (1 + np.exp(-a[: 3 * H])), np.tanh(a[3 * H :])])
        np.testing.assert_allclose(np.concatenate([i, f, o, g]), gates)
        np.testing.assert_allclose(c, f * c_prev + i * g)
        np.testing.assert_allclose(h, o * np.tanh(c))
        h_prev, c_prev = h, c
    np.testing.assert_allclose(h_prev, net.layers[0].forward(X)[0])


def test_lstm_bptt_tables_add_up_to_the_engines_weight_gradients():
    net, X, y, tr = lstm_trace()
    before = net.params.copy()
    net.loss_and_gradients(X, y, gn.losses.get("mse"))
    lstm = net.layers[0]
    deltas = np.array([np.concatenate(tr[f"layer1_bptt_t{t}"][2:]) for t in range(1, 5)])
    h_prev = np.array([tr[f"layer1_t{t}"][1] for t in range(1, 5)])
    np.testing.assert_allclose(X[0].T @ deltas, lstm.dWx, rtol=1e-12)  # dWx = Σ x_tᵀ δa_t
    np.testing.assert_allclose(h_prev.T @ deltas, lstm.dWh, rtol=1e-12)
    np.testing.assert_allclose(deltas.sum(axis=0), lstm.db, rtol=1e-12)
    np.testing.assert_array_equal(net.params, before)
    dh, dc, di, df, do, dg = tr["layer1_bptt_t2"]
    *_, i, f, o, g, c, h = tr["layer1_t2"]
    np.testing.assert_allclose(do, dh * np.tanh(c) * o * (1 - o))
    np.testing.assert_allclose(di, dc * g * i * (1 - i))
    f_next = tr["layer1_t3"][4]
    through_h = dh * o * (1 - np.tanh(c) ** 2)
    np.testing.assert_allclose(dc, tr["layer1_bptt_t3"][1] * f_next + through_h)


def test_sources_name_the_cells_each_number_is_computed_from():
    net, X, y, tr = lstm_trace()

    def value(cell):
        name, i, j = cell
        return tr[name][i, j]

    for u in range(3):  # c_t = f ⊙ c_{t−1} + i ⊙ g, from exactly those four cells
        f, c_prev, i, g = (value(s) for s in tr.sources("layer1_t3", 7, u))
        assert np.isclose(tr["layer1_t3"][7, u], f * c_prev + i * g)
    assert tr.sources("layer1_t3", 1, 0) == [("layer1_t2", 8, 0)]  # h_{t−1} is h of t − 1
    assert len(tr.sources("layer1_t1", 3, 0)) == 2 + 3 + 2 + 3 + 1  # x, h, Wx, Wh, b
    assert tr.sources("layer1_Wx", 0, 0) == []
    conv = gn.Network([gn.Conv2D(1, 2, 2, stride=2)], seed=0)
    Xc = rng.standard_normal((1, 1, 4, 4))
    trc = conv.trace(Xc, rng.standard_normal((1, 2, 2, 2)), loss="mse", cell=(0, 1, 1, 0))
    cells = trc.sources("layer1_z", 1, 0)
    patch = [value_c for value_c in cells if value_c[0] == "layer1_input"]
    assert [(r, c) for _, r, c in patch] == [(2, 0), (2, 1), (3, 0), (3, 1)]
    total = sum(trc[n][r, c] * trc["layer1_kernel"][k // 2, k % 2]
                for k, (n, r, c) in enumerate(patch)) + trc["layer1_b"][0, 1]
    assert np.isclose(total, trc["layer1_z"][1, 0]) and np.isclose(total, trc["layer1_cell"][0, 3])


def test_apply_is_refused_for_layer_tables():
    import pytest

    net = gn.Network([gn.RNN(2, 3)], seed=0)
    with pytest.raises(ValueError, match="applies the update of Dense networks only"):
        net.trace(rng.standard_normal((2, 4, 2)), rng.standard_normal((2, 3)), apply=True)
