"""The ``glassnet`` command line (also ``python -m glassnet``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from glassnet import demos


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="Neural networks from scratch on NumPy, where every number is visible.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="replay a tutorial with glassnet and print its error table",
        description="Replay a tutorial's network with glassnet, print the tutorial-style "
        "error table and predictions beside the tutorial's own loop.",
        epilog="examples:\n  glassnet demo\n  glassnet demo walkthrough",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "name",
        nargs="?",
        default="ray",
        choices=sorted(demos.DEMOS),
        help="which tutorial (default: ray)",
    )
    demo.add_argument(
        "--html",
        default="auto",
        metavar="PATH",
        help="where to write the HTML report (default: glassnet-<name>.html)",
    )
    demo.add_argument("--no-report", action="store_true", help="write no HTML report")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    if args.command == "demo":
        demos.run(args.name, report=None if args.no_report else args.html)
    return 0
