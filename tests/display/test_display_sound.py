"""Which sound a machine gets: speech, chime alone, or silence — decided by what is installed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from display.sound import SilentSpeaker, SoxSpeaker, open_speaker


def fake_tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def bin_dir(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", str(folder))
    return folder


def test_a_working_player_without_espeak_gives_the_chime_alone(bin_dir, tmp_path):
    log = tmp_path / "played"
    fake_tool(bin_dir, "play", f'echo "$@" >> {log}')
    speaker, why = open_speaker(enabled=True, voice="de", rate=140)
    assert isinstance(speaker, SoxSpeaker) and "chime only" in why
    assert not speaker.can_say("de")
    speaker.chime()
    assert log.read_text().splitlines()[-1].endswith("chime.wav")


def test_espeak_voices_are_used_when_present(bin_dir, tmp_path):
    log = tmp_path / "played"
    fake_tool(bin_dir, "play", f'echo "$@" >> {log}')
    # Lists a voice for de and uk only; writes an (empty) wav for -w.
    fake_tool(
        bin_dir,
        "espeak-ng",
        """case "$1" in
  --voices=de|--voices=uk) printf 'Pty Language\\n 5 x\\n' ;;
  --voices=*) printf 'Pty Language\\n' ;;
  *) shift 5; : > "$1" ;;
esac""",
    )
    speaker, why = open_speaker(enabled=True, voice="de", rate=140)
    assert (speaker.can_say("de"), speaker.can_say("uk"), speaker.can_say("fa")) == (True, True, False)
    speaker.say("Nummer N 1, bitte zu Schalter 5.", "de")
    assert log.read_text().splitlines()[-1].endswith(".wav")


def test_no_audio_device_or_no_player_means_a_silent_board(bin_dir):
    assert isinstance(open_speaker(enabled=True, voice="de", rate=140)[0], SilentSpeaker)  # no `play`
    fake_tool(bin_dir, "play", "echo 'no default audio device' >&2; exit 1")
    speaker, why = open_speaker(enabled=True, voice="de", rate=140)
    assert isinstance(speaker, SilentSpeaker) and "no audio output" in why


def test_sound_switched_off_in_the_config():
    speaker, why = open_speaker(enabled=False, voice="de", rate=140)
    assert isinstance(speaker, SilentSpeaker) and "switched off" in why


def test_the_chime_is_a_short_wav():
    import wave

    from display.sound import CHIME

    with wave.open(os.fspath(CHIME)) as chime:
        seconds = chime.getnframes() / chime.getframerate()
    assert 0.5 < seconds < 4


def test_an_empty_voice_means_the_chime_alone(bin_dir, tmp_path):
    fake_tool(bin_dir, "play", "exit 0")
    fake_tool(bin_dir, "espeak-ng", "printf 'Pty Language\\n 5 x\\n'")
    speaker, why = open_speaker(enabled=True, voice="", rate=140)
    assert not speaker.can_say("de") and not speaker.can_say("uk") and "chime only" in why
