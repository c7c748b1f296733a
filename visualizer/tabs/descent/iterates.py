"""The iterate table without Qt: its columns, how a cell reads, and the table as CSV text.

One row per step ``t = 0 .. steps`` of a :class:`Trajectory` (rows stop at the step where the
run diverged): ``t``, ``x_t``, ``f(x_t)``, ``f'(x_t)``, then the state the method carries.
Which state columns appear follows compute's method sets, so a method added there gets its
columns without a change here: ``v_t`` for a velocity (``m_t`` when the method also keeps a
second moment, as Adam does), ``s_t`` for a running sum or average of g².
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from visualizer.compute.descent import MOMENTUM_METHODS, SECOND_MOMENT_METHODS, Trajectory

#: Significant digits in the table: the sheet's code prints ~16, students compare ~6.
TABLE_DIGITS = 7


def format_cell(value: float, digits: int = TABLE_DIGITS) -> str:
    """One number for the table; never "nan"/"inf"."""
    if math.isnan(value):
        return "—"
    if math.isinf(value):
        return "overflow"
    # "#": keep trailing zeros, so every cell shows the same number of significant digits
    # (-0.1601400, not -0.16014, which would look less precise than it is)
    text = f"{value:#.{digits}g}"
    if text.endswith("."):
        text = text[:-1]
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def velocity_name(method: str) -> str | None:
    """What the method's carried velocity is called ("v", Adam's "m"), or None without one."""
    if method not in MOMENTUM_METHODS:
        return None
    return "m" if method in SECOND_MOMENT_METHODS else "v"


@dataclass(frozen=True)
class IterateColumns:
    """The table of one run: a header and a column of numbers per column (``t`` first)."""

    headers: list[str]
    values: list[NDArray[np.float64]]
    rows: int
    diverged_at: int | None

    def value(self, row: int, column: int) -> float:
        """The raw number behind a cell (``t`` for column 0)."""
        return float(self.values[column][row])

    def text(self, row: int, column: int) -> str:
        """The cell as shown: 7 significant digits; the row of divergence says so."""
        if column == 0:
            return str(row)
        if self.diverged_at is not None and row == self.diverged_at:
            return "diverged" if column == 1 else ""
        return format_cell(self.value(row, column))

    def csv(self, rows: list[int] | None = None, sep: str = ",") -> str:
        """CSV (or tab-separated) text at full float precision, header first."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
        writer.writerow(self.headers)
        for row in range(self.rows) if rows is None else rows:
            cells = [str(row)]
            for column in range(1, len(self.headers)):
                v = self.value(row, column)
                cells.append(repr(v) if math.isfinite(v) else "")
            writer.writerow(cells)
        return buffer.getvalue()


def iterate_columns(traj: Trajectory, f_name: str = "f") -> IterateColumns:
    """The iterate table of ``traj`` (``f_name`` names the curve in the headers: "GeLU")."""
    n = traj.steps + 1
    fx = traj.fx if traj.fx is not None else np.full(n, np.nan)
    if traj.x.ndim > 1:
        return _surface_columns(traj, fx, f_name)
    headers = ["t", "x_t", f"{f_name}(x_t)", f"{f_name}'(x_t)"]
    values = [np.arange(n, dtype=float), traj.x, fx, traj.grad]
    name = velocity_name(traj.method)
    if name is not None:
        headers.append(f"{name}_t")
        values.append(traj.velocity)
    if traj.method in SECOND_MOMENT_METHODS:
        headers.append("s_t")
        values.append(traj.second_moment)
    rows = n if traj.diverged_at is None else traj.diverged_at + 1
    return IterateColumns(headers, values, rows, traj.diverged_at)


def _surface_columns(traj: Trajectory, fx: NDArray[np.float64], f_name: str) -> IterateColumns:
    """A run on a surface: both coordinates of every vector, as x_t, y_t, ∂f/∂x, ∂f/∂y..."""
    n = traj.steps + 1
    headers = ["t", "x_t", "y_t", f"{f_name}(x_t)", "∂f/∂x", "∂f/∂y"]
    values = [np.arange(n, dtype=float), traj.x[:, 0], traj.x[:, 1], fx]
    values += [traj.grad[:, 0], traj.grad[:, 1]]
    name = velocity_name(traj.method)
    if name is not None:
        headers += [f"{name}x_t", f"{name}y_t"]
        values += [traj.velocity[:, 0], traj.velocity[:, 1]]
    if traj.method in SECOND_MOMENT_METHODS:
        headers += ["sx_t", "sy_t"]
        values += [traj.second_moment[:, 0], traj.second_moment[:, 1]]
    rows = n if traj.diverged_at is None else traj.diverged_at + 1
    return IterateColumns(headers, values, rows, traj.diverged_at)
