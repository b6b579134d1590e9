"""Data sets: the tutorials' toy data, seeded 2-D generators, scikit-learn's
bundled sets, and (from :mod:`glassnet.tools.readers`) readers for CSV and MNIST's
IDX files.

Every loader returns a :class:`Dataset`, which unpacks like a pair::

    X, y = gn.datasets.moons(1000, noise=0.1, random_state=42)
    data = gn.datasets.load_csv("iris.csv", target="species")
    data.X.shape, data.class_names          # ((150, 4), ('setosa', 'versicolor', 'virginica'))

``X`` is (n_samples, n_features), float64. For classification ``y`` holds
integer class codes 0..k−1 (1-D) and ``class_names[k]`` names code k; for
regression ``y`` is float and ``class_names`` is None. The tutorials' toy sets
keep the tutorials' own (n_samples, 1) float column.

The generators (:func:`xor`, :func:`moons`, :func:`circles`, :func:`blobs`,
:func:`spirals`) draw from their own ``numpy.random.Generator`` seeded by
``random_state``, take scikit-learn's argument names, and need nothing but NumPy.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from glassnet import tutorials
from glassnet.tools.readers import Dataset, csv_errors, load_csv, load_idx

__all__ = [
    "Dataset", "ray", "walkthrough", "loy", "xor", "moons", "circles", "blobs", "spirals",
    "iris", "digits", "digits_images", "tutorial_text", "wine", "breast_cancer", "diabetes",
    "load_csv", "load_idx", "csv_errors",
]


def _xy_names(n: int) -> tuple[str, ...]:
    return tuple(f"x{i + 1}" for i in range(n))


def _classes(X, y, n_classes, description) -> Dataset:
    return Dataset(
        X=np.asarray(X, dtype=np.float64),
        y=np.asarray(y, dtype=np.int64),
        feature_names=_xy_names(X.shape[1]),
        class_names=tuple(str(k) for k in range(n_classes)),
        description=description,
    )


def _check_count(value, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name} must be an integer ≥ {minimum}, but got {value!r}.")
    return int(value)


def _check_noise(noise) -> float:
    noise = 0.0 if noise is None else noise
    if not isinstance(noise, (int, float, np.number)) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number ≥ 0 (or None), but got {noise!r}.")
    return float(noise)


def _shuffle(rng: np.random.Generator, X, y, shuffle: bool):
    if not shuffle:
        return X, y
    order = rng.permutation(len(y))
    return X[order], y[order]


# -- the tutorials' toy sets --------------------------------------------------
def ray() -> Dataset:
    """Sunil Ray's 3 × 4 binary inputs and targets (seed 000), y as a (3, 1) column."""
    return Dataset(tutorials.RAY_X.copy(), tutorials.RAY_Y.copy(), _xy_names(4),
                   description="Ray's toy set")


def walkthrough() -> Dataset:
    """The 2020 walk-through's 3 × 4 inputs (seed 002), samples as rows, y (3, 1)."""
    return Dataset(tutorials.WALKTHROUGH_X.copy(), tutorials.WALKTHROUGH_Y.copy(),
                   _xy_names(4), description="the walk-through's toy set")


def loy() -> Dataset:
    """James Loy's 4 × 3 inputs (third column constant 1), y = x1 XOR x2 as a (4, 1) column."""
    return Dataset(tutorials.LOY_X.copy(), tutorials.LOY_Y.copy(), _xy_names(3),
                   description="Loy's toy set")


# -- seeded generators ----------------------------------------------------------
def xor(n_samples: int = 4, noise: float | None = None, random_state: int | None = None,
        shuffle: bool = False) -> Dataset:
    """The XOR truth table: corners (0,0), (0,1), (1,0), (1,1) in turn, y = x1 XOR x2.

    ``n_samples`` points cycle through the four corners; ``noise`` adds
    N(0, noise²) to every coordinate. The default is the plain 4-row table.
    """
    n = _check_count(n_samples, "n_samples")
    noise = _check_noise(noise)
    rng = np.random.default_rng(random_state)
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    X = corners[np.arange(n) % 4]
    y = (X[:, 0] != X[:, 1]).astype(np.int64)
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    X, y = _shuffle(rng, X, y, shuffle)
    return _classes(X, y, 2, "xor")


def moons(n_samples: int = 100, noise: float | None = None, random_state: int | None = None,
          shuffle: bool = True) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons`` construction).

    Class 0: (cos t, sin t), class 1: (1 − cos t, ½ − sin t), t evenly spaced
    in [0, π]; ``n_samples // 2`` points in class 0, the rest in class 1; then
    N(0, noise²) on every coordinate.
    """
    n = _check_count(n_samples, "n_samples", 2)
    noise = _check_noise(noise)
    rng = np.random.default_rng(random_state)
    n_out = n // 2
    t_out, t_in = np.linspace(0, np.pi, n_out), np.linspace(0, np.pi, n - n_out)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        np.column_stack([1 - np.cos(t_in), 1 - np.sin(t_in) - 0.5]),
    ])
    y = np.repeat([0, 1], [n_out, n - n_out])
    X, y = _shuffle(rng, X, y, shuffle)
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _classes(X, y, 2, "moons")


def circles(n_samples: int = 100, noise: float | None = None, random_state: int | None = None,
            factor: float = 0.8, shuffle: bool = True) -> Dataset:
    """A small circle (class 1, radius ``factor``) inside a large one (class 0, radius 1).

    scikit-learn's ``make_circles`` construction: angles evenly spaced in
    [0, 2π) without the end point, ``n_samples // 2`` points outside.
    """
    n = _check_count(n_samples, "n_samples", 2)
    noise = _check_noise(noise)
    if not 0 <= factor < 1:
        raise ValueError(f"factor must be in [0, 1) (inner radius / outer), but got {factor!r}.")
    rng = np.random.default_rng(random_state)
    n_out = n // 2
    t_out = np.linspace(0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0, 2 * np.pi, n - n_out, endpoint=False)
    X = np.vstack([
        np.column_stack([np.cos(t_out), np.sin(t_out)]),
        factor * np.column_stack([np.cos(t_in), np.sin(t_in)]),
    ])
    y = np.repeat([0, 1], [n_out, n - n_out])
    X, y = _shuffle(rng, X, y, shuffle)
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _classes(X, y, 2, "circles")


def blobs(n_samples: int = 100, centers: int | np.ndarray = 3, n_features: int = 2,
          cluster_std: float = 1.0, center_box: tuple[float, float] = (-10.0, 10.0),
          random_state: int | None = None, shuffle: bool = True) -> Dataset:
    """Gaussian blobs: class k is N(center_k, cluster_std² I).

    ``centers`` is a count (centres drawn uniformly in ``center_box``) or a
    (k, n_features) array; samples are shared out as evenly as possible, the
    first ``n_samples % k`` classes getting one more.
    """
    n = _check_count(n_samples, "n_samples")
    rng = np.random.default_rng(random_state)
    if isinstance(centers, (int, np.integer)) and not isinstance(centers, bool):
        k = _check_count(centers, "centers")
        d = _check_count(n_features, "n_features")
        low, high = center_box
        C = rng.uniform(low, high, size=(k, d))
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2:
            raise ValueError(
                f"centers must be a count or a (k, n_features) array, but got shape {C.shape}."
            )
        k, d = C.shape
    if not cluster_std >= 0:
        raise ValueError(f"cluster_std must be ≥ 0, but got {cluster_std!r}.")
    counts = np.full(k, n // k) + (np.arange(k) < n % k)
    y = np.repeat(np.arange(k), counts)
    X = C[y] + rng.normal(scale=cluster_std, size=(n, d))
    X, y = _shuffle(rng, X, y, shuffle)
    return _classes(X, y, k, "blobs")


def spirals(n_samples: int = 100, noise: float | None = None, random_state: int | None = None,
            n_classes: int = 2, turns: float = 1.0, shuffle: bool = True) -> Dataset:
    """``n_classes`` interleaved spiral arms around the origin.

    Arm k: r = t, angle = 2π·turns·t + 2πk / n_classes, t evenly spaced in
    (0, 1]; then N(0, noise²) on every coordinate.
    """
    n = _check_count(n_samples, "n_samples")
    k = _check_count(n_classes, "n_classes", 2)
    noise = _check_noise(noise)
    rng = np.random.default_rng(random_state)
    counts = np.full(k, n // k) + (np.arange(k) < n % k)
    y = np.repeat(np.arange(k), counts)
    t = np.concatenate([np.linspace(0, 1, c + 1)[1:] for c in counts])
    angle = 2 * np.pi * turns * t + 2 * np.pi * y / k
    X = np.column_stack([t * np.cos(angle), t * np.sin(angle)])
    X, y = _shuffle(rng, X, y, shuffle)
    if noise:
        X = X + rng.normal(scale=noise, size=X.shape)
    return _classes(X, y, k, "spirals")


# -- scikit-learn's bundled sets ------------------------------------------------
def _sklearn(name: str, classification: bool) -> Dataset:
    try:
        from sklearn import datasets as skd
    except ImportError:
        raise ImportError(
            f"gn.datasets.{name}() reads the copy of this data set bundled with "
            "scikit-learn, which is not installed. Install it with "
            "`pip install glassnet[sklearn]` (or `pip install scikit-learn`)."
        ) from None
    bunch = getattr(skd, f"load_{name}")()
    names = getattr(bunch, "feature_names", None)
    features = (
        tuple(str(f) for f in names) if names is not None else _xy_names(bunch.data.shape[1])
    )
    if classification:
        return Dataset(
            np.asarray(bunch.data, dtype=np.float64),
            np.asarray(bunch.target, dtype=np.int64),
            features,
            target_name="class",
            class_names=tuple(str(c) for c in bunch.target_names),
            description=name,
        )
    return Dataset(np.asarray(bunch.data, dtype=np.float64),
                   np.asarray(bunch.target, dtype=np.float64), features,
                   target_name="target", description=name)


def iris() -> Dataset:
    """Fisher's iris: 150 × 4, three classes (needs scikit-learn)."""
    return _sklearn("iris", True)


def digits() -> Dataset:
    """8 × 8 handwritten digits: 1797 × 64, pixel values 0–16, ten classes (needs scikit-learn)."""
    return _sklearn("digits", True)


def digits_images() -> Dataset:
    """The same digits as images for :class:`~glassnet.Conv2D`: X is (1797, 1, 8, 8),
    NCHW (one channel), pixel values 0–16, ten classes (needs scikit-learn)."""
    data = _sklearn("digits", True)
    return dataclasses.replace(data, X=data.X.reshape(-1, 1, 8, 8), description="digits images")


def tutorial_text() -> str:
    """A 3.4 KB excerpt of Sunil Ray's article (its opening prose, quotes made plain
    ASCII), shipped with glassnet for character-level RNNs (examples/char_rnn.py)."""
    from importlib.resources import files

    return (files("glassnet") / "data" / "ray_excerpt.txt").read_text(encoding="utf-8")


def wine() -> Dataset:
    """Wine recognition: 178 × 13, three classes (needs scikit-learn)."""
    return _sklearn("wine", True)


def breast_cancer() -> Dataset:
    """Wisconsin breast cancer: 569 × 30, classes malignant/benign (needs scikit-learn)."""
    return _sklearn("breast_cancer", True)


def diabetes() -> Dataset:
    """Diabetes progression: 442 × 10 (scaled), a regression target (needs scikit-learn)."""
    return _sklearn("diabetes", False)


# -- tables as CSV text, for `glassnet datasets NAME > NAME.csv` ------------------
#: name → (description, target column); penguins is bundled with glassnet (the
#: Palmer penguins, CC0, by Horst, Hill and Gorman, via the palmerpenguins
#: package), the others are scikit-learn's bundled copies
TABLES = {
    "penguins": ("344 penguins; text, blanks (bundled)", "species"),
    "iris": ("150 irises, 4 measurements", "species"),
    "wine": ("178 wines, 13 measurements", "class"),
    "breast_cancer": ("569 tumours, 30 measurements", "diagnosis"),
    "diabetes": ("442 patients, 10 measurements; a number", "progression"),
    "digits": ("1797 8×8 images, 64 pixels 0–16; digits 0–9", "digit"),
}


def table_csv(name: str) -> str:
    """The CSV text of a table in :data:`TABLES`: a header row, then one row per sample."""
    import csv
    import io

    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; the tables are {', '.join(TABLES)}.")
    if name == "penguins":
        from importlib import resources

        return (resources.files("glassnet.tools") / "data" / "penguins.csv").read_text(
            encoding="utf-8")
    data = globals()[name]()
    target = TABLES[name][1]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*data.feature_names, target])
    labels = (data.y.tolist() if data.class_names is None or name == "digits"
              else [data.class_names[k] for k in data.y])
    for row, label in zip(data.X.tolist(), labels):
        writer.writerow([*(repr(v) if v != int(v) else str(int(v)) for v in row), label])
    return buffer.getvalue()
