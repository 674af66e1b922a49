"""Speech reaches espeak-ng and comes out as sound; the next key cuts it off.

Real espeak-ng (a Debian package of `make test`) renders every sentence; a `WavFolder` keeps what
would have gone to the headphones, and sox's `stat` says whether it is sound or silence.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from wartemarke.speech import ESPEAK_VOICES, Utterance, synthesize, wav_seconds
from wartemarke.speech_channel import SpeechChannel, WavFolder, open_speech_channel

ESPEAK = shutil.which("espeak-ng")
pytestmark = pytest.mark.skipif(ESPEAK is None or shutil.which("sox") is None, reason="needs espeak-ng and sox")

SENTENCES = {
    "de": "Wählen Sie Ihre Sprache mit den Pfeiltasten und drücken Sie die Eingabetaste.",
    "en": "Choose your language with the arrow keys and press Enter.",
    "uk": "Оберіть мову клавішами зі стрілками й натисніть Enter.",
    "ru": "Выберите язык клавишами со стрелками и нажмите Enter.",
    "tr": "Dilinizi ok tuşlarıyla seçin ve Enter tuşuna basın.",
    "ar": "اختر لغتك بمفاتيح الأسهم ثم اضغط على مفتاح الإدخال.",
    "fa": "زبان خود را با کلیدهای جهت‌نما انتخاب کنید و کلید اینتر را بزنید.",
}


def rms_amplitude(wav: Path) -> float:
    """sox's own measure of how loud a file is (0 = silence)."""
    report = subprocess.run(["sox", str(wav), "-n", "stat"], capture_output=True, text=True, check=True).stderr
    return float(re.search(r"RMS\s+amplitude:\s+([0-9.]+)", report).group(1))


def channel_into(folder: Path, *, realtime: bool, **kwargs) -> tuple[SpeechChannel, WavFolder, threading.Event]:
    player = WavFolder(folder, realtime=realtime)
    idle = threading.Event()
    channel = SpeechChannel(espeak=ESPEAK, voices=ESPEAK_VOICES, player=player, on_idle=idle.set, **kwargs)
    return channel, player, idle


def test_every_language_is_spoken_out_loud(tmp_path):
    channel, player, idle = channel_into(tmp_path, realtime=False)
    channel.say(Utterance(text, language) for language, text in SENTENCES.items())
    assert idle.wait(60)
    channel.close()
    assert [(p.utterance.language, p.path.name) for p in player.history] == [
        (language, f"{n:04d}-{language}.wav") for n, language in enumerate(SENTENCES, start=1)
    ]
    for played in player.history:
        assert 1.0 < played.seconds < 6.0, played.utterance  # a prompt, not a lecture
        assert rms_amplitude(played.path) > 0.01, f"silent: {played.utterance}"
        assert played.path.with_suffix(".txt").read_text(encoding="utf-8").strip() == played.utterance.text


def test_the_next_key_cuts_off_what_is_being_said(tmp_path):
    channel, player, idle = channel_into(tmp_path, realtime=True)
    channel.say([Utterance(SENTENCES["de"], "de"), Utterance(SENTENCES["en"], "en")])
    assert _wait_for(lambda: len(player.history) == 1)  # the first sentence is playing
    channel.say([Utterance("Deutsch", "de")])  # what a key press does
    idle.clear()
    assert idle.wait(30)
    channel.close()
    assert [p.utterance.text for p in player.history] == [SENTENCES["de"], "Deutsch"]
    assert player.history[0].interrupted and not player.history[1].interrupted


def test_add_waits_its_turn_and_retract_drops_what_was_not_said_yet(tmp_path):
    channel, player, idle = channel_into(tmp_path, realtime=True)
    channel.say([Utterance("Erstens.", "de")])
    assert _wait_for(lambda: len(player.history) == 1)
    channel.add([Utterance("Zweitens.", "de"), Utterance("Drittens.", "de")])
    channel.retract([Utterance("Zweitens.", "de")])
    assert idle.wait(30)
    channel.close()
    assert [p.utterance.text for p in player.history] == ["Erstens.", "Drittens."]
    assert not any(p.interrupted for p in player.history)


def test_slower_is_longer_and_louder_is_louder(tmp_path):
    channel, player, idle = channel_into(tmp_path, realtime=False, rate=160, volume=100)
    sentence = Utterance(SENTENCES["en"], "en")
    channel.say([sentence])
    assert idle.wait(30)
    idle.clear()
    channel.adjust(rate=-60, volume=60)
    channel.add([sentence])
    assert idle.wait(30)
    channel.close()
    usual, changed = player.history
    assert changed.seconds > usual.seconds * 1.3
    assert rms_amplitude(changed.path) > rms_amplitude(usual.path) * 1.3


def test_a_text_starting_with_a_dash_is_read_not_taken_for_an_option(tmp_path):
    wav = tmp_path / "dash.wav"
    synthesize(ESPEAK, "de", "-v en Notfall", wav, rate=160)
    assert wav_seconds(wav) > 0.5 and rms_amplitude(wav) > 0.01


def test_the_wav_output_is_opened_from_the_config_with_every_voice(tmp_path):
    channel, note = open_speech_channel(
        output=f"wav://{tmp_path / 'spoken'}", languages=list(SENTENCES), voices={}, rate=160, volume=100
    )
    assert channel is not None and sorted(channel.voices) == sorted(SENTENCES)
    assert "WAV files in" in note and "no espeak-ng voice" not in note
    channel.close()


def test_without_espeak_there_is_no_speech_and_the_note_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    channel, note = open_speech_channel(output="default", languages=["de"], voices={}, rate=160, volume=100)
    assert channel is None and "espeak-ng is not installed" in note


def _wait_for(condition, timeout: float = 20.0) -> bool:
    done = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return True
        done.wait(0.02)
    return condition()
