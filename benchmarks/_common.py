"""Helpers shared by the benchmark scripts: timing loops and ratio reports."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def headless_env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # An installed app runs from cached bytecode (pip compiles it); a shell that sets
    # PYTHONDONTWRITEBYTECODE would make every child recompile our modules at each start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def median_time(fn: Callable[[], object], *, repeat: int = 7, number: int = 1) -> float:
    """Median over ``repeat`` rounds of the mean time of ``number`` calls, in seconds."""
    fn()  # warm-up: first-call costs are not what we compare
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def run_child(args: list[str]) -> tuple[float, int]:
    """Run a child Python process; return (wall seconds, peak resident memory in KiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, *args],
        env=headless_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        raise RuntimeError(f"{args} failed with {proc.returncode}:\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return elapsed, usage.ru_maxrss


def report(name: str, ours: float, baseline: float, target: str, *, unit: str = "ms") -> float:
    ratio = ours / baseline
    scale = 1000.0 if unit == "ms" else 1.0
    print(
        f"{name}: ours {ours * scale:.2f} {unit}, baseline {baseline * scale:.2f} {unit}, "
        f"ratio {ratio:.3f} (target {target})"
    )
    return ratio
