"""The ``glassnet`` command line (also ``python -m glassnet``).

Subcommands: ``train``, ``predict``, ``evaluate``, ``explain``, ``datasets``,
``gradcheck``, ``export``, ``demo``, ``playground``, ``doctor``; ``glassnet COMMAND --help``
shows each one's options and examples. Exit status: 0 on success, 2 on bad
input, with one line on stderr saying what was wrong (which file, line and
column, what was expected) and never a traceback. Every output file is written
atomically: to a temporary file beside it, renamed only when complete, so a
failure leaves no partial file.

Each command is a pair, side by side: ``_add_<command>(commands)`` declares its
arguments, ``cmd_<command>(args)`` runs it (returning an exit status, or None
for 0); :data:`COMMANDS` lists the pairs in ``--help`` order. To add a command,
write the pair here (or, for a larger one, as public ``add_<command>`` /
``run_<command>`` in a module of its own, as :mod:`glassnet.tools.table_commands`
does for the table commands) and add one line to :data:`COMMANDS`. Argument
types and model loading are in :mod:`glassnet.tools.arguments`; what commands
print goes through :mod:`glassnet.tools.terminal`.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from glassnet import activations, losses
from glassnet.network import mlp
from glassnet.tools import demos, doctor_command, readers, table_commands, tabular
from glassnet.tools.arguments import (
    EXIT_USAGE,
    Parser,
    hidden,
    load_model,
    positive,
    sub,
    target_column,
)
from glassnet.tools.terminal import UsageError, check_writable
from glassnet.training import TrainingDivergedError

__all__ = ["COMMANDS", "EXIT_USAGE", "UsageError", "build_parser", "main"]


# -- gradcheck ---------------------------------------------------------------------
def _add_gradcheck(commands) -> None:
    gradcheck = sub(
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
    gradcheck.add_argument("--rows", type=positive(int), default=8, help="default: 8")
    gradcheck.add_argument("--hidden", type=hidden, default=[5, 4], metavar="N,N,...",
                           help="random network's hidden layers (default: 5,4)")
    gradcheck.add_argument("--activation", choices=sorted(activations.ACTIVATIONS),
                           default="tanh", help="random network's activation (default: tanh)")
    gradcheck.add_argument("--loss", choices=sorted(losses.LOSSES), default="mse",
                           help="random network's loss (default: mse)")
    gradcheck.add_argument("--seed", type=int, default=0, help="random network and data")


def cmd_gradcheck(args) -> int:
    from glassnet.glassbox.gradcheck import gradcheck

    if args.model is not None:
        if args.data is None:
            raise UsageError("with a model file, give a labelled CSV file too.")
        net = load_model(args.model)
        X, Y, _ = tabular.labelled_rows(net, args.data, target_column(args, net), args.rows)
        loss = net.loss or "mse"
    else:
        rng = np.random.default_rng(args.seed)
        X, Y = rng.normal(size=(args.rows, 3)), rng.uniform(size=(args.rows, 2))
        net = mlp([3, *args.hidden, 2], activation=args.activation, output="sigmoid",
                  init="xavier", seed=args.seed)
        loss = args.loss
    report = gradcheck(net, X, Y, loss=loss)
    print(report)
    return 0 if report.passed else 1


# -- export ------------------------------------------------------------------------
def _add_export(commands) -> None:
    export = sub(
        commands, "export", "write a standalone NumPy-only predict.py for a model",
        "Write a Python script that needs only NumPy and reproduces the model's "
        "predictions bit for bit, preprocessing included.",
        "  glassnet export iris.gnet --to predict.py\n  python predict.py new.csv",
    )
    export.add_argument("model", help="model file written by glassnet train")
    export.add_argument("--to", required=True, metavar="SCRIPT", help="the script to write")
    export.add_argument("--weights-beside", action="store_true",
                        help="write the weights to SCRIPT's .npz instead of embedding them")


def cmd_export(args) -> None:
    from glassnet.tools.export import export_script

    check_writable(args.to, "the script")
    net = load_model(args.model)
    path = export_script(net, args.to, embed=not args.weights_beside, protect=[args.model])
    print(f"wrote {path}: {shlex.join(['python', str(path), 'data.csv'])}  (needs only NumPy)")


# -- demo --------------------------------------------------------------------------
def _add_demo(commands) -> None:
    demo = sub(
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


def cmd_demo(args) -> None:
    demos.run(args.name, report=None if args.no_report else args.html)


# -- playground --------------------------------------------------------------------
def _add_playground(commands) -> None:
    playground = sub(
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
                            "to eight classes, or numbers)")
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


def playground_table(path: str, target: str) -> tuple:
    """A CSV file as the playground's table: (X, y, feature names, target name, task),
    the features standardised (Playground's learning rates suit unit-size inputs), and
    a numeric target too, as ``glassnet train`` does; classes as their names."""
    from glassnet.tools.scaling import scale_features, scale_targets, standardise

    data = readers.load_csv(path, target=target)
    mean, scale = standardise(data.X)
    X = scale_features(data.X, {"feature_mean": mean, "feature_scale": scale})
    y = np.array(data.class_names)[data.y] if data.class_names else data.y.reshape(-1, 1)
    if not data.class_names:  # numbers: standardised too, as glassnet train does
        tm, ts = standardise(y)
        y = scale_targets(y, {"target_mean": tm, "target_scale": ts}).ravel()
    task = "classification" if data.class_names else "regression"
    return X, y, list(data.feature_names), data.target_name, task


def cmd_playground(args) -> None:
    from glassnet.glassbox.playground.launch import main

    args.table = None
    args.read_table = playground_table  # for CSV files dropped on the page
    if args.url.lower().endswith(".csv") or os.path.isfile(args.url):
        if not args.target:
            raise UsageError(f"with a CSV file ({args.url}), give --target COLUMN.")
        args.table = playground_table(args.url, args.target)
        for axis in args.axes or []:
            if axis not in args.table[2]:
                raise UsageError(f"--axes: {axis!r} is not a feature column; the features "
                                 f"are {', '.join(args.table[2])}.")
    main(args)


# -- the table of commands and main ------------------------------------------------------
#: name → (declare its arguments, run it), in --help order
COMMANDS: dict[str, tuple[Callable[[Any], None], Callable[[Any], int | None]]] = {
    "train": (table_commands.add_train, table_commands.run_train),
    "predict": (table_commands.add_predict, table_commands.run_predict),
    "evaluate": (table_commands.add_evaluate, table_commands.run_evaluate),
    "explain": (table_commands.add_explain, table_commands.run_explain),
    "datasets": (table_commands.add_datasets, table_commands.run_datasets),
    "gradcheck": (_add_gradcheck, cmd_gradcheck),
    "export": (_add_export, cmd_export),
    "demo": (_add_demo, cmd_demo),
    "playground": (_add_playground, cmd_playground),
    "doctor": (doctor_command.add_doctor, doctor_command.run_doctor),
}


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="glassnet",
        description="Neural networks from scratch on NumPy, where every number is visible.",
        epilog="examples:\n  glassnet train iris.csv --target species --out iris.gnet\n"
        "  glassnet predict iris.gnet new.csv --out predictions.csv\n  glassnet demo",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for add, _run in COMMANDS.values():
        add(commands)
    return parser


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
        status = COMMANDS[args.command][1](args)
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
