"""What speech says and when: the texts the screens show, in the visitor's language, cut off by the next key.

No audio here: `RecordingSpeech` keeps what would be heard (`queue`) and every batch asked for
(`heard`). tests/wartemarke/test_speech_channel.py checks that espeak-ng turns it into sound.
"""

from __future__ import annotations

import logging

import pytest
from kiosk_fakes import FakePrinter
from kiosk_rig import make_guided_rig

from kiosk.config import AccessibilitySection
from kiosk.narration import focused
from kiosk.views import Screen
from printer.status import PrinterStatus
from wartemarke.i18n import gettext_for
from wartemarke.speech import Utterance, spoken_number

LANGUAGES = ["de", "en", "uk", "ru", "tr", "ar", "fa"]


def shown_texts(view) -> set[str]:
    """Every text the view puts on the screen (what kiosk/screens.py draws from it)."""
    texts = {view.banner, *view.banner.split("\n")}
    texts |= {choice.label for choice in view.choices} | {line for c in view.choices for line in c.details}
    for name in ("title", "message", "number_label", "concern", "ahead", "wait", "instruction", "called_hint"):
        texts.add(getattr(view, name, ""))
    if view.screen == Screen.START:
        texts |= {view.greeting, view.key_hint, *(hint.text for hint in view.key_hints)}
    return texts - {""}


def assert_spoken_is_shown(rig) -> None:
    view = rig.view
    for utterance in rig.speech.queue:
        number = getattr(view, "number", None)
        assert utterance.text in shown_texts(view) or (number and utterance.text == spoken_number(number)), (
            f"spoken but not shown: {utterance.text!r}"
        )


def to_language(rig, language: str) -> None:
    while rig.view.focus != f"language:{language}":
        rig.press("down")
    rig.press("enter")


def test_speech_starts_with_how_to_choose_in_every_language_then_the_language_under_the_ring():
    rig = make_guided_rig()
    rig.press("f1")
    hint = "Choose your language with the arrow keys and press Enter."
    hints = [Utterance(gettext_for("kiosk", code)(hint), code) for code in LANGUAGES]
    assert rig.speech.queue == [*hints, Utterance("Deutsch", "de")]
    rig.press("down")
    assert rig.speech.queue == [Utterance("English", "en")]  # each language names itself, in its own voice
    rig.press("down")
    assert rig.speech.queue == [Utterance("Українська", "uk")]


def test_an_always_speaking_kiosk_waits_for_a_visitor_before_speaking():
    rig = make_guided_rig(accessibility=AccessibilitySection(speech="always"))
    assert rig.speech.heard == []  # nobody there yet
    rig.press("down")
    assert rig.speech.queue[0].text == "Wählen Sie Ihre Sprache mit den Pfeiltasten und drücken Sie die Eingabetaste."
    assert rig.speech.queue[-1] == Utterance("Deutsch", "de")


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_every_step_says_what_the_screen_shows(language):
    rig = make_guided_rig()
    rig.press("f1")
    assert_spoken_is_shown(rig)
    to_language(rig, language)
    view = rig.view
    assert view.screen == Screen.CONCERNS
    assert rig.speech.queue[0] == Utterance(view.title, language)
    assert rig.speech.queue[1:] == list(focused(view))  # the first concern: its name and the lines under it
    assert_spoken_is_shown(rig)
    rig.press("down")
    assert rig.speech.queue == list(focused(rig.view))
    assert_spoken_is_shown(rig)
    rig.press("up")
    rig.press("enter")
    assert rig.view.screen == Screen.TICKET
    assert_spoken_is_shown(rig)
    assert all(u.language == language for u in rig.speech.queue)


def test_the_ticket_is_said_twice_then_where_it_comes_out_and_that_it_will_be_called():
    rig = make_guided_rig()
    rig.press("f1")
    to_language(rig, "en")
    rig.press("enter")
    facts = ["Your number", "N 1", "Emergency", "People ahead of you: 3", "Expected wait: 20–35 min"]
    # The ticket was printed while the facts were said: "being printed" was dropped before its turn.
    assert rig.speech.texts == [
        *facts,
        *facts,
        "Your number will be called out loud in the waiting room.",
        "Please take your ticket from the slot below the screen.",
        "Done",  # the button with the ring
    ]
    assert_spoken_is_shown(rig)


def test_the_slot_is_where_the_config_says():
    rig = make_guided_rig(accessibility=AccessibilitySection(ticket_slot="right"))
    rig.press("f1")
    to_language(rig, "de")
    rig.press("enter")
    assert rig.speech.texts[-2:] == [
        "Bitte nehmen Sie Ihre Wartenummer aus dem Schlitz rechts vom Bildschirm.",
        "Fertig",
    ]


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_a_printer_that_fails_is_said_with_where_to_ask(language):
    rig = make_guided_rig(printer=FakePrinter(PrinterStatus.PAPER_OUT))
    rig.press("f1")
    to_language(rig, language)
    rig.press("enter")
    failed = gettext_for("kiosk", language)("The printer is not working. Please ask at the information desk.")
    assert rig.speech.queue[-2:] == [Utterance(failed, language), *focused(rig.view)]
    assert rig.view.instruction == failed  # shown as said
    assert rig.view.number  # the number was still said
    assert Utterance(spoken_number(rig.view.number), language) in rig.speech.queue


def test_the_next_key_cuts_off_speech_and_repeat_says_it_again():
    rig = make_guided_rig()
    rig.press("f1")
    to_language(rig, "de")
    interrupts = rig.speech.interrupts
    rig.press("x")  # any key silences what is being said
    assert rig.speech.interrupts == interrupts + 1 and rig.speech.queue == []
    rig.press("numpad0")
    view = rig.view
    assert rig.speech.queue == [Utterance(view.title, "de"), *focused(view)]
    rig.press("r")
    assert rig.speech.queue == [Utterance(view.title, "de"), *focused(view)]


def test_louder_softer_faster_slower_and_the_change_is_heard_at_once():
    rig = make_guided_rig()
    rig.press("f1")
    rig.press("numpad_plus")
    rig.press("numpad_plus")
    rig.press("numpad_minus")
    rig.press("numpad9")
    assert (rig.speech.volume, rig.speech.rate) == (120, 180)
    rig.press("numpad7")
    rig.press("numpad7")
    assert rig.speech.rate == 140
    assert rig.speech.queue == [Utterance("Deutsch", "de")]


def test_the_warning_is_said_as_shown():
    rig = make_guided_rig()
    rig.press("f1")
    to_language(rig, "uk")
    rig.speech.queue.clear()  # all said; the visitor does nothing for a while
    rig.scheduler.advance(101)
    assert rig.view.banner
    warning = [Utterance(line, "uk") for line in rig.view.banner.split("\n")]
    assert len(warning) == 2 and rig.speech.queue == warning


def test_the_key_help_is_said_line_by_line_as_shown():
    rig = make_guided_rig()
    rig.press("f1")
    rig.press("f1")
    lines = rig.view.banner.split("\n")
    assert len(lines) == 6 and rig.speech.texts == lines


def test_a_language_without_a_voice_is_said_in_the_fallback_and_the_log_says_so(caplog):
    rig = make_guided_rig(voices=frozenset({"de", "en", "uk", "ru", "tr", "ar"}))
    rig.press("f1")
    assert "fa" not in {u.language for u in rig.speech.queue}  # the Farsi hint is skipped, not garbled
    with caplog.at_level(logging.WARNING, logger="kiosk.narration"):
        to_language(rig, "fa")
    assert rig.view.language == "fa"  # the screen stays Farsi
    assert rig.speech.queue[0] == Utterance("What is your concern?", "en")
    assert "no voice for 'fa'" in caplog.text


def test_speech_stops_when_the_visitor_leaves():
    rig = make_guided_rig()
    rig.press("f1")
    to_language(rig, "de")
    rig.press("enter")
    rig.controller.finish_ticket()
    assert rig.view.screen == Screen.START and not rig.view.speech
    assert rig.speech.queue == []
