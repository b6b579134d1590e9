"""Conv2D, MaxPool2D, Flatten: worked examples, published fixtures, PyTorch parity in
float64 (forward and backward), finite differences, and the network contract on N-D data."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import glassnet as gn
from glassnet.conv import col2im, im2col

rng = np.random.default_rng(15)


def rel(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-300)))


def conv_net(*args, **kwargs):
    return gn.Network([gn.Conv2D(*args, **kwargs)], seed=0)


def torch_conv(x, W, b, grad, stride, padding):
    xt = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    out = F.conv2d(xt, Wt, bt, stride=stride, padding=padding)
    out.backward(torch.tensor(grad))
    return out.detach().numpy(), xt.grad.numpy(), Wt.grad.numpy(), bt.grad.numpy()


# -- worked examples and published fixtures -------------------------------------
def test_d2l_corr2d_example():
    # d2l.ai §7.2: X = arange(9) as 3×3, K = [[0, 1], [2, 3]] → [[19, 25], [37, 43]]
    net = gn.Network([gn.Conv2D(1, 1, 2, use_bias=False)], seed=0)
    net.layers[0].W = np.array([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 1, 2, 2)
    out = net.predict(np.arange(9.0).reshape(1, 1, 3, 3))
    np.testing.assert_array_equal(out[0, 0], [[19.0, 25.0], [37.0, 43.0]])


def test_cs231n_conv_forward_fixture():
    # cs231n assignment 2, ConvolutionalNetworks.ipynb, "Convolution: Naive forward pass"
    x = np.linspace(-0.1, 0.5, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    w = np.linspace(-0.2, 0.3, num=3 * 3 * 4 * 4).reshape(3, 3, 4, 4)
    b = np.linspace(-0.1, 0.2, num=3)
    net = conv_net(3, 3, 4, stride=2, padding=1)
    net.layers[0].W, net.layers[0].b = w, b
    correct_out = np.array([[[[-0.08759809, -0.10987781], [-0.18387192, -0.2109216]],
                             [[0.21027089, 0.21661097], [0.22847626, 0.23004637]],
                             [[0.50813986, 0.54309974], [0.64082444, 0.67101435]]],
                            [[[-0.98053589, -1.03143541], [-1.19128892, -1.24695841]],
                             [[0.69108355, 0.66880383], [0.59480972, 0.56776003]],
                             [[2.36270298, 2.36904306], [2.38090835, 2.38247847]]]])
    assert rel(net.predict(x), correct_out) < 1e-7  # the notebook's printed 8 digits


def test_cs231n_max_pool_forward_fixture():
    # cs231n assignment 2, ConvolutionalNetworks.ipynb, "Max-Pooling: Naive forward"
    x = np.linspace(-0.3, 0.4, num=2 * 3 * 4 * 4).reshape(2, 3, 4, 4)
    correct_out = np.array([[[[-0.26315789, -0.24842105], [-0.20421053, -0.18947368]],
                             [[-0.14526316, -0.13052632], [-0.08631579, -0.07157895]],
                             [[-0.02736842, -0.01263158], [0.03157895, 0.04631579]]],
                            [[[0.09052632, 0.10526316], [0.14947368, 0.16421053]],
                             [[0.20842105, 0.22315789], [0.26736842, 0.28210526]],
                             [[0.32631579, 0.34105263], [0.38526316, 0.4]]]])
    out = gn.Network([gn.MaxPool2D(2)]).predict(x)
    assert rel(out, correct_out) < 1e-7


# -- PyTorch parity, float64 ----------------------------------------------------------
@pytest.mark.parametrize(
    "C, Fo, kernel, stride, padding, H, W",
    [
        (3, 4, 3, 1, 1, 7, 6),
        (2, 3, (3, 2), (2, 1), (1, 0), 8, 7),
        (1, 2, 2, 1, "same", 5, 5),  # even kernel: torch pads the extra row at the end
        (2, 2, (4, 3), 1, "same", 6, 6),
        (2, 5, 3, 3, 2, 9, 10),  # stride 3 leaves columns no window reaches
    ],
)
def test_conv_matches_torch_forward_and_backward(C, Fo, kernel, stride, padding, H, W):
    net = conv_net(C, Fo, kernel, stride=stride, padding=padding)
    layer = net.layers[0]
    layer.b = rng.standard_normal(Fo)
    x = rng.standard_normal((3, C, H, W))
    out = net.forward(x)
    grad = rng.standard_normal(out.shape)
    dx = layer.backward(grad)
    with pytest.warns(UserWarning) if padding == "same" and np.ndim(kernel) == 0 else _nothing():
        ref, ref_dx, ref_dW, ref_db = torch_conv(x, layer.W.copy(), layer.b.copy(), grad,
                                                 stride, padding)
    assert out.shape == ref.shape
    for mine, theirs in [(out, ref), (dx, ref_dx), (layer.dW, ref_dW), (layer.db, ref_db)]:
        assert rel(mine, theirs) < 1e-10


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_conv_activation_and_no_bias_match_torch():
    net = gn.Network([gn.Conv2D(2, 3, 3, activation="tanh", use_bias=False)], seed=1)
    layer = net.layers[0]
    x = rng.standard_normal((2, 2, 5, 5))
    out = net.forward(x)
    grad = rng.standard_normal(out.shape)
    dx = layer.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    Wt = torch.tensor(layer.W.copy(), requires_grad=True)
    ref = torch.tanh(F.conv2d(xt, Wt))
    ref.backward(torch.tensor(grad))
    assert layer.b is None and layer.db is None
    assert rel(out, ref.detach().numpy()) < 1e-10
    assert rel(dx, xt.grad.numpy()) < 1e-10 and rel(layer.dW, Wt.grad.numpy()) < 1e-10


@pytest.mark.parametrize(
    "pool, stride, H, W",
    [(2, None, 8, 8), (2, None, 7, 9), ((3, 2), (2, 1), 8, 7), (3, 1, 6, 6), (3, 2, 7, 7)],
)
def test_max_pool_matches_torch_forward_and_backward(pool, stride, H, W):
    x = rng.standard_normal((2, 3, H, W))
    layer = gn.MaxPool2D(pool, stride)
    out = layer.forward(x)
    grad = rng.standard_normal(out.shape)
    dx = layer.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    ref = F.max_pool2d(xt, pool, stride)  # floors the windows that do not fit
    ref.backward(torch.tensor(grad))
    assert out.shape == ref.shape
    assert rel(out, ref.detach().numpy()) < 1e-10
    assert rel(dx, xt.grad.numpy()) < 1e-10


@pytest.mark.parametrize("stride", [None, 1])
def test_max_pool_ties_send_the_gradient_to_the_first_maximum_as_torch(stride):
    x = np.zeros((1, 2, 4, 4))
    x[0, 1] = [[1, 1, 0, 2], [1, 0, 2, 2], [3, 3, 5, 5], [3, 3, 5, 5]]
    layer = gn.MaxPool2D(2, stride)
    out = layer.forward(x)
    grad = np.arange(1.0, out.size + 1).reshape(out.shape)
    dx = layer.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    F.max_pool2d(xt, 2, stride).backward(torch.tensor(grad))
    np.testing.assert_array_equal(dx, xt.grad.numpy())
    _, torch_index = F.max_pool2d(torch.tensor(x), 2, stride, return_indices=True)
    np.testing.assert_array_equal(layer.winner_index() % 16, torch_index.numpy())
    if stride is None:  # each window's gradient sits on its top-left maximum
        assert dx[0, 1, 0, 0] == grad[0, 1, 0, 0] and dx[0, 1, 0, 3] == grad[0, 1, 0, 1]


def test_im2col_and_col2im_are_adjoint():
    x = rng.standard_normal((2, 3, 6, 5))
    cols = im2col(x, 3, 2, 2, 1)
    d = rng.standard_normal(cols.shape)
    # ⟨im2col(x), d⟩ = ⟨x, col2im(d)⟩: col2im is exactly the transpose
    assert np.isclose(np.vdot(cols, d), np.vdot(x, col2im(d, x.shape, 3, 2, 2, 1)))


# -- finite differences and the network contract ---------------------------------------
def small_cnn(dtype="float64", seed=0):
    return gn.Network([
        gn.Conv2D(2, 3, 3, padding=1, activation="tanh"),
        gn.MaxPool2D(2),
        gn.Conv2D(3, 2, (2, 1), stride=(1, 2), activation="sigmoid"),
        gn.Flatten(),
        gn.Dense(2 * 1 * 2, 3, activation="softmax", init="xavier"),
    ], seed=seed, dtype=dtype)  # fmt: skip


def test_gradcheck_passes_on_a_small_cnn():
    net = small_cnn()
    X = rng.standard_normal((4, 2, 5, 6))
    y = np.array([0, 2, 1, 2])
    report = gn.gradcheck(net, X, y, loss="categorical_crossentropy")
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == [
        "layer 1 W", "layer 1 b", "layer 3 W", "layer 3 b", "layer 5 W", "layer 5 b"]


def test_gradcheck_on_a_network_that_ends_in_a_convolution():
    net = gn.Network([gn.MaxPool2D(2, 1), gn.Conv2D(1, 2, 2, padding="same")], seed=3)
    X = rng.standard_normal((3, 1, 4, 4))
    y = rng.standard_normal((3, 2, 3, 3))
    assert gn.gradcheck(net, X, y, loss="mse").passed


def test_fit_predict_evaluate_on_image_targets():
    net = gn.Network([gn.Conv2D(1, 2, 3, padding=1)], seed=0)
    X = rng.standard_normal((20, 1, 6, 6))
    true_kernel = rng.standard_normal((2, 1, 3, 3))
    y = F.conv2d(torch.tensor(X), torch.tensor(true_kernel), padding=1).numpy()
    hist = net.fit(X, y, epochs=200, loss="mse", optimizer="adam", lr=0.05)
    assert net.predict(X).shape == (20, 2, 6, 6)
    assert hist.loss[-1] < 1e-3 * hist.loss[0]
    assert net.evaluate(X, y)["loss"] == pytest.approx(np.mean((net.predict(X) - y) ** 2))
    with pytest.raises(ValueError, match=r"output shape \(20, 2, 6, 6\)"):
        net.fit(X, y[:, :1], epochs=1, loss="mse")
    with pytest.raises(ValueError, match="regression loss"):
        net.evaluate(X, y, loss="categorical_crossentropy")


def test_float32_network_computes_in_float32_close_to_float64():
    X = rng.standard_normal((5, 2, 5, 6))
    y = np.array([0, 1, 2, 0, 1])
    wide, narrow = small_cnn("float64"), small_cnn("float32")
    narrow.params[...] = wide.params
    out32 = narrow.predict(X)
    assert out32.dtype == np.float32 and narrow.layers[0].W.dtype == np.float32
    np.testing.assert_allclose(out32, wide.predict(X), rtol=1e-5, atol=1e-6)
    narrow.fit(X, y, epochs=2, loss="categorical_crossentropy", optimizer="adam", lr=1e-2)
    assert narrow.params.dtype == np.float32 and np.isfinite(narrow.params).all()


def test_parameters_are_views_into_the_flat_buffer_and_assignable_with_checks():
    net = small_cnn()
    conv = net.layers[0]
    assert np.shares_memory(conv.W, net.params) and np.shares_memory(conv.dW, net.grads)
    conv.W = np.ones((3, 2, 3, 3))
    assert net.params[: 3 * 2 * 9].sum() == 54
    with pytest.raises(ValueError, match=r"must have shape \(3, 2, 3, 3\)"):
        conv.W = np.ones((3, 2, 3))
    with pytest.raises(ValueError, match="finite"):
        conv.b = [np.nan, 0, 0]
    with pytest.raises(ValueError, match="not part of a Network"):
        gn.Conv2D(1, 1, 2).W = np.ones((1, 1, 2, 2))


def test_default_initialiser_uses_conv_fan_in_and_fan_out():
    net = gn.Network([gn.Conv2D(4, 16, 5)], seed=0)
    limit = np.sqrt(6 / (4 * 25 + 16 * 25))  # Glorot, fan-in C·kh·kw, fan-out F·kh·kw
    W = net.layers[0].W
    assert np.abs(W).max() <= limit and np.abs(W).max() > 0.95 * limit
    assert (net.layers[0].b == 0).all()
    he = gn.Network([gn.Conv2D(4, 16, 5, init="he")], seed=0).layers[0].W
    assert he.std() == pytest.approx(np.sqrt(2 / 100), rel=0.05)


def test_wrong_input_shapes_are_refused_in_sentences():
    net = gn.Network([gn.Conv2D(3, 4, 3), gn.Flatten(), gn.Dense(4 * 6 * 6, 2)], seed=0)
    with pytest.raises(ValueError, match=r"expects X shaped \(N, C, H, W\), but X has shape "
                                         r"\(2, 8, 8\)"):
        net.predict(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match=r"C = 3, but got an array of shape \(N, 1, 8, 8\)"):
        net.predict(np.zeros((2, 1, 8, 8)))
    with pytest.raises(ValueError, match=r"kernel, larger than its padded input 2×2"):
        net.predict(np.zeros((2, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"Layer 3: Dense\(144, 2.*expects 144 input.*\(N, 196\), "
                                         r"196 per sample.*layer 2 \(Flatten\(\)\)"):
        net.predict(np.zeros((2, 3, 9, 9)))  # the Flatten gives 4·7·7 = 196, not 144
    assert net.predict(np.zeros((2, 3, 8, 8))).shape == (2, 2)


def test_constructor_arguments_are_checked():
    with pytest.raises(ValueError, match="kernel_size must be an integer"):
        gn.Conv2D(1, 1, (3, 0))
    with pytest.raises(ValueError, match="'same' needs stride 1"):
        gn.Conv2D(1, 1, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match="padding must be"):
        gn.Conv2D(1, 1, 3, padding="valid-ish")
    with pytest.raises(ValueError, match="outputs 4 unit"):
        gn.Network([gn.Conv2D(1, 4, 3), gn.Conv2D(3, 2, 3)])


def test_summary_prints_each_layers_output_shape():
    lines = []
    net = gn.Network([gn.Conv2D(1, 32, 3, padding=1, activation="relu"), gn.MaxPool2D(2),
                      gn.Flatten(), gn.Dense(512, 10, activation="softmax")], seed=0)
    net.summary(print_fn=lines.append, input_shape=(1, 8, 8))
    text = lines[0]
    assert "(1, 8, 8) → (32, 8, 8) → (32, 4, 4) → (512,) → (10,)" in text
    for shape in ["(n, 32, 8, 8)", "(n, 32, 4, 4)", "(n, 512)", "(n, 10)"]:
        assert shape in text
    assert "320" in text and "5,130" in text and "5,450" in text  # 32·9 + 32, 512·10 + 10


def test_a_network_may_start_with_pooling_or_flatten():
    X = rng.standard_normal((3, 2, 4, 4))
    pooled = gn.Network([gn.MaxPool2D(2), gn.Flatten(), gn.Dense(8, 1)], seed=0)
    assert pooled.predict(X).shape == (3, 1)
    flat = gn.Network([gn.Flatten(), gn.Dense(32, 2, activation="linear")], seed=0)
    np.testing.assert_allclose(flat.predict(X), X.reshape(3, -1) @ flat.layers[1].W
                               + flat.layers[1].b)


def test_networks_ending_in_pooling_flatten_or_a_sigmoid_convolution_train():
    X = rng.standard_normal((6, 1, 4, 4))
    for last in [gn.MaxPool2D(2), gn.Flatten()]:
        net = gn.Network([gn.Conv2D(1, 2, 3, padding=1), last], seed=0)
        y = rng.standard_normal(net.predict(X).shape)
        assert gn.gradcheck(net, X, y, loss="mse").passed
    # sigmoid + binary cross-entropy on a convolution goes through dL/da (no fused delta)
    net = gn.Network([gn.Conv2D(1, 1, 3, padding=1, activation="sigmoid")], seed=0)
    y = (rng.random((6, 1, 4, 4)) > 0.5).astype(float)
    assert gn.gradcheck(net, X, y, loss="mse").passed
    hist = net.fit(X, y, epochs=20, loss="mse", optimizer="adam", lr=0.05)
    assert hist.loss[-1] < hist.loss[0]
