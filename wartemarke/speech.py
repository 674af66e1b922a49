"""Offline speech that every app shares: espeak-ng voices per language, text to a WAV file, sox's `play`.

The display speaks its call-outs with it and the kiosk guides blind visitors with it. Speech is
always rendered to a WAV file first and then played, so one check ("can this machine play sound?")
covers chimes and voices alike, a WAV can be measured (how long, how loud), and a machine without a
sound card can keep the WAVs instead of playing them (`wartemarke.speech_channel.WavFolder`).
"""

from __future__ import annotations

import re
import subprocess
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: espeak-ng voice per site language (espeak-ng's own names; `en` alone is a robotic default).
ESPEAK_VOICES: dict[str, str] = {
    "de": "de",
    "en": "en-gb",
    "uk": "uk",
    "ru": "ru",
    "tr": "tr",
    "ar": "ar",
    "fa": "fa",
}

#: espeak-ng's own limits for -s (words per minute) and -a (amplitude, 100 = normal).
RATE_RANGE = (80, 450)
VOLUME_RANGE = (0, 200)

_NUMBER = re.compile(r"^([^\d]*?)0*(\d+)$")


@dataclass(frozen=True)
class Utterance:
    """One sentence to speak and the language it is in (which decides the voice)."""

    text: str
    language: str


def spoken_number(number: str) -> str:
    """ "N017" -> "N 17": a voice reads "N017" as one odd word, and nobody says the zero."""
    match = _NUMBER.match(number.strip())
    if not match:
        return number
    prefix, digits = match.groups()
    return f"{prefix} {digits}" if prefix else digits


def available_voices(espeak: str, wanted: Mapping[str, str]) -> dict[str, str]:
    """Language -> voice, for the voices of `wanted` that this machine's espeak-ng has."""
    found: dict[str, str] = {}
    for language, voice in wanted.items():
        base = voice.split("+")[0]  # "de+f3" = German with a variant; the variant needs no check
        try:
            listing = subprocess.run([espeak, f"--voices={base}"], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if listing.returncode == 0 and len(listing.stdout.strip().splitlines()) > 1:
            found[language] = voice
    return found


def synthesize(espeak: str, voice: str, text: str, wav: Path, *, rate: int, volume: int | None = None) -> None:
    """Speak `text` with `voice` into the file `wav`; CalledProcessError if espeak-ng refuses.

    The text goes through stdin, never the command line: a service name starting with "-" must be
    read out, not taken for an option.
    """
    command = [espeak, "-v", voice, "-s", str(rate), "-w", str(wav)]
    if volume is not None:
        command += ["-a", str(volume)]
    command.append("--stdin")
    subprocess.run(command, input=text.encode("utf-8"), check=True, capture_output=True, timeout=30)


def wav_seconds(path: Path) -> float:
    """How long a WAV file plays; 0 for a file that is not a readable WAV."""
    try:
        with wave.open(str(path)) as sound:
            rate = sound.getframerate()
            return sound.getnframes() / rate if rate else 0.0
    except (OSError, EOFError, wave.Error):
        return 0.0


def audio_output_works(player: str) -> bool:
    """Play 50 ms of silence: fails fast when there is no audio device."""
    try:
        probe = subprocess.run(
            [player, "-q", "-n", "synth", "0.05", "sine", "440", "vol", "0"], capture_output=True, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0
