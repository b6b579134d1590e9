"""What the command line prints fits the terminal: at COLUMNS=80 the progress bar
and every table of train, evaluate, predict, explain and datasets fit in 80
columns, on a wide table with long column and class names; text wraps whole
onto indented lines, numbers are never cut."""

import contextlib
import csv
import io
import json

import numpy as np
import pytest

import glassnet as gn
from glassnet.tools import cli
from glassnet.tools.terminal import confusion_table, table, wrap

LONG = [f"a_rather_long_measurement_column_name_number_{j}" for j in range(12)]
CLASSES = ["Extraordinarily long class name alpha", "Extraordinarily long class name beta",
           "Another quite verbose class label gamma"]


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main([str(a) for a in argv])
    return status, out.getvalue(), err.getvalue()


def lines_of(*texts):
    return [line for text in texts for line in text.replace("\r", "\n").split("\n")]


def column_cells(lines, start, stop=None):
    """The cells of one column of a wrapped table (header line first), each
    rebuilt from its first line and its indented continuation lines."""
    cells: list[list[str]] = []
    for line in lines[1:]:
        part = line[start:stop]
        if line[:2] == "  ":
            cells[-1].append(part.strip())
        else:
            cells.append([part.strip()])
    return cells


def test_a_table_too_wide_wraps_its_text_whole_and_keeps_its_numbers():
    done = "number; missing → median 0.012 + indicator"
    rows = [("column", "what was done", "inputs"), ("x" * 45, done, 123456),
            ("short", "one-hot, 3 categories", 7)]
    assert table(rows, left=2, width=200).count("\n") == 2  # room: one line per row
    lines = table(rows, left=2, width=60).splitlines()
    assert max(map(len, lines)) <= 60 and len(lines) > 3
    second = lines[0].index("what")
    names = column_cells(lines, 0, second)
    assert ["".join(cell) for cell in names] == ["x" * 45, "short"]
    third = lines[0].index("inputs")
    assert [" ".join(cell) for cell in column_cells(lines, second, third)] == [
        done, "one-hot, 3 categories"]
    assert lines[1].endswith("  123456") and lines[-1].endswith("  7")


@pytest.mark.parametrize("k, high, blocks", [(3, 20000, False), (12, 100, False),
                                             (30, 20000, True)])
def test_a_confusion_matrix_fits_numbered_and_in_blocks_when_it_must(k, high, blocks):
    names = [f"class number {i} with a long name" for i in range(k)]
    counts = np.random.default_rng(k).integers(0, high, (k, k)).tolist()
    text = confusion_table(names, counts, width=80)
    lines = text.splitlines()
    assert max(map(len, lines)) <= 80
    assert ("in blocks of" in text) == blocks and "classes numbered" in text
    found = {}  # (true class, predicted class) → count, read back from the blocks
    for block in text.split("\n\n"):
        rows = [line for line in block.splitlines() if line[:1] != " " or line.lstrip()[:1]
                .isdigit() and "class number" in line]
        header = next(line for line in rows if line.startswith("true"))
        predicted = [int(v) for v in header.split()[3:]]
        for line in rows[rows.index(header) + 1:]:
            true = int(line.split()[0])
            values = [int(v) for v in line.split()[-len(predicted):]]
            found.update({(true, p): v for p, v in zip(predicted, values)})
    assert found == {(i + 1, j + 1): counts[i][j] for i in range(k) for j in range(k)}
    assert confusion_table(["a", "b"], [[1, 2], [3, 4]]).splitlines()[1].split() == ["a", "b"]


@pytest.fixture
def wide(tmp_path):
    rng = np.random.default_rng(0)
    path = tmp_path / "wide.csv"
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([*LONG, "a_text_column_with_a_really_long_header", "the_class_of_this_row"])
        for _ in range(150):
            x = rng.normal(size=12)
            writer.writerow([*(round(v, 3) if rng.uniform() > 0.1 else "" for v in x),
                             rng.choice(["some category value that is long", "short", "NA"]),
                             CLASSES[int(np.argmax(x[:3]))]])
    return path


def test_every_command_fits_80_columns_on_a_wide_table(wide, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(tmp_path)
    model = "w.gnet"
    status, out, err = run("train", wide, "--target", "the_class_of_this_row", "--epochs", "30",
                           "--out", model)  # with the progress bar on stderr
    assert status == 0, err
    assert "val_loss=" in err and max(len(line) for line in lines_of(err)) <= 79
    printed = [out, err]
    # the column table names every column whole, however it wrapped
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("column "))
    cut = lines[start].index("what was done")
    stop = lines.index("", start)
    names = ["".join(cell) for cell in column_cells(lines[start:stop], 0, cut)]
    assert names == [*LONG, "a_text_column_with_a_really_long_header"]
    assert " ".join(out.split()).count("Extraordinarily long class name beta") == 1
    for argv in (("evaluate", model, wide), ("explain", model, wide, "--rows", "2"),
                 ("predict", model, wide, "--out", "p.csv"), ("datasets",)):
        status, out, err = run(*argv)
        assert status == 0, err
        printed += [out, err]
    too_long = [line for line in lines_of(*printed) if len(line) > 80]
    assert not too_long, too_long
    explained = printed[-6]
    features = gn.load(model).metadata["feature_names"]
    for j, name in enumerate(features):  # the legend: each input's number and name, one line
        assert any(f"{j + 1} {name}" in line for line in explained.splitlines()), name
    figures = json.loads(run("evaluate", model, wide, "--json")[1])
    evaluated = printed[2]
    assert f"{figures['metrics']['accuracy']:.4f}" in evaluated
    for row in figures["confusion"]:
        assert any(line.split()[-3:] == [str(v) for v in row] for line in evaluated.splitlines())
    assert gn.load(model).metadata["class_names"] == sorted(CLASSES)


def test_a_long_file_name_is_never_broken():
    path = "/a/very/long/directory/name/that/goes/on/and/on/for/quite/a/while/model.gnet"
    text = wrap(f"model file: {path}", 60, paths=True)
    assert text.splitlines() == ["model file:", f"  {path}"]
    assert wrap("model file: m.gnet", 60, paths=True) == "model file: m.gnet"
    assert max(map(len, wrap(f"model file: {path}", 60).splitlines())) <= 60
