"""The announcement queue: chime then speech, one call after the other, nothing cut off or lost."""

from __future__ import annotations

import threading

from display_fakes import RecordingSpeaker

from display.announcer import Announcer
from display.board import Announcement
from display.callout import callout_sentence
from wartemarke.speech import spoken_number


def call(number: str, counter: str = "5", language: str | None = "uk", recall: bool = False) -> Announcement:
    return Announcement(number, counter, counter, language, recall)


def test_german_callout_then_the_tickets_language():
    speaker = RecordingSpeaker(voices={"de", "uk"})
    announcer = Announcer(speaker)
    announcer.announce(call("N017", "5", "uk"))
    announcer.close(timeout=10)
    assert [(kind, text) for kind, text, *_ in speaker.played] == [
        ("chime", ""),
        ("say:de", "Nummer N 17, bitte zu Schalter 5."),
        ("say:uk", "Номер N 17, підійдіть, будь ласка, до віконця 5."),
    ]


def test_announcements_play_in_order_without_overlap_even_when_made_at_once():
    speaker = RecordingSpeaker(voices={"de", "en"}, seconds=0.005)
    announcer = Announcer(speaker)
    threads = [threading.Thread(target=announcer.announce, args=(call(f"A{i:03d}", language="en"),)) for i in range(3)]
    speaker.release.clear()  # hold the first sound so the rest pile up behind it
    announcer.announce(call("N001", language="de"))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    announcer.announce(call("N001", language="de", recall=True))
    speaker.release.set()
    announcer.close(timeout=10)
    assert not speaker.overlapped
    ends = [(start, end) for *_, start, end in speaker.played]
    assert all(prev_end <= start for (_, prev_end), (start, _) in zip(ends, ends[1:], strict=False))
    spoken_de = [text for kind, text, *_ in speaker.played if kind == "say:de"]
    assert spoken_de[0].startswith("Nummer N 1,") and spoken_de[-1].startswith("Nummer N 1,")  # recall again
    assert sorted(spoken_de[1:4]) == [
        "Nummer A 0, bitte zu Schalter 5.",
        "Nummer A 1, bitte zu Schalter 5.",
        "Nummer A 2, bitte zu Schalter 5.",
    ]
    assert sum(kind == "chime" for kind, *_ in speaker.played) == 5


def test_close_lets_the_current_announcement_finish():
    speaker = RecordingSpeaker(voices={"de"})
    speaker.release.clear()
    announcer = Announcer(speaker)
    announcer.announce(call("N017"))
    closing = threading.Thread(target=announcer.close, kwargs={"timeout": 10})
    closing.start()
    speaker.release.set()
    closing.join()
    assert [kind for kind, *_ in speaker.played] == ["chime", "say:de"]


def test_no_voice_for_the_tickets_language_means_german_only():
    speaker = RecordingSpeaker(voices={"de"})
    announcer = Announcer(speaker)
    assert [lang for _, lang in announcer.sentences(call("N017", language="fa"))] == ["de"]
    announcer.close()


def test_without_espeak_only_the_chime_sounds():
    speaker = RecordingSpeaker(voices=set())
    announcer = Announcer(speaker)
    announcer.announce(call("N017"))
    announcer.close(timeout=10)
    assert [kind for kind, *_ in speaker.played] == ["chime"]


def test_a_failing_chime_does_not_silence_the_callout_or_later_ones():
    class Flaky(RecordingSpeaker):
        failures = 1

        def chime(self) -> None:
            if self.failures:
                self.failures -= 1
                raise OSError("device busy")
            super().chime()

    speaker = Flaky(voices={"de"})
    announcer = Announcer(speaker)
    announcer.announce(call("N001"))
    announcer.announce(call("N002"))
    announcer.close(timeout=10)
    assert [text for kind, text, *_ in speaker.played if kind == "say:de"] == [
        "Nummer N 1, bitte zu Schalter 5.",
        "Nummer N 2, bitte zu Schalter 5.",
    ]


def test_spoken_numbers_drop_leading_zeros_and_split_the_prefix():
    assert spoken_number("N017") == "N 17"
    assert spoken_number("UA007") == "UA 7"
    assert spoken_number("100") == "100"


def test_named_counters_are_said_as_named():
    assert callout_sentence("A003", "Raum 2.14", "de") == "Nummer A 3, bitte zu Raum 2.14."
    assert callout_sentence("A003", "3", "ar") == "الرقم A 3، يرجى التوجه إلى الشباك 3."


def test_a_counter_called_schalter_5_is_said_as_counter_5_in_every_language():
    assert callout_sentence("N017", "Schalter 5", "de") == "Nummer N 17, bitte zu Schalter 5."
    assert callout_sentence("N017", "Schalter 5", "uk") == "Номер N 17, підійдіть, будь ласка, до віконця 5."
    assert callout_sentence("N017", "Raum 2.14", "en") == "Number N 17, please go to Raum 2.14."


def test_each_sentence_names_the_counter_in_its_own_language():
    names = {"de": "Raum 2.14", "uk": "Кімната 2.14", "ar": "الغرفة 2.14"}
    speaker = RecordingSpeaker(voices={"de", "uk", "ar"})
    announcer = Announcer(speaker)
    for language in ("uk", "ar"):
        announcement = Announcement("A003", "R", "Raum 2.14", language, counter_names=names)
        assert announcer.sentences(announcement) == [
            ("Nummer A 3, bitte zu Raum 2.14.", "de"),
            (callout_sentence("A003", names[language], language), language),
        ]
        assert names[language] in announcer.sentences(announcement)[1][0]
    announcer.close(timeout=10)
