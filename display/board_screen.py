"""The board's Kivy widget: copies a `BoardView` into labels; layout is in display.kv.

Rows are created once and then only get new texts, so a call updates a handful of labels and the
board never rebuilds itself while someone is reading it. For Arabic and Farsi the translated labels
switch font and alignment, the top bar, the counter line and the service table are mirrored, and
each earlier-call tile reads right to left ("2 ◀ N001": number first, the arrow pointing at the
counter). The tiles themselves keep their places when the cycling language changes direction: they
are filled newest first from top to bottom, column after column, an order that reads the same in
both directions, so a person who has found their number keeps it in the same tile; only the two
halves of each tile swap, once on the way into Arabic and Farsi and once on the way out.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from display.board_view import BoardView, CallLine, ServiceLine
from display.palette import PALETTE
from wartemarke.fonts import LATIN
from wartemarke.kivy_shell.fonts import register_fonts

KV_FILE = Path(__file__).with_name("display.kv")
_loaded = False


def load_layout() -> None:
    """Fonts and display.kv, once per process (the apps' tests share one)."""
    global _loaded
    if _loaded:
        return
    register_fonts()
    Builder.load_file(str(KV_FILE))
    _loaded = True


def mirror(box: BoxLayout) -> None:
    """Reverse a row's visual order (for right-to-left languages, and back)."""
    children = list(box.children)
    box.clear_widgets()
    for child in children:  # re-adding in children order reverses the visual order
        box.add_widget(child)


class DisplayCallRow(BoxLayout):
    u = NumericProperty(1.0)
    highlighted = BooleanProperty(False)
    rtl = BooleanProperty(False)

    def on_rtl(self, _row: DisplayCallRow, _rtl: bool) -> None:
        mirror(self)

    def show(self, line: CallLine | None, rtl: bool) -> None:
        self.rtl = rtl
        self.ids.number.text = line.number if line else ""
        self.ids.counter.text = line.counter if line else ""
        self.ids.counter.font_name = line.counter_font if line else LATIN
        self.highlighted = bool(line and line.highlighted)
        self.opacity = 1 if line else 0


class DisplayServiceRow(BoxLayout):
    u = NumericProperty(1.0)
    header = BooleanProperty(False)
    rtl = BooleanProperty(False)
    #: One line of large figures (landscape); False: smaller text that may wrap (portrait, headings).
    wide = BooleanProperty(True)

    _TEXT_CELLS = ("name", "wait", "slots")

    def on_header(self, _row: DisplayServiceRow, header: bool) -> None:
        colour = PALETTE.muted_text if header else PALETTE.text
        for cell in self.ids.values():
            cell.color = colour

    def on_rtl(self, _row: DisplayServiceRow, rtl: bool) -> None:
        mirror(self)
        self.ids.name.halign = "right" if rtl else "left"

    def show(self, texts: tuple[str, str, str, str], font: str, rtl: bool) -> None:
        self.rtl = rtl
        for key, text in zip(("name", "waiting", "wait", "slots"), texts, strict=True):
            cell: Label = self.ids[key]
            cell.text = text
            if key in self._TEXT_CELLS or self.header:
                cell.font_name = font


class BoardScreen(FloatLayout):
    """The whole waiting-room screen."""

    u = NumericProperty(1.0)
    portrait = BooleanProperty(False)
    highlighted = BooleanProperty(False)
    drift_x = NumericProperty(0.0)
    drift_y = NumericProperty(0.0)
    service_rows = NumericProperty(4)
    rtl = BooleanProperty(False)

    def __init__(self, history: int = 8, **kwargs) -> None:
        load_layout()
        super().__init__(**kwargs)
        self._history_rows: list[DisplayCallRow] = []
        grid = self.ids.history
        grid.rows = max(1, (history + 1) // 2)
        for _ in range(history):
            row = DisplayCallRow()
            self.bind(u=row.setter("u"))
            row.u = self.u
            grid.add_widget(row)
            self._history_rows.append(row)
        self._service_rows: list[DisplayServiceRow] = []

    def on_rtl(self, _screen: BoardScreen, _rtl: bool) -> None:
        mirror(self.ids.top_bar)
        mirror(self.ids.counter_row)

    def show(self, view: BoardView) -> None:
        ids = self.ids
        self.rtl = view.rtl
        align = "right" if view.rtl else "left"
        for key in ("date", "now_calling", "earlier", "notice", "connection_lost"):
            ids[key].font_name = view.font
        for key in ("now_calling", "earlier"):
            ids[key].halign = align
        ids.counter_label.font_name = view.font
        ids.date.text = view.date
        ids.clock.text = view.clock
        current = view.current
        ids.now_calling.text = view.now_calling
        ids.current_number.text = current.number if current else ""
        ids.counter_label.text = view.counter if current else ""
        ids.current_counter.text = current.counter if current else ""
        ids.current_counter.font_name = current.counter_font if current else LATIN
        self.highlighted = bool(current and current.highlighted)
        ids.earlier.text = view.earlier if view.history else ""
        for index, row in enumerate(self._history_rows):
            row.show(view.history[index] if index < len(view.history) else None, view.rtl)
        ids.columns.show(view.columns, view.font, view.rtl)
        self._show_services(view.services, view.font, view.rtl)
        ids.notice.text = view.notice
        ids.connection_lost.text = view.connection_lost

    def _show_services(self, services: tuple[ServiceLine, ...], font: str, rtl: bool) -> None:
        box = self.ids.services
        while len(self._service_rows) < len(services):
            row = DisplayServiceRow()
            box.add_widget(row)
            self._service_rows.append(row)
        while len(self._service_rows) > len(services):
            box.remove_widget(self._service_rows.pop())
        self.service_rows = len(services)
        for row, service in zip(self._service_rows, services, strict=True):
            row.u = self.u
            row.wide = not self.portrait
            row.show((service.name, service.waiting, service.wait, service.slots), font, rtl)
