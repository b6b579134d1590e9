"""Standardising features and targets with the metadata, and undoing it."""

import numpy as np
import pytest

from glassnet.tools.scaling import scale_features, scale_targets, standardise, unscale_targets


def test_scale_features_standardises_with_the_metadata():
    X = np.array([[1.0, 10.0], [3.0, 30.0]])
    meta = {"feature_mean": [2.0, 20.0], "feature_scale": [1.0, 10.0]}
    np.testing.assert_array_equal(scale_features(X, meta), [[-1.0, -1.0], [1.0, 1.0]])
    np.testing.assert_array_equal(scale_features(X, {}), X)


def test_targets_worked_by_hand_and_back():
    meta = {"target_mean": [100.0, -1.0], "target_scale": [10.0, 0.5]}
    Y = np.array([[90.0, -1.5], [125.0, 0.0]])
    scaled = scale_targets(Y, meta)
    np.testing.assert_array_equal(scaled, [[-1.0, -1.0], [2.5, 2.0]])
    np.testing.assert_allclose(unscale_targets(scaled, meta), Y, rtol=1e-15)


def test_without_the_keys_nothing_is_scaled_but_the_dtype_is_float64():
    Y = np.array([[1.5], [2.5]], dtype=np.float32)
    for fn in (scale_targets, unscale_targets):
        out = fn(Y, {"feature_mean": [0.0], "feature_scale": [2.0]})
        assert out.dtype == np.float64
        np.testing.assert_array_equal(out, Y)


def test_standardise_gives_mean_and_std_and_leaves_constant_columns_unscaled():
    values = np.array([[1.0, 5.0], [3.0, 5.0], [8.0, 5.0]])
    mean, scale = standardise(values)
    assert mean[0] == pytest.approx(4.0) and mean[1] == 5.0
    assert scale[0] == pytest.approx(np.sqrt(((1 - 4) ** 2 + (3 - 4) ** 2 + (8 - 4) ** 2) / 3))
    assert scale[1] == 1.0
    np.testing.assert_allclose(((values - mean) / scale).std(axis=0), [1.0, 0.0], atol=1e-15)
