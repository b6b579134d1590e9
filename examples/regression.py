"""Regression with glassnet: a smooth two-output function, and scikit-learn's diabetes.

    python examples/regression.py

Both are compared with the constant predictor that always says the training
mean: R² = 0 for that baseline, so R² measures how much better the network does.
"""

from __future__ import annotations

import numpy as np

import glassnet as gn
from glassnet.tools.scaling import scale_features, scale_targets, standardise, unscale_targets


def make_function_data(n: int = 600, seed: int = 0):
    """y₁ = sin(2x₁) + x₂², y₂ = x₁ x₂ on x ∈ [−1.5, 1.5]², with a little noise."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.5, 1.5, size=(n, 2))
    y = np.column_stack([np.sin(2 * X[:, 0]) + X[:, 1] ** 2, X[:, 0] * X[:, 1]])
    return X, y + rng.normal(scale=0.05, size=y.shape)


def fit_function(seed: int = 0):
    X, y = make_function_data(seed=seed)
    X_train, X_test, y_train, y_test = X[:450], X[450:], y[:450], y[450:]
    net = gn.Network(
        [
            gn.Dense(2, 32, "tanh", init="xavier"),
            gn.Dense(32, 32, "tanh", init="xavier"),
            gn.Dense(32, 2, "linear", init="xavier"),
        ],
        seed=seed,
    )
    net.fit(
        X_train,
        y_train,
        epochs=300,
        loss="mse",
        optimizer="adam",
        lr=0.01,
        batch_size=32,
        shuffle=True,
    )
    baseline = float(np.mean((y_test - y_train.mean(axis=0)) ** 2))
    return net, net.evaluate(X_test, y_test, metrics=["mse", "r2"]), baseline


def fit_diabetes(seed: int = 0):
    from sklearn.datasets import load_diabetes
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    # inputs and target standardised with the training rows' mean and spread, as
    # `glassnet train` does; the predictions are mapped back to the target's units
    feature_mean, feature_scale = standardise(X_train)
    target_mean, target_scale = standardise(y_train.reshape(-1, 1))
    scaling = {"feature_mean": feature_mean, "feature_scale": feature_scale,
               "target_mean": target_mean, "target_scale": target_scale}
    net = gn.Network(
        [gn.Dense(10, 8, "tanh", init="xavier"), gn.Dense(8, 1, "linear", init="xavier")], seed=seed
    )
    net.fit(
        scale_features(X_train, scaling),
        scale_targets(y_train.reshape(-1, 1), scaling),
        epochs=200,
        loss="mse",
        optimizer="adam",
        lr=0.001,
        batch_size=32,
        shuffle=True,
    )
    prediction = unscale_targets(net.predict(scale_features(X_test, scaling)), scaling)[:, 0]
    mse = float(np.mean((prediction - y_test) ** 2))
    baseline = float(np.mean((y_test - target_mean[0]) ** 2))
    return mse, baseline


if __name__ == "__main__":
    net, result, baseline = fit_function()
    print(
        f"function: test MSE {result['mse']:.4f} vs constant predictor {baseline:.4f}, "
        f"R² {result['r2']:.3f}"
    )
    mse, baseline = fit_diabetes()
    print(
        f"diabetes: test MSE {mse:.1f} vs constant predictor {baseline:.1f}, "
        f"R² {1 - mse / baseline:.3f}"
    )
