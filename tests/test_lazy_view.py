"""BuiltOnFirstUse: a tab's view is built on first read, once, and styled if built late."""

from visualizer.tabs.lazy_view import BuiltOnFirstUse


class FakeTab:
    def __init__(self) -> None:
        self.builds = 0
        self.styled = 0
        self._built = False

    def _make(self) -> object:
        self.builds += 1
        return object()

    view = BuiltOnFirstUse(_make)

    def is_built(self) -> bool:
        return self._built

    def apply_styles(self) -> None:
        self.styled += 1


def test_nothing_is_built_until_read_and_then_only_once():
    tab = FakeTab()
    assert FakeTab.view.made(tab) is None and tab.builds == 0
    first = tab.view
    assert tab.view is first and FakeTab.view.made(tab) is first
    assert tab.builds == 1


def test_a_view_built_while_the_tab_builds_is_styled_by_the_tab_not_twice():
    tab = FakeTab()
    _ = tab.view
    assert tab.styled == 0  # (the tab's finish_build styles everything once)


def test_a_view_built_after_the_tab_gets_its_styles_at_once():
    tab = FakeTab()
    tab._built = True
    _ = tab.view
    assert tab.styled == 1


def test_each_tab_has_its_own_view():
    one, two = FakeTab(), FakeTab()
    assert one.view is not two.view


def test_made_names_only_views_built_on_first_use():
    import pytest

    from visualizer.tabs.lazy_view import made

    tab = FakeTab()
    assert made(tab, "view") is None
    with pytest.raises(TypeError, match="not built on first use"):
        made(tab, "apply_styles")
