"""Metrics worked by hand, and against scikit-learn's."""

import numpy as np
import pytest
from sklearn.metrics import mean_absolute_error, r2_score

from glassnet import metrics


def test_accuracy_binary_threshold_and_multiclass_argmax():
    assert metrics.accuracy(np.array([[1.0], [0.0], [1.0]]), np.array([[0.5], [0.49], [0.2]])) == (
        pytest.approx(2 / 3)
    )
    y = np.eye(3)[[0, 1, 2, 2]]
    yhat = np.array([[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.5, 0.2, 0.3], [0.1, 0.1, 0.8]])
    assert metrics.accuracy(y, yhat) == 0.75


def test_regression_metrics_match_scikit_learn():
    rng = np.random.default_rng(0)
    y, yhat = rng.normal(size=(50, 2)), rng.normal(size=(50, 2))
    assert metrics.mae(y, yhat) == pytest.approx(mean_absolute_error(y, yhat))
    assert metrics.r2(y, yhat) == pytest.approx(r2_score(y, yhat))
    assert metrics.rmse(y, yhat) == pytest.approx(np.sqrt(metrics.mse(y, yhat)))


def test_unknown_metric():
    with pytest.raises(ValueError, match="Unknown metric 'auc'"):
        metrics.get("auc")


def test_accuracy_of_several_independent_labels_is_elementwise():
    y = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    yhat = np.array([[0.9, 0.2, 0.8], [0.1, 0.7, 0.9], [0.6, 0.4, 0.1]])
    assert metrics.accuracy(y, yhat) == pytest.approx(7 / 9)  # two of nine labels wrong
