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

from display.callout import ESPEAK_VOICES
from wartemarke import ASSETS

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
            subprocess.run(
                [self._espeak, "-v", self._voices[language], "-s", str(self._rate), "-w", wav.name, text],
                check=True,
                capture_output=True,
                timeout=30,
            )
            self._play(Path(wav.name))

    def _play(self, path: Path) -> None:
        subprocess.run([self._player, "-q", str(path)], check=True, capture_output=True, timeout=60)


def espeak_voices(espeak: str, main_voice: str) -> dict[str, str]:
    """Site language → espeak-ng voice, only for voices this machine has."""
    wanted = dict(ESPEAK_VOICES, de=main_voice)
    found: dict[str, str] = {}
    for language, voice in wanted.items():
        base = voice.split("+")[0]  # "de+f3" = German with a variant; the variant needs no check
        listing = subprocess.run([espeak, f"--voices={base}"], capture_output=True, text=True, timeout=10)
        if listing.returncode == 0 and len(listing.stdout.strip().splitlines()) > 1:
            found[language] = voice
    return found


def audio_output_works(player: str) -> bool:
    """Play 50 ms of silence: fails fast when there is no audio device."""
    try:
        probe = subprocess.run(
            [player, "-q", "-n", "synth", "0.05", "sine", "440", "vol", "0"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


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
