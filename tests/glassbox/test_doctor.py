"""The training doctor: one seeded case per pathology triggers its finding (and no
finding of higher severity that is not its own); healthy runs give no warning."""

import contextlib
import importlib.util
import io
from pathlib import Path

import numpy as np
import pytest

import doctor_cases as cases
import glassnet as gn
from glassnet.glassbox.doctor import SEVERITIES
from glassnet.tools import demos

RANK = {s: i for i, s in enumerate(SEVERITIES)}

#: the findings that belong to each pathology (its symptoms and its causes)
OWN = {
    "diverged": {"diverged"},
    "inputs_not_scaled": {"inputs_not_scaled", "saturated_hidden", "constant_predictions"},
    "constant_predictions": {"constant_predictions", "saturated_output"},
    "dead_relu": {"dead_relu", "constant_predictions", "vanishing_gradient"},
    "vanishing_gradient": {"vanishing_gradient", "constant_predictions"},
    "lr_too_low": {"lr_too_low"},
    "overfitting": {"overfitting"},
    "loss_output_mismatch": {"loss_output_mismatch"},
    "sum_loss_scales_lr": {"sum_loss_scales_lr", "diverged"},
}


def diagnose(case):
    net, X, y, settings_ = case()
    return gn.doctor(net, X, y, **settings_)


@pytest.mark.parametrize("code", sorted(cases.CASES))
def test_each_case_triggers_its_finding_and_nothing_worse_of_another(code):
    d = diagnose(cases.CASES[code])
    assert code in d, d
    own = d[code]
    worse = [f.code for f in d if RANK[f.severity] < RANK[own.severity] and f.code not in OWN[code]]
    assert worse == [], d
    assert own.explanation and own.fix and own.title
    assert d.top is not None and not d.ok


def test_diverged_names_the_first_non_finite_tensor_and_its_epoch():
    d = diagnose(cases.sum_loss_on_many_rows)
    f = d["diverged"]
    assert f.severity == "error" and f.cause == "sum_loss_scales_lr"
    assert f.numbers["tensor"] == "Error_at_hidden_layer" and f.numbers["step"] == 8
    assert f.numbers["epoch"] > 0 and not np.isfinite(f.numbers["value"])
    assert f.cells == [f"Error_at_hidden_layer[{f.numbers['cell'][0]}, {f.numbers['cell'][1]}]"]
    assert f"in epoch {f.numbers['probe_epoch']} of a short run from the current weights" \
        in f.title and "in that epoch" in f.explanation
    tutorial = diagnose(cases.diverging)["diverged"]
    assert tutorial.numbers["lr"] == 10.0 and "lr=1" in tutorial.fix


def test_the_sum_loss_finding_gives_the_effective_learning_rate():
    f = diagnose(cases.sum_loss_on_many_rows)["sum_loss_scales_lr"]
    assert f.numbers == {"rows_per_batch": 1000, "lr": 0.1, "effective_lr": pytest.approx(100)}
    assert f.severity == "error"  # its probe diverged
    assert 'loss="mse"' in f.fix and "lr=0.0001" in f.fix


def test_unscaled_inputs_saturate_the_hidden_sigmoids():
    d = diagnose(cases.unscaled_three_classes)
    assert d["inputs_not_scaled"].numbers["columns"] == [0, 2]
    assert "largest |x| 42" in d["inputs_not_scaled"].explanation
    hidden = d["saturated_hidden"]
    assert hidden.cause == "inputs_not_scaled" and hidden.layers == [1]
    assert hidden.cells[0].startswith("hiddenlayer_activations[")


def test_a_hundred_positive_weights_saturate_the_output_and_fix_the_prediction():
    d = diagnose(cases.hundred_hidden_units)
    assert d["constant_predictions"].cause == "saturated_output"
    assert d["saturated_output"].numbers["saturated_share"] == 1.0
    assert "glorot_uniform" in d["saturated_output"].fix
    assert d.codes.index("saturated_output") < d.codes.index("constant_predictions")


def test_dead_relu_lists_the_units():
    f = diagnose(cases.dead_relu)["dead_relu"]
    units = f.numbers["dead_units"]
    assert len(units) >= 12 and f.numbers["share"] >= 0.7 and f.severity == "warning"
    assert f.cells[0] == f"hiddenlayer_activations[:, {units[0]}]"
    assert f"Units {units[0]}, {units[1]}" in f.explanation


def test_vanishing_gradient_shows_the_per_layer_gradient_norms():
    f = diagnose(cases.ten_sigmoid_layers)["vanishing_gradient"]
    norms = f.numbers["grad_norms"]
    assert sorted(norms) == list(range(1, 11)) and norms[1] < norms[10] * 1e-3
    assert "layer 10 ‖dW‖" in f.explanation


def test_lr_too_low_suggests_a_rate():
    f = diagnose(cases.tiny_lr)["lr_too_low"]
    assert f.numbers["update_ratio"] < 1e-5 and "lr=" in f.fix


def test_overfitting_reads_the_validation_history():
    f = diagnose(cases.overfitting)["overfitting"]
    assert f.numbers["last_val_loss"] > 1.1 * f.numbers["best_val_loss"]
    assert f.numbers["epochs"] - 1 - f.numbers["best_val_epoch"] >= 10


def run_quietly(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):
        return fn(*args, **kwargs)


def test_the_tutorial_demo_is_healthy_before_and_after_training():
    run = run_quietly(demos.ray)
    assert gn.doctor(run.net, run.X, run.y).ok
    fresh = cases.ray_net()
    d = gn.doctor(fresh, run.X, run.y, loss="half_sse", lr=0.1, epochs=5000)
    assert d.findings == [], d


def load_digits_example():
    path = Path(__file__).resolve().parents[2] / "examples" / "digits.py"
    spec = importlib.util.spec_from_file_location("digits_example", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_digits_example_is_healthy_before_and_after_training():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    net, accuracy = load_digits_example().train_digits(epochs=10)
    d = gn.doctor(net, X, y)
    assert d.ok, d
    fresh = gn.Network([gn.Dense(64, 128, "relu", init="he_normal"),
                        gn.Dense(128, 10, "softmax", init="glorot_uniform")], seed=0)
    d = gn.doctor(fresh, X, y, loss="categorical_crossentropy", optimizer="adam", lr=1e-3,
                  batch_size=32, epochs=30)
    assert d.ok, d
