"""Speech that can be cut off: sentences spoken one after another in a background thread, stopped at once.

The kiosk's spoken guidance needs what the display's call-outs must never do: the visitor's next key
silences the sentence being spoken and whatever was still to come, and the new screen or choice is
spoken instead. One worker thread renders each sentence with espeak-ng (`wartemarke.speech`) and
plays it on a `Player`:

- `SoxPlayer`: sox's `play` on the machine's sound output (a kiosk's headphone jack);
- `WavFolder`: no sound card; every sentence is kept as a numbered WAV file (with its text beside
  it), optionally taking as long as it would take to hear it. For setting a kiosk up, the demo, the
  tests and the benchmark.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from wartemarke.speech import (
    ESPEAK_VOICES,
    RATE_RANGE,
    VOLUME_RANGE,
    Utterance,
    audio_output_works,
    available_voices,
    synthesize,
    wav_seconds,
)

log = logging.getLogger(__name__)


class Playback(Protocol):
    def wait(self) -> None: ...
    def stop(self) -> None: ...


class Player(Protocol):
    """Where rendered speech goes; `start` returns at once, the playback's `wait` when it is over."""

    def start(self, wav: Path, utterance: Utterance) -> Playback: ...


class _SoxPlayback:
    def __init__(self, process: subprocess.Popen) -> None:
        self._process = process

    def wait(self) -> None:
        self._process.wait()

    def stop(self) -> None:
        if self._process.poll() is None:
            self._process.terminate()


class SoxPlayer:
    """sox's `play` on the default audio device."""

    def __init__(self, player: str) -> None:
        self._player = player

    def start(self, wav: Path, utterance: Utterance) -> Playback:
        process = subprocess.Popen([self._player, "-q", str(wav)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return _SoxPlayback(process)


@dataclass
class Played:
    """One sentence a `WavFolder` received: its file, text, length, and whether it was cut off."""

    path: Path
    utterance: Utterance
    seconds: float
    interrupted: bool = False
    stopped: threading.Event = field(default_factory=threading.Event, repr=False)


class _FolderPlayback:
    def __init__(self, played: Played, realtime: bool) -> None:
        self._played = played
        self._realtime = realtime

    def wait(self) -> None:
        if self._realtime:
            self._played.stopped.wait(self._played.seconds)

    def stop(self) -> None:
        if not self._played.stopped.is_set():
            self._played.interrupted = True
            self._played.stopped.set()


class WavFolder:
    """Keeps each sentence as `<folder>/0001-de.wav` and `0001-de.txt`; `history` lists them in order.

    With `realtime`, a sentence takes as long as its WAV plays (and can be cut off meanwhile), as a
    listener would hear it; without, it is over as soon as it is written.
    """

    def __init__(self, folder: Path, *, realtime: bool = True) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.realtime = realtime
        self.history: list[Played] = []
        self._lock = threading.Lock()

    def start(self, wav: Path, utterance: Utterance) -> Playback:
        with self._lock:
            number = len(self.history) + 1
            target = self.folder / f"{number:04d}-{utterance.language}.wav"
            shutil.copyfile(wav, target)
            target.with_suffix(".txt").write_text(utterance.text + "\n", encoding="utf-8")
            played = Played(target, utterance, wav_seconds(target))
            self.history.append(played)
        return _FolderPlayback(played, self.realtime)


@dataclass
class _Queued:
    generation: int
    utterance: Utterance


class SpeechChannel:
    """Speaks `Utterance`s in order on one worker thread; `say` replaces, `add` appends, `interrupt` stops.

    `rate` (words per minute) and `volume` (espeak-ng amplitude, 100 = normal) apply from the next
    sentence on. `on_idle` runs on the worker thread whenever the last queued sentence has been played.
    """

    def __init__(
        self,
        *,
        espeak: str,
        voices: dict[str, str],
        player: Player,
        rate: int = 160,
        volume: int = 100,
        on_idle: Callable[[], None] = lambda: None,
    ) -> None:
        self.voices = dict(voices)
        self.player = player
        self.rate = rate
        self.volume = volume
        self.on_idle = on_idle
        self._espeak = espeak
        self._queue: deque[_Queued] = deque()
        self._generation = 0
        self._current: Playback | None = None
        self._lock = threading.Condition()
        self._closed = False
        self._speaking = False
        self._scratch = Path(tempfile.mkdtemp(prefix="wartemarke-speech-"))
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def can_say(self, language: str) -> bool:
        return language in self.voices

    @property
    def busy(self) -> bool:
        """Something is being spoken or waits to be."""
        with self._lock:
            return self._speaking or bool(self._queue)

    def say(self, utterances: Iterable[Utterance]) -> None:
        """Stop what is being said and say these instead."""
        with self._lock:
            self._stop_locked()
            self._queue.extend(_Queued(self._generation, u) for u in utterances)
            self._lock.notify()

    def add(self, utterances: Iterable[Utterance]) -> None:
        """Say these after what is being said and still to come."""
        with self._lock:
            self._queue.extend(_Queued(self._generation, u) for u in utterances)
            self._lock.notify()

    def retract(self, utterances: Iterable[Utterance]) -> int:
        """Drop these from what is still to come (what is being said is finished); how many were dropped."""
        unwanted = set(utterances)
        with self._lock:
            kept = deque(q for q in self._queue if q.utterance not in unwanted)
            dropped, self._queue = len(self._queue) - len(kept), kept
        return dropped

    def interrupt(self) -> None:
        with self._lock:
            self._stop_locked()

    def adjust(self, *, rate: int = 0, volume: int = 0) -> None:
        """Faster/slower, louder/softer by these steps, within what espeak-ng accepts."""
        self.rate = min(max(self.rate + rate, RATE_RANGE[0]), RATE_RANGE[1])
        self.volume = min(max(self.volume + volume, VOLUME_RANGE[0] + 10), VOLUME_RANGE[1])

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._stop_locked()
            self._lock.notify()
        self._thread.join(5)
        shutil.rmtree(self._scratch, ignore_errors=True)

    def _stop_locked(self) -> None:
        self._generation += 1
        self._queue.clear()
        if self._current is not None:
            self._current.stop()

    def _next(self) -> _Queued | None:
        with self._lock:
            while not self._queue and not self._closed:
                self._lock.wait()
            if self._closed:
                return None
            self._speaking = True
            return self._queue.popleft()

    def _run(self) -> None:
        while (item := self._next()) is not None:
            self._speak(item)
            with self._lock:
                self._speaking = False
                idle = not self._queue
            if idle:
                self._idle()

    def _speak(self, item: _Queued) -> None:
        voice = self.voices.get(item.utterance.language)
        if voice is None or not item.utterance.text.strip():
            return
        wav = self._scratch / "sentence.wav"
        try:
            synthesize(self._espeak, voice, item.utterance.text, wav, rate=self.rate, volume=self.volume)
        except (OSError, subprocess.SubprocessError) as error:
            log.error("speech: espeak-ng failed for %r: %s", item.utterance.text, error)
            return
        with self._lock:
            # Checked and started under the lock: an interrupt either comes before (nothing is
            # played) or finds the playback and stops it.
            if item.generation != self._generation or self._closed:
                return
            try:
                self._current = self.player.start(wav, item.utterance)
            except OSError as error:
                log.error("speech: cannot play %s: %s", wav, error)
                return
        try:
            self._current.wait()
        finally:
            with self._lock:
                self._current = None

    def _idle(self) -> None:
        try:
            self.on_idle()
        except Exception:
            log.exception("speech: the idle callback failed")


def open_speech_channel(
    *,
    output: str,
    languages: Iterable[str],
    voices: Mapping[str, str],
    rate: int,
    volume: int,
) -> tuple[SpeechChannel | None, str]:
    """Speech for `languages` on `output` ("default" or "wav://<folder>"), and one sentence saying what it is.

    None when this machine cannot speak at all (no espeak-ng, no player, no sound device).
    """
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        return None, "no speech: espeak-ng is not installed (apt-get install espeak-ng)"
    if output.startswith("wav://"):
        folder = Path(output.removeprefix("wav://"))
        player: Player = WavFolder(folder)
        where = f"WAV files in {folder}"
    else:
        play = shutil.which("play")
        if play is None:
            return None, "no speech: sox's `play` is not installed (apt-get install sox)"
        if not audio_output_works(play):
            return None, "no speech: no audio output device answers"
        player, where = SoxPlayer(play), "the sound output"
    wanted = {language: voices.get(language) or ESPEAK_VOICES.get(language, language) for language in languages}
    found = available_voices(espeak, wanted)
    channel = SpeechChannel(espeak=espeak, voices=found, player=player, rate=rate, volume=volume)
    missing = sorted(set(wanted) - set(found))
    note = f"; no espeak-ng voice for {', '.join(missing)}" if missing else ""
    return channel, f"speech in {', '.join(sorted(found)) or 'no language'} on {where}{note}"
