"""A blind visitor's ticket: the real kiosk against a real server, driven by key events alone, with speech.

Keys go through Kivy's window (`on_key_down`), as a USB keypad's would; no touch at all. Speech is
rendered by real espeak-ng into WAV files (`WavFolder`), each checked with sox: not silent, in the
visitor's language, and saying exactly a text the screen shows at that moment.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from kiosk_fakes import FakePrinter
from kivy.core.window import Window
from kivy_stage import pump_until, shoot, staged

from kiosk.config import load_kiosk_config
from kiosk.screens import KioskButton, KioskLabel
from kiosk.views import PrintState, Screen
from kiosk.wording import ahead_text, wait_text
from printer.status import PrinterStatus
from wartemarke.i18n import gettext_for
from wartemarke.keys import KEYCODES
from wartemarke.speech import spoken_number
from wartemarke.speech_channel import SpeechChannel, WavFolder, open_speech_channel

pytestmark = pytest.mark.kivy

LANGUAGES = ["de", "en", "uk", "ru", "tr", "ar", "fa"]


def kiosk_for(server, folder: Path, *, speech_output: str | None = None, **runtime_options):
    """A kiosk for `server`; speech into `folder/spoken` as fast as espeak-ng goes, or as `speech_output` says."""
    from kiosk.app import KioskRuntime

    (folder / "kiosk.token").write_text(server.tokens["kiosk"] + "\n")
    output = speech_output or "default"
    (folder / "kiosk.toml").write_text(
        f'[server]\nurl = "{server.url}"\ntoken_file = "kiosk.token"\n'
        '[printer]\nurl = "preview://printed"\n'
        '[kiosk]\nstaff_pin = "2468"\n'
        f'[accessibility]\noutput = "{output}"\n'
    )
    config = load_kiosk_config(folder / "kiosk.toml")
    if speech_output is None:
        channel, _note = open_speech_channel(
            output=f"wav://{folder / 'spoken'}", languages=LANGUAGES, voices={}, rate=160, volume=100
        )
        channel.player.realtime = False
        runtime_options["speech"] = channel
    return KioskRuntime(config, token=config.read_token(), **runtime_options)


@pytest.fixture
def running():
    started = []
    yield started.append
    for runtime in started:
        runtime.stop()


def press(key: str) -> None:
    """One key of the keypad, down and up, through Kivy's window."""
    code = KEYCODES[key]
    Window.dispatch("on_key_down", code, 0, None, [])
    Window.dispatch("on_key_up", code, 0)


def on_screen(root) -> set[str]:
    """The texts on the screen now, and those its cycling lines show in turn (the start screen's hint)."""
    texts = set()
    for widget in root.walk(restrict=True):
        if isinstance(widget, KioskLabel) and widget.opacity and widget.source:
            texts |= {widget.source, *widget.source.split("\n"), *widget.reserve}
        elif isinstance(widget, KioskButton) and widget.label:
            texts.add(widget.label)
    return texts


def rms_amplitude(wav: Path) -> float:
    report = subprocess.run(["sox", str(wav), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.]+)", report).group(1))


class Listener:
    """Presses keys after the kiosk has finished speaking, and checks each sentence against the screen."""

    def __init__(self, runtime) -> None:
        self.runtime = runtime
        self.heard_until = 0
        self.sentences: list[tuple[str, str]] = []  # (text, language)
        #: Every text the screens drew since the last key (a view can come and go within one frame).
        self.shown: set[str] = set()
        draw = runtime.controller.on_view

        def draw_and_note(view) -> None:
            draw(view)
            self.shown |= on_screen(runtime.root)

        runtime.controller.on_view = draw_and_note

    @property
    def channel(self) -> SpeechChannel:
        return self.runtime.speech

    @property
    def player(self) -> WavFolder:
        return self.runtime.speech.player

    def press(self, key: str) -> list[str]:
        self.shown = on_screen(self.runtime.root)
        press(key)
        return self.listen()

    def listen(self) -> list[str]:
        """What was said since the last key, once it is all said; each sentence was on the screen meanwhile."""
        assert pump_until(lambda: not self.channel.busy, timeout=60), "speech never finished"
        shown = self.shown | on_screen(self.runtime.root)
        number = getattr(self.runtime.controller.view(), "number", "")
        new = self.player.history[self.heard_until :]
        self.heard_until = len(self.player.history)
        for played in new:
            text = played.utterance.text
            assert text in shown or (number and text == spoken_number(number)), f"said but not shown: {text!r}"
            assert played.path.name.endswith(f"-{played.utterance.language}.wav")
            assert rms_amplitude(played.path) > 0.01, f"silence instead of {text!r}"
            self.sentences.append((text, played.utterance.language))
        return [played.utterance.text for played in new]


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_a_ticket_by_keys_alone_with_every_step_spoken_as_shown(live_server, tmp_path, running, language):
    runtime = kiosk_for(live_server, tmp_path)
    running(runtime)
    with staged(runtime.root):
        runtime.start()
        controller = runtime.controller
        assert pump_until(lambda: controller.services, timeout=10), "services never arrived"
        ear = Listener(runtime)
        text = gettext_for("kiosk", language)

        heard = ear.press("f1")  # the help key: speech on
        assert len(heard) == len(LANGUAGES) + 1  # how to choose, in every language; then the first language
        assert {lang for _text, lang in ear.sentences} == set(LANGUAGES)
        for _ in range(LANGUAGES.index(language)):
            heard = ear.press("down")
        assert heard[-1] == runtime.controller.view().languages[LANGUAGES.index(language)].name
        heard = ear.press("enter")
        assert heard[0] == text("What is your concern?") and controller.view().language == language
        shoot(runtime.root, f"keys-concerns-{language}")
        before_ticket = len(ear.sentences)
        ear.press("enter")
        assert pump_until(lambda: controller.print_state != PrintState.PRINTING, timeout=15)
        ear.listen()
        ticket = controller.ticket
        assert controller.print_state == PrintState.PRINTED
        spoken = [text for text, lang in ear.sentences[before_ticket:] if lang == language]
        assert spoken.count(spoken_number(ticket.number)) == 2  # the number, twice
        assert spoken.count(ahead_text(ticket.position, text)) == 2  # "You are next.": the first ticket
        assert spoken.count(wait_text(ticket.wait, text)) == 2
        assert text("Please take your ticket from the slot below the screen.") in spoken
        assert text("Your number will be called out loud in the waiting room.") in spoken
        shoot(runtime.root, f"keys-ticket-{language}")
        assert (tmp_path / "printed" / f"{ticket.number}.png").exists()
        assert ticket.language == language
        ear.press("enter")  # "Done" has the ring
        assert controller.screen == Screen.START


def test_a_printer_that_fails_is_spoken_and_the_ticket_still_shown(live_server, tmp_path, running):
    runtime = kiosk_for(live_server, tmp_path, printer=FakePrinter(PrinterStatus.PAPER_OUT))
    running(runtime)
    with staged(runtime.root):
        runtime.start()
        controller = runtime.controller
        assert pump_until(lambda: controller.services, timeout=10)
        ear = Listener(runtime)
        ear.press("f1")
        ear.press("down")
        ear.press("down")  # Українська
        ear.press("enter")
        ear.press("enter")
        assert pump_until(lambda: controller.print_state == PrintState.FAILED, timeout=20)
        ear.listen()
        failed = "Принтер не працює. Зверніться, будь ласка, до довідкової."
        assert (failed, "uk") in ear.sentences and failed in on_screen(runtime.root)
        assert controller.ticket.number in {w.text for w in runtime.root.walk() if hasattr(w, "text")}
        shoot(runtime.root, "keys-ticket-printer-failed-uk")


def test_the_next_key_cuts_speech_off_and_repeat_says_it_again(live_server, tmp_path, running):
    """Real time, as a listener hears it: the seven-language hint is cut off by the first arrow key."""
    runtime = kiosk_for(live_server, tmp_path, speech_output=f"wav://{tmp_path / 'spoken'}")
    running(runtime)
    player = runtime.speech.player
    with staged(runtime.root):
        runtime.start()
        press("f1")
        assert pump_until(lambda: len(player.history) >= 1, timeout=20)  # the German hint is playing
        press("down")
        assert pump_until(lambda: any(p.utterance.text == "English" for p in player.history), timeout=20)
        hint = player.history[0]
        assert hint.utterance.language == "de" and hint.interrupted
        assert [p.utterance.text for p in player.history[1:]] == ["English"]  # nothing else of the hint
        press("numpad0")  # repeat: the screen's hint again, from the start
        assert pump_until(lambda: len(player.history) >= 3, timeout=20)
        assert player.history[2].utterance == hint.utterance
        press("x")  # any key silences it
        assert pump_until(lambda: not runtime.speech.busy, timeout=20)
        assert player.history[2].interrupted
