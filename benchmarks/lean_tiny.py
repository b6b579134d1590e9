"""The tutorial's 4-3-1 loop written lean: the floor for its NumPy calls.

The same network, loss (½ Σ (y − ŷ)²) and update as Sunil Ray's loop, with every
array preallocated, every ufunc writing ``out=``, the sigmoid as ½(1 + tanh(z/2))
and the parameters in one flat vector updated in two calls. About 28 NumPy calls
an epoch and nothing else: no Python layers, no bookkeeping. It returns the
trained weights so that it can be checked against the tutorial.
"""

from __future__ import annotations

import numpy as np


def lean_ray_loop(X, y, wh, bh, wout, bout, epoch=5000, lr=0.1):
    n_in, n_hidden = wh.shape
    n = X.shape[0]
    sizes = [n_in * n_hidden, n_hidden, n_hidden, 1]
    theta, grads = np.zeros(sum(sizes)), np.zeros(sum(sizes))
    ends = np.cumsum(sizes)
    W1, b1, W2, b2 = (theta[e - s : e] for s, e in zip(sizes, ends))
    dW1, db1, dW2, db2 = (grads[e - s : e] for s, e in zip(sizes, ends))
    W1, dW1 = W1.reshape(n_in, n_hidden), dW1.reshape(n_in, n_hidden)
    W2, dW2 = W2.reshape(n_hidden, 1), dW2.reshape(n_hidden, 1)
    W1[...], b1[...], W2[...], b2[...] = wh, bh.ravel(), wout, bout.ravel()
    h, out = np.empty((n, n_hidden)), np.empty((n, 1))
    d_out, d_h, err_h = np.empty((n, 1)), np.empty((n, n_hidden)), np.empty((n, n_hidden))
    step = np.empty_like(theta)
    losses = np.empty(epoch)
    for e in range(epoch):
        np.dot(X, W1, out=h)
        h += b1
        h *= 0.5
        np.tanh(h, out=h)
        h *= 0.5
        h += 0.5
        np.dot(h, W2, out=out)
        out += b2
        out *= 0.5
        np.tanh(out, out=out)
        out *= 0.5
        out += 0.5
        np.subtract(out, y, out=d_out)  # dL/dŷ = ŷ − y
        losses[e] = 0.5 * np.vdot(d_out, d_out)
        err = np.subtract(1, out)
        err *= out
        d_out *= err  # δ_out = (ŷ − y) ŷ (1 − ŷ)
        np.dot(h.T, d_out, out=dW2)
        np.add.reduce(d_out, axis=0, out=db2)
        np.dot(d_out, W2.T, out=err_h)
        np.subtract(1, h, out=d_h)
        d_h *= h
        d_h *= err_h
        np.dot(X.T, d_h, out=dW1)
        np.add.reduce(d_h, axis=0, out=db1)
        np.multiply(grads, lr, out=step)
        theta -= step
    return losses, {"wh": W1, "bh": b1.reshape(1, -1), "wout": W2, "bout": b2.reshape(1, -1)}
