"""The race (issue 14): tick methods with their own lr and β, pick the runner shown, lessons."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.helpers import shown_tab
from visualizer.app import create_window
from visualizer.compute import descend
from visualizer.tabs.descent import race
from visualizer.tabs.descent.items import RUNNER_COLORS
from visualizer.tabs.descent.model import PRESET_SETTINGS, DescentModel, RacerSettings
from visualizer.tabs.descent.tab import DescentTab


def hand_heavy_ball(grad, start, lr, beta, steps):
    """PyTorch's SGD with momentum written out: v = β·v + g, x = x − lr·v."""
    x, v = np.array(start, dtype=float), np.zeros(2)
    out = [x.copy()]
    for _ in range(steps):
        v = beta * v + grad(x)
        x = x - lr * v
        out.append(x.copy())
    return np.array(out)


@pytest.fixture
def tab(qtbot):
    widget = shown_tab(qtbot, DescentTab())
    widget.load_preset("rosenbrock race")
    return widget


def methods(model: DescentModel) -> list[str]:
    return [r.method for r, _traj in model.runners()]


# ----- the race's edits, without Qt ---------------------------------------------------------
def test_selecting_keeps_every_runner_in_its_place():
    settings = PRESET_SETTINGS["rosenbrock race"]
    before = race.runner_order(settings)
    chosen = race.with_selected(settings, 3)
    assert race.runner_order(chosen) == before
    assert chosen.selected == 3 and chosen.method == "adam" and chosen.lr == 0.05
    assert chosen.checked() == chosen


def test_adding_changing_and_removing_runners():
    settings = race.with_selected(PRESET_SETTINGS["rosenbrock race"], 2)
    with pytest.raises(ValueError, match="at most 6"):
        race.with_runner_added(
            race.with_runner_added(settings, RacerSettings("adagrad", 0.2)),
            RacerSettings("gd", 0.002),
        )
    changed = race.with_runner(settings, 0, RacerSettings("gd", 0.0005))
    assert race.runner_order(changed)[0] == RacerSettings("gd", 0.0005)
    assert changed.method == "nesterov"  # the selected runner is still runner 2
    fewer = race.with_runner_removed(settings, 0)  # before the selected one
    assert fewer.selected == 1 and fewer.method == "nesterov"
    gone = race.with_runner_removed(settings, 2)  # the selected one: the next is selected
    assert gone.selected == 2 and gone.method == "adam"
    last = race.with_runner_removed(race.with_selected(settings, 4), 4)
    assert last.selected == 3 and last.method == "adam"
    alone = PRESET_SETTINGS["himmelblau"]
    with pytest.raises(ValueError, match="at least one"):
        race.with_runner_removed(alone, 0)


def test_default_racers_suit_the_surface():
    ravine = PRESET_SETTINGS["ravine"]
    assert race.default_racer(ravine, "gd").lr == 0.18  # 1.8 / κ
    momentum = race.default_racer(ravine, "momentum")  # the sheet's EMA: the same steps
    assert momentum.lr * (1 - momentum.beta) == pytest.approx(0.18)
    rosen = PRESET_SETTINGS["rosenbrock race"]
    assert race.default_racer(rosen, "nesterov").lr == 0.001
    assert race.default_racer(rosen, "adam").lr == 0.05  # 1.25% of the width 4


# ----- the race panel -----------------------------------------------------------------------
def test_ticking_a_method_races_it_with_its_own_numbers(tab):
    panel = tab.race_panel
    assert panel.isVisible()
    assert [m for ticked, m, _sel in panel.row_texts() if ticked] == [
        "GD", "heavy ball", "Nesterov", "Adam", "RMSProp",
    ]  # fmt: skip
    row = panel.row_of("adagrad", racing=False)
    assert row.lr_field.submit("0.3")  # typed before ticking: kept for when it races
    row.tick.setChecked(True)
    assert methods(tab.model)[-1] == "adagrad"
    s = tab.model.settings
    expected = descend(tab.model.surface.grad, (s.x0, s.y0), 0.3, s.steps, "adagrad")
    np.testing.assert_array_equal(tab.model.runners()[-1][1].x, expected.x)
    # a seventh runner is refused with the reason
    messages = []
    panel.statusMessage.connect(messages.append)
    panel.row_of("momentum", racing=False).tick.setChecked(True)
    assert len(tab.model.runners()) == 6 and "at most 6" in messages[-1]
    assert not panel.row_of("momentum").tick.isChecked()


def test_each_runner_has_its_own_lr_and_beta(tab):
    panel = tab.race_panel
    row = panel.row_of("heavy_ball")
    assert row.lr_field.submit("0.0015") and row.beta_field.submit("0.8")
    racer, traj = tab.model.runners()[1]
    assert (racer.method, racer.lr, racer.beta) == ("heavy_ball", 0.0015, 0.8)
    s = tab.model.settings
    np.testing.assert_allclose(
        traj.x, hand_heavy_ball(tab.model.surface.grad, (s.x0, s.y0), 0.0015, 0.8, s.steps),
        rtol=1e-12,
    )  # fmt: skip
    assert s.method == "gd" and s.lr == 0.001  # the selected run is untouched
    panel.row_of("nesterov").tick.setChecked(False)
    assert methods(tab.model) == ["gd", "heavy_ball", "adam", "rmsprop"]
    assert not row.lr_field.error()


def test_the_round_button_and_the_legend_pick_the_runner_shown(tab, qtbot):
    tab.set_frame(5)
    colors_before = [r.color for r in tab.surface.runners]
    tab.race_panel.row_of("heavy_ball").select.click()
    assert tab.model.selected_index == 1 and tab.model.settings.method == "heavy_ball"
    assert tab.frame() == 5
    assert "v5 = β*v4 + ∇f(x4)" in tab.worked_text()
    # every runner keeps its colour; the worked run's path is the selected one's
    assert [r.color for r in tab.surface.runners] == colors_before
    assert tab.surface.selected_runner.color == RUNNER_COLORS[1]
    # the legend: click Adam's entry
    QApplication.processEvents()
    legend = tab.surface.legend
    pos = tab.surface.mapFromScene(legend.row_center(3))
    qtbot.mouseClick(tab.surface.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tab.model.selected_index == 3 and tab.model.settings.method == "adam"
    assert tab.model.settings.x0 == -1.2  # a legend click is not a new start
    assert "m5 = β*m4 + (1-β)*g = 0.9 × (" in tab.worked_text()
    assert [sel for _t, _m, sel in tab.race_panel.row_texts()][:5] == [
        False, False, False, True, False,
    ]  # fmt: skip


def test_the_panel_hides_on_a_curve(tab):
    tab.load_preset("1a")
    assert not tab.race_panel.isVisible()
    assert "race" in tab.lockable_controls()


def test_lesson_round_trip_of_a_race_built_in_the_panel(qtbot):
    window = create_window(initial_tab="descent")
    qtbot.addWidget(window)
    window.show()
    tab = window.tab("descent")
    tab.load_preset("ravine")
    panel = tab.race_panel
    panel.row_of("nesterov", racing=False).tick.setChecked(True)
    panel.row_of("nesterov").lr_field.submit("0.12")
    panel.row_of("adam", racing=False).tick.setChecked(True)
    panel.row_of("nesterov").select.click()
    tab.set_frame(17)
    QApplication.processEvents()
    lesson = window.lesson("my race")
    state = lesson.tabs["descent"]
    assert state["params"]["selected"] == 2
    assert [r["method"] for r in state["params"]["racers"]] == ["gd", "heavy_ball", "adam"]
    legend = tab.surface.legend_texts()
    rows = panel.row_texts()
    tab.load_preset("1a")
    assert "selected" not in tab.state()["params"]
    window.apply_lesson(lesson)
    QApplication.processEvents()
    assert tab.state() == state
    assert tab.frame() == 17 and tab.model.settings.method == "nesterov"
    assert tab.model.settings.lr == 0.12
    assert tab.surface.legend_texts() == legend
    assert panel.row_texts() == rows
