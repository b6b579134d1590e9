"""Fuzzing: hypothesis-generated CSV text against datasets.load_csv and against
the command line's train and predict (in process through ``cli.main(argv)``,
plus a few real subprocesses).

Bounded: a fixed number of examples per test and a per-example deadline, so a
hang or a slow path fails the test instead of stalling CI. The only accepted
outcomes are a correct result, a ValueError/TypeError (load_csv), or exit
status 0/2 with one line on stderr (the CLI): never a traceback.
"""

import contextlib
import csv
import io
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.tools import cli
from glassnet.tools.datasets import load_csv

FIELDS = st.one_of(
    st.sampled_from([
        "0", "1", "-2.5", "3.25", "1e300", "-1e300", "1e400", "5e-324", "inf", "-inf", "nan",
        "NaN", "", " ", "x", "cat", "dog", "1,5", '"', '""', "\ufeff", "é", "0x10", "1_000",
        "  3  ", "True", "\x00", "\t", "a\nb", "٣", "１",
    ]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.text(max_size=6),
)
NAMES = st.one_of(st.sampled_from(["a", "b", "y", "c", "", " a", "y "]), st.text(max_size=4))


@st.composite
def csv_texts(draw):
    """CSV-shaped text: a header and ragged rows of odd fields, written by csv.writer
    (so quoting is exercised) with a random line ending, or raw text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    width = draw(st.integers(1, 5))
    header = draw(st.lists(NAMES, min_size=width, max_size=width))
    rows = draw(st.lists(
        st.lists(FIELDS, min_size=max(1, width - 1), max_size=width + 1), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@st.composite
def numeric_tables(draw):
    """Mostly well-formed tables with columns a, b, y, so the CLI gets past parsing
    and reaches training and prediction with odd values."""
    n = draw(st.integers(1, 12))
    header = draw(st.permutations(["a", "b", "y"]))
    number = st.one_of(st.floats(-1e300, 1e300).map(repr), st.integers(-5, 5).map(str))
    label = st.sampled_from(["cat", "dog", "0", "1", "2.5"])
    rows = []
    for _ in range(n):
        row = {"a": draw(number), "b": draw(number), "y": draw(label)}
        rows.append([row[h] for h in header])
    if draw(st.booleans()):  # one odd cell somewhere
        rows[draw(st.integers(0, n - 1))][draw(st.integers(0, 2))] = draw(FIELDS)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


# The deadline catches a hang, not slowness: a CLI example takes ~1 s alone and up to
# 11 s on a loaded two-core machine, so 5 s failed by load alone.
FUZZ = dict(deadline=timedelta(seconds=120), suppress_health_check=[HealthCheck.too_slow])


def write(tmp, text, name="data.csv"):
    path = Path(tmp) / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


@settings(max_examples=300, **FUZZ)
@given(csv_texts(), st.sampled_from([-1, 0, "y", "a", 7]), st.sampled_from([None, True, False]))
def test_load_csv_either_reads_finite_numbers_or_says_why(text, target, categorical):
    with tempfile.TemporaryDirectory() as tmp:
        path = write(tmp, text)
        try:
            data = load_csv(path, target=target, categorical=categorical)
        except (ValueError, TypeError) as exc:
            event("refused")
            assert "data.csv" in str(exc)  # every refusal names the file
            return
    assert data.X.dtype == np.float64 and np.isfinite(data.X).all()
    assert data.X.shape == (len(data.y), len(data.feature_names))
    assert data.X.shape[0] >= 1 and data.X.shape[1] >= 1
    if data.class_names is not None:
        assert data.y.dtype == np.int64
        assert set(data.y.tolist()) == set(range(len(data.class_names)))
    else:
        assert np.isfinite(data.y).all()


@settings(max_examples=100, **FUZZ)
@given(st.binary(max_size=300))
def test_load_csv_on_arbitrary_bytes(blob):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "blob.csv"
        path.write_bytes(blob)
        try:
            data = load_csv(path)
        except (ValueError, TypeError) as exc:
            assert "blob.csv" in str(exc)
            return
    assert np.isfinite(data.X).all()


def run_cli(argv):
    """cli.main in process: (exit status, stdout, stderr); argparse's exit counts too."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main([str(a) for a in argv])
        except SystemExit as exc:
            status = exc.code
    return status, out.getvalue(), err.getvalue()


def assert_clean_failure(status, stderr, command):
    assert status == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"glassnet {command}: error: "), stderr
    assert "Traceback" not in stderr


TRAIN = ["--epochs", "2", "--batch-size", "4", "--hidden", "3", "--quiet"]


@settings(max_examples=60, **FUZZ)
@given(st.one_of(numeric_tables(), csv_texts()), st.sampled_from(["y", "a", "nope"]))
def test_cli_train_on_fuzzed_csv(text, target):
    with tempfile.TemporaryDirectory() as tmp:
        data, model = write(tmp, text), Path(tmp) / "m.gnet"
        status, _, stderr = run_cli(["train", data, "--target", target, "--out", model, *TRAIN])
        event(f"exit status {status}")
        if status == 0:
            net = gn.load(model)  # a complete, loadable model, with finite weights
            assert np.isfinite(net.params).all()
        else:
            assert_clean_failure(status, stderr, "train")
            assert not model.exists()  # no partial model file


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    rows = [[i % 3, (i * 7) % 5, "cat" if i % 2 else "dog"] for i in range(20)]
    data = write(tmp, "a,b,y\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    path = tmp / "model.gnet"
    status, _, stderr = run_cli(["train", data, "--target", "y", "--out", path, *TRAIN])
    assert status == 0, stderr
    return path


def _labelled_rows(path):
    """Rows as load_csv counts them, or None where the labels themselves are unreadable
    (predict ignores the label column, so such a file may still predict fine)."""
    try:
        return len(load_csv(path, target="y").y)
    except ValueError:
        return None


@settings(max_examples=60, **FUZZ)
@given(text=st.one_of(numeric_tables(), csv_texts()), proba=st.booleans())
def test_cli_predict_on_fuzzed_csv(model, text, proba):
    with tempfile.TemporaryDirectory() as tmp:
        data, out = write(tmp, text), Path(tmp) / "pred.csv"
        argv = ["predict", model, data, "--out", out] + (["--proba"] if proba else [])
        status, _, stderr = run_cli(argv)
        event(f"exit status {status}")
        if status == 0:
            with open(out, newline="") as f:
                table = list(csv.reader(f))
            n_rows = _labelled_rows(data) if "y" in text else None
            assert table[0][0] and len(table) >= 2
            if n_rows is not None:
                assert len(table) == n_rows + 1
            for row in table[1:]:
                assert row[0] in ("cat", "dog")
        else:
            assert_clean_failure(status, stderr, "predict")
            assert not out.exists()


# -- a few real subprocesses: the exit status and stderr a shell sees -----------
HOSTILE_FILES = {  # name: (content, what the one-line error must say; None: may succeed)
    "binary": (bytes(range(256)) * 4, "is not UTF-8 text"),
    "not-utf8": (b"a,b,y\n1,\xff\xfe,cat\n", "is not UTF-8 text"),
    "huge-field": (b"a,b,y\n1,2,\"" + b"x" * 200_000 + b"\"\n", "only one class"),
    "nul-bytes": (b"a,b,y\n1,2\x00,cat\n3,4,dog\n", "line 2 holds a NUL byte"),
    "only-header": (b"a,b,y\n", "no data rows"),
    "unterminated-quote": (b'a,b,y\n1,2,"cat\n3,4,dog\n', "CSV cannot be parsed"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_FILES))
def test_cli_subprocess_on_hostile_csv_files(tmp_path, name):
    data = tmp_path / "data.csv"
    content, says = HOSTILE_FILES[name]
    data.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "-m", "glassnet", "train", str(data), "--target", "y",
         "--out", str(tmp_path / "m.gnet"), *TRAIN],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert says in result.stderr
