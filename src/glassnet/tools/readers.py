"""Reading data files: CSV tables and MNIST's IDX arrays, and the :class:`Dataset`
every loader of :mod:`glassnet.tools.datasets` returns.

``read_table`` reads a CSV file's cells as text with pandas (the one CSV
reader of glassnet; the columns' rules are in :mod:`glassnet.tools.columns`);
``load_csv`` reads a table of numbers into a :class:`Dataset`, naming the file,
line, data row and column of anything it cannot read; ``load_idx`` reads the
plain or gzip-compressed IDX format. Both are also
reachable as ``gn.datasets.load_csv`` and ``gn.datasets.load_idx``.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet.tools.idx import load_idx

__all__ = ["DELIMITERS", "Dataset", "Table", "csv_errors", "load_csv", "load_idx",
           "read_table", "sniff_delimiter", "table_from_frame", "target_index"]


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



#: the delimiters glassnet recognises, most likely first (ties go to the earlier)
DELIMITERS = (",", ";", "\t", "|")


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV file: whichever of , ; tab | occurs most often in its
    header line outside quotes (a comma when none does)."""
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = [outside.count(d) for d in DELIMITERS]
    return DELIMITERS[counts.index(max(counts))] if max(counts) else ","


@contextlib.contextmanager
def csv_errors(path: str) -> Iterator[dict]:
    """Turn the CSV readers' and the UTF-8 decoder's errors into ValueErrors that
    name the file (and the line, where the reader says it)."""
    where: dict = {}
    try:
        yield where
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.start + 1].hex()
        raise ValueError(
            f"{path} is not UTF-8 text: it holds the byte 0x{bad}, which UTF-8 cannot "
            "decode. Save it as UTF-8 (\"CSV UTF-8\" in a spreadsheet program)."
        ) from None
    except (csv.Error, *_pandas_errors()) as exc:  # type: ignore[misc]
        text = " ".join(str(exc).split()).replace("Error tokenizing data. C error: ", "")
        line = getattr(where.get("reader"), "line_num", None)
        at = f", line {line}" if line else ""
        raise ValueError(f"{path}{at}: the CSV cannot be parsed ({text}).") from None


def _pandas_errors() -> tuple[type[BaseException], ...]:
    pd = pandas_or_hint()
    return (pd.errors.ParserError, pd.errors.EmptyDataError)


def pandas_or_hint() -> Any:
    """pandas, or an ImportError saying how to install it."""
    try:
        import pandas as pd  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(
            "Reading tables needs pandas, which is not installed. Install it with "
            "`pip install glassnet[tables]` (or `pip install pandas`)."
        ) from None
    return pd


@dataclass(frozen=True, eq=False)
class Table:
    """A CSV file's cells as text: ``names`` (the header, stripped), and
    ``cells(name)`` the column's cells, one per data row, as the file holds them.

    Made by :func:`read_table`; ``line(row)`` is the file line of data row
    ``row`` (0-based), counted as an editor counts them, for error messages.
    """

    path: str
    names: list[str]
    columns: list[Any]
    delimiter: str = ","

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {name: j for j, name in enumerate(self.names)})

    @property
    def n_rows(self) -> int:
        return len(self.columns[0]) if self.columns else 0

    def index(self) -> dict[str, int]:
        """Column name → position (built once: no search per column)."""
        return self._index  # type: ignore[attr-defined]

    def cells(self, name: str) -> Any:
        return self.columns[self.index()[name]]

    def line(self, row: int) -> int | None:
        """The file line on which data row ``row`` ends (the header is line 1)."""
        if not os.path.isfile(self.path):
            return None
        with open(self.path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=self.delimiter)
            records = (reader.line_num for fields in reader if fields)
            for k, line in enumerate(records):
                if k == row + 1:
                    return line
        return None

    def cell_error(self, exc: Any) -> ValueError:
        """A :class:`glassnet.tools.columns.CellError` as one sentence naming the
        file, line, data row and column."""
        line = self.line(exc.row)
        at = f", line {line}" if line else ""
        j = self.index().get(exc.column)
        column = f"column {j + 1} ({exc.column!r})" if j is not None else repr(exc.column)
        what = "is empty" if not exc.text else f"holds {exc.text!r}"
        return ValueError(f"{self.path}{at} (data row {exc.row + 1}), {column} {what}; {exc.need}.")


def read_table(path: str | os.PathLike, delimiter: str | None = None) -> Table:
    """Read a CSV file with a header row as text cells (pandas' C reader).

    UTF-8 with or without a BOM; quoted fields (``"a, b"``, ``""`` for a quote);
    the delimiter sniffed from the header line (:func:`sniff_delimiter`) unless
    given; blank lines skipped; a row with fewer fields than the header has
    empty (missing) cells at its end, a row with more is refused naming its
    line; duplicate column names are refused.
    """
    pd = pandas_or_hint()
    path = os.fspath(path)
    with open(path, "rb") as raw:
        content = raw.read()
    with csv_errors(path):
        content.decode("utf-8")
    if b"\x00" in content:
        line = content[: content.index(b"\x00")].count(b"\n") + 1
        raise ValueError(f"{path}, line {line} holds a NUL byte (\\x00): it is not a text CSV "
                         "file. Save it as CSV (UTF-8).")
    with csv_errors(path):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            first = next((line for line in handle if line.strip()), None)
        if first is None:
            raise ValueError(
                f"{path} is empty: expected a header row naming the columns, then data."
            )
        delimiter = delimiter or sniff_delimiter(first)
        if len(next(csv.reader([first], delimiter=delimiter))) > WIDE:
            grid = _wide_grid(path, delimiter)
        else:
            frame = pd.read_csv(
                path, sep=delimiter, header=None, dtype=str, keep_default_na=False,
                na_filter=False, encoding="utf-8-sig", skip_blank_lines=True, engine="c",
            )
            grid = frame.to_numpy(dtype=object)
    names = [str(v).strip() for v in grid[0]]
    if grid.shape[0] < 2:
        raise ValueError(f"{path} has a header row ({', '.join(names)}) but no data rows.")
    seen: set[str] = set()
    dup = next((n for n in names if n in seen or seen.add(n)), None)  # type: ignore[func-returns-value]
    if dup is not None:
        raise ValueError(f"{path}: the header names column {dup!r} more than once.")
    return Table(path, names, list(grid[1:].T), delimiter)


#: files with more columns than this are tokenised by the stdlib csv reader, whose
#: cost per column is far below pandas' (see docs/cli.md, "Reading CSV files")
WIDE = 2000


def _wide_grid(path: str, delimiter: str) -> np.ndarray:
    """The cells of a very wide file, as pandas' reader would give them: blank
    lines skipped, short rows padded with empty cells, long rows refused."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        rows, width = [], None
        for fields in reader:
            if not fields:
                continue
            width = width or len(fields)
            if len(fields) > width:
                raise pandas_or_hint().errors.ParserError(
                    f"Expected {width} fields in line {reader.line_num}, saw {len(fields)}")
            rows.append(fields + [""] * (width - len(fields)))
    return np.array(rows, dtype=object)


def table_from_frame(frame: Any, name: str = "the DataFrame") -> Table:
    """A pandas DataFrame as a :class:`Table` of text cells, as a CSV file of it
    would read: a missing value (NaN, None, ``pd.NA``, NaT) becomes an empty
    cell, a number its shortest exact text (``repr``), a date its ISO text."""
    pd = pandas_or_hint()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"expected a CSV path or a pandas DataFrame, but got {type(frame).__name__}."
        )
    names = [str(c).strip() for c in frame.columns]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise ValueError(f"{name}: it names column {dup!r} more than once.")
    columns = []
    for j in range(frame.shape[1]):
        values = frame.iloc[:, j].to_numpy(dtype=object)
        gaps = pd.isna(values)
        columns.append(np.array(["" if g else str(v) for v, g in zip(values, gaps)],
                                dtype=object))
    return Table(name, names, columns)


def _column_index(table: Table, target: str | int) -> int:
    names, path = table.names, table.path
    if isinstance(target, str):
        if target not in names:
            close = [h for h in names if h.lower() == target.lower()]
            close = close or difflib.get_close_matches(target, names, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ValueError(
                f"{path} has no column {target!r}; its columns are {', '.join(names)}.{hint}"
            )
        return names.index(target)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        if not -len(names) <= target < len(names):
            raise ValueError(
                f"target={target} is out of range: {path} has {len(names)} columns "
                f"({', '.join(names)})."
            )
        return int(target) % len(names)
    raise TypeError(f"target must be a column name or index, but got {target!r}.")


def target_index(table: Table, target: str | int) -> int:
    """The position of the target column (by name or index), or a sentence saying why not."""
    return _column_index(table, target)


def _strict_numbers(table: Table, j: int) -> np.ndarray:
    """Column j as finite floats: no missing cell, no text (load_csv's contract)."""
    from glassnet.tools.columns import CellError, parse_numbers

    cells = table.columns[j]
    blank = np.array([not str(c).strip() for c in cells], dtype=bool)
    try:
        values = parse_numbers(cells, table.names[j], np.zeros(len(cells), dtype=bool))
    except CellError as exc:
        first_blank = int(np.argmax(blank)) if blank.any() else None
        if first_blank is not None and first_blank <= exc.row:
            exc = CellError(first_blank, exc.column, "", exc.need)
        raise _numbers_error(table, exc) from None
    return values


def _numbers_error(table: Table, exc: Any) -> ValueError:
    line = table.line(exc.row)
    j = table.names.index(exc.column)
    what = "is empty" if not exc.text else f"holds {exc.text!r}, which is not a finite number"
    return ValueError(
        f"{table.path}, line {line} (data row {exc.row + 1}), column {j + 1} ({exc.column!r}) "
        f"{what}. Feature columns must be numbers here; `glassnet train` and "
        "glassnet.tools.tabular.fit encode text, blanks and dates."
    )


def _labels(table: Table, t: int, categorical: bool | None) -> tuple[np.ndarray, tuple | None]:
    labels = [str(s).strip() for s in table.columns[t]]
    numbers = [_finite(s) for s in labels]
    all_numeric = all(v is not None for v in numbers)
    categorical = not all_numeric if categorical is None else categorical
    name = table.names[t]
    if not categorical:
        if not all_numeric:
            bad = next(i for i, v in enumerate(numbers) if v is None)
            raise ValueError(
                f"{table.path}, line {table.line(bad)} (data row {bad + 1}), column {t + 1} "
                f"({name!r}) holds {labels[bad]!r}, but categorical=False asks for a "
                "numeric target."
            )
        return np.array(numbers, dtype=np.float64), None
    if "" in labels:
        bad = labels.index("")
        raise ValueError(
            f"{table.path}, line {table.line(bad)} (data row {bad + 1}), column {t + 1} "
            f"({name!r}): the class label is empty."
        )
    names = sorted(set(labels), key=(lambda s: float(s)) if all_numeric else None)
    code = {label: k for k, label in enumerate(names)}
    return np.array([code[s] for s in labels], dtype=np.int64), tuple(names)


def _finite(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def load_csv(path: str | os.PathLike, target: str | int = -1, delimiter: str | None = None,
             categorical: bool | None = None) -> Dataset:
    """Read a CSV file of numbers with a header row into a :class:`Dataset`.

    Parameters
    ----------
    path : the file; the first non-blank line names the columns.
    target : the target column, by name or position (default: the last column).
    delimiter : the field separator (default: sniffed, see :func:`read_table`).
    categorical : whether the target holds class labels. None (default)
        decides by content: a target column that is not all numbers is
        categorical. Class names are sorted (numerically when all numbers) and
        coded 0..k−1 in that order; ``class_names[code]`` gives the name.

    Every other column is a feature and must hold a finite number in every
    row (for text, blanks and dates, use :func:`glassnet.tools.tabular.fit`,
    which encodes them). Errors name the file's line number (as an editor
    counts it), the data row (1 = the first row after the header) and the
    column (1-based, with its name), e.g. ``data.csv, line 5 (data row 3),
    column 2 ('width') holds 'n/a', which is not a finite number``.
    """
    table = read_table(path, delimiter)
    t = _column_index(table, target)
    if len(table.names) < 2:
        raise ValueError(
            f"{table.path} has only one column ({table.names[0]}); it needs features too."
        )
    features = [j for j in range(len(table.names)) if j != t]
    X = np.column_stack([_strict_numbers(table, j) for j in features])
    y, class_names = _labels(table, t, categorical)
    return Dataset(X, y, tuple(table.names[j] for j in features), table.names[t], class_names,
                   os.path.basename(table.path))
