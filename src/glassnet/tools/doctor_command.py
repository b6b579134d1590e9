"""``glassnet doctor model.gnet data.csv``: the training doctor on a saved model.

The model's own loss, optimizer, learning rate and history are judged on the
CSV's rows, scaled as in training. Exit status 0 when no finding is an error, 1
when one is (as ``glassnet gradcheck`` for a failed check), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys

from glassnet.glassbox.doctor import Diagnosis, doctor
from glassnet.tools import tabular

DESCRIPTION = (
    "Diagnose a trained model on a labelled CSV file: the training doctor measures the "
    "network (saturated and dead units, gradient flow), trains a copy for a few epochs with "
    "the model's own settings and reads its history, then names each problem with the "
    "numbers behind it and a fix. Exit status 1 if a finding is an error."
)
EXAMPLES = (
    "  glassnet doctor iris.gnet iris.csv\n"
    "  glassnet doctor houses.gnet houses.csv --target price --batch-size 32 --json"
)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive int, got {text!r}")
    return value


def add_doctor(commands) -> None:
    """Declare ``glassnet doctor`` and its arguments on the CLI's subcommands."""
    command = commands.add_parser(
        "doctor", help="say what is wrong with a model's training, and how to fix it",
        description=DESCRIPTION, epilog="examples:\n" + EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("model", help="model file written by glassnet train")
    command.add_argument("data", help="CSV file with the features and the target")
    command.add_argument("--target", help="name of the target column (default: the one the "
                         "model was trained on)")
    command.add_argument("--batch-size", type=_positive_int, default=None,
                         help="rows per step of the probe run (default: full batch)")
    command.add_argument("--json", action="store_true", help="print the findings as JSON")


def load_model(path: str):
    from glassnet.tools.saving import load

    if not os.path.isfile(path):
        raise ValueError(f"Model file {path!r} does not exist.")
    net = load(path)
    tabular.check_model(net)
    return net


def diagnose_file(net, data: str, target: str, batch_size: int | None = None) -> Diagnosis:
    """The doctor on a model and a labelled CSV file, rows scaled as in training."""
    X, Y, _ = tabular.labelled_rows(net, data, target)
    try:
        return doctor(net, X, Y, batch_size=batch_size)
    except TypeError as exc:  # a network the doctor does not follow: bad input, one line
        raise ValueError(str(exc)) from None


def run_doctor(args) -> int:
    """Print the diagnosis of the model on the CSV's rows; 1 if a finding is an error."""
    net = load_model(args.model)
    target = args.target or net.metadata.get("target_name")
    if not target:
        raise ValueError("the model file does not name its target column; give --target.")
    diagnosis = diagnose_file(net, args.data, target, args.batch_size)
    if args.json:
        json.dump(diagnosis.to_dict(), sys.stdout, indent=2, default=float)
        sys.stdout.write("\n")
    else:
        print(diagnosis)
    return 1 if diagnosis.has_error else 0


def summary_line(net, data: str, target: str, batch_size: int | None = None,
                 model: str | None = None) -> str:
    """One line for ``glassnet train``'s summary: the top finding with its fix. The model
    is already trained and saved, so a doctor that cannot run says so and no more."""
    try:
        diagnosis = diagnose_file(net, data, target, batch_size)
    except (ValueError, TypeError, MemoryError) as exc:
        return f"doctor: not run ({' '.join(str(exc).split())})"
    top = diagnosis.top
    if top is None:
        return "doctor: nothing wrong found"
    if top.severity == "info":  # the same findings `glassnet doctor` lists, counted
        notes = [f.code for f in diagnosis if f.severity == "info"]
        count = f"1 note ({notes[0]})" if len(notes) == 1 else \
            f"{len(notes)} notes ({', '.join(notes)})"
        command = shlex.join(["glassnet", "doctor", str(model or "MODEL"), str(data)])
        return f"doctor: no warning or error; {count}: {command} explains"
    return f"doctor: {top.one_line}"
