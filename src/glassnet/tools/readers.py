"""Reading data files: CSV tables and MNIST's IDX arrays, and the :class:`Dataset`
every loader of :mod:`glassnet.tools.datasets` returns.

``load_csv`` names the file, line, data row and column of anything it cannot
read; ``load_idx`` reads the plain or gzip-compressed IDX format. Both are also
reachable as ``gn.datasets.load_csv`` and ``gn.datasets.load_idx``.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import gzip
import os
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np


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
            close = [h for h in header if h.lower() == target.lower()]
            close = close or difflib.get_close_matches(target, header, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"{path} has no column {target!r}; its columns are {', '.join(header)}.{hint}"
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
_IDX_TYPES: dict[int, np.dtype] = {
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
