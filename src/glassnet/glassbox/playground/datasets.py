"""TensorFlow Playground's data sets, drawn as its src/dataset.ts draws them.

Every generator takes the random stream (:class:`~.seedrandom.SeedRandom`,
Playground's ``Math.random``), the number of samples and the noise (0–0.5, the
URL's ``noise`` / 100) and returns an (n, 3) float64 array of x₁, x₂ and label,
in Playground's order. The draws are taken from the stream in Playground's
order — per point, in the order its code calls ``Math.random`` — and the
arithmetic after them is vectorised:

- ``circle``: 250 points inside, r ~ U(0, 2.5), then 250 outside,
  r ~ U(3.5, 5); per point r, angle ~ U(0, 2π), noise_x, noise_y ~ U(−5, 5)·noise;
  x₁ = r sin(angle), x₂ = r cos(angle); label +1 where |x + noise| < 2.5, else −1.
- ``xor``: x₁, x₂ ~ U(−5, 5) pushed 0.3 away from 0, noise ~ U(−5, 5)·noise;
  label +1 where (x₁ + noise_x)(x₂ + noise_y) ≥ 0.
- ``gauss``: 250 points around (2, 2) labelled +1, then 250 around (−2, −2)
  labelled −1, each coordinate a Marsaglia polar normal with variance
  0.5 + 7·noise (d3's scale [0, 0.5] → [0.5, 4]).
- ``spiral``: two arms of 250 points, r = 5i/250, t = 1.75·2π·i/250 (+π for
  the second arm, labelled −1), x₁ = r sin t + U(−1, 1)·noise, x₂ = r cos t + U(−1, 1)·noise.
- ``reg-plane``: x₁, x₂ ~ U(−6, 6), label = (x₁ + noise_x + x₂ + noise_y)/10
  (d3's scale [−10, 10] → [−1, 1]), noise ~ U(−6, 6)·noise.
- ``reg-gauss``: the same draws; the label is that of six signed bumps
  (±1 at (−4 | 0 | 4, ±2.5)) with the largest |label|, each bump
  1 − dist/2 clamped to [0, 1].
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from glassnet.glassbox.playground.seedrandom import SeedRandom

#: Playground's NUM_SAMPLES_CLASSIFY and NUM_SAMPLES_REGRESS
N_CLASSIFY = 500
N_REGRESS = 1200


def d3_linear(x, domain, range_, clamp=False):
    """d3 v3's ``scale.linear()``: t = (x − d₀)/(d₁ − d₀) (clamped to [0, 1]),
    then r₀(1 − t) + r₁ t, in d3's own order of operations."""
    t = (x - domain[0]) / (domain[1] - domain[0])
    if clamp:
        t = np.maximum(0, np.minimum(1, t))
    return range_[0] * (1 - t) + range_[1] * t


def _uniform(u, a, b):
    """``randUniform(a, b)``: ``Math.random() * (b − a) + a``."""
    return u * (b - a) + a


def _draws(rng: SeedRandom, n_points: int, per_point: int) -> np.ndarray:
    """``n_points × per_point`` draws, row by row: row i holds point i's draws in order."""
    return rng.random_array(n_points * per_point).reshape(n_points, per_point)


def _points(x, y, label) -> np.ndarray:
    return np.column_stack([x, y, label]).astype(np.float64)


def circle(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    radius = 5
    half = math.ceil(n / 2)  # ``for (i = 0; i < n / 2; i++)``
    parts = []
    for r_low, r_high in ((0, radius * 0.5), (radius * 0.7, radius)):
        u = _draws(rng, half, 4)
        r = _uniform(u[:, 0], r_low, r_high)
        angle = _uniform(u[:, 1], 0, 2 * math.pi)
        x, y = r * np.sin(angle), r * np.cos(angle)
        noise_x = _uniform(u[:, 2], -radius, radius) * noise
        noise_y = _uniform(u[:, 3], -radius, radius) * noise
        dx, dy = x + noise_x, y + noise_y
        label = np.where(np.sqrt(dx * dx + dy * dy) < radius * 0.5, 1, -1)
        parts.append(_points(x, y, label))
    return np.concatenate(parts)


def xor(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    u = _draws(rng, n, 4)
    padding = 0.3
    x = _uniform(u[:, 0], -5, 5)
    x = x + np.where(x > 0, padding, -padding)
    y = _uniform(u[:, 1], -5, 5)
    y = y + np.where(y > 0, padding, -padding)
    noise_x = _uniform(u[:, 2], -5, 5) * noise
    noise_y = _uniform(u[:, 3], -5, 5) * noise
    label = np.where((x + noise_x) * (y + noise_y) >= 0, 1, -1)
    return _points(x, y, label)


def normal_random(rng: SeedRandom, mean: float, variance: float) -> float:
    """Playground's ``normalRandom``: Marsaglia's polar method, keeping v₁ only.

    v₁, v₂ ~ U(−1, 1) until s = v₁² + v₂² ≤ 1; mean + √variance · √(−2 ln s / s) · v₁.
    """
    while True:
        v1 = 2 * rng.random() - 1
        v2 = 2 * rng.random() - 1
        s = v1 * v1 + v2 * v2
        if not s > 1:
            break
    result = math.sqrt(-2 * math.log(s) / s) * v1
    return mean + math.sqrt(variance) * result


def gauss(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    variance = d3_linear(noise, (0, 0.5), (0.5, 4))
    points = []
    for c, label in ((2, 1), (-2, -1)):
        for _ in range(math.ceil(n / 2)):
            x = normal_random(rng, c, variance)
            y = normal_random(rng, c, variance)
            points.append((x, y, label))
    return np.array(points, dtype=np.float64).reshape(-1, 3)


def spiral(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    arm = n / 2
    i = np.arange(math.ceil(arm), dtype=np.float64)
    parts = []
    for delta_t, label in ((0, 1), (math.pi, -1)):
        u = _draws(rng, len(i), 2)
        r = i / arm * 5
        t = 1.75 * i / arm * 2 * math.pi + delta_t
        x = r * np.sin(t) + _uniform(u[:, 0], -1, 1) * noise
        y = r * np.cos(t) + _uniform(u[:, 1], -1, 1) * noise
        parts.append(_points(x, y, np.full(len(i), label)))
    return np.concatenate(parts)


def _regression_draws(rng: SeedRandom, n: int, noise: float):
    radius = 6
    u = _draws(rng, n, 4)
    x = _uniform(u[:, 0], -radius, radius)
    y = _uniform(u[:, 1], -radius, radius)
    noise_x = _uniform(u[:, 2], -radius, radius) * noise
    noise_y = _uniform(u[:, 3], -radius, radius) * noise
    return x, y, x + noise_x, y + noise_y


def reg_plane(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    x, y, xn, yn = _regression_draws(rng, n, noise)
    return _points(x, y, d3_linear(xn + yn, (-10, 10), (-1, 1)))


#: reg-gauss's bumps: centre x, centre y, sign
GAUSSIANS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))


def reg_gauss(rng: SeedRandom, n: int, noise: float) -> np.ndarray:
    x, y, xn, yn = _regression_draws(rng, n, noise)
    label = np.zeros(n)
    for cx, cy, sign in GAUSSIANS:  # the bump with the largest |label| wins, first on ties
        dx, dy = xn - cx, yn - cy
        new = sign * d3_linear(np.sqrt(dx * dx + dy * dy), (0, 2), (1, 0), clamp=True)
        label = np.where(np.abs(new) > np.abs(label), new, label)
    return _points(x, y, label)


#: Playground's data set names → generators (state.ts ``datasets`` and ``regDatasets``)
GENERATORS: dict[str, Callable[[SeedRandom, int, float], np.ndarray]] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "reg-plane": reg_plane,
    "reg-gauss": reg_gauss,
}


def shuffle(rng: SeedRandom, points: np.ndarray) -> np.ndarray:
    """Playground's Fisher–Yates ``shuffle``: for counter = n … 1, swap item
    counter − 1 with item ⌊random · counter⌋. Returns a shuffled copy."""
    order = list(range(len(points)))
    for counter in range(len(order), 0, -1):
        index = math.floor(rng.random() * counter)
        order[counter - 1], order[index] = order[index], order[counter - 1]
    return points[order]
