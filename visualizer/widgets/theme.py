"""Light and dark themes, and keeping plot axes in step with the interface font."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: Theme key -> menu label.
THEMES: dict[str, str] = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


def _dark_palette() -> QPalette:
    palette = QPalette()
    window, base, text = QColor("#202124"), QColor("#15161a"), QColor("#eceff1")
    roles = QPalette.ColorRole
    palette.setColor(roles.Window, window)
    palette.setColor(roles.WindowText, text)
    palette.setColor(roles.Base, base)
    palette.setColor(roles.AlternateBase, QColor("#2a2c31"))
    palette.setColor(roles.ToolTipBase, QColor("#33363c"))
    palette.setColor(roles.ToolTipText, text)
    palette.setColor(roles.PlaceholderText, QColor("#9aa0a6"))
    palette.setColor(roles.Text, text)
    palette.setColor(roles.Button, QColor("#2d2f34"))
    palette.setColor(roles.ButtonText, text)
    palette.setColor(roles.BrightText, QColor("#ff8a80"))
    palette.setColor(roles.Link, QColor("#8ab4f8"))
    palette.setColor(roles.Highlight, QColor("#3d7bd9"))
    palette.setColor(roles.HighlightedText, QColor("#ffffff"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.Text, roles.ButtonText, roles.WindowText):
        palette.setColor(disabled, role, QColor("#7c8086"))
    return palette


def system_prefers_dark(app: QApplication) -> bool:
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> None:
    """Apply "system", "light" or "dark" to the interface.

    The Fusion style is used because it honours a custom palette the same way on every
    platform. Plot canvases stay light in both themes on purpose: every plot's colours (the
    Okabe-Ito runs, signed heatmaps, black annotation text) are chosen for a light canvas,
    and a light canvas is also what reads best on a washed-out projector.
    """
    if theme not in THEMES:
        raise ValueError(f"Unknown theme {theme!r}.")
    app.setStyle("Fusion")
    dark = theme == "dark" or (theme == "system" and system_prefers_dark(app))
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())


def style_plots(root: QWidget, font: QFont) -> None:
    """Give every plot axis under ``root`` the interface font (bigger in presentation mode)."""
    tick_font = QFont(font)
    tick_font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    for view in root.findChildren(pg.GraphicsView):
        scene = view.scene()
        if scene is None:
            continue
        for item in scene.items():
            if isinstance(item, pg.AxisItem):
                item.setStyle(tickFont=tick_font)
                item.label.setFont(font)
