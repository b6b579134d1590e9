"""A lean hand-written NumPy MLP: the no-library-overhead reference.

ReLU hidden layers, a softmax output with the fused cross-entropy gradient,
float32 end to end, every buffer preallocated per batch size, in-place ufuncs
(``out=``), parameters and gradients in one flat vector each, one permutation
per epoch and one gather per batch. It records the mean batch loss per epoch,
as glassnet's ``fit`` does, so both do the same work.

Nothing here is glassnet: it is what a careful engineer would write by hand
for exactly one architecture, and it is the yardstick the engine is held to.
"""

from __future__ import annotations

import math

import numpy as np


class LeanMLP:
    """sizes = (n_inputs, hidden..., n_classes); Glorot-uniform weights, zero biases."""

    def __init__(self, sizes, seed=0, dtype=np.float32):
        self.sizes = tuple(sizes)
        self.dtype = np.dtype(dtype)
        pairs = list(zip(self.sizes, self.sizes[1:]))
        total = sum(i * o + o for i, o in pairs)
        self.params = np.zeros(total, self.dtype)
        self.grads = np.zeros(total, self.dtype)
        self.W, self.b, self.dW, self.db = [], [], [], []
        rng = np.random.default_rng(seed)
        offset = 0
        for i, o in pairs:
            for store, grad_store, shape in ((self.W, self.dW, (i, o)), (self.b, self.db, (o,))):
                size = math.prod(shape)
                store.append(self.params[offset : offset + size].reshape(shape))
                grad_store.append(self.grads[offset : offset + size].reshape(shape))
                offset += size
            limit = math.sqrt(6.0 / (i + o))
            self.W[-1][...] = rng.uniform(-limit, limit, size=(i, o))
        self._buffers: dict[int, tuple] = {}
        self._step_buffers = None
        self.t = 0

    def _for_batch(self, m):
        """Activations, input gradients and masks for batch size m (made once)."""
        if m not in self._buffers:
            outs = self.sizes[1:]
            a = [np.empty((m, o), self.dtype) for o in outs]
            g = [np.empty((m, o), self.dtype) for o in outs[:-1]]
            mask = [np.empty((m, o), bool) for o in outs[:-1]]
            self._buffers[m] = (a, g, mask, np.empty((m, 1), self.dtype))
        return self._buffers[m]

    def forward(self, x):
        """Class probabilities for x; the buffers hold every activation."""
        a, _, _, col = self._for_batch(x.shape[0])
        h = x
        last = len(self.W) - 1
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            np.matmul(h, W, out=a[l])
            a[l] += b
            if l < last:
                np.maximum(a[l], 0, out=a[l])
            h = a[l]
        # softmax in place, shifted by the row maximum so exp never overflows
        np.max(h, axis=1, keepdims=True, out=col)
        h -= col
        np.exp(h, out=h)
        np.sum(h, axis=1, keepdims=True, out=col)
        h /= col
        return h

    def loss_and_gradients(self, x, Y):
        a, g, mask, _ = self._for_batch(x.shape[0])
        p = self.forward(x)
        m = x.shape[0]
        # cross-entropy −(1/m) Σ y log p, from the probabilities (clipped away from 0)
        loss = -float(np.vdot(Y, np.log(np.maximum(p, 1e-30)))) / m
        delta = p
        delta -= Y
        delta *= 1.0 / m
        for l in range(len(self.W) - 1, -1, -1):
            h = x if l == 0 else a[l - 1]
            np.matmul(h.T, delta, out=self.dW[l])
            np.sum(delta, axis=0, out=self.db[l])
            if l > 0:
                np.matmul(delta, self.W[l].T, out=g[l - 1])
                np.greater(h, 0, out=mask[l - 1])
                g[l - 1] *= mask[l - 1]
                delta = g[l - 1]
        return loss

    def sgd_step(self, lr):
        if self._step_buffers is None:
            self._step_buffers = [np.empty_like(self.params) for _ in range(2)]
        tmp = self._step_buffers[0]
        np.multiply(self.grads, lr, out=tmp)
        self.params -= tmp

    def adam_step(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        if self._step_buffers is None:
            self._step_buffers = [np.zeros_like(self.params) for _ in range(3)]
        mom, vel, tmp = self._step_buffers
        self.t += 1
        g = self.grads
        mom *= beta1
        np.multiply(g, 1 - beta1, out=tmp)
        mom += tmp
        vel *= beta2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - beta2
        vel += tmp
        np.sqrt(vel, out=tmp)
        tmp *= 1 / math.sqrt(1 - beta2**self.t)
        tmp += eps
        np.divide(mom, tmp, out=tmp)
        tmp *= lr / (1 - beta1**self.t)
        self.params -= tmp

    def fit(self, X, Y, epochs, batch_size, lr, optimizer="sgd", seed=0):
        """Minibatch training with a fresh permutation per epoch; returns epoch losses."""
        rng = np.random.default_rng(seed)
        n = X.shape[0]
        step = self.adam_step if optimizer == "adam" else self.sgd_step
        losses = []
        for _ in range(epochs):
            order = rng.permutation(n)
            total, batches = 0.0, 0
            for start in range(0, n, batch_size):
                idx = order[start : start + batch_size]
                total += self.loss_and_gradients(X[idx], Y[idx])
                step(lr)
                batches += 1
            losses.append(total / batches)
        return losses

    def predict(self, X):
        out = np.empty((X.shape[0], self.sizes[-1]), self.dtype)
        for start in range(0, X.shape[0], 1024):
            out[start : start + 1024] = self.forward(X[start : start + 1024])
        return out
