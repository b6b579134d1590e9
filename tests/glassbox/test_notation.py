"""The notation table: every registered activation and loss can be written out."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.glassbox import notation


@pytest.mark.parametrize("name", sorted(gn.activations.ACTIVATIONS))
def test_every_activation_has_its_text_and_excel_forms(name):
    written = notation.activation(name)
    assert written.excel and written.slope_text
    elementwise = gn.activations.ACTIVATIONS[name].elementwise
    # an elementwise slope has its own cell formula; softmax's product is built from cells
    assert (written.slope_excel is not None) == elementwise
    assert set(written.slope_from) <= {"z", "a"}


@pytest.mark.parametrize("name", sorted(gn.losses.LOSSES))
def test_every_loss_has_its_text_and_excel_forms(name):
    written = notation.loss(name)
    assert written.error_text and written.error_excel


@pytest.mark.parametrize("name", sorted(gn.losses.LOSSES))
def test_a_fused_loss_says_its_own_divisor(name):
    loss = gn.losses.get(name)
    # one-hot rows (each sums to 1), where the exact softmax + CCE gradient ŷ Σy − y is ŷ − y
    y, yhat = np.eye(3)[[0, 1, 2, 0]], np.full((4, 3), 0.5)
    if loss.fused_activation is None:
        assert loss.fused_divisor is None
        with pytest.raises(NotImplementedError):
            loss.fused_delta(y, yhat)
        return
    count = {"N": y.size, "n": y.shape[0]}[loss.fused_divisor]
    assert loss.fused_count(y) == count
    np.testing.assert_array_equal(loss.fused_delta(y, yhat), (yhat - y) / count)


def test_unknown_names_are_refused_with_what_is_known():
    with pytest.raises(ValueError, match="no notation for the activation 'swish'"):
        notation.activation("swish")
    with pytest.raises(ValueError, match="half_sse"):
        notation.loss("huber")


def test_the_engine_backward_runs_the_same_derivative_the_trace_shows():
    """One slope per activation: Activation.backward is grad_a ⊙ derivative(z, a)."""
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    g = rng.normal(size=(5, 4))
    for name, cls in gn.activations.ACTIVATIONS.items():
        f = cls()
        if not f.elementwise:
            continue
        a = f.forward(z.copy())
        np.testing.assert_array_equal(f.backward(g, z, a), g * f.derivative(z, a), err_msg=name)
        out = np.empty_like(z)
        assert f.backward(g, z, a, out=out) is out
