"""Data sets: the tutorials' toy data, seeded 2-D generators, scikit-learn's
bundled sets, and readers for CSV and MNIST's IDX files.

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

import contextlib
import csv
import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from glassnet import tutorials


@dataclass(frozen=True, eq=False)  # eq=False: == on arrays has no single truth value
class Dataset:
    """Inputs X (n_samples, n_features), targets y, and the names of both.

    Iterating gives ``X`` then ``y``, so ``X, y = dataset`` works.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_name: str = "y"
    class_names: tuple[str, ...] | None = None
    description: str = ""

    def __iter__(self) -> Iterator[np.ndarray]:
        return iter((self.X, self.y))

    @property
    def n_samples(self) -> int:
        return int(self.X.shape[0])

    @property
    def n_features(self) -> int:
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        return None if self.class_names is None else len(self.class_names)

    def __repr__(self) -> str:
        kind = "regression" if self.class_names is None else f"{self.n_classes} classes"
        return (
            f"Dataset({self.description or 'data'}: {self.n_samples} samples × "
            f"{self.n_features} features, {kind})"
        )


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


def wine() -> Dataset:
    """Wine recognition: 178 × 13, three classes (needs scikit-learn)."""
    return _sklearn("wine", True)


def breast_cancer() -> Dataset:
    """Wisconsin breast cancer: 569 × 30, classes malignant/benign (needs scikit-learn)."""
    return _sklearn("breast_cancer", True)


def diabetes() -> Dataset:
    """Diabetes progression: 442 × 10 (scaled), a regression target (needs scikit-learn)."""
    return _sklearn("diabetes", False)


# -- files ----------------------------------------------------------------------
def _parse_float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


@contextlib.contextmanager
def csv_errors(path: str) -> Iterator[dict]:
    """Turn the csv module's and the UTF-8 decoder's errors into ValueErrors that
    name the file (and the line, once ``where["reader"]`` is set)."""
    where: dict = {}
    try:
        yield where
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise ValueError(
            f"{path} is not UTF-8 text: it holds the byte 0x{bad}, which UTF-8 cannot "
            "decode. Save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet program)."
        ) from None
    except csv.Error as exc:
        line = getattr(where.get("reader"), "line_num", None)
        at = f", line {line}" if line else ""
        raise ValueError(f"{path}{at}: the CSV cannot be parsed ({exc}).") from None


def load_csv(path: str | os.PathLike, target: str | int = -1, delimiter: str = ",",
             categorical: bool | None = None) -> Dataset:
    """Read a CSV file with a header row into a :class:`Dataset`.

    Parameters
    ----------
    path : the file; the first non-blank line names the columns.
    target : the target column, by name or position (default: the last column).
    delimiter : the field separator.
    categorical : whether the target holds class labels. None (default)
        decides by content: a target column that is not all numbers is
        categorical. Class names are sorted (numerically when all numbers) and
        coded 0..k−1 in that order; ``class_names[code]`` gives the name.

    Every other column is a feature and must hold a finite number in every
    row. Blank lines are skipped. Errors name the file's line number (as an
    editor counts it), the data row (1 = the first row after the header) and
    the column (1-based, with its name), e.g. ``data.csv, line 5 (data row 3),
    column 2 ('width') holds 'n/a', which is not a finite number``.
    """
    path = os.fspath(path)
    with open(path, newline="", encoding="utf-8-sig") as handle, csv_errors(path) as where:
        reader = csv.reader(handle, delimiter=delimiter)
        where["reader"] = reader
        header = None
        rows: list[tuple[int, list[str]]] = []
        for fields in reader:
            if not fields or all(not f.strip() for f in fields):
                continue
            if header is None:
                header = [f.strip() for f in fields]
                continue
            rows.append((reader.line_num, fields))  # line where the record ends
    if header is None:
        raise ValueError(f"{path} is empty: expected a header row naming the columns, then data.")
    if not rows:
        raise ValueError(f"{path} has a header row ({', '.join(header)}) but no data rows.")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise ValueError(f"{path}: the header names column {dup!r} more than once.")
    if isinstance(target, str):
        if target not in header:
            raise ValueError(
                f"{path} has no column {target!r}; its columns are {', '.join(header)}."
            )
        t = header.index(target)
    elif isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if not -len(header) <= target < len(header):
            raise ValueError(
                f"target={target} is out of range: {path} has {len(header)} columns "
                f"({', '.join(header)})."
            )
        t = int(target) % len(header)
    else:
        raise TypeError(f"target must be a column name or index, but got {target!r}.")
    if len(header) < 2:
        raise ValueError(f"{path} has only one column ({header[0]}); it needs features too.")

    features = [j for j in range(len(header)) if j != t]
    X = np.empty((len(rows), len(features)), dtype=np.float64)
    labels: list[str] = []
    for i, (line, fields) in enumerate(rows):
        if len(fields) != len(header):
            raise ValueError(
                f"{path}, line {line} (data row {i + 1}): the row has {len(fields)} field(s) "
                f"but the header has {len(header)} columns. Every row needs one value per column."
            )
        for c, j in enumerate(features):
            value = _parse_float(fields[j].strip())
            if value is None:
                shown = fields[j].strip()
                what = "is empty" if not shown else f"holds {shown!r}, which is not a finite number"
                raise ValueError(
                    f"{path}, line {line} (data row {i + 1}), column {j + 1} ({header[j]!r}) "
                    f"{what}. "
                    "Feature columns must be numbers; encode text as numbers or choose it "
                    "as the target."
                )
            X[i, c] = value
        labels.append(fields[t].strip())

    numbers = [_parse_float(s) for s in labels]
    all_numeric = all(v is not None for v in numbers)
    if categorical is None:
        categorical = not all_numeric
    feature_names = tuple(header[j] for j in features)
    if not categorical:
        if not all_numeric:
            bad = next(i for i, v in enumerate(numbers) if v is None)
            raise ValueError(
                f"{path}, line {rows[bad][0]} (data row {bad + 1}), column {t + 1} "
                f"({header[t]!r}) holds "
                f"{labels[bad]!r}, but categorical=False asks for a numeric target."
            )
        y = np.array(numbers, dtype=np.float64)
        return Dataset(X, y, feature_names, header[t], None, os.path.basename(path))
    if any(not s for s in labels):
        bad = labels.index("")
        raise ValueError(
            f"{path}, line {rows[bad][0]} (data row {bad + 1}), column {t + 1} "
            f"({header[t]!r}): the class label is empty."
        )
    key = (lambda s: float(s)) if all_numeric else None
    names = sorted(set(labels), key=key)
    code = {name: k for k, name in enumerate(names)}
    y = np.array([code[s] for s in labels], dtype=np.int64)
    return Dataset(X, y, feature_names, header[t], tuple(names), os.path.basename(path))


#: IDX type byte → NumPy dtype (big-endian, as the format stores them)
_IDX_TYPES = {
    0x08: np.dtype(">u1"), 0x09: np.dtype(">i1"), 0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8"),
}


def load_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (MNIST's format), plain or gzip-compressed.

    Layout: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16,
    0x0C int32, 0x0D float32, 0x0E float64), the number of dimensions d, then d
    big-endian uint32 sizes and the data in C order. Returns the array in
    native byte order, e.g. (60000, 28, 28) uint8 for MNIST's training images.
    """
    path = os.fspath(path)
    with open(path, "rb") as handle:
        raw = handle.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_TYPES:
        raise ValueError(
            f"{path} is not an IDX file: it should start with two zero bytes and a type byte "
            f"in {sorted(hex(k) for k in _IDX_TYPES)}, but starts with {raw[:4]!r}."
        )
    dtype, ndim = _IDX_TYPES[raw[2]], raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise ValueError(f"{path} ends inside its header ({ndim} dimension sizes expected).")
    shape = tuple(int(s) for s in np.frombuffer(raw, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header_size != expected:
        raise ValueError(
            f"{path} declares shape {shape} of {dtype.newbyteorder('=').name} "
            f"({expected} bytes of data) but holds {len(raw) - header_size} bytes after its header."
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header_size).reshape(shape)
    return data.astype(dtype.newbyteorder("="))
