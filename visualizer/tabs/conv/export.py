"""The convolution topic exported as text: the output table (CSV) and the worked solution.

Plain Python (no Qt), so worksheets and scripts export without a window.
"""

from __future__ import annotations

import numpy as np

from visualizer.compute import conv
from visualizer.tabs.conv import explain
from visualizer.tabs.conv.channels import ChannelResult, channel_focus, channel_names
from visualizer.tabs.conv.grid_text import cell_text
from visualizer.tabs.conv.model import ConvModel
from visualizer.tabs.conv.transposed import transposed_focus

#: The worked solution writes out at most this many sums (a 64x64 output would be 4096).
MAX_WRITTEN_CELLS = 64


def table_csv(model: ConvModel) -> str:
    """The output grid as CSV (a header row, then one row per output row); "" without one.

    With channels every output channel's rows follow each other, with a channel column.
    """
    found = model.channel_result()
    if found is not None:
        return _channels_csv(found)
    out = model.result.output
    if out is None:
        return ""
    lines = ["row," + ",".join(f"col {j + 1}" for j in range(out.shape[1]))]
    for i, row in enumerate(out.tolist()):
        lines.append(f"{i + 1}," + ",".join(f"{v:.10g}" for v in row))
    return "\n".join(lines) + "\n"


def _channels_csv(found: ChannelResult) -> str:
    out = found.output
    if out is None or found.stale:
        return ""
    lines = ["channel,row," + ",".join(f"col {j + 1}" for j in range(out.shape[2]))]
    for o, grid in enumerate(out.tolist()):
        for i, row in enumerate(grid):
            lines.append(f"{o + 1},{i + 1}," + ",".join(f"{v:.10g}" for v in row))
    return "\n".join(lines) + "\n"


def _channels_markdown(model: ConvModel, found: ChannelResult) -> list[str]:
    """Channels: each input channel, each kernel's slices and bias, the shape, each sum."""
    s = model.settings
    names = channel_names(s, found.inputs.shape[0])
    md: list[str] = []
    picture = s.view == "image"
    if not picture:
        for c, name in enumerate(names):
            md += [f"## Input {name}", "", *markdown_grid(found.inputs[c]), ""]
    for o in range(found.weights.shape[0]):
        bias = conv.format_number(float(found.bias[o]))
        md += [f"## Kernel {o + 1} (bias b{o + 1} = {bias})", ""]
        for c in range(found.weights.shape[1]):
            name = names[c] if c < len(names) else f"slice {c + 1}"
            md += [f"Slice {c + 1} (for {name}):", "", *markdown_grid(found.weights[o, c]), ""]
    words = explain.mode_words(s.mode)
    md += [
        f"Operation: {words}, padding p = {s.padding}, stride s = {s.stride}, "
        f"dilation d = {s.dilation}.",
        "",
        "## Shape and parameters",
        "",
        f"- shape: {found.shape_text}",
        f"- parameters: {found.parameters_text}",
        "",
    ]
    out = found.output
    if found.error:
        kept = " (the last valid output is shown)" if found.stale else ""
        md += [f"Does not fit{kept}: {found.error}", ""]
    if out is None or found.stale or picture:
        return md
    md += ["## Each output cell (the bias plus one sum of products per channel)", ""]
    cells = [(o, r, c) for o in range(out.shape[0]) for r, c in np.ndindex(*out.shape[1:])]
    for o, r, c in cells[:MAX_WRITTEN_CELLS]:
        found_cell = channel_focus(s, found, o, r, c)
        md.append(f"- channel {o + 1}, ({r + 1}, {c + 1}): {found_cell.formula}")
        md += [f"  - {line}" for line in found_cell.per_channel]
    if len(cells) > MAX_WRITTEN_CELLS:
        md.append(f"- ... and {len(cells) - MAX_WRITTEN_CELLS} more cells")
    md.append("")
    for o in range(out.shape[0]):
        md += [f"## Output channel {o + 1}", "", *markdown_grid(out[o]), ""]
    return md


def markdown_grid(grid: np.ndarray) -> list[str]:
    cols = grid.shape[1]
    lines = ["| " + " | ".join(f"c{j + 1}" for j in range(cols)) + " |"]
    lines.append("|" + "---|" * cols)
    for row in grid.tolist():
        lines.append("| " + " | ".join(conv.format_number(v) for v in row) + " |")
    return lines


def worked_solution_markdown(model: ConvModel) -> str:
    """Every step of the current settings as Markdown: sizes, each sum, pooling, the solver."""
    s, res = model.settings, model.result
    kind = (
        "cross-correlation (no kernel flip)"
        if s.mode == "correlation"
        else f"{explain.mode_words(s.mode)} (kernel flipped)"
    )
    md = [f"# Convolution: {model.preset}", ""]
    found = model.channel_result()
    if found is not None:
        md += _channels_markdown(model, found)
        md += ["## Solving the size formula", "", explain.solver_answer(s)[1], ""]
        return "\n".join(md)
    md += ["## Input", "", *markdown_grid(res.input), ""]
    md += ["## Kernel", "", *markdown_grid(res.kernel), ""]
    if s.mode == "convolution":
        md += ["Flipped kernel (what slides over the input):", ""]
        md += [*markdown_grid(res.kernel[::-1, ::-1]), ""]
    extra = f", dilation d = {s.dilation}" if s.dilation > 1 else ""
    if s.mode == "transposed":
        kind = f"transposed convolution ({s.transposed_view} view)"
        extra += f", output padding {s.output_padding}"
    md += [f"Operation: {kind}, padding p = {s.padding}, stride s = {s.stride}{extra}.", ""]
    if res.output is None:
        md += [f"No window fits: {res.error}", ""]
        return "\n".join(md)
    md += ["## Output size", ""]
    md += [f"- rows: {res.formula_rows}", f"- columns: {res.formula_cols}", ""]
    if res.equivalent is not None:
        md += ["## Zeros inserted and padded (the equivalent convolution's input)", ""]
        md += [*markdown_grid(res.padded), ""]
    elif s.padding and s.mode != "transposed":
        md += ["## Zero-padded input", "", *markdown_grid(res.padded), ""]
    md += ["## Each output cell (sum of products)", ""]
    out = res.output
    for index in range(min(out.size, MAX_WRITTEN_CELLS)):
        r, c = divmod(index, out.shape[1])
        if s.mode == "transposed":
            text = transposed_focus(s, res, r, c).formula
        else:
            text = conv.format_sum_of_products(explain.conv_terms(s, res, r, c))
        md.append(f"- ({r + 1}, {c + 1}): {text}")
    if out.size > MAX_WRITTEN_CELLS:
        md.append(f"- ... and {out.size - MAX_WRITTEN_CELLS} more cells")
    md += ["", "## Output", "", *markdown_grid(out), ""]
    if explain.is_sheet_exercise(s):
        md += [
            "Note: the sheet's table shows -2.5 at row 4, column 3; -12.5 is right "
            "(its own pooling line uses -12.5).",
            "",
        ]
    if res.pooled is not None and res.pool_source is not None:
        md += [
            f"## {s.pool_size}x{s.pool_size} {explain.pool_words(s.pool_mode)} pooling, "
            f"stride {s.pool_stride}, of the {s.pool_source}",
            "",
        ]
        for index in range(min(res.pooled.size, MAX_WRITTEN_CELLS)):
            r, c = divmod(index, res.pooled.shape[1])
            md.append(f"- ({r + 1}, {c + 1}): {explain.pool_terms(s, res, r, c).text()}")
        md += ["", *markdown_grid(res.pooled), ""]
        if explain.sheet_note_pool(s, 0, 0):
            md += [
                "Note: the sheet writes 11.75 for the first pooled cell; its own sum "
                "(15.5 + 21 + 4.5 + 30)/4 is 17.75.",
                "",
            ]
        if res.as_conv is not None and res.as_conv_kernel is not None:
            md += [
                f"As a convolution: correlating with a {s.pool_size}x{s.pool_size} kernel of "
                f"{cell_text(float(res.as_conv_kernel[0, 0]))} at stride {s.pool_stride} "
                "gives the same grid:",
                "",
                *markdown_grid(res.as_conv),
                "",
            ]
    back = model.backward
    if back is not None and back.grad_input is not None and back.grad_kernel is not None:
        assert back.grad_output is not None
        md += ["## Backward pass", ""]
        if back.grad_pooled is not None:
            md += ["Upstream gradient dL/dP (at the pool):", "", *markdown_grid(back.grad_pooled)]
            md += [""]
        md += ["dL/dY:", "", *markdown_grid(back.grad_output), ""]
        md += ["dL/dX (dL/dY scattered back through the kernel):", ""]
        md += [*markdown_grid(back.grad_input), ""]
        md += ["dL/dW (the padded input correlated with dL/dY):", ""]
        md += [*markdown_grid(back.grad_kernel), ""]
    md += ["## Solving the size formula", "", explain.solver_answer(s)[1], ""]
    return "\n".join(md)
