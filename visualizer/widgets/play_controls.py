"""Play / pause / step / reset / speed / timeline: the transport bar every animated tab uses.

The owner computes the whole result once and tells the bar how many frames it has; the bar's
timer only moves the frame index and emits ``frameChanged``, and the owner redraws.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QWidget,
)

#: Frames per second offered by the speed box.
SPEEDS: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


class PlayControls(QWidget):
    """Transport bar for frames ``0 .. n_frames - 1``.

    Signals
    -------
    frameChanged(int)
        The current frame changed (by the timer, a button, the slider or ``set_frame``).
    playingChanged(bool)
        Playback started or stopped.
    """

    frameChanged = Signal(int)
    playingChanged = Signal(bool)

    def __init__(
        self, n_frames: int = 1, *, fps: float = 2.0, loop: bool = False, parent=None
    ) -> None:
        super().__init__(parent)
        self._n_frames = max(1, int(n_frames))
        self._frame = 0
        self._loop = loop
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._on_timer_timeout)

        style = self.style()
        sp = QStyle.StandardPixmap
        self.reset_button = QPushButton(style.standardIcon(sp.SP_MediaSkipBackward), "")
        self.reset_button.setToolTip("Back to the start (Home)")
        self.back_button = QPushButton(style.standardIcon(sp.SP_MediaSeekBackward), "")
        self.back_button.setToolTip("One step back (Left)")
        self.play_button = QPushButton(style.standardIcon(sp.SP_MediaPlay), "Play")
        self.play_button.setToolTip("Play / pause (Space)")
        self.forward_button = QPushButton(style.standardIcon(sp.SP_MediaSeekForward), "")
        self.forward_button.setToolTip("One step forward (Right)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Drag to scrub to any step")
        self.frame_label = QLabel()
        self.speed_box = QComboBox()
        for fps_option in SPEEDS:
            self.speed_box.addItem(f"{fps_option:g} steps/s", fps_option)
        self.speed_box.setToolTip("Animation speed")
        self.set_fps(fps)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for w in (self.reset_button, self.back_button, self.play_button, self.forward_button):
            layout.addWidget(w)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.frame_label)
        layout.addWidget(self.speed_box)

        self.reset_button.clicked.connect(self.rewind)
        self.back_button.clicked.connect(self.step_back)
        self.play_button.clicked.connect(self.toggle_play)
        self.forward_button.clicked.connect(self.step_forward)
        self.slider.valueChanged.connect(self._on_slider_value_changed)
        self.speed_box.currentIndexChanged.connect(self._on_speed_changed)
        self._sync_widgets()

    # ----- public API ------------------------------------------------------------------------
    def frame(self) -> int:
        return self._frame

    def n_frames(self) -> int:
        return self._n_frames

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def fps(self) -> float:
        return float(self.speed_box.currentData())

    def set_fps(self, fps: float) -> None:
        """Pick the offered speed closest to ``fps`` frames per second."""
        index = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - fps))
        self.speed_box.setCurrentIndex(index)
        self._timer.setInterval(int(1000 / SPEEDS[index]))

    def set_n_frames(self, n_frames: int, *, keep_frame: bool = True) -> None:
        """Change the number of frames; the current frame is clamped (or reset to 0)."""
        self._n_frames = max(1, int(n_frames))
        frame = min(self._frame, self._n_frames - 1) if keep_frame else 0
        self._frame = frame
        self._sync_widgets()

    def set_frame(self, frame: int) -> None:
        """Jump to ``frame`` (clamped) and emit ``frameChanged`` if it moved."""
        frame = max(0, min(int(frame), self._n_frames - 1))
        if frame == self._frame:
            self._sync_widgets()
            return
        self._frame = frame
        self._sync_widgets()
        self.frameChanged.emit(frame)

    def step_forward(self) -> None:
        if self._frame >= self._n_frames - 1:
            if self._loop:
                self.set_frame(0)
            else:
                self.pause()
            return
        self.set_frame(self._frame + 1)

    def step_back(self) -> None:
        self.set_frame(self._frame - 1)

    def rewind(self) -> None:
        self.pause()
        self.set_frame(0)

    def play(self) -> None:
        if self._timer.isActive():
            return
        if self._frame >= self._n_frames - 1 and not self._loop:
            self.set_frame(0)  # playing at the end starts over, as media players do
        self._timer.start()
        self._sync_widgets()
        self.playingChanged.emit(True)

    def pause(self) -> None:
        if not self._timer.isActive():
            return
        self._timer.stop()
        self._sync_widgets()
        self.playingChanged.emit(False)

    def toggle_play(self) -> None:
        if self._timer.isActive():
            self.pause()
        else:
            self.play()

    # ----- internals -------------------------------------------------------------------------
    def _on_timer_timeout(self) -> None:
        self.step_forward()

    def _fit_frame_label(self) -> None:
        """Give "step t / n" a fixed size for the widest t: a label whose size changes asks
        the whole window to lay itself out again, on every frame of an animation."""
        digits = len(str(self._n_frames - 1))
        key = (digits, self.frame_label.font().key())
        if key == getattr(self, "_label_fit", None):
            return
        self._label_fit = key
        metrics = QFontMetrics(self.frame_label.font())
        widest = f"step {'8' * digits} / {'8' * digits}"
        self.frame_label.setFixedSize(
            max(90, metrics.horizontalAdvance(widest) + 8), metrics.height() + 4
        )

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_frame_label()

    def _on_slider_value_changed(self, value: int) -> None:
        self.set_frame(value)

    def _on_speed_changed(self, _index: int) -> None:
        self._timer.setInterval(int(1000 / self.fps()))

    def _sync_widgets(self) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, self._n_frames - 1)
            self.slider.setValue(self._frame)
        self.frame_label.setText(f"step {self._frame} / {self._n_frames - 1}")
        self._fit_frame_label()
        playing = self._timer.isActive()
        # Runs on every frame: re-set the icon and text only when play/pause really changed
        # (setIcon repaints the button even when the icon is the same).
        if getattr(self, "_shown_playing", None) is not playing:
            self._shown_playing = playing
            icon = (
                QStyle.StandardPixmap.SP_MediaPause
                if playing
                else QStyle.StandardPixmap.SP_MediaPlay
            )
            self.play_button.setIcon(self.style().standardIcon(icon))
            self.play_button.setText("Pause" if playing else "Play")
        self.back_button.setEnabled(self._frame > 0)
        self.forward_button.setEnabled(self._frame < self._n_frames - 1 or self._loop)
