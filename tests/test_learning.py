"""glassnet learns real data: digits to ≥ 97 % test accuracy, regression far past a constant."""

import importlib.util
from pathlib import Path

import numpy as np

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def load_example(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_digits_64_128_10_relu_softmax_adam_reaches_97_percent():
    net, accuracy = load_example("digits").train_digits(seed=0)
    assert accuracy >= 0.97
    assert net.history.loss[-1] < net.history.loss[0] / 5
    assert net.params.dtype == np.float32


def test_digits_holds_for_another_seed_in_float64():
    _, accuracy = load_example("digits").train_digits(seed=1, dtype="float64")
    assert accuracy >= 0.97


def test_two_output_regression_beats_the_constant_predictor_by_far():
    net, result, baseline = load_example("regression").fit_function(seed=0)
    assert result["mse"] < baseline / 20
    assert result["r2"] > 0.95
    assert net.predict(np.zeros((1, 2))).shape == (1, 2)


def test_diabetes_beats_the_constant_predictor():
    mse, baseline = load_example("regression").fit_diabetes(seed=0)
    assert mse < 0.8 * baseline
