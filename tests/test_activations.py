"""Activations: values worked by hand, derivatives, and stability at the extremes."""

import math

import numpy as np
import pytest

from glassnet import activations
from glassnet.activations import ACTIVATIONS

Z = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]])


def test_values_worked_by_hand():
    s = [1 / (1 + math.exp(-v)) for v in Z[0]]
    np.testing.assert_allclose(activations.get("sigmoid")(Z)[0], s, rtol=1e-15)
    np.testing.assert_allclose(activations.get("tanh")(Z)[0], np.tanh(Z[0]))
    assert activations.get("relu")(Z)[0].tolist() == [0, 0, 0, 0.5, 2.0]
    assert activations.get("leaky_relu")(Z)[0].tolist() == [-0.02, -0.005, 0, 0.5, 2.0]
    np.testing.assert_allclose(
        activations.get("elu")(Z)[0], [math.exp(-2) - 1, math.exp(-0.5) - 1, 0, 0.5, 2.0]
    )
    np.testing.assert_allclose(
        activations.get("softplus")(Z)[0], [math.log1p(math.exp(v)) for v in Z[0]]
    )
    e = np.exp(Z[0])
    np.testing.assert_allclose(activations.get("softmax")(Z)[0], e / e.sum())
    assert activations.get("linear")(Z) is Z


def test_sigmoid_derivative_is_the_tutorials_output_times_one_minus_output():
    sigmoid = activations.Sigmoid()
    a = sigmoid(Z)
    np.testing.assert_array_equal(sigmoid.derivative(Z, a), a * (1 - a))


@pytest.mark.parametrize("name", [n for n in ACTIVATIONS if n != "softmax"])
def test_elementwise_derivative_matches_finite_differences(name):
    f = activations.get(name)
    z = np.array([[-1.7, -0.3, 0.2, 0.9, 2.4]])
    eps = 1e-6
    numeric = (f(z + eps) - f(z - eps)) / (2 * eps)
    np.testing.assert_allclose(f.derivative(z, f(z)), numeric, rtol=1e-7, atol=1e-9)


def test_softmax_backward_is_the_jacobian_vector_product():
    f = activations.Softmax()
    z = np.array([[0.3, -1.2, 2.0, 0.1]])
    g = np.array([[0.5, -1.0, 0.25, 2.0]])
    a = f(z)
    jacobian = np.diag(a[0]) - np.outer(a[0], a[0])
    np.testing.assert_allclose(f.backward(g, z, a)[0], jacobian @ g[0], rtol=1e-13)
    with pytest.raises(ValueError, match="no elementwise derivative"):
        f.derivative(z, a)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
@pytest.mark.parametrize("scale", [1e4, 1e300])
def test_extreme_inputs_give_finite_values_and_slopes_without_warnings(name, scale):
    # pytest turns every NumPy warning (overflow, invalid) into an error here
    f = activations.get(name)
    z = np.array([[-scale, -1.0, 0.0, 1.0, scale]])
    a = f(z)
    grad = f.backward(np.ones_like(z), z, a)
    assert np.isfinite(grad).all()
    if name in ("sigmoid", "tanh", "softmax", "elu"):
        assert np.isfinite(a).all()
    if name == "sigmoid":  # 0 to within the smallest normal float64 (2.2e-308)
        assert 0 <= a[0, 0] < 1e-307 and a[0, -1] == 1.0


def test_softmax_is_shift_invariant_and_rows_sum_to_one():
    f = activations.Softmax()
    z = np.random.default_rng(0).normal(size=(4, 6))
    np.testing.assert_allclose(f(z), f(z + 1000.0), rtol=1e-12)
    np.testing.assert_allclose(f(z).sum(axis=1), 1.0, rtol=1e-15)


def test_unknown_activation_lists_the_valid_names():
    with pytest.raises(ValueError) as err:
        activations.get("sigmod")
    message = str(err.value)
    assert "Unknown activation 'sigmod'" in message
    for name in ACTIVATIONS:
        assert name in message
    with pytest.raises(TypeError, match="activation must be a name"):
        activations.get(3)


def test_sigmoid_keeps_its_relative_precision_in_the_lower_tail():
    z = np.array([[-20.0, -30.0, -37.0, -50.0, -700.0]])
    exact = np.array([[1 / (1 + math.exp(-v)) for v in z[0]]])
    np.testing.assert_allclose(activations.Sigmoid()(z), exact, rtol=1e-14)


class PlainTanh(activations.Activation):
    """A custom activation written without ``out=``, as a learner would."""

    name = "plain_tanh"

    def forward(self, z):
        return np.tanh(z)

    def derivative(self, z, a):
        return 1 - a * a


def test_a_custom_activation_without_out_trains_and_predicts_like_the_built_in():
    import glassnet as gn

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(12, 3)), rng.normal(size=(12, 1))
    nets = [gn.Network([gn.Dense(3, 5, f), gn.Dense(5, 1, "linear")], seed=4)
            for f in (PlainTanh(), "tanh")]
    for net in nets:
        net.fit(X, y, epochs=20, lr=0.05, optimizer="momentum", batch_size=4)
    np.testing.assert_array_equal(nets[0].params, nets[1].params)
    np.testing.assert_array_equal(nets[0].predict(X), nets[1].predict(X))
    assert not PlainTanh.overwrites_z and activations.Tanh.overwrites_z
    z = rng.normal(size=(2, 3))
    slope = PlainTanh().derivative(z, np.tanh(z), out=np.empty_like(z))  # out is ignored
    np.testing.assert_array_equal(slope, activations.Tanh().derivative(z, np.tanh(z)))
