"""The counter's Kivy screen: draws a `CounterView` and reports what the clerk touched.

It holds no rules; every touch becomes an event (`on_action`, `on_call_scanned`, ...) that the app
hands to the controller. Layout lives in counter.kv; here only texts, fonts and right-to-left.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kivy.factory import Factory
from kivy.lang import Builder
from kivy.metrics import sp
from kivy.properties import BooleanProperty, NumericProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget

from counter.config import ACTIONS
from counter.label_text import markup
from counter.palette import PALETTE
from counter.views import CounterView
from wartemarke.fonts import font_for_label, font_for_language
from wartemarke.i18n import is_rtl
from wartemarke.kivy_shell.fonts import register_fonts

KV_FILE = Path(__file__).with_name("counter.kv")
_loaded = False


def load_layout() -> None:
    """Fonts and counter.kv, once per process (several apps' tests share one)."""
    global _loaded
    if not _loaded:
        register_fonts()
        Builder.load_file(str(KV_FILE))
        _loaded = True


#: The size the layout is drawn for; smaller windows (the demo's 800x600) scale everything down.
DESIGN_SIZE = (1280, 800)


class CounterScreen(BoxLayout):
    offline = BooleanProperty(False)
    #: Font and fixed sizes relative to DESIGN_SIZE, so the same layout fits 800x600 and 1920x1080.
    scale = NumericProperty(1.0)
    has_scanned = BooleanProperty(False)
    notice_is_error = BooleanProperty(False)

    __events__ = ("on_action", "on_call_scanned", "on_dismiss_scanned", "on_choose_counter")

    def __init__(self, language: str, translate: Callable[[str], str], shortcuts: Mapping[str, str], **kwargs) -> None:
        load_layout()
        super().__init__(**kwargs)
        self.language = language
        self._ = translate
        self.rtl = is_rtl(language)
        self._transfer_targets: tuple[tuple[str, str], ...] = ()
        self._picker: ModalView | None = None
        self._buttons: dict[str, Widget] = {}
        self._shown_waiting: tuple = ()
        self.bind(size=self._rescale)
        for action in ACTIONS:
            button = Factory.CounterButton(font_size=sp(22) * self.scale)
            self.bind(scale=lambda _s, scale, b=button: setattr(b, "font_size", sp(22) * scale))
            button.bind(on_release=lambda _btn, a=action: self._pressed(a))
            self.ids.actions.add_widget(button)
            self._buttons[action] = button
        self._shortcuts = dict(shortcuts)
        self._set_static_texts()
        if self.rtl:
            self.ids.current_number.halign = "right"
        self._apply_direction(self)
        for stage in self.ids.stages.screens:  # screens not shown are not among the children
            self._apply_direction(stage)

    # ------------------------------------------------------------------ drawing

    def render(self, view: CounterView, scanner_state: str = "") -> None:
        _ = self._
        ids = self.ids
        ids.stages.current = view.phase
        self.offline = view.offline
        ids.title.text = self._t(view.counter_name or _("Counter"))
        ids.scanner_state.text = self._t(scanner_state)
        if view.phase == "picking":
            self._show_counters(view.counters)
        current = view.current
        ids.current_number.text = current.number if current else ""
        self._show_language(ids.current_language, current.language if current else "")
        ids.current_concern.text = self._t(current.concern if current else _("No ticket at your counter."))
        ids.current_status.text = self._t(current.status if current else "")
        self._show_waiting(view)
        scanned = view.scanned
        self.has_scanned = scanned is not None
        if scanned is not None:
            ids.scanned_number.text = scanned.number
            ids.scanned_concern.text = self._t(scanned.concern)
            ids.scanned_details.text = self._t(scanned.details)
            self._show_language(ids.scanned_language, scanned.language)
        ids.call_scanned.disabled = not view.can_call_scanned
        self.notice_is_error = bool(view.notice and view.notice.kind == "error")
        notice = self._t(view.notice.text if view.notice else "")
        ids.notice.text = ids.picking_notice.text = notice
        ids.signing_in_notice.text = notice if self.notice_is_error else ""
        for action, button in self._buttons.items():
            button.disabled = action not in view.enabled
        self._transfer_targets = view.transfer_targets

    def close_popups(self) -> None:
        if self._picker is not None:
            self._picker.dismiss()
            self._picker = None

    # ------------------------------------------------------------------ events

    def on_action(self, action: str, service: str | None = None) -> None:
        pass

    def on_call_scanned(self) -> None:
        pass

    def on_dismiss_scanned(self) -> None:
        pass

    def on_choose_counter(self, counter_id: str) -> None:
        pass

    def ask_transfer_target(self) -> None:
        """Transfer needs a concern: offer each as a big button."""
        self.close_popups()
        # Light card on a dimmed screen: dark text stays readable (the default panel is dark grey).
        popup = ModalView(
            size_hint=(0.6, None),
            auto_dismiss=True,
            background="",
            background_color=PALETTE.bg,
            overlay_color=(0, 0, 0, 0.6),
        )
        box = BoxLayout(orientation="vertical", padding=20, spacing=12, size_hint_y=None)
        box.bind(minimum_height=box.setter("height"))
        scale = self.scale
        title = Factory.CounterLabel(text=self._t(self._("Transfer to which concern?")), font_size=sp(24) * scale)
        box.add_widget(title)
        for service_id, concern in self._transfer_targets:
            button = Factory.CounterButton(
                text=self._t(concern), size_hint_y=None, height=72 * scale, font_size=sp(22) * scale
            )
            button.bind(on_release=lambda _b, s=service_id: self._transfer_to(s))
            box.add_widget(button)
        cancel = Factory.CounterButton(
            text=self._t(self._("Back")), size_hint_y=None, height=64 * scale, font_size=sp(22) * scale, quiet=True
        )
        cancel.bind(on_release=lambda _b: self.close_popups())
        box.add_widget(cancel)
        popup.height = 0
        box.bind(height=lambda _w, h: setattr(popup, "height", h + 40))
        popup.add_widget(box)
        self._apply_direction(box)
        self._picker = popup
        popup.open()

    # ------------------------------------------------------------------ internals

    def _rescale(self, _widget: Widget, size: list[float]) -> None:
        fit = min(size[0] / DESIGN_SIZE[0], size[1] / DESIGN_SIZE[1])
        # Text shrinks less than the window (square root): at 800x600 words still read at a glance.
        self.scale = max(0.6, min(fit**0.5 if fit < 1 else fit, 2.0))
        self._shown_waiting = ()  # rebuild the waiting rows at the new size on the next render
        self._label_buttons()

    def _pressed(self, action: str) -> None:
        if action == "transfer":
            self.ask_transfer_target()
        else:
            self.dispatch("on_action", action)

    def _transfer_to(self, service_id: str) -> None:
        self.close_popups()
        self.dispatch("on_action", "transfer", service_id)

    def _t(self, text: str) -> str:
        return markup(text, self.language)

    def _show_language(self, label: Label, text: str) -> None:
        # The only label that may carry another script than the clerk's (an Arabic name on a German
        # screen): its font follows its text too.
        label.text = self._t(text)
        label.font_name = font_for_label(text, self.language)

    def _label_buttons(self) -> None:
        _ = self._
        names = {
            "call_next": _("Call next"),
            "recall": _("Recall"),
            "start": _("Start"),
            "finish": _("Finish"),
            "no_show": _("No-show"),
            "transfer": _("Transfer"),
            "cancel": _("Cancel ticket"),
        }
        for action, button in self._buttons.items():
            key = self._shortcuts.get(action, "").upper()
            hint = f"\n[size={round(sp(16) * self.scale)}]{key}[/size]" if key else ""
            button.text = self._t(names[action]) + hint

    def _set_static_texts(self) -> None:
        _ = self._
        self._label_buttons()
        ids = self.ids
        ids.banner.text = self._t(_("No connection to the server — trying again…"))
        ids.signing_in.text = self._t(_("Connecting to the server…"))
        ids.pick_prompt.text = self._t(_("Which counter are you at?"))
        ids.current_caption.text = self._t(_("At your counter"))
        ids.waiting_caption.text = self._t(_("Waiting"))
        ids.call_scanned.text = self._t(_("Call this ticket now"))
        ids.dismiss_scanned.text = self._t(_("Close"))

    def _show_waiting(self, view: CounterView) -> None:
        if view.waiting == self._shown_waiting:
            return  # rebuilding labels costs a frame; most redraws change something else
        self._shown_waiting = view.waiting
        rows = self.ids.waiting_rows
        rows.clear_widgets()
        for row in view.waiting:
            scale = self.scale
            concern = Factory.CounterLabel(text=self._t(row.concern), font_size=sp(22) * scale)
            count = Factory.CounterLabel(
                text=str(row.waiting),
                font_size=sp(28) * scale,
                bold=True,
                size_hint=(None, 1),
                width=80 * scale,
                halign="center",
            )
            line = BoxLayout(size_hint_y=None, spacing=12)
            # A long concern wraps onto a second line; the row grows with it.
            concern.bind(height=lambda label, h, row=line: setattr(row, "height", max(h, 48 * self.scale)))
            line.height = 48 * scale
            line.add_widget(concern)
            line.add_widget(count)
            rows.add_widget(line)
            self._apply_direction(line)

    def _show_counters(self, counters: tuple[tuple[str, str], ...]) -> None:
        grid = self.ids.counter_choices
        if len(grid.children) == len(counters):
            return
        grid.clear_widgets()
        for counter_id, name in counters:
            button = Factory.CounterButton(text=self._t(name), font_size=sp(26) * self.scale)
            button.bind(on_release=lambda _b, c=counter_id: self.dispatch("on_choose_counter", c))
            grid.add_widget(button)
        self._apply_direction(grid)

    def _apply_direction(self, root: Widget) -> None:
        """Staff-language font on every text; for ar/fa also mirror rows and right-align text."""
        font = font_for_language(self.language)
        for widget in list(root.walk(restrict=True)):
            if isinstance(widget, Label) and widget.markup:
                widget.font_name = font
                if self.rtl and widget.halign == "left":
                    widget.halign = "right"
            if not self.rtl or getattr(widget, "_mirrored", False):
                continue
            if getattr(widget, "cols", None) is not None or getattr(widget, "rows", None) is not None:
                widget.orientation = "rl-tb"
                widget._mirrored = True
            elif isinstance(widget, BoxLayout) and widget.orientation == "horizontal":
                children = list(widget.children)
                widget.clear_widgets()
                for child in children:
                    widget.add_widget(child)
                widget._mirrored = True
