"""Sound output for the announcer: sox `play` for the chime, espeak-ng (offline) for the voice.

Speech is rendered to a WAV file first and then played by the same player as the chime, so one
check ("can this machine play sound?") covers both, and `play` returning means the sound is over.
What is missing decides the fallback, said once in the log:
no espeak-ng (or no voice for a language) → chime alone; no player or no audio device → silent board.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from wartemarke import ASSETS
from wartemarke.speech import ESPEAK_VOICES, audio_output_works, available_voices, synthesize

log = logging.getLogger(__name__)

CHIME = ASSETS / "sounds" / "chime.wav"


class SilentSpeaker:
    """No sound output: the board still shows every call (and highlights it)."""

    def chime(self) -> None:
        pass

    def can_say(self, language: str) -> bool:
        return False

    def say(self, text: str, language: str) -> None:
        pass


class SoxSpeaker:
    """Chime and espeak-ng speech played through sox's `play` on the default audio device."""

    def __init__(
        self,
        *,
        player: str,
        espeak: str | None,
        voices: dict[str, str],
        rate: int = 140,
        chime: Path = CHIME,
    ) -> None:
        self._player = player
        self._espeak = espeak
        self._voices = voices
        self._rate = rate
        self._chime = chime

    def chime(self) -> None:
        self._play(self._chime)

    def can_say(self, language: str) -> bool:
        return self._espeak is not None and language in self._voices

    def say(self, text: str, language: str) -> None:
        if not self.can_say(language):
            return
        with tempfile.NamedTemporaryFile(suffix=".wav") as wav:
            synthesize(self._espeak, self._voices[language], text, Path(wav.name), rate=self._rate)
            self._play(Path(wav.name))

    def _play(self, path: Path) -> None:
        subprocess.run([self._player, "-q", str(path)], check=True, capture_output=True, timeout=60)


def espeak_voices(espeak: str, main_voice: str) -> dict[str, str]:
    """Site language -> espeak-ng voice, only for voices this machine has (German as configured)."""
    return available_voices(espeak, dict(ESPEAK_VOICES, de=main_voice))


def open_speaker(*, enabled: bool, voice: str, rate: int) -> tuple[SilentSpeaker | SoxSpeaker, str]:
    """The best sound output this machine has, and one sentence saying what it is."""
    if not enabled:
        return SilentSpeaker(), "sound is switched off in the config"
    player = shutil.which("play")
    if player is None:
        return SilentSpeaker(), "no sound: sox's `play` is not installed (apt-get install sox)"
    if not audio_output_works(player):
        return SilentSpeaker(), "no sound: no audio output device answers"
    if not voice:
        return SoxSpeaker(player=player, espeak=None, voices={}, rate=rate), "chime only: no voice configured"
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return SoxSpeaker(
            player=player, espeak=None, voices={}, rate=rate
        ), "chime only: espeak-ng is not installed (apt-get install espeak-ng)"
    voices = espeak_voices(espeak, voice)
    speaker = SoxSpeaker(player=player, espeak=espeak, voices=voices, rate=rate)
    if "de" not in voices:
        return speaker, f"no German voice {voice!r} in espeak-ng: chime, and other languages only"
    return speaker, f"chime and speech ({', '.join(sorted(voices))})"
