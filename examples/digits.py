"""Handwritten digits (scikit-learn's 8×8 images) with a 64-128-10 ReLU/softmax network.

    python examples/digits.py

Pixels are scaled to [0, 1]; Adam, lr 1e-3, minibatches of 32, 30 epochs.
Needs scikit-learn for the data set (``pip install glassnet[sklearn]``).
"""

from __future__ import annotations

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import glassnet as gn


def train_digits(seed: int = 0, epochs: int = 30, dtype: str = "float32"):
    X, y = load_digits(return_X_y=True)
    X = X / 16.0  # pixel intensities are 0..16
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    net = gn.Network(
        [gn.Dense(64, 128, "relu", init="he"), gn.Dense(128, 10, "softmax", init="xavier")],
        seed=seed,
        dtype=dtype,
    )
    net.fit(
        X_train,
        y_train,
        epochs=epochs,
        loss="categorical_crossentropy",
        optimizer="adam",
        lr=1e-3,
        batch_size=32,
        shuffle=True,
        validation_data=(X_test, y_test),
        metrics=["accuracy"],
    )
    return net, net.evaluate(X_test, y_test)["accuracy"]


if __name__ == "__main__":
    net, accuracy = train_digits()
    net.summary()
    hist = net.history
    for epoch in range(0, len(hist.loss), 5):
        print(
            f"epoch {epoch:>3}  loss {hist.loss[epoch]:.4f}  "
            f"val_loss {hist.val_loss[epoch]:.4f}  "
            f"val_accuracy {hist.metrics['val_accuracy'][epoch]:.4f}"
        )
    print(f"test accuracy: {accuracy:.4f}")
    print("confusion matrix (rows: true digit, columns: predicted):")
    X, y = load_digits(return_X_y=True)
    print(np.bincount(y * 10 + net.predict(X / 16.0).argmax(axis=1), minlength=100).reshape(10, 10))
