"""The files the app loads at run time exist and are declared as package data for the wheel."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

from visualizer.resources_path import resource_path, resources_dir
from visualizer.topics import TOPIC_KEYS as TAB_KEYS

ROOT = Path(__file__).resolve().parents[1]


def _runtime_files() -> list[Path]:
    files = [resource_path("help", f"{key}.md") for key in TAB_KEYS]
    files.append(resource_path("sample_picture.png"))
    files.append(resource_path("icon.svg"))
    files.extend(sorted(resource_path("lessons").glob("*.json")))
    return files


def test_runtime_resources_exist():
    assert resources_dir().is_dir()
    for path in _runtime_files():
        assert path.is_file(), path


def test_every_runtime_resource_is_declared_as_package_data():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"]["visualizer.resources"] == "resources"
    assert "visualizer.resources" in setuptools["packages"]
    patterns = setuptools["package-data"]["visualizer.resources"]
    for path in _runtime_files():
        relative = path.relative_to(resources_dir()).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), relative


def test_app_icon_is_set_and_renders(qtbot):
    from visualizer.app import app_icon, create_window

    icon = app_icon()
    assert not icon.isNull()
    image = icon.pixmap(64, 64).toImage()
    # Drawn, not blank: the corner is the blue frame and the middle holds more than one colour.
    assert image.pixelColor(32, 4).name() == "#0072b2"
    colours = {image.pixelColor(x, y).name() for x in range(8, 56, 4) for y in range(8, 56, 4)}
    assert len(colours) > 3
    window = create_window()
    qtbot.addWidget(window)
    assert not window.windowIcon().isNull()


def test_every_package_is_declared_for_the_wheel():
    # A package missing from pyproject's list installs without its files: the app would
    # start from a source checkout and fail once installed (as CI installs it).
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    declared = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "visualizer").rglob("__init__.py")
    }
    assert found - declared == set()
