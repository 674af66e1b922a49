"""The kiosk's Kivy screens: each takes a view (kiosk.views) and draws it; taps go to the controller.

Layout lives in kiosk.kv; this module holds what kv cannot: right-to-left text shaping with line
wrapping, mirrored rows, the QR texture, and which controller method a tap calls.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.palette import PALETTE
from kiosk.qr_texture import qr_texture
from kiosk.views import ConcernsView, OutOfServiceView, StaffPinView, StartView, TicketView, View
from wartemarke.fonts import ARABIC, font_for
from wartemarke.i18n import is_rtl
from wartemarke.kivy_shell.fonts import register_fonts
from wartemarke.rtl import has_rtl, shape

KV_FILE = Path(__file__).with_name("kiosk.kv")
#: Side of the top-left square where five quick taps open the staff PIN pad, at scale 1.
STAFF_CORNER = 110


def load_layout() -> None:
    register_fonts()
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class KioskLabel(Label):
    """A label that picks its font from its text and wraps + shapes right-to-left text itself.

    Shaping must happen per line *after* wrapping: shaped text is in visual order, so letting Kivy
    wrap it would put the end of an Arabic sentence on the first line.
    """

    source = StringProperty("")
    rtl = BooleanProperty(False)  # the screen's direction: start-aligned text hugs the right edge
    align = OptionProperty("start", options=["start", "center"])

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fbind("source", self._refresh)
        self.fbind("width", self._refresh)
        self.fbind("font_size", self._refresh)
        self.fbind("rtl", self._refresh)
        self.fbind("align", self._refresh)
        self.fbind("bold", self._refresh)
        self._refresh()

    def _refresh(self, *_args) -> None:
        text = self.source
        right_to_left = has_rtl(text)
        self.font_name = font_for(text)
        if self.align == "center":
            self.halign = "center"
        else:
            self.halign = "right" if (self.rtl or right_to_left) else "left"
        self.text = self._wrapped_rtl(text) if right_to_left else text

    def _wrapped_rtl(self, text: str) -> str:
        width = self.width - 2 * (self.padding[0] if isinstance(self.padding, list | tuple) else self.padding)
        if width <= 10:
            return shape(text)
        measure = CoreLabel(font_name=ARABIC, font_size=self.font_size, bold=self.bold)
        lines: list[str] = []
        for paragraph in text.split("\n"):
            line = ""
            for word in paragraph.split(" "):
                candidate = f"{line} {word}" if line else word
                if line and measure.get_extents(shape(candidate))[0] > width:
                    lines.append(line)
                    line = word
                else:
                    line = candidate
            lines.append(line)
        return "\n".join(shape(line) for line in lines)


class KioskButton(Button):
    """A big rounded button; `label` is shaped and given the font its script needs (one line)."""

    scale = NumericProperty(1.0)
    fill = ObjectProperty(PALETTE.white)
    pressed_fill = ObjectProperty(PALETTE.pressed)
    label = StringProperty("")

    def on_label(self, _instance, label: str) -> None:
        self.font_name = font_for(label)
        self.text = shape(label)


class LanguageButton(KioskButton):
    code = StringProperty("")


class PinButton(KioskButton):
    pass


class ConcernButton(KioskButton):
    row_height = NumericProperty(0)  # cards side by side share one height
    service_id = StringProperty("")
    name = StringProperty("")
    line1 = StringProperty("")
    line2 = StringProperty("")
    available = BooleanProperty(True)
    rtl = BooleanProperty(False)


class KioskScreen:
    """Mixin: every screen knows the controller and the size scale, and draws one kind of view."""

    view_type: type = object

    def show(self, view: View) -> None:
        raise NotImplementedError


class StartScreen(BoxLayout, KioskScreen):
    view_type = StartView
    scale = NumericProperty(1.0)
    office_name = StringProperty("")
    greeting = StringProperty("")
    touch_hint = StringProperty("")

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._codes: tuple[str, ...] = ()
        super().__init__(**kwargs)

    def show(self, view: StartView) -> None:
        self.office_name = view.office_name
        self.greeting = view.greeting
        self.touch_hint = view.touch_hint
        codes = tuple(choice.code for choice in view.languages)
        if codes != self._codes:
            self._codes = codes
            grid = self.ids.languages
            grid.clear_widgets()
            for choice in view.languages:
                button = LanguageButton(label=choice.name, code=choice.code, scale=self.scale)
                self.bind(scale=button.setter("scale"))
                button.bind(on_release=lambda b: self.controller.choose_language(b.code))
                grid.add_widget(button)

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        if super().on_touch_down(touch):
            return True
        self.controller.touch_anywhere()
        return True


class ConcernScreen(BoxLayout, KioskScreen):
    view_type = ConcernsView
    scale = NumericProperty(1.0)
    title = StringProperty("")
    message = StringProperty("")
    back_label = StringProperty("")
    rtl = BooleanProperty(False)

    #: Cards shrink (down to this factor) when long names in a tall script would not fit the screen.
    MIN_CARD_SCALE = 0.6
    card_scale = NumericProperty(1.0)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._language = ""
        super().__init__(**kwargs)
        self._fit_later = Clock.create_trigger(self._fit, 0)
        self.bind(size=self._refit)

    def _refit(self, *_args) -> None:
        self.card_scale = 1.0
        self._fit_later()

    def _fit(self, *_args) -> None:
        """Equal heights for cards in a row, then shrink the cards until the back button stays on screen."""
        grid = self.ids.cards
        cards = list(grid.children)
        if not cards:
            return
        columns = grid.cols or 1
        tallest = max(card.ids.box.height + 48 * card.scale for card in cards)
        for card in cards:
            card.row_height = tallest if columns > 1 else 0
        rows = -(-len(cards) // columns)
        needed = rows * tallest + (rows - 1) * grid.spacing[1]
        fixed = self.padding[1] + self.padding[3] + self.ids.title.height + 130 * self.scale
        fixed += self.ids.message.height + 3 * self.spacing
        available = self.height - fixed
        if needed > available and self.card_scale > self.MIN_CARD_SCALE:
            self.card_scale = max(self.MIN_CARD_SCALE, self.card_scale * available / needed * 0.97)
            self._fit_later()

    def on_card_scale(self, _instance, value: float) -> None:
        grid = self.ids.get("cards")  # None while the kv rule is still being applied
        for card in grid.children if grid is not None else ():
            card.scale = self.scale * value

    def on_scale(self, _instance, value: float) -> None:
        self.on_card_scale(self, self.card_scale)

    def show(self, view: ConcernsView) -> None:
        if view.language != self._language:
            self._language = view.language
            self.card_scale = 1.0
        self.rtl = view.rtl
        self.title = view.title
        self.back_label = view.back_label
        self.message = view.busy_text or view.notice
        grid = self.ids.cards
        ids = tuple(card.service_id for card in view.cards)
        if ids != tuple(button.service_id for button in reversed(grid.children)):
            # Live updates keep the buttons (only their texts change); a new set of services rebuilds.
            grid.clear_widgets()
            for card in view.cards:
                button = ConcernButton(service_id=card.service_id, scale=self.scale * self.card_scale)
                button.bind(on_release=self._chosen)
                button.ids.box.bind(height=lambda *_a: self._fit_later())
                grid.add_widget(button)
        for button, card in zip(reversed(grid.children), view.cards, strict=True):
            if card.available:
                line1 = card.remaining or card.wait
                line2 = card.wait if card.remaining else ""
            else:
                line1, line2 = card.reason, card.next_chance
            button.name, button.line1, button.line2 = card.name, line1, line2
            button.available = card.available
            button.rtl = view.rtl

    def _chosen(self, button: ConcernButton) -> None:
        if button.available:
            self.controller.choose_service(button.service_id)

    def back(self) -> None:
        self.controller.back()


class TicketScreen(FloatLayout, KioskScreen):
    view_type = TicketView
    scale = NumericProperty(1.0)
    number = StringProperty("")
    number_label = StringProperty("")
    concern = StringProperty("")
    ahead = StringProperty("")
    wait = StringProperty("")
    instruction = StringProperty("")
    qr_caption = StringProperty("")
    done_label = StringProperty("")
    failed = BooleanProperty(False)
    rtl = BooleanProperty(False)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._qr_text = ""
        super().__init__(**kwargs)
        self.bind(size=self._arrange, rtl=self._arrange)

    def show(self, view: TicketView) -> None:
        self.rtl = view.rtl
        self.number = view.number
        self.number_label = view.number_label
        self.concern = view.concern
        self.ahead = view.ahead
        self.wait = view.wait
        self.instruction = view.instruction
        self.qr_caption = view.qr_caption
        self.done_label = view.done_label
        self.failed = view.print_state == "failed"
        if view.qr_text != self._qr_text:
            self._qr_text = view.qr_text
            self.ids.qr.texture = qr_texture(view.qr_text) if view.qr_text else None

    def _arrange(self, *_args) -> None:
        """Landscape puts the facts and the QR side by side; right-to-left puts the facts on the right."""
        columns = self.ids.columns
        facts, code = self.ids.facts, self.ids.code
        wanted = [facts, code]
        if self.width > self.height and self.rtl:
            wanted.reverse()
        if list(reversed(columns.children)) != wanted:
            columns.clear_widgets()
            for child in wanted:
                columns.add_widget(child)

    def done(self) -> None:
        self.controller.finish_ticket()


class OutOfServiceMessage(BoxLayout):
    scale = NumericProperty(1.0)
    title = StringProperty("")
    text = StringProperty("")
    rtl = BooleanProperty(False)


class OutOfServiceScreen(BoxLayout, KioskScreen):
    view_type = OutOfServiceView
    scale = NumericProperty(1.0)
    detail = StringProperty("")

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._shown: tuple = ()
        super().__init__(**kwargs)

    def show(self, view: OutOfServiceView) -> None:
        self.detail = view.detail
        if view.messages == self._shown:
            return
        self._shown = view.messages
        grid = self.ids.messages
        grid.clear_widgets()
        for message in view.messages:
            item = OutOfServiceMessage(
                title=message.title, text=message.text, rtl=is_rtl(message.language), scale=self.scale
            )
            self.bind(scale=item.setter("scale"))
            grid.add_widget(item)


class StaffPinScreen(BoxLayout, KioskScreen):
    view_type = StaffPinView
    scale = NumericProperty(1.0)
    prompt = StringProperty("")
    entered = NumericProperty(0)
    wrong = BooleanProperty(False)
    cancel_label = StringProperty("")

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        super().__init__(**kwargs)

    def show(self, view: StaffPinView) -> None:
        self.prompt = view.prompt
        self.entered = view.entered
        self.wrong = view.wrong
        keys = self.ids.keypad
        if keys.children:
            return
        self.cancel_label = view.cancel_label
        for key in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", view.ok_label]:
            button = PinButton(label=key, scale=self.scale)
            self.bind(scale=button.setter("scale"))
            if key == "C":
                button.bind(on_release=lambda _b: self.controller.pin_clear())
            elif key == view.ok_label:
                button.bind(on_release=lambda _b: self.controller.pin_submit())
            else:
                button.bind(on_release=lambda b: self.controller.pin_digit(b.label))
            keys.add_widget(button)

    def cancel(self) -> None:
        self.controller.pin_cancel()


SCREEN_TYPES = (StartScreen, ConcernScreen, TicketScreen, OutOfServiceScreen, StaffPinScreen)


class KioskRoot(FloatLayout):
    """Holds the current screen, re-uses it while the view kind stays, and watches the staff corner."""

    scale = NumericProperty(1.0)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self.current: KioskScreen | None = None
        self._screens: dict[type, KioskScreen] = {}
        super().__init__(**kwargs)
        self.bind(size=self._rescale)
        self._rescale()

    def _rescale(self, *_args) -> None:
        self.scale = max(min(self.width, self.height), 1) / 1080

    def show(self, view: View) -> None:
        screen_type = next(t for t in SCREEN_TYPES if isinstance(view, t.view_type))
        if not isinstance(self.current, screen_type):
            # One instance per screen, kept for the kiosk's lifetime: switching screens a thousand
            # times a day must neither rebuild widget trees nor leave old ones behind.
            screen = self._screens.get(screen_type)
            if screen is None:
                screen = screen_type(self.controller, scale=self.scale, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
                self.bind(scale=screen.setter("scale"))
                self._screens[screen_type] = screen
            if self.current is not None:
                self.remove_widget(self.current)
            self.add_widget(screen)
            self.current = screen
        self.current.show(view)

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        corner = STAFF_CORNER * self.scale
        if touch.x - self.x <= corner and self.top - touch.y <= corner:
            self.controller.corner_tap()
            return True
        self.controller.touch()
        return super().on_touch_down(touch)
