"""The descent tab's Markdown report: every step of the selected run worked out (File > Export)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from visualizer.compute.descent import (
    BETA2_METHODS,
    METHOD_LABELS,
    METHOD_RULES,
    MOMENTUM_METHODS,
    SECOND_MOMENT_METHODS,
)
from visualizer.compute.descent_text import classify_run, worked_solution

if TYPE_CHECKING:
    from visualizer.tabs.descent.model import DescentModel


def worked_solution_markdown(model: DescentModel) -> str:
    """The selected run's rule, settings and every step with the numbers put in (pairs on a
    surface); in a race, each runner's standing at the end."""
    s = model.settings
    preset = model.preset()
    title = preset.label if preset is not None else "Gradient descent"
    if model.on_surface:
        formula = f"Surface: {model.surface.formula}"
    else:
        formula = f"Curve: {model.objective.formula}"
    lines = [f"# {title}", "", formula, ""]
    lines.append(f"Method: {METHOD_LABELS.get(s.method, s.method)}")
    rule = METHOD_RULES.get(s.method, "")
    if model.on_surface:
        # (on a surface every quantity is a pair: the slope is the gradient)
        rule = rule.replace("f'(x)", "∇f(x)").replace("f′(x)", "∇f(x)")
    lines.extend(["", "```", rule, "```", ""])
    start = f"({s.x0:g}, {s.y0:g})" if s.on_surface else f"{s.x0:g}"
    numbers = f"lr = {s.lr:g}, x0 = {start}, steps = {s.steps}"
    if s.method in MOMENTUM_METHODS:
        numbers += f", β = {s.beta:g}"
    if s.method in BETA2_METHODS:
        numbers += f", β2 = {s.beta2:g}"
    if s.method in SECOND_MOMENT_METHODS:
        numbers += f", ε = {s.eps:g}"
    lines.extend([numbers, ""])
    block: list[str] = []
    for text in worked_solution(model.trajectory, model.f_name):
        if text == "":
            if block:
                lines.extend(["```", *block, "```", ""])
            block = []
        else:
            block.append(text)
    if block:
        lines.extend(["```", *block, "```", ""])
    x_range, y_range = model.view_ranges()
    status = classify_run(model.trajectory, x_range=x_range, y_range=y_range)
    lines.append(f"**Status:** {status.message}")
    runners = model.runners()
    if len(runners) > 1:
        lines.extend(["", f"## The race at step {s.steps}", ""])
        for k in range(len(runners)):
            mark = " (selected: the steps above)" if k == model.selected_index else ""
            lines.append(f"{k + 1}. {model.runner_status(k, s.steps)}{mark}")
    return "\n".join(lines) + "\n"
