"""The part of an exported ``predict.py`` that reads CSV files: the script's
``_read_csv`` (rows of numbers, or a table through the model's column rules) and
:mod:`glassnet.tools.columns`' source, which the script carries so that it
applies the same preprocessing as ``glassnet predict``.
"""

from __future__ import annotations

import inspect
from typing import Any

__all__ = ["READ_CSV_SOURCE", "columns_source", "template_fields"]

#: the script's CSV reader; it uses the script's constants (COLUMNS, FEATURE_NAMES,
#: DELIMITERS, SAMPLE_RANK, INPUT_SHAPE) and ``encode_columns`` from :func:`columns_source`
READ_CSV_SOURCE = '''\
def _read_csv(path):
    """Raw features of a CSV file: through the model's column rules when it has
    them (glassnet's own code, above), else every FEATURE_NAMES column as numbers."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        lines = [line for line in f]
    header_line = next((line for line in lines if line.strip()), "")
    outside = re.sub(r'"[^"]*"', "", header_line)
    counts = [outside.count(d) for d in DELIMITERS]
    delimiter = DELIMITERS[counts.index(max(counts))] if max(counts) else ","
    rows = [row for row in csv.reader(lines, delimiter=delimiter) if row]
    if COLUMNS is not None:
        return _read_columns(path, rows)
    try:
        [float(v) for v in rows[0]]
    except ValueError:
        header, rows = rows[0], rows[1:]
        if FEATURE_NAMES is not None:
            missing = [n for n in FEATURE_NAMES if n not in header]
            if missing:
                raise SystemExit(f"{path}: missing feature column(s) {missing}")
            columns = [header.index(n) for n in FEATURE_NAMES]
            rows = [[row[i] for i in columns] for row in rows]
    X = np.array(rows, dtype=np.float64)
    if SAMPLE_RANK != 1:  # N-D samples: each row holds one sample in C order
        if INPUT_SHAPE is None:
            raise SystemExit(
                f"{path}: this network reads N-D samples and was exported without "
                f"input_shape, so CSV rows cannot be read; use predict(X) from Python."
            )
        if X.ndim != 2 or X.shape[1] != int(np.prod(INPUT_SHAPE)):
            raise SystemExit(
                f"{path}: each row must hold {int(np.prod(INPUT_SHAPE))} values (one "
                f"sample of shape {tuple(INPUT_SHAPE)}), but the file has {X.shape}."
            )
        X = X.reshape(X.shape[0], *INPUT_SHAPE)
    return X


def _read_columns(path, rows):
    """The features of a CSV file's rows (header first) through the model's column rules."""
    header, rows = [h.strip() for h in rows[0]], rows[1:]
    width = len(header)
    rows = [row + [""] * (width - len(row)) for row in rows]
    index = {name: j for j, name in enumerate(header)}
    needed = [c["name"] for c in COLUMNS if c["kind"] != "dropped"]
    missing = [n for n in needed if n not in index]
    if missing:
        raise SystemExit(f"{path}: missing column(s) {missing}")
    cells = {n: [row[index[n]] for row in rows] for n in needed}
    X, warnings = encode_columns(COLUMNS, cells)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    return X
'''


def columns_source() -> str:
    """glassnet.tools.columns without its docstring and __future__ import: the
    same rules, run by the script."""
    from glassnet.tools import columns

    text = inspect.getsource(columns)
    text = text.replace("from __future__ import annotations\n", "")
    return text.split('"""', 2)[2].strip()  # after the module docstring


def template_fields(metadata: dict) -> dict[str, Any]:
    """The script template's fields for reading CSV files: the model's column rules
    (``metadata["columns"]``, or None), their code and the CSV reader."""
    return {"columns": metadata.get("columns"), "columns_source": columns_source(),
            "read_csv_source": READ_CSV_SOURCE}
