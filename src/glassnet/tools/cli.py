"""The ``glassnet`` command line (also ``python -m glassnet``).

Subcommands: ``train``, ``predict``, ``evaluate``, ``explain``, ``gradcheck``,
``export``, ``demo``, ``playground``, ``doctor``; ``glassnet COMMAND --help`` shows each
one's options and examples. Exit status: 0 on success, 2 on bad input, with one line on stderr
saying what was wrong (which file, line and column, what was expected) and
never a traceback. Every output file is written atomically: to a temporary
file beside it, renamed only when complete, so a failure leaves no partial file.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Sequence

import numpy as np

from glassnet import activations, losses, optimizers
from glassnet.tools import demos, doctor_command, tabular
from glassnet.training import TrainingDivergedError

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the user: reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line too (no usage block above them)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _sub(commands, name: str, help: str, description: str, examples: str) -> _Parser:
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:  # also an empty part, as in 16,,8
        sizes = []
    if not sizes or min(sizes) <= 0:
        raise argparse.ArgumentTypeError(
            f"expected hidden layer sizes as positive integers separated by commas, "
            f"such as 16,8, but got {text!r}"
        )
    return sizes


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(
            f"expected a fraction in [0, 1), such as 0.2, got {text!r}"
        )
    return value


def _positive(kind):
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return value

    return parse


def _model_and_labelled_data(command: argparse.ArgumentParser) -> None:
    command.add_argument("model", help="model file written by glassnet train")
    command.add_argument("data", help="CSV file with the features and the target")
    command.add_argument("--target", help="name of the target column (default: the one the "
                         "model was trained on)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="glassnet",
        description="Neural networks from scratch on NumPy, where every number is visible.",
        epilog="examples:\n  glassnet train iris.csv --target species --out iris.gnet\n"
        "  glassnet predict iris.gnet new.csv --out predictions.csv\n  glassnet demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = _sub(
        commands, "train", "train a network on a CSV file and save it",
        "Train a network on a CSV file with a header row. The target column decides the "
        "task: text labels mean classification, numbers mean regression (override with "
        "--task). Features are standardised, and so is a numeric target (predictions "
        "come back in its units); the scalings, names and class names are kept in the "
        "model file.",
        "  glassnet train iris.csv --target species --hidden 16,8 --epochs 200 --out iris.gnet\n"
        "  glassnet train houses.csv --target price --task regression --lr 0.01 \\\n"
        "      --validation-split 0.2 --out houses.gnet",
    )
    train.add_argument("data", help="CSV file: a header row, then one row per sample")
    train.add_argument("--target", required=True, help="name of the column to predict")
    train.add_argument("--task", choices=tabular.TASKS, default="auto",
                       help="classification or regression (default: from the target column)")
    train.add_argument("--hidden", type=_hidden, default=[16], metavar="N,N,...",
                       help="units of each hidden layer (default: 16)")
    train.add_argument("--activation", choices=sorted(activations.ACTIVATIONS), default="relu",
                       help="hidden activation (default: relu)")
    train.add_argument("--loss", choices=sorted(losses.LOSSES), default=None,
                       help="default: binary/categorical cross-entropy, or mse for regression")
    train.add_argument("--optimizer", choices=sorted(optimizers.OPTIMIZERS), default="adam",
                       help="default: adam")
    train.add_argument("--lr", type=_positive(float), default=0.01,
                       help="learning rate (default: 0.01)")
    train.add_argument("--epochs", type=_positive(int), default=200, help="default: 200")
    train.add_argument("--batch-size", type=_positive(int), default=32,
                       help="samples per update (default: 32)")
    train.add_argument("--validation-split", type=_fraction, default=0.0, metavar="FRACTION",
                       help="hold out this fraction of rows, drawn at random (default: 0)")
    train.add_argument("--seed", type=int, default=0, help="initial weights, shuffling, split")
    train.add_argument("--out", default="model.gnet", help="model file (default: model.gnet)")
    train.add_argument("--quiet", action="store_true", help="no progress bar")

    predict = _sub(
        commands, "predict", "predict the rows of a CSV file with a trained model",
        "Predict every row of a CSV file. The file needs the model's feature columns by "
        "name (any order; other columns are ignored). Writes a CSV: the predicted class "
        "name (or number), and with --proba one probability column per class.",
        "  glassnet predict iris.gnet new.csv\n"
        "  glassnet predict iris.gnet new.csv --proba --out predictions.csv",
    )
    predict.add_argument("model", help="model file written by glassnet train")
    predict.add_argument("data", help="CSV file with the model's feature columns")
    predict.add_argument("--out", help="write the predictions here (default: stdout)")
    predict.add_argument("--proba", action="store_true", help="add class probabilities")

    evaluate = _sub(
        commands, "evaluate", "score a trained model on a labelled CSV file",
        "Accuracy and the confusion matrix (classification) or MAE, RMSE and R² "
        "(regression) of a model on a CSV file that has the target column.",
        "  glassnet evaluate iris.gnet test.csv --target species",
    )
    _model_and_labelled_data(evaluate)

    explain = _sub(
        commands, "explain", "trace one gradient-descent step of a model, every number shown",
        "Run one full-batch gradient-descent step of the model on the first rows of a "
        "labelled CSV file (scaled as in training) and show every intermediate array: "
        "the tutorial's steps, side by side (the model file is not changed).",
        "  glassnet explain iris.gnet test.csv --target species --rows 3\n"
        "  glassnet explain iris.gnet test.csv --target species --html report.html",
    )
    _model_and_labelled_data(explain)
    explain.add_argument("--rows", type=_positive(int), default=4,
                         help="how many rows form the batch (default: 4)")
    explain.add_argument("--lr", type=_positive(float), default=None,
                         help="learning rate of the step (default: the model's)")
    explain.add_argument("--html", metavar="FILE", help="also write the HTML report here")
    explain.add_argument("--width", type=_positive(int), default=100,
                         help="text width (default: 100)")

    gradcheck = _sub(
        commands, "gradcheck", "compare backpropagation with finite differences",
        "Compare the backpropagated gradient of every weight and bias with central finite "
        "differences, (L(θ+ε) − L(θ−ε)) / 2ε, and print the largest errors per tensor. "
        "With a model and a CSV file, on the model and its first rows; without, on a "
        "random float64 network (--hidden, --activation, --loss) and random data. Exit "
        "status 1 if a tensor fails.",
        "  glassnet gradcheck --hidden 5,4 --activation tanh --loss mse\n"
        "  glassnet gradcheck iris.gnet test.csv --target species --rows 8",
    )
    gradcheck.add_argument("model", nargs="?", help="model file (optional)")
    gradcheck.add_argument("data", nargs="?", help="labelled CSV file, with a model")
    gradcheck.add_argument("--target", help="name of the target column, with a model "
                           "(default: the one it was trained on)")
    gradcheck.add_argument("--rows", type=_positive(int), default=8, help="default: 8")
    gradcheck.add_argument("--hidden", type=_hidden, default=[5, 4], metavar="N,N,...",
                           help="random network's hidden layers (default: 5,4)")
    gradcheck.add_argument("--activation", choices=sorted(activations.ACTIVATIONS),
                           default="tanh", help="random network's activation (default: tanh)")
    gradcheck.add_argument("--loss", choices=sorted(losses.LOSSES), default="mse",
                           help="random network's loss (default: mse)")
    gradcheck.add_argument("--seed", type=int, default=0, help="random network and data")

    export = _sub(
        commands, "export", "write a standalone NumPy-only predict.py for a model",
        "Write a Python script that needs only NumPy and reproduces the model's "
        "predictions bit for bit, preprocessing included.",
        "  glassnet export iris.gnet --to predict.py\n  python predict.py new.csv",
    )
    export.add_argument("model", help="model file written by glassnet train")
    export.add_argument("--to", required=True, metavar="SCRIPT", help="the script to write")
    export.add_argument("--weights-beside", action="store_true",
                        help="write the weights to SCRIPT's .npz instead of embedding them")

    demo = _sub(
        commands, "demo", "replay a tutorial with glassnet and print its error table",
        "Replay a tutorial's network with glassnet, print the tutorial-style error table "
        "and predictions beside the tutorial's own loop.",
        "  glassnet demo\n  glassnet demo walkthrough --no-report\n"
        "  glassnet demo moons --html moons.html",
    )
    demo.add_argument("name", nargs="?", default="ray", choices=sorted(demos.DEMOS),
                      help="which tutorial (default: ray)")
    demo.add_argument("--html", default="auto", metavar="PATH",
                      help="where to write the HTML report (default: glassnet-<name>.html)")
    demo.add_argument("--no-report", action="store_true", help="write no HTML report")
    _add_playground(commands)
    _add_doctor(commands)
    return parser


def _add_playground(commands) -> None:
    playground = _sub(
        commands, "playground", "TensorFlow Playground in the browser, on glassnet's engine",
        "Start a local web server with TensorFlow Playground's page on glassnet's engine "
        "and open it in the browser. A Playground link (or its #hash) opens the same "
        "configuration. Listens on 127.0.0.1 only, on a free port unless --port is given; "
        "Ctrl-C stops it.",
        "  glassnet playground\n"
        "  glassnet playground 'https://playground.tensorflow.org/#dataset=xor&networkShape=4'\n"
        "  glassnet playground --port 8000 --no-browser\n"
        "  glassnet playground two_classes.csv --target species --axes petal_length,petal_width",
    )
    playground.add_argument("url", nargs="?", default="",
                            help="a TensorFlow Playground link or its hash (default: its "
                            "defaults), or a CSV file with --target")
    playground.add_argument("--target", help="with a CSV file: the column to predict (two "
                            "classes, or numbers)")
    playground.add_argument("--axes", type=lambda t: t.split(","), metavar="A,B",
                            help="with a CSV file: the two columns of the heatmaps "
                            "(default: the first two features)")
    playground.add_argument("--settings", metavar="HASH",
                            help="with a CSV file: Playground's settings, e.g. "
                            "'networkShape=8,4&learningRate=0.1'")
    playground.add_argument("--port", type=int, default=0, help="default: a free port")
    playground.add_argument("--host", default="127.0.0.1",
                            help="address to listen on (default: 127.0.0.1, this machine only)")
    playground.add_argument("--allow-remote", action="store_true",
                            help="allow a --host other machines can reach")
    playground.add_argument("--no-browser", action="store_true", help="do not open a browser")


def _add_doctor(commands) -> None:
    doctor_command.add_doctor(commands)  # glassnet doctor: its body is in doctor_command


# -- output ----------------------------------------------------------------------
def _check_writable(path: str, what: str) -> None:
    """Refuse an output path before any work is done (the write itself is atomic)."""
    directory = os.path.dirname(os.path.abspath(path)) or "."
    if os.path.isdir(path):
        raise UsageError(f"{what} {path!r} is a directory; give a file name.")
    problem = (
        "does not exist" if not os.path.isdir(directory)
        else "is not writable" if not os.access(directory, os.W_OK)
        else None
    )
    if problem:
        raise UsageError(f"Cannot write {what} {path!r}: the directory {directory!r} {problem}.")


def _write_text(path: str | None, text: str) -> None:
    if path is None:
        sys.stdout.write(text)
        return
    from glassnet._files import atomic_write

    with atomic_write(path, "w") as handle:
        handle.write(text)


def _table(rows: Sequence[Sequence[object]]) -> str:
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(str(cell).rjust(w) if i else str(cell).ljust(w)
                  for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    )


def _fmt(value: float) -> str:
    """Plain decimals, so that figures of one table line up: 4 places below 10⁴, 1
    above (a price's mae), scientific only where decimals would hide the number."""
    size = abs(value)
    if value == 0 or 1e-3 <= size < 1e4:
        return f"{value:.4f}"
    if 1e4 <= size < 1e12:
        return f"{value:.1f}"
    return f"{value:.4g}"


# -- subcommands -------------------------------------------------------------------
def _load_model(path: str):
    from glassnet.tools.saving import load

    net = load(path)  # says what a path that is no model file is (missing, a directory, ...)
    tabular.check_model(net)
    return net


def cmd_train(args) -> None:
    _check_writable(args.out, "the model file")
    # divergence is reported by TrainingDivergedError; NumPy's overflow warnings
    # on the way there would only add lines above it
    with np.errstate(all="ignore"):
        net, report = tabular.train_table(
            args.data, args.target, task=args.task, hidden=args.hidden,
            activation=args.activation, loss=args.loss, optimizer=args.optimizer, lr=args.lr,
            epochs=args.epochs, batch_size=args.batch_size,
            validation_split=args.validation_split, seed=args.seed,
            verbose=0 if args.quiet else 1,
        )
    net.save(args.out)
    widths = " → ".join(str(w) for w in [net.n_inputs] + [d.n_units for d in net.dense_layers])
    rows = [
        ("", "value"),
        ("task", report.task),
        ("rows (train / validation)", f"{report.n_train} / {report.n_val}"),
        ("features", len(report.feature_names)),
        ("classes", ", ".join(report.class_names) if report.class_names else "-"),
        ("network", f"{widths} ({net.n_params} parameters)"),
        ("epochs", report.epochs_run),
    ]
    for name, value in report.figures.items():
        label = name.replace("_", " ")
        if report.task == "regression" and name in ("loss", "val_loss"):
            label += f" (standardised {net.metadata['target_name']})"  # y' = (y − mean) / std
        rows.append((label, _fmt(value)))
    rows.append(("model file", args.out))
    print(_table(rows))
    for note in report.notes:
        print(f"note: {note}")
    print(doctor_command.summary_line(net, args.data, args.target, args.batch_size))


def cmd_predict(args) -> None:
    if args.out is not None:
        _check_writable(args.out, "the output file")
    net = _load_model(args.model)
    predictions, proba = tabular.predict_table(net, args.data)
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
    _write_text(args.out, buffer.getvalue())
    if args.out is not None:
        print(f"{len(predictions)} predictions written to {args.out}")


def _target(args, net) -> str:
    """--target, or the target column the model was trained on."""
    target = args.target or (getattr(net, "metadata", None) or {}).get("target_name")
    if not target:
        raise UsageError("the model file does not name its target column; give --target.")
    return target


def cmd_evaluate(args) -> None:
    net = _load_model(args.model)
    figures, confusion = tabular.evaluate_table(net, args.data, _target(args, net))
    print(_table([("metric", "value")] + [(k, _fmt(v)) for k, v in figures.items()]))
    if confusion is not None:
        names = net.metadata["class_names"]
        print("\nconfusion matrix (rows: true class, columns: predicted class)")
        print(_table([("", *names)] + [(n, *map(int, row)) for n, row in zip(names, confusion)]))


def cmd_explain(args) -> None:
    if args.html is not None:
        _check_writable(args.html, "the HTML report")
    net = _load_model(args.model)
    X, Y = tabular.labelled_rows(net, args.data, _target(args, net), args.rows)
    lr = args.lr if args.lr is not None else (net.optimizer.lr if net.optimizer else 0.1)
    step = net.trace(X, Y, loss=net.loss or "mse", lr=lr)
    print(step.to_text(width=args.width))
    if args.html is not None:
        step.to_html(args.html, net=net)
        print(f"\nwrote {args.html}")


def cmd_gradcheck(args) -> int:
    from glassnet.glassbox.gradcheck import gradcheck

    if args.model is not None:
        if args.data is None:
            raise UsageError("with a model file, give a labelled CSV file too.")
        net = _load_model(args.model)
        X, Y = tabular.labelled_rows(net, args.data, _target(args, net), args.rows)
        loss = net.loss or "mse"
    else:
        rng = np.random.default_rng(args.seed)
        X, Y = rng.normal(size=(args.rows, 3)), rng.uniform(size=(args.rows, 2))
        net = tabular.build_network(3, args.hidden, 2, args.activation, "sigmoid", args.seed)
        loss = args.loss
    report = gradcheck(net, X, Y, loss=loss)
    print(report)
    return 0 if report.passed else 1


def cmd_export(args) -> None:
    from glassnet.tools.export import export_script

    _check_writable(args.to, "the script")
    net = _load_model(args.model)
    path = export_script(net, args.to, embed=not args.weights_beside, protect=[args.model])
    print(f"wrote {path}: python {path} data.csv  (needs only NumPy)")


def cmd_demo(args) -> None:
    demos.run(args.name, report=None if args.no_report else args.html)


def cmd_playground(args) -> None:
    from glassnet.glassbox.playground.launch import main
    from glassnet.tools.scaling import scale_features, scale_targets, standardise

    args.table = None
    if args.url.lower().endswith(".csv") or os.path.isfile(args.url):
        if not args.target:
            raise UsageError(f"with a CSV file ({args.url}), give --target COLUMN.")
        data = tabular.read_table(args.url, args.target)
        mean, scale = standardise(data.X)  # Playground's learning rates suit unit-size inputs
        X = scale_features(data.X, {"feature_mean": mean, "feature_scale": scale})
        y = np.array(data.class_names)[data.y] if data.class_names else data.y.reshape(-1, 1)
        if not data.class_names:  # numbers: standardised too, as glassnet train does
            tm, ts = standardise(y)
            y = scale_targets(y, {"target_mean": tm, "target_scale": ts}).ravel()
        names = list(data.feature_names)
        for axis in args.axes or []:
            if axis not in names:
                raise UsageError(f"--axes: {axis!r} is not a feature column; the features "
                                 f"are {', '.join(names)}.")
        args.table = (X, y, names, data.target_name)
    main(args)


COMMANDS = {
    "train": cmd_train,
    "predict": cmd_predict,
    "evaluate": cmd_evaluate,
    "explain": cmd_explain,
    "gradcheck": cmd_gradcheck,
    "export": cmd_export,
    "demo": cmd_demo,
    "playground": cmd_playground,
    "doctor": doctor_command.run_doctor,
}


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, FileNotFoundError) and exc.filename:
        return f"File {exc.filename!r} does not exist."
    if isinstance(exc, IsADirectoryError) and exc.filename:
        return f"{exc.filename!r} is a directory, not a file."
    if isinstance(exc, PermissionError) and exc.filename:
        return f"Permission denied for {exc.filename!r}."
    if isinstance(exc, UnicodeDecodeError):
        return f"The file is not UTF-8 text ({exc.reason} at byte {exc.start})."
    return " ".join(str(exc).split())


def _last_resort(exc: BaseException, args) -> str:
    """One line for what no check foresaw: which files, what happened, what to do."""
    files = ", ".join(repr(p) for p in (getattr(args, n, None) for n in _INPUTS) if p)
    on = f" on {files}" if files else ""
    if isinstance(exc, MemoryError):
        detail = _one_line(exc)
        return (f"not enough memory{on}{': ' + detail if detail else ''}. Try a smaller "
                "file, a smaller --batch-size or narrower --hidden layers, or close other "
                "programs.")
    return (f"unexpected {type(exc).__name__}{on}: {_one_line(exc) or 'no message'}. This is "
            "a bug in glassnet; please report it with the command line that caused it.")


#: the options naming files a command writes, and the arguments naming files it reads
_OUTPUTS, _INPUTS = ("out", "html", "to"), ("model", "data")


def _refuse_writing_inputs(args) -> None:
    """No command writes onto a file it reads (by file identity: links, ./x/../ too)."""
    from glassnet._files import check_not_inputs

    inputs = [getattr(args, name, None) for name in _INPUTS]
    for option in _OUTPUTS:
        path = getattr(args, option, None)
        if isinstance(path, str):
            check_not_inputs(path, inputs, f"--{option}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        _refuse_writing_inputs(args)
        status = COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader stopped (| head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except (UsageError, ValueError, TypeError, OSError, TrainingDivergedError) as exc:
        message = _one_line(exc) or _last_resort(exc, args)  # never an empty message
        print(f"glassnet {args.command}: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - MemoryError, or a bug: still one line
        print(f"glassnet {args.command}: error: {_last_resort(exc, args)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"glassnet {args.command}: interrupted", file=sys.stderr)
        return 130
    return status or 0
