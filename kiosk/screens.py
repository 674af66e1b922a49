"""The kiosk's Kivy screens: each takes a view (kiosk.views) and draws it; touches and keys go to the controller.

Layout lives in kiosk.kv; this module holds what kv cannot: right-to-left text shaping with line
wrapping, room kept for the longest of several texts, mirrored rows, scrolling without a swipe, the
QR texture, and the focus ring.

A button is a `KioskButton` with a `choice_id`: touching it runs `controller.activate(choice_id)`,
and the focus ring is drawn on it when the view's `focus` names it. That is all a new button needs
(besides the `Choice` its view lists): no binding, no key handling, no speech of its own.
"""

from __future__ import annotations

from pathlib import Path

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.lang import Builder
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget

from kiosk.palette import PALETTE
from kiosk.qr_texture import qr_texture
from kiosk.views import (
    PIN_KEYS,
    CheckInProblemView,
    ConcernsView,
    Message,
    OutOfServiceView,
    ScanView,
    SlotView,
    StaffPinView,
    StartView,
    TicketView,
    View,
)
from wartemarke.fonts import ARABIC, font_for
from wartemarke.i18n import is_rtl
from wartemarke.kivy_shell.fonts import register_fonts
from wartemarke.rtl import has_rtl, shape

KV_FILE = Path(__file__).with_name("kiosk.kv")
#: Side of the top-left square where five quick taps open the staff PIN pad, at scale 1.
STAFF_CORNER = 110
#: Large print draws every text at least this many times its usual size (EN 301 549 / WCAG: 200 %).
LARGE_PRINT_FACTOR = 2.0


def load_layout() -> None:
    register_fonts()
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


def _tallest(widget: Widget, texts: list[str], text_property: str) -> float:
    """The height `widget` needs for the tallest of `texts`, measured on a twin with its size and font."""
    if not texts or widget.width <= 10:
        return 0.0
    twin = type(widget)(
        width=widget.width, font_size=widget.font_size, bold=widget.bold, padding=widget.padding, size_hint=(None, None)
    )
    if isinstance(widget, KioskLabel):
        twin.rtl, twin.align = widget.rtl, widget.align
    else:
        twin.scale = widget.scale
    tallest = 0.0
    for text in texts:
        setattr(twin, text_property, text)
        twin.texture_update()
        tallest = max(tallest, twin.texture_size[1])
    return tallest


class KioskLabel(Label):
    """A label that picks its font from its text and wraps + shapes right-to-left text itself.

    Shaping must happen per line *after* wrapping: shaped text is in visual order, so letting Kivy
    wrap it would put the end of an Arabic sentence on the first line. `reserve` lists the other
    texts this label shows in turn (a heading cycling through languages): its height is that of the
    tallest, so nothing below it moves when the text changes.
    """

    source = StringProperty("")
    rtl = BooleanProperty(False)  # the screen's direction: start-aligned text hugs the right edge
    align = OptionProperty("start", options=["start", "center"])
    reserve = ListProperty([])
    reserved_height = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        for name in ("source", "width", "font_size", "rtl", "align", "bold"):
            self.fbind(name, self._refresh)
        self._measure_later = Clock.create_trigger(self._measure, -1)
        for name in ("reserve", "width", "font_size", "bold", "padding"):
            self.fbind(name, self._measure_later)
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

    def _measure(self, *_args) -> None:
        self.reserved_height = _tallest(self, list(self.reserve), "source")

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
    """A big rounded button; `label` is shaped and given the font its script needs.

    `choice_id` makes it a visitor's choice (kiosk.views.Choice): a touch activates it through the
    controller, and `focused` draws the keypad's focus ring round it. Its height grows with a label
    that wraps (large print), and `reserve` keeps room for labels it shows in turn.
    """

    scale = NumericProperty(1.0)
    fill = ObjectProperty(PALETTE.white)
    pressed_fill = ObjectProperty(PALETTE.pressed)
    label = StringProperty("")
    choice_id = StringProperty("")
    focused = BooleanProperty(False)
    reserve = ListProperty([])
    reserved_height = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._measure_later = Clock.create_trigger(self._measure, -1)
        for name in ("reserve", "width", "font_size", "scale"):
            self.fbind(name, self._measure_later)

    def on_label(self, _instance, label: str) -> None:
        self.font_name = font_for(label)
        self.text = shape(label)

    def _measure(self, *_args) -> None:
        self.reserved_height = _tallest(self, list(self.reserve), "label")

    def on_release(self) -> None:
        if not self.choice_id:
            return
        owner = self.parent
        while owner is not None and not isinstance(owner, KioskRoot) and owner is not owner.parent:
            owner = owner.parent
        if isinstance(owner, KioskRoot):
            owner.controller.activate(self.choice_id)


class LanguageButton(KioskButton):
    code = StringProperty("")


class PinButton(KioskButton):
    pass


class ConcernButton(KioskButton):
    box_scale = NumericProperty(1.0)  # margins; `scale` (text) is twice that in large print
    row_height = NumericProperty(0)  # cards side by side share one height
    service_id = StringProperty("")
    name = StringProperty("")
    line1 = StringProperty("")
    line2 = StringProperty("")
    line3 = StringProperty("")
    available = BooleanProperty(True)
    rtl = BooleanProperty(False)
    #: The guaranteed later slot a full concern offers ("" for none): a button of its own on the card.
    later_label = StringProperty("")
    later_choice_id = StringProperty("")


class ScrollArea(FloatLayout):
    """Content that may be taller than its place (large print): it scrolls, without a swipe.

    Keypad users never scroll: the root scrolls the focused choice into view. Touch users get two
    big arrow buttons while there is more to see; dragging works too but is never needed.
    """

    scale = NumericProperty(1.0)
    can_go_up = BooleanProperty(False)
    can_go_down = BooleanProperty(False)

    def add_widget(self, widget, *args, **kwargs):
        scroller = self.ids.get("scroller") if hasattr(self, "ids") else None
        if scroller is not None and not isinstance(widget, ArrowButton):
            return scroller.add_widget(widget, *args, **kwargs)
        return super().add_widget(widget, *args, **kwargs)

    def on_kv_post(self, _base_widget) -> None:
        self._watched: set[int] = set()
        scroller = self.ids.scroller
        scroller.fbind("scroll_y", self._arrows)
        scroller.fbind("height", self._arrows)
        scroller.fbind("children", self._watch_content)
        self._watch_content()

    def _watch_content(self, *_args) -> None:
        for child in self.ids.scroller.children:
            if id(child) not in self._watched:
                self._watched.add(id(child))
                child.fbind("height", self._arrows)
        self._arrows()

    def _arrows(self, *_args) -> None:
        scroller = self.ids.scroller
        content = scroller.children[0] if scroller.children else None
        overflow = content is not None and content.height > scroller.height + 1
        self.can_go_up = overflow and scroller.scroll_y < 0.999
        self.can_go_down = overflow and scroller.scroll_y > 0.001

    def page(self, direction: int) -> None:
        """Scroll by most of a screenful: +1 down, -1 up."""
        scroller = self.ids.scroller
        content = scroller.children[0] if scroller.children else None
        if content is None or content.height <= scroller.height:
            return
        step = 0.8 * scroller.height / (content.height - scroller.height)
        scroller.scroll_y = min(1.0, max(0.0, scroller.scroll_y - direction * step))


class ArrowButton(Button):
    """Up or down arrow of a ScrollArea (drawn, not a glyph: the bundled fonts have no arrows)."""

    scale = NumericProperty(1.0)
    direction = NumericProperty(1)  # +1 down, -1 up
    shown = BooleanProperty(False)


class KioskScreen:
    """Mixin: every screen knows the controller and the size scale, and draws one kind of view.

    `scale` sizes boxes (1.0 at 1080 px); `text_scale` sizes text (twice `scale` in large print).
    """

    view_type: type = object

    def show(self, view: View) -> None:
        raise NotImplementedError


class StartScreen(BoxLayout, KioskScreen):
    view_type = StartView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    office_name = StringProperty("")
    greeting = StringProperty("")
    hint = StringProperty("")
    greetings = ListProperty([])
    hints = ListProperty([])
    large_print_label = StringProperty("")
    large_print_labels = ListProperty([])
    #: "I have a slot"; "" on a kiosk without a (working) scanner: the button is not there then.
    check_in_label = StringProperty("")
    check_in_labels = ListProperty([])

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._codes: tuple[str, ...] = ()
        super().__init__(**kwargs)

    def show(self, view: StartView) -> None:
        self.office_name = view.office_name
        self.greeting = view.greeting
        self.greetings = list(view.greetings)
        # A visitor who uses keys reads how to choose with keys; one who touches, how to continue.
        self.hint = view.key_hint if view.focus is not None else view.touch_hint
        self.hints = [*view.touch_hints, *(hint.text for hint in view.key_hints)]
        self.large_print_label = view.large_print_label
        self.large_print_labels = list(view.large_print_labels)
        self.check_in_label = view.check_in_label
        self.check_in_labels = list(view.check_in_labels)
        codes = tuple(choice.code for choice in view.languages)
        if codes != self._codes:
            self._codes = codes
            grid = self.ids.languages
            grid.clear_widgets()
            for choice in view.languages:
                button = LanguageButton(label=choice.name, code=choice.code, choice_id=choice.choice_id)
                self.bind(text_scale=button.setter("scale"))
                button.scale = self.text_scale
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
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    title = StringProperty("")
    message = StringProperty("")
    back_label = StringProperty("")
    large_print_label = StringProperty("")
    rtl = BooleanProperty(False)

    #: Cards shrink (down to this factor) when long names in a tall script would not fit the screen;
    #: never in large print, which scrolls instead.
    MIN_CARD_SCALE = 0.5
    card_scale = NumericProperty(1.0)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._language = ""
        super().__init__(**kwargs)
        self._fit_later = Clock.create_trigger(self._fit, 0)
        self.bind(size=self._refit, large_print=self._refit)
        self.ids.message.bind(height=lambda *_args: self._fit_later())

    def _refit(self, *_args) -> None:
        self.card_scale = 1.0
        self._fit_later()

    def _fit(self, *_args) -> None:
        """Equal heights for cards in a row, then shrink the cards until they fit above the buttons."""
        grid = self.ids.cards
        cards = list(grid.children)
        if not cards:
            return
        columns = grid.cols or 1
        tallest = max(card.ids.box.height + 48 * card.scale for card in cards)
        for card in cards:
            card.row_height = tallest if columns > 1 else 0
        if self.large_print:
            return
        rows = -(-len(cards) // columns)
        needed = rows * tallest + (rows - 1) * grid.spacing[1]
        column = self.ids.column
        available = self.ids.scroll.height - column.padding[1] - column.padding[3] - self.ids.message.height
        available -= column.spacing
        if needed > available and self.card_scale > self.MIN_CARD_SCALE:
            self.card_scale = max(self.MIN_CARD_SCALE, self.card_scale * available / needed * 0.97)
            self._fit_later()

    def on_card_scale(self, _instance, value: float) -> None:
        grid = self.ids.get("cards")  # None while the kv rule is still being applied
        for card in grid.children if grid is not None else ():
            card.scale = self.text_scale * value
            card.box_scale = self.scale * value

    def on_text_scale(self, _instance, value: float) -> None:
        self.on_card_scale(self, self.card_scale)

    def on_scale(self, _instance, value: float) -> None:
        self.on_card_scale(self, self.card_scale)

    def show(self, view: ConcernsView) -> None:
        if view.language != self._language:
            self._language = view.language
            self.card_scale = 1.0
        self.rtl = view.rtl
        self.title = view.title
        self.back_label = view.back_label
        self.large_print_label = view.large_print_label
        self.message = view.message
        grid = self.ids.cards
        ids = tuple(card.service_id for card in view.cards)
        if ids != tuple(button.service_id for button in reversed(grid.children)):
            # Live updates keep the buttons (only their texts change); a new set of services rebuilds.
            grid.clear_widgets()
            for card in view.cards:
                button = ConcernButton(
                    service_id=card.service_id,
                    choice_id=card.choice_id,
                    scale=self.text_scale * self.card_scale,
                    box_scale=self.scale * self.card_scale,
                )
                button.ids.box.bind(height=lambda *_a: self._fit_later())
                grid.add_widget(button)
        for button, card in zip(reversed(grid.children), view.cards, strict=True):
            button.name = card.name
            button.line1, button.line2, button.line3 = card.lines
            button.available = card.available
            button.rtl = view.rtl
            button.later_label = card.later_slot
            button.later_choice_id = card.later_choice_id if card.later_slot else ""


class FactsAndCode:
    """Mixin: a screen with `ids.facts` and `ids.code` (the QR code), side by side in landscape."""

    @property
    def side_by_side(self) -> bool:
        return self.width > self.height and not self.large_print

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._qr_text = ""
        super().__init__(**kwargs)
        self.bind(size=self._arrange, rtl=self._arrange, large_print=self._arrange)

    def show_code(self, view: TicketView | SlotView) -> None:
        """What both screens show alike: the direction, the buttons, a failed print, the QR code."""
        self.rtl = view.rtl
        self.done_label = view.done_label
        self.large_print_label = view.large_print_label
        self.failed = view.print_state == "failed"
        if view.qr_text != self._qr_text:
            self._qr_text = view.qr_text
            self.ids.qr.texture = qr_texture(view.qr_text) if view.qr_text else None

    def _arrange(self, *_args) -> None:
        """Landscape puts the facts and the QR side by side; right-to-left puts the facts on the right."""
        columns = self.ids.columns
        facts, code = self.ids.facts, self.ids.code
        wanted = [facts, code]
        if self.side_by_side and self.rtl:
            wanted.reverse()
        if list(reversed(columns.children)) != wanted:
            columns.clear_widgets()
            for child in wanted:
                columns.add_widget(child)


class TicketScreen(FactsAndCode, FloatLayout, KioskScreen):
    view_type = TicketView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    number = StringProperty("")
    number_label = StringProperty("")
    concern = StringProperty("")
    ahead = StringProperty("")
    wait = StringProperty("")
    instruction = StringProperty("")
    called_hint = StringProperty("")
    qr_caption = StringProperty("")
    done_label = StringProperty("")
    large_print_label = StringProperty("")
    failed = BooleanProperty(False)
    rtl = BooleanProperty(False)

    def show(self, view: TicketView) -> None:
        self.show_code(view)
        self.number = view.number
        self.number_label = view.number_label
        self.concern = view.concern
        self.ahead = view.ahead
        self.wait = view.wait
        self.instruction = view.instruction
        self.called_hint = view.called_hint
        self.qr_caption = view.qr_caption


class SlotScreen(FactsAndCode, FloatLayout, KioskScreen):
    """A guaranteed later slot just booked: its day and window, what to do on the day, the QR code."""

    view_type = SlotView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    title = StringProperty("")
    day = StringProperty("")
    window = StringProperty("")
    concern = StringProperty("")
    #: "On that day, come from 9:00 …" (a Kivy property may not start with "on_": that is an event).
    arrival = StringProperty("")
    bring = StringProperty("")
    instruction = StringProperty("")
    qr_caption = StringProperty("")
    done_label = StringProperty("")
    large_print_label = StringProperty("")
    failed = BooleanProperty(False)
    rtl = BooleanProperty(False)

    def show(self, view: SlotView) -> None:
        self.show_code(view)
        for name in ("title", "day", "window", "concern", "bring", "instruction", "qr_caption"):
            setattr(self, name, getattr(view, name))
        self.arrival = view.on_the_day


class OutOfServiceMessage(BoxLayout):
    scale = NumericProperty(1.0)
    title = StringProperty("")
    text = StringProperty("")
    rtl = BooleanProperty(False)


class MessagesScreen:
    """Mixin: a screen whose `ids.messages` holds one title and sentence per language, each in its own
    direction (screens for every language at once, before the visitor chose one)."""

    #: Text size of the messages: larger where one language alone is shown.
    message_factor = 1.0

    def show_messages(self, messages: tuple[Message, ...]) -> None:
        grid = self.ids.messages
        grid.clear_widgets()
        self.message_factor = 1.5 if len(messages) == 1 else 1.0
        for message in messages:
            grid.add_widget(
                OutOfServiceMessage(
                    title=message.title,
                    text=message.text,
                    rtl=is_rtl(message.language),
                    scale=self.text_scale * self.message_factor,
                )
            )

    def on_text_scale(self, _instance, value: float) -> None:
        grid = self.ids.get("messages")  # None while the kv rule is still being applied
        for item in grid.children if grid is not None else ():
            item.scale = value * self.message_factor


class ScanScreen(MessagesScreen, BoxLayout, KioskScreen):
    """ "I have a slot": hold the paper under the scanner, in every language; then one moment, please."""

    view_type = ScanView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    busy = StringProperty("")
    back_label = StringProperty("")
    large_print_label = StringProperty("")
    rtl = BooleanProperty(False)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._shown: tuple = ()
        super().__init__(**kwargs)

    def show(self, view: ScanView) -> None:
        self.busy = view.busy_text
        self.back_label = view.back_label
        self.large_print_label = view.large_print_label
        self.rtl = is_rtl(view.language)
        if view.messages != self._shown:
            self._shown = view.messages
            self.show_messages(view.messages)


class CheckInProblemScreen(MessagesScreen, BoxLayout, KioskScreen):
    """A slot's paper that gives no ticket now: why, and what to do."""

    view_type = CheckInProblemView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
    done_label = StringProperty("")
    large_print_label = StringProperty("")
    rtl = BooleanProperty(False)
    single = BooleanProperty(True)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self._shown: tuple = ()
        super().__init__(**kwargs)

    def show(self, view: CheckInProblemView) -> None:
        self.done_label = view.done_label
        self.large_print_label = view.large_print_label
        self.rtl = is_rtl(view.language)
        self.single = len(view.messages) == 1
        if view.messages != self._shown:
            self._shown = view.messages
            self.show_messages(view.messages)


class OutOfServiceScreen(MessagesScreen, BoxLayout, KioskScreen):
    view_type = OutOfServiceView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
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
        self.show_messages(view.messages)


class StaffPinScreen(BoxLayout, KioskScreen):
    view_type = StaffPinView
    scale = NumericProperty(1.0)
    text_scale = NumericProperty(1.0)
    large_print = BooleanProperty(False)
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
        for key in PIN_KEYS:
            button = PinButton(label=view.ok_label if key == "OK" else key, choice_id=f"pin:{key}", scale=self.scale)
            self.bind(scale=button.setter("scale"))
            keys.add_widget(button)


SCREEN_TYPES = (
    StartScreen,
    ConcernScreen,
    TicketScreen,
    SlotScreen,
    ScanScreen,
    CheckInProblemScreen,
    OutOfServiceScreen,
    StaffPinScreen,
)


class KioskRoot(FloatLayout):
    """Holds the current screen, re-uses it while the view kind stays, and watches the staff corner.

    It also does for every screen alike what the view asks besides its content: large print (the
    screen's `text_scale`), the focus ring on the button whose `choice_id` the view focuses (scrolled
    into view when a key moves it; a new screen starts at its top), and the banner over the screen
    (the timeout warning, the key help).
    """

    scale = NumericProperty(1.0)
    banner = StringProperty("")
    banner_rtl = BooleanProperty(False)
    text_scale = NumericProperty(1.0)

    def __init__(self, controller, **kwargs) -> None:
        self.controller = controller
        self.current: KioskScreen | None = None
        self._screens: dict[type, KioskScreen] = {}
        self._large_print = False
        self._scroll_target: KioskButton | None = None
        self._screen: str | None = None
        self._focus_id: str | None = None
        super().__init__(**kwargs)
        self._scroll_to_focus = Clock.create_trigger(self._show_focused, 0)
        self.bind(size=self._rescale)
        self._rescale()

    def _rescale(self, *_args) -> None:
        self.scale = max(min(self.width, self.height), 1) / 1080
        self.text_scale = self.scale * (LARGE_PRINT_FACTOR if self._large_print else 1.0)

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
            self.add_widget(screen, index=1)  # under the banner
            self.current = screen
        self._large_print = view.large_print and not view.private
        self._rescale()
        self.current.large_print = self._large_print
        self.current.text_scale = self.text_scale if not view.private else self.scale
        self.current.show(view)
        self.banner = view.banner
        self.banner_rtl = is_rtl(view.banner_language)
        moved = view.screen == self._screen and view.focus != self._focus_id
        if view.screen != self._screen:
            # A new screen starts at its top (the ticket's number, the heading), wherever the ring is.
            self._scroll_target = None
            for widget in self.current.walk(restrict=True):
                if isinstance(widget, ScrollView):
                    widget.scroll_y = 1.0
        self._screen, self._focus_id = view.screen, view.focus
        self._focus(view.focus, scroll=moved)

    def _focus(self, choice_id: str | None, *, scroll: bool) -> None:
        for widget in self.current.walk(restrict=True):
            if isinstance(widget, KioskButton) and widget.choice_id:
                widget.focused = choice_id is not None and widget.choice_id == choice_id
                if widget.focused and scroll:
                    self._scroll_target = widget
                    self._scroll_to_focus()

    def _show_focused(self, *_args) -> None:
        widget, self._scroll_target = self._scroll_target, None
        owner = widget.parent if widget is not None else None
        # Up to this root only (Kivy's window is its own parent).
        while owner is not None and owner is not self and not isinstance(owner, ScrollView):
            owner = owner.parent
        if isinstance(owner, ScrollView):
            owner.scroll_to(widget, padding=30 * self.scale, animate=False)

    def on_touch_down(self, touch) -> bool:
        if not self.collide_point(*touch.pos):
            return False
        corner = STAFF_CORNER * self.scale
        if touch.x - self.x <= corner and self.top - touch.y <= corner:
            self.controller.corner_tap()
            return True
        self.controller.touch()
        return super().on_touch_down(touch)
