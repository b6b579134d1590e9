"""The command line's argument types and shared steps: one-line argparse errors,
subcommands with examples, hidden sizes, fractions, positive numbers, and loading
a model file for a command.

Used by :mod:`glassnet.tools.cli` and by the modules that hold its commands
(:mod:`glassnet.tools.table_commands`); a new command takes its helpers here.
"""

from __future__ import annotations

import argparse

from glassnet.tools import tabular
from glassnet.tools.terminal import UsageError

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """argparse, but its errors are one line too (no usage block above them)."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def sub(commands, name: str, help: str, description: str, examples: str) -> Parser:
    return commands.add_parser(
        name,
        help=help,
        description=description,
        epilog="examples:\n" + examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


# -- argument types ----------------------------------------------------------------
def hidden(text: str) -> list[int]:
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


def checked(kind, accepts, expected: str):
    """An argparse ``type=``: ``kind(text)`` when it parses and ``accepts`` it, else
    "expected <expected>, got '<text>'" (NaN is accepted by no comparison)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not accepts(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


fraction = checked(float, lambda v: 0 <= v < 1, "a fraction in [0, 1), such as 0.2")
non_negative = checked(float, lambda v: 0 <= v < float("inf"), "a finite number >= 0")


def positive(kind):
    return checked(kind, lambda v: v > 0, f"a positive {kind.__name__}")


def model_and_labelled_data(command: argparse.ArgumentParser) -> None:
    command.add_argument("model", help="model file written by glassnet train")
    command.add_argument("data", help="CSV file with the features and the target")
    command.add_argument("--target", help="name of the target column (default: the one the "
                         "model was trained on)")


def load_model(path: str):
    from glassnet.tools.saving import load

    net = load(path)  # says what a path that is no model file is (missing, a directory, ...)
    tabular.check_model(net)
    return net


def target_column(args, net) -> str:
    """--target, or the target column the model was trained on."""
    target = args.target or (getattr(net, "metadata", None) or {}).get("target_name")
    if not target:
        raise UsageError("the model file does not name its target column; give --target.")
    return target
