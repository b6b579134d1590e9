"""RNN and LSTM: cs231n's step fixtures (non-zero h0), PyTorch parity in float64 with the
weights mapped, finite differences through time, clipping and the network contract."""

import numpy as np
import pytest
import torch

import glassnet as gn

rng = np.random.default_rng(15)


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-300)))


# -- cs231n assignment 3, RNN_Captioning.ipynb / LSTM_Captioning.ipynb ------------------
def test_cs231n_rnn_step_forward_fixture():
    N, D, H = 3, 10, 4
    x = np.linspace(-0.4, 0.7, num=N * D).reshape(N, 1, D)  # one time step
    prev_h = np.linspace(-0.2, 0.5, num=N * H).reshape(N, H)
    net = gn.Network([gn.RNN(D, H)], seed=0)
    layer = net.layers[0]
    layer.Wx = np.linspace(-0.1, 0.9, num=D * H).reshape(D, H)
    layer.Wh = np.linspace(-0.3, 0.7, num=H * H).reshape(H, H)
    layer.b = np.linspace(-0.2, 0.4, num=H)
    expected_next_h = np.asarray([
        [-0.58172089, -0.50182032, -0.41232771, -0.31410098],
        [0.66854692, 0.79562378, 0.87755553, 0.92795967],
        [0.97934501, 0.99144213, 0.99646691, 0.99854353]])  # fmt: skip
    assert rel(layer.forward(x, h0=prev_h), expected_next_h) < 1e-7


def test_cs231n_lstm_step_forward_fixture():
    N, D, H = 3, 4, 5
    x = np.linspace(-0.4, 1.2, num=N * D).reshape(N, 1, D)
    prev_h = np.linspace(-0.3, 0.7, num=N * H).reshape(N, H)
    prev_c = np.linspace(-0.4, 0.9, num=N * H).reshape(N, H)
    net = gn.Network([gn.LSTM(D, H)], seed=0)
    layer = net.layers[0]
    layer.Wx = np.linspace(-2.1, 1.3, num=4 * D * H).reshape(D, 4 * H)
    layer.Wh = np.linspace(-0.7, 2.2, num=4 * H * H).reshape(H, 4 * H)
    layer.b = np.linspace(0.3, 0.7, num=4 * H)
    expected_next_h = np.asarray([
        [0.24635157, 0.28610883, 0.32240467, 0.35525807, 0.38474904],
        [0.49223563, 0.55611431, 0.61507696, 0.66844003, 0.7159181],
        [0.56735664, 0.66310127, 0.74419266, 0.80889665, 0.858299]])  # fmt: skip
    expected_next_c = np.asarray([
        [0.32986176, 0.39145139, 0.451556, 0.51014116, 0.56717407],
        [0.66382255, 0.76674007, 0.87195994, 0.97902709, 1.08751345],
        [0.74192008, 0.90592151, 1.07717006, 1.25120233, 1.42395676]])  # fmt: skip
    assert rel(layer.forward(x, h0=prev_h, c0=prev_c), expected_next_h) < 1e-7
    assert rel(layer.c[:, 0], expected_next_c) < 1e-7


# -- PyTorch parity ----------------------------------------------------------------------
#: torch stores the LSTM gates i, f, g, o; glassnet (cs231n) i, f, o, g: swap the last two
def torch_gate_order(H):
    return np.r_[0 : 2 * H, 3 * H : 4 * H, 2 * H : 3 * H]


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_rnn_matches_torch_forward_and_backward(return_sequences, activation):
    N, T, D, H = 3, 6, 4, 5
    x, h0 = rng.standard_normal((N, T, D)), rng.standard_normal((N, H))
    net = gn.Network([gn.RNN(D, H, activation, return_sequences=return_sequences)], seed=0)
    layer = net.layers[0]
    layer.b = rng.standard_normal(H)
    out = layer.forward(x, h0=h0)
    grad = rng.standard_normal(out.shape)
    dx = layer.backward(grad)

    ref = torch.nn.RNN(D, H, nonlinearity=activation, batch_first=True, dtype=torch.float64)
    with torch.no_grad():  # torch computes x W_ihᵀ + b_ih + h W_hhᵀ + b_hh
        ref.weight_ih_l0.copy_(torch.tensor(layer.Wx.T))
        ref.weight_hh_l0.copy_(torch.tensor(layer.Wh.T))
        ref.bias_ih_l0.copy_(torch.tensor(layer.b))
        ref.bias_hh_l0.zero_()
    xt, h0t = torch.tensor(x, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    seq, _ = ref(xt, h0t)
    ref_out = seq if return_sequences else seq[:, -1]
    ref_out.backward(torch.tensor(grad))
    pairs = [(out, ref_out.detach()), (dx, xt.grad), (layer.dWx, ref.weight_ih_l0.grad.T),
             (layer.dWh, ref.weight_hh_l0.grad.T), (layer.db, ref.bias_ih_l0.grad),
             (layer.dh0, h0t.grad[0])]
    for mine, theirs in pairs:
        assert rel(mine, theirs.numpy()) < 1e-10


@pytest.mark.parametrize("return_sequences", [False, True])
def test_lstm_matches_torch_forward_and_backward(return_sequences):
    N, T, D, H = 3, 6, 4, 5
    x = rng.standard_normal((N, T, D))
    h0, c0 = rng.standard_normal((N, H)), rng.standard_normal((N, H))
    net = gn.Network([gn.LSTM(D, H, return_sequences=return_sequences)], seed=0)
    layer = net.layers[0]
    layer.b = rng.standard_normal(4 * H)
    out = layer.forward(x, h0=h0, c0=c0)
    grad = rng.standard_normal(out.shape)
    dx = layer.backward(grad)

    order = torch_gate_order(H)  # its own inverse
    ref = torch.nn.LSTM(D, H, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(torch.tensor(layer.Wx.T[order]))
        ref.weight_hh_l0.copy_(torch.tensor(layer.Wh.T[order]))
        ref.bias_ih_l0.copy_(torch.tensor(layer.b[order]))
        ref.bias_hh_l0.zero_()
    xt = torch.tensor(x, requires_grad=True)
    h0t = torch.tensor(h0[None], requires_grad=True)
    c0t = torch.tensor(c0[None], requires_grad=True)
    seq, _ = ref(xt, (h0t, c0t))
    ref_out = seq if return_sequences else seq[:, -1]
    ref_out.backward(torch.tensor(grad))
    pairs = [(out, ref_out.detach()), (dx, xt.grad),
             (layer.dWx, ref.weight_ih_l0.grad[order].T),
             (layer.dWh, ref.weight_hh_l0.grad[order].T),
             (layer.db, ref.bias_ih_l0.grad[order]), (layer.dh0, h0t.grad[0]),
             (layer.dc0, c0t.grad[0])]
    for mine, theirs in pairs:
        assert rel(mine, theirs.numpy()) < 1e-10


# -- finite differences, clipping, the network contract ------------------------------------
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_gradcheck_through_time(cell):
    first = (gn.RNN(3, 4, return_sequences=True) if cell == "rnn"
             else gn.LSTM(3, 4, return_sequences=True))
    second = gn.RNN(4, 3) if cell == "rnn" else gn.LSTM(4, 3)
    net = gn.Network([first, second, gn.Dense(3, 2, activation="softmax", init="xavier")],
                     seed=1)
    X = rng.standard_normal((4, 5, 3))
    report = gn.gradcheck(net, X, np.array([0, 1, 1, 0]), loss="categorical_crossentropy")
    assert report.passed, str(report)
    assert len(report.checks) == 8


def test_clip_bounds_every_gradient_element_and_is_off_by_default():
    X = 3 * rng.standard_normal((8, 7, 3))
    y = 10 * rng.standard_normal((8, 4))
    free = gn.Network([gn.RNN(3, 4, activation="linear")], seed=0)
    free.loss_and_gradients(X, y, gn.losses.get("sse"))
    assert np.abs(free.grads).max() > 1.0  # large enough to be clipped below
    clipped = gn.Network([gn.RNN(3, 4, activation="linear", clip=0.5)], seed=0)
    clipped.loss_and_gradients(X, y, gn.losses.get("sse"))
    np.testing.assert_array_equal(clipped.grads, np.clip(free.grads, -0.5, 0.5))
    with pytest.raises(ValueError, match="clip must be a positive number"):
        gn.LSTM(3, 4, clip=-1)


def test_fit_on_sequences_and_sequence_targets():
    # learn to output the running sum of the inputs: every h_t is a target
    X = rng.standard_normal((64, 6, 1)) * 0.3
    y = np.cumsum(X, axis=1)
    net = gn.Network([gn.RNN(1, 8, return_sequences=True), gn.RNN(8, 1, "linear",
                                                                  return_sequences=True)],
                     seed=0)
    hist = net.fit(X, y, epochs=300, loss="mse", optimizer="adam", lr=1e-2)
    assert net.predict(X).shape == (64, 6, 1)
    assert hist.loss[-1] < 0.05 * hist.loss[0]


def test_wrong_shapes_and_states_are_refused_in_sentences():
    net = gn.Network([gn.RNN(3, 4), gn.Dense(4, 1)], seed=0)
    with pytest.raises(ValueError, match=r"expects X shaped \(N, T, D\), but X has shape \(5, 3\)"):
        net.predict(np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"RNN expects \(N, T, D\) with D = 3, but got an array "
                                         r"of shape \(N, 7, 2\)"):
        net.predict(np.zeros((5, 7, 2)))
    with pytest.raises(ValueError, match=r"h0 must have shape \(5, 4\)"):
        net.layers[0].forward(np.zeros((5, 7, 3)), h0=np.zeros((4,)))
    seq = gn.Network([gn.LSTM(3, 4, return_sequences=True), gn.Dense(4, 1)], seed=0)
    with pytest.raises(ValueError, match=r"Dense\(4, 1.*shape \(N, 7, 4\).*Flatten"):
        seq.predict(np.zeros((2, 7, 3)))
    with pytest.raises(ValueError, match="outputs 4 unit"):
        gn.Network([gn.LSTM(3, 4), gn.Dense(5, 1)])
    expected = r"Wh of LSTM\(3, 4, return_sequences=True\) must have shape \(4, 16\)"
    with pytest.raises(ValueError, match=expected):
        seq.layers[0].Wh = np.zeros((4, 4))


def test_summary_and_float32():
    net = gn.Network([gn.LSTM(3, 4, return_sequences=True), gn.RNN(4, 2)], seed=0,
                     dtype="float32")
    lines = []
    net.summary(print_fn=lines.append, input_shape=(7, 3))
    assert "(n, 7, 4)" in lines[0] and "(n, 2)" in lines[0]
    assert f"{3 * 16 + 4 * 16 + 16 + 4 * 2 + 2 * 2 + 2:,}" in lines[0]
    out = net.predict(rng.standard_normal((5, 7, 3)))
    assert out.dtype == np.float32 and out.shape == (5, 2)
