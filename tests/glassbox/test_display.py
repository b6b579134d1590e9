"""Rich display: every _repr_html_ is self-contained HTML that parses, reaches for
nothing remote, and stays small; each object also keeps a text form."""

import pytest

import glassnet as gn
from glassnet import tutorials
from htmlcheck import check_html

X, y = tutorials.RAY_X, tutorials.RAY_Y


def tutorial_net(epochs=5000):
    net = gn.Network([gn.Dense(4, 3), gn.Dense(3, 1)], seed=42)
    net.fit(X, y, epochs=epochs, lr=0.1, loss="half_sse")
    return net


def objects():
    net = tutorial_net()
    return {
        "Network": net,
        "History": net.history,
        "Trace": net.trace(X, y, loss="half_sse"),
        "GradcheckReport": gn.gradcheck(net, X, y, loss="half_sse"),
        "Diagnosis": gn.doctor(gn.Network([gn.Dense(4, 100), gn.Dense(100, 1)], seed=42), X, y,
                               loss="half_sse", lr=0.1),
    }


@pytest.fixture(scope="module")
def shown():
    return objects()


@pytest.mark.parametrize("kind", ["Network", "History", "Trace", "GradcheckReport", "Diagnosis"])
def test_repr_html_parses_is_self_contained_and_small(shown, kind):
    obj = shown[kind]
    text = obj._repr_html_()
    found = check_html(text)
    assert len(text.encode("utf-8")) < 200_000, len(text)
    assert str(obj) and repr(obj)  # the text fallback
    if kind in ("Network", "History"):
        assert "svg" in found["tags"] and "polyline" in found["tags"]  # the loss curve


def test_each_display_shows_its_own_numbers(shown):
    net = shown["Network"]
    assert f"{net.n_params:,}" in net._repr_html_() and "Dense(4, 3" in net._repr_html_()
    assert f"{net.history.loss[-1]:.6g}" in shown["History"]._repr_html_()
    assert "all passed" in shown["GradcheckReport"]._repr_html_()
    diagnosis = shown["Diagnosis"]._repr_html_()
    assert "saturated_output" in diagnosis and "constant_predictions" in diagnosis
    trace = shown["Trace"]._repr_html_()
    assert "<iframe" in trace and "hiddenlayer_activations" in trace  # the step tables
    assert "mouseenter" in trace  # with the report's hover highlights


def test_trace_to_html_without_a_path_returns_the_report(tmp_path):
    tr = tutorial_net(10).trace(X, y)
    page = tr.to_html()
    assert page.startswith("<!DOCTYPE html>") and "Step 11" in page
    assert tr.to_html(tmp_path / "r.html") == str(tmp_path / "r.html")


def test_a_long_history_draws_at_most_500_points_and_keeps_the_last():
    net = tutorial_net(5000)
    page = net.history._repr_html_()
    assert "500 of 5000 epochs shown" in page and "epoch (1 … 5000)" in page
    assert repr(float(net.history.loss[-1])) in page
