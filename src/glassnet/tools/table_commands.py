"""The commands that work on tables: ``train``, ``predict``, ``evaluate``, ``explain``.

Each is a pair, ``add_<command>(commands)`` declaring its arguments and
``run_<command>(args)`` running it, registered in :data:`glassnet.tools.cli.COMMANDS`.
The work is done by :mod:`glassnet.tools.tabular`; this module reads the
arguments and prints.
"""

from __future__ import annotations

import argparse
import csv
import io

import numpy as np

from glassnet import activations, losses, optimizers, shaped
from glassnet.tools import doctor_command, shaped_explain, summaries, tabular
from glassnet.tools.arguments import (
    fraction,
    hidden,
    load_model,
    model_and_labelled_data,
    non_negative,
    positive,
    sub,
    target_column,
)
from glassnet.tools.terminal import (
    UsageError,
    check_writable,
    columns,
    confusion_table,
    fmt,
    note,
    table,
    wrap,
    write_text,
)


# -- train -------------------------------------------------------------------------
def add_train(commands) -> None:
    train = sub(
        commands, "train", "train a network on a CSV file and save it",
        "Train a network on a CSV file with a header row, as it is: text columns are "
        "one-hot encoded, blanks and missing markers filled (with an indicator), dates "
        "split into numbers, identifier columns dropped; a summary says what was done "
        "to each column. The target decides the task (text: classes; a few distinct "
        "integers: classes, said; other numbers: regression; --task overrides). A random "
        "validation part (stratified for classes) stops training when its loss stops "
        "improving and keeps the best weights. Everything is kept in the model file.",
        "  glassnet datasets penguins > penguins.csv\n"
        "  glassnet train penguins.csv --target species --out penguins.gnet\n"
        "  glassnet train houses.csv --target price --ignore id --test-split 0.2 \\\n"
        "      --hidden 32,16 --weight-decay 1e-4 --out houses.gnet",
    )
    train.add_argument("data", help="CSV file: a header row, then one row per sample")
    train.add_argument("--target", required=True, help="name of the column to predict")
    train.add_argument("--task", choices=tabular.TASKS, default="auto",
                       help="classification or regression (default: from the target column)")
    train.add_argument("--ignore", type=_names, default=[], metavar="COL,...",
                       help="columns not to learn from")
    train.add_argument("--features", type=_names, default=None, metavar="COL,...",
                       help="learn from these columns only (default: all but the target)")
    train.add_argument("--hidden", type=hidden, default=[16], metavar="N,N,...",
                       help="units of each hidden layer (default: 16)")
    train.add_argument("--activation", choices=sorted(activations.ACTIVATIONS), default="relu",
                       help="hidden activation (default: relu)")
    train.add_argument("--loss", choices=sorted(losses.LOSSES), default=None,
                       help="default: binary/categorical cross-entropy, or mse for regression")
    train.add_argument("--optimizer", choices=sorted(optimizers.OPTIMIZERS), default="adam",
                       help="default: adam")
    train.add_argument("--lr", type=positive(float), default=0.01,
                       help="learning rate (default: 0.01)")
    train.add_argument("--epochs", type=positive(int), default=200, help="at most (default: 200)")
    train.add_argument("--batch-size", type=positive(int), default=32,
                       help="samples per update (default: 32)")
    train.add_argument("--validation-split", type=fraction, default=0.2, metavar="F",
                       help="rows held out to stop training early (default: 0.2; 0: none)")
    train.add_argument("--test-split", type=fraction, default=0.0, metavar="F",
                       help="rows held out for a test figure only (default: 0)")
    train.add_argument("--patience", type=_count, default=20, metavar="N",
                       help="epochs without a better validation loss before stopping "
                       "(default: 20)")
    train.add_argument("--weight-decay", type=non_negative, default=0.0, metavar="L",
                       help="L2 weight decay λ (default: 0)")
    train.add_argument("--dropout", type=fraction, default=0.0, metavar="R",
                       help="dropout rate after each hidden layer (default: 0)")
    train.add_argument("--seed", type=int, default=0, help="initial weights, shuffling, split")
    train.add_argument("--out", default="model.gnet", help="model file (default: model.gnet)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    train.add_argument("--json", action="store_true", help="print the figures as JSON")


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _count(text: str) -> int:
    value = int(text) if text.strip().isdigit() else -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


def run_train(args) -> None:
    check_writable(args.out, "the model file")
    # divergence is reported by TrainingDivergedError; NumPy's overflow warnings
    # on the way there would only add lines above it
    with np.errstate(all="ignore"):
        net, report = tabular.train_table(
            args.data, args.target, task=args.task, hidden=args.hidden,
            activation=args.activation, loss=args.loss, optimizer=args.optimizer, lr=args.lr,
            epochs=args.epochs, batch_size=args.batch_size,
            validation_split=args.validation_split, test_split=args.test_split,
            patience=args.patience, weight_decay=args.weight_decay, dropout=args.dropout,
            ignore=args.ignore, features=args.features, seed=args.seed,
            verbose=0 if args.quiet or args.json else 1,
        )
    net.save(args.out)
    for line in report.notes:
        note(f"note: {line}")
    if args.json:
        print(summaries.train_json(net, report, args.out))
    else:
        print(summaries.train_text(net, report, args.out))
        print(wrap(doctor_command.summary_line(net, args.data, args.target, args.batch_size,
                                                model=args.out)))


# -- predict -----------------------------------------------------------------------
def add_predict(commands) -> None:
    predict = sub(
        commands, "predict", "predict the rows of a CSV file with a trained model",
        "Predict every row of a CSV file: one output row per input row, in order. The "
        "file needs the model's input columns by name (any order; other columns are "
        "ignored); cells are encoded as in training. Writes a CSV: the predicted class "
        "name (or number), and with --proba one probability column per class. Warnings "
        "(a category not seen in training) go to stderr.",
        "  glassnet predict penguins.gnet penguins.csv\n"
        "  glassnet predict penguins.gnet new.csv --proba --out predictions.csv",
    )
    predict.add_argument("model", help="model file written by glassnet train")
    predict.add_argument("data", help="CSV file with the model's input columns")
    predict.add_argument("--out", help="write the predictions here (default: stdout)")
    predict.add_argument("--proba", action="store_true", help="add class probabilities")


def run_predict(args) -> None:
    if args.out is not None:
        check_writable(args.out, "the output file")
    net = load_model(args.model)
    predictions, proba, warnings = tabular.predict_table(net, args.data)
    for line in warnings:
        note(f"warning: {line}")
    meta = net.metadata
    header = [meta.get("target_name", "prediction")]
    if args.proba:
        if proba is None:
            raise UsageError("--proba needs a classification model, but this one is regression.")
        header += [f"P({name})" for name in meta["class_names"]]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for i, value in enumerate(predictions):
        row = [value if isinstance(value, str) else repr(value)]
        if args.proba and proba is not None:
            row += [repr(float(p)) for p in proba[i]]
        writer.writerow(row)
    write_text(args.out, buffer.getvalue())
    if args.out is not None:
        print(wrap(f"{len(predictions)} predictions written to {args.out}", paths=True))


# -- evaluate ----------------------------------------------------------------------
def add_evaluate(commands) -> None:
    evaluate = sub(
        commands, "evaluate", "score a trained model on a labelled CSV file",
        "Accuracy and the confusion matrix (classification) or MAE, RMSE and R² "
        "(regression) of a model on a CSV file that has the target column (other columns "
        "as predict takes them). Rows whose target is missing are left out, with a note.",
        "  glassnet evaluate penguins.gnet penguins.csv\n"
        "  glassnet evaluate penguins.gnet penguins.csv --json",
    )
    model_and_labelled_data(evaluate)
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")


def run_evaluate(args) -> None:
    net = load_model(args.model)
    figures, confusion, notes = tabular.evaluate_table(net, args.data, target_column(args, net))
    for line in notes:
        note(f"note: {line}")
    if args.json:
        print(summaries.evaluate_json(net, figures, confusion))
        return
    rows = [("metric", "value"), ("rows", int(figures.pop("rows")))]
    print(table(rows + [(k, fmt(v)) for k, v in figures.items()]))
    if confusion is not None:
        print("\n" + confusion_table(net.metadata["class_names"], confusion.tolist()))


# -- explain -----------------------------------------------------------------------
def add_explain(commands) -> None:
    explain = sub(
        commands, "explain", "trace one gradient-descent step of a model, every number shown",
        "Run one full-batch gradient-descent step of the model on the first rows of a "
        "labelled CSV file (encoded and standardised as in training) and show every "
        "intermediate array: the tutorial's steps, side by side, starting from the "
        "model's trained weights (the model file is not changed). A legend names the "
        "columns of X (the inputs after preprocessing) and of the output (the classes).",
        "  glassnet explain penguins.gnet penguins.csv --rows 3\n"
        "  glassnet explain penguins.gnet penguins.csv --decimals 4 --html report.html\n"
        "  glassnet explain cnn.gnet digits64.csv --target digit --rows 2 --cell 0,3,4,4",
    )
    model_and_labelled_data(explain)
    explain.add_argument("--rows", type=positive(int), default=4,
                         help="how many rows form the batch (default: 4)")
    explain.add_argument("--lr", type=positive(float), default=None,
                         help="learning rate of the step (default: the model's)")
    explain.add_argument("--html", metavar="FILE", help="also write the HTML report here")
    explain.add_argument("--width", type=positive(int), default=None,
                         help="text width (default: the terminal's, 80 when not a terminal)")
    explain.add_argument("--decimals", type=_count, default=2,
                         help="decimals of every number shown (default: 2)")
    explain.add_argument("--input-shape", metavar="C,H,W", default=None,
                         help="models on images or sequences: one sample's shape; each CSV "
                         "row holds its values in C order (default: from the first layer, "
                         "square images for Conv2D, T = columns / D for RNN and LSTM)")
    explain.add_argument("--cell", type=_cell, default=None, metavar="N,F,I,J",
                         help="models with Conv2D: the output cell whose patch, kernel and "
                         "sum are shown (default: 0,0,0,0)")


def _cell(text: str) -> tuple[int, ...]:
    parts = text.split(",")
    if len(parts) != 4 or not all(p.strip().isdigit() for p in parts):
        raise argparse.ArgumentTypeError(f"expected four whole numbers n,f,i,j, got {text!r}")
    return tuple(int(p) for p in parts)


def run_explain(args) -> None:
    from glassnet.tools.saving import load

    net = load(args.model)
    if shaped.is_shaped(net.layers):  # images or sequences: the layers' own step tables
        shaped_explain.run(net, args)
        return
    if args.input_shape is not None or args.cell is not None:
        raise UsageError("--input-shape and --cell are for models with Conv2D, MaxPool2D, "
                         "Flatten, RNN or LSTM layers; this model has Dense layers only.")
    if args.html is not None:
        check_writable(args.html, "the HTML report")
    net = load_model(args.model)
    X, Y, notes = tabular.labelled_rows(net, args.data, target_column(args, net), args.rows)
    for line in notes:
        note(f"note: {line}")
    lr = args.lr if args.lr is not None else (net.optimizer.lr if net.optimizer else 0.1)
    step = net.trace(X, Y, loss=net.loss or "mse", lr=lr)
    width = args.width or columns()
    text = step.to_text(width=width, decimals=args.decimals)
    print(summaries.explain_legend(net, width))
    print(text.replace("Initialize weights and biases",
                       "The trained weights and biases (from the model file)"))
    if args.html is not None:
        step.to_html(args.html, net=net)
        print(f"\nwrote {args.html}")


# -- datasets ----------------------------------------------------------------------
def add_datasets(commands) -> None:
    from glassnet.tools.datasets import TABLES

    datasets = sub(
        commands, "datasets", "print a bundled table as CSV, to start from",
        "Print one of the tables that ship with glassnet or scikit-learn as a CSV file "
        "(no download): " + "; ".join(f"{k}: {v[0]}, target {v[1]!r}"
                                      for k, v in TABLES.items()) + ".",
        "  glassnet datasets penguins > penguins.csv\n  glassnet datasets",
    )
    datasets.add_argument("name", nargs="?", choices=list(TABLES), help="which table")


def run_datasets(args) -> None:
    from glassnet.tools.datasets import TABLES, table_csv

    if args.name is None:
        print(table([("table", "target", "rows and columns")]
                    + [(k, v[1], v[0]) for k, v in TABLES.items()], left=3))
        return
    write_text(None, table_csv(args.name))
