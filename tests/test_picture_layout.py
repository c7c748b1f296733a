"""The shared picture-first layout: collapse with a click, remember sizes, presentation."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from visualizer.tabs.base import TopicTab
from visualizer.tabs.topic_model import TopicModel
from visualizer.widgets.picture_layout import PictureLayout


class _Tab(TopicTab):
    def __init__(self) -> None:
        super().__init__(TopicModel())
        self.layout_widget = PictureLayout(QLabel("picture"), QLabel("settings"), parent=self)
        self.layout_widget.resize(1000, 600)
        self.finish_build()


def test_click_collapses_and_brings_back_the_panel(qtbot):
    layout = PictureLayout(QLabel("picture"), QLabel("settings"))
    qtbot.addWidget(layout)
    layout.resize(1000, 600)
    layout.show()
    layout.splitter.setSizes([700, 300])
    heard: list[bool] = []
    layout.sideToggled.connect(heard.append)
    layout.toggle.click()
    assert layout.is_side_collapsed() and not layout.side.isVisible()
    assert layout.splitter.sizes()[1] == 0
    assert "Show the settings" in layout.toggle.toolTip()
    layout.toggle.click()
    assert not layout.is_side_collapsed() and layout.side.isVisible()
    assert abs(layout.splitter.sizes()[1] - 300) <= 2  # the width it had, remembered
    assert heard == [False, True]


def test_presentation_collapses_and_restores_what_was_there(qtbot):
    tab = _Tab()
    qtbot.addWidget(tab)
    tab.show()
    layout = tab.layout_widget
    tab.set_presentation(True)
    assert layout.is_side_collapsed()
    tab.set_presentation(False)
    assert not layout.is_side_collapsed()
    layout.set_side_collapsed(True)  # collapsed by the teacher before presenting
    tab.set_presentation(True)
    tab.set_presentation(False)
    assert layout.is_side_collapsed()


def test_toggle_side_panel_and_layout_state_round_trip(qtbot):
    tab = _Tab()
    qtbot.addWidget(tab)
    tab.show()
    tab.layout_widget.splitter.setSizes([600, 400])
    saved = tab.layout_state()
    tab.toggle_side_panel()
    assert tab.layout_widget.is_side_collapsed()
    tab.restore_layout_state(saved)
    assert not tab.layout_widget.is_side_collapsed()
    assert abs(tab.layout_widget.splitter.sizes()[1] - 400) <= 2
