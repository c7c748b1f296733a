"""``python -m visualizer worksheet``: worksheets and answer keys from the command line.

Exit codes: 0 done, 1 a bad argument or an output that cannot be written (one sentence on
stderr, nothing left behind), 2 a usage error (argparse), 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from visualizer.exercises import TOPICS
from visualizer.worksheet.job import plan_worksheets
from visualizer.worksheet.sheet import MAX_COUNT

DEFAULT_TITLE = "Deep learning worksheet"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m visualizer worksheet",
        description=(
            "Write a worksheet of generated exercises (numbered, with room to work) and its "
            "answer key with worked solutions; with --students, one sheet per student. The "
            "same arguments always give the same questions."
        ),
    )
    parser.add_argument(
        "--topics",
        default=",".join(TOPICS),
        metavar="LIST",
        help=f"comma-separated topics from {', '.join(TOPICS)} (default: all four)",
    )
    parser.add_argument(
        "--count",
        type=int,
        default=8,
        help=f"questions per topic, 1 to {MAX_COUNT} (default 8)",
    )
    parser.add_argument("--seed", type=int, default=0, help="which questions (default 0)")
    parser.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help=(
            "the sheet: a .pdf or .md file; with --students a folder (a .pdf or .md suffix "
            "picks the format and is left out of the folder's name; default PDF)"
        ),
    )
    parser.add_argument(
        "--answers",
        metavar="PATH",
        help="the answer key: a .pdf or .md file; with --students a folder of keys",
    )
    parser.add_argument(
        "--students",
        metavar="ROSTER",
        help="a CSV with a 'name' column, or one name per line: one sheet per student",
    )
    parser.add_argument("--title", default=DEFAULT_TITLE, help=f"(default: {DEFAULT_TITLE})")
    return parser


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None) -> int:
    """Run the worksheet command; returns the exit code."""
    err = stderr or sys.stderr
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        plan = plan_worksheets(
            topics=args.topics.split(","),
            count=args.count,
            seed=args.seed,
            out=args.out,
            answers=args.answers,
            roster=args.students,
            title=args.title,
        )
        steps = plan.steps()
        try:
            for done in steps:
                if plan.students is not None:
                    _progress(err, done, plan.total)
        except KeyboardInterrupt:
            steps.close()  # removes the temporary files
            print("\nInterrupted: nothing was written.", file=err)
            return 130
    except ValueError as exc:
        print(f"error: {exc}", file=err)
        return 1
    written = f"{plan.out}" + (f" and {plan.answers}" if plan.answers else "")
    print(f"Wrote {written}.")
    return 0


def _progress(err: TextIO, done: int, total: int) -> None:
    """``student 17 of 200``: rewritten in place on a terminal, one line each in a log."""
    text = f"student {done} of {total}"
    if err.isatty():
        print(f"\r{text}", end="\n" if done == total else "", file=err, flush=True)
    else:
        print(text, file=err)
