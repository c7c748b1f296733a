"""The window's exports: the view as PNG / SVG, the table, the worked solution, the code.

A mixin of :class:`visualizer.app.MainWindow`, plus the SVG renderer and atomic file writes.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QBuffer, QIODevice, QPoint, QSaveFile
from PySide6.QtGui import QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QGraphicsItem, QMessageBox, QWidget

from visualizer import __version__
from visualizer.window.lessons import APP_NAME


class ExportMixin:
    """File > Export and Export screenshot."""

    def export_current(self, kind: str, path: str | Path) -> None:
        """Export the current tab: ``png``/``svg`` view, ``csv`` table, ``md`` worked solution,
        ``code`` a standalone numpy script of what it shows, ``torch`` the PyTorch version.

        Raises ``ValueError`` with a sentence when the tab has nothing of that kind.
        """
        tab = self.current_tab()
        path = str(path)
        if kind == "png":
            if not tab.export_widget().grab().save(path, "PNG"):
                raise ValueError(f"Could not write {path}.")
        elif kind == "svg":
            _write_bytes_atomically(path, render_svg(tab.export_widget(), title=tab.title))
        elif kind in ("csv", "md", "code", "torch"):
            model = self.models[tab.key]
            texts = {
                "csv": ("table", tab.table_csv),
                "md": ("worked solution", tab.worked_solution_markdown),
                "code": ("Python code", model.python_code),
                "torch": ("PyTorch code", model.torch_code),
            }
            what, make = texts[kind]
            text = make()
            if not text:
                raise ValueError(f"The {tab.title} tab has no {what} to export.")
            _write_text_atomically(path, text)
        else:
            raise ValueError(f"Unknown export kind {kind!r}.")

    def _export(self, kind: str) -> None:
        titles = {
            "png": ("Export view as PNG", "PNG image (*.png)"),
            "svg": ("Export view as SVG", "SVG image (*.svg)"),
            "csv": ("Export table as CSV", "CSV table (*.csv)"),
            "md": ("Export worked solution", "Markdown (*.md)"),
            "code": ("Export Python code", "Python script (*.py)"),
            "torch": ("Export PyTorch code", "Python script (*.py)"),
        }
        caption, file_filter = titles[kind]
        suffix = {"code": "py", "torch": "py"}.get(kind, kind)
        name = f"{self.current_key()}_torch" if kind == "torch" else self.current_key()
        default = f"{name}.{suffix}"
        path, _ = QFileDialog.getSaveFileName(self, caption, default, file_filter)
        if not path:
            return
        try:
            self.export_current(kind, path)
        except (ValueError, OSError) as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.statusBar().showMessage(f"Exported {Path(path).name}")

    def _on_export_screenshot_triggered(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export screenshot", "screenshot.png", "PNG image (*.png)"
        )
        if not path:
            return
        if self.grab().save(path, "PNG"):
            self.statusBar().showMessage(f"Screenshot saved to {path}")
        else:
            QMessageBox.warning(self, APP_NAME, f"Could not write {path}.")


def render_svg(widget: QWidget, title: str = "") -> bytes:
    """The widget painted as an SVG document (vector shapes and text, not a bitmap).

    Qt's own SVG generator is used rather than pyqtgraph's SVGExporter: the latter (0.14.0)
    fails on closed paths, which every filled shape and grid cell produces.
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(widget.rect())
    generator.setTitle(title or APP_NAME)
    generator.setDescription(f"Exported from {APP_NAME} {__version__}")
    # In export mode pyqtgraph draws every scatter symbol as a shape instead of stamping
    # bitmaps from its symbol atlas, which an SVG cannot reproduce.
    items = [
        item
        for view in widget.findChildren(pg.GraphicsView)
        if view.scene() is not None
        for item in view.scene().items()
        if isinstance(item, pg.GraphicsObject)
    ]
    # Items cached as pixmaps (for fast frames) would go into the SVG as bitmaps: no cache
    # while rendering, so every item paints itself as vector shapes and text.
    cached = [
        (item, item.cacheMode())
        for view in widget.findChildren(pg.GraphicsView)
        if view.scene() is not None
        for item in view.scene().items()
        if item.cacheMode() != QGraphicsItem.CacheMode.NoCache
    ]
    painter = QPainter(generator)
    try:
        for item, _mode in cached:
            item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        for item in items:
            item.setExportMode(True, {"antialias": True, "painter": painter})
        widget.render(painter, QPoint(0, 0))
    finally:
        for item in items:
            item.setExportMode(False)
        for item, mode in cached:
            item.setCacheMode(mode)
        painter.end()
    return bytes(buffer.data())


def _write_bytes_atomically(path: str, data: bytes) -> None:
    save_file = QSaveFile(path)
    if not save_file.open(QIODevice.OpenModeFlag.WriteOnly):
        raise ValueError(f"{path} cannot be written: {save_file.errorString()}.")
    save_file.write(data)
    if not save_file.commit():
        raise ValueError(f"Saving {path} failed: {save_file.errorString()}.")


def _write_text_atomically(path: str, text: str) -> None:
    _write_bytes_atomically(path, text.encode("utf-8"))
