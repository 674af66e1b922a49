"""A blind visitor draws a ticket with the keypad and speech alone, in each of the seven languages.

The real kiosk (Kivy screens offscreen, controller, client, preview printer) against a real queue
server with the demo office's four concerns (config/demo-site.toml). Speech is real espeak-ng,
played in real time into a folder of WAV files (no sound card needed: `WavFolder(realtime=True)`
takes as long as a listener would hear it). The scripted visitor presses a key only when the kiosk
has stopped speaking, as someone listening would:

    F1 (speech on) - hear how to choose, in every language, and "Deutsch"
    Down, once per language before theirs - hear each language's name
    Enter - hear "What is your concern?" and the first concern (an emergency: the one they want)
    Enter - the ticket: hear its facts twice, where it comes out, that it will be called

Printed: per language, the time from the first key to the printed ticket and to the end of what the
kiosk says about it; and every prompt's length of speech (what one key makes the kiosk say, and its
longest sentence). Targets: under 60 s to the ticket in every language; no sentence over 6 s.

    .venv/bin/python bench/kiosk_accessible.py [--languages de uk ar]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from bench.kiosk_server import queue_server, write_kiosk_config  # noqa: E402

SITE = ROOT / "config" / "demo-site.toml"
LANGUAGES = ["de", "en", "uk", "ru", "tr", "ar", "fa"]
TARGET_TOTAL_SECONDS = 60.0
TARGET_SENTENCE_SECONDS = 6.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--languages", nargs="+", default=LANGUAGES, choices=LANGUAGES)
    args = parser.parse_args()

    from kivy.base import EventLoop
    from kivy.core.window import Window

    from kiosk.app import KioskRuntime
    from kiosk.config import load_kiosk_config
    from kiosk.views import PrintState, Screen
    from wartemarke.keys import KEYCODES

    def pump_until(condition, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError("the kiosk got stuck")
            EventLoop.idle()

    def press(key: str) -> None:
        Window.dispatch("on_key_down", KEYCODES[key], 0, None, [])
        Window.dispatch("on_key_up", KEYCODES[key], 0)

    results: list[tuple[str, float, float, list[tuple[str, int, float, float]]]] = []
    longest = (0.0, "", "")  # the longest sentence of all: seconds, language, text
    with tempfile.TemporaryDirectory(prefix="kiosk-accessible-bench-") as tmp:
        folder = Path(tmp)
        with queue_server(folder, SITE) as (url, token):
            extra = f'[accessibility]\noutput = "wav://{folder / "spoken"}"\n'
            config = load_kiosk_config(write_kiosk_config(folder, url, token, extra))
            runtime = KioskRuntime(config, token=config.read_token())
            controller, speech = runtime.controller, runtime.speech
            player = speech.player
            EventLoop.ensure_window()
            Window.size = (1080, 1920)
            runtime.root.size_hint = (None, None)
            runtime.root.size = (1080, 1920)
            Window.add_widget(runtime.root)
            runtime.start()
            pump_until(lambda: controller.services)

            for language in args.languages:
                pump_until(lambda: controller.screen == Screen.START)
                script = ["f1", *["down"] * LANGUAGES.index(language), "enter", "enter"]
                prompts: list[tuple[str, int, float, float]] = []  # key, sentences, seconds, longest
                started = time.perf_counter()
                printed_at = 0.0
                for step, key in enumerate(script, start=1):
                    heard_from = len(player.history)
                    press(key)
                    if step == len(script):
                        pump_until(
                            lambda: controller.screen == Screen.TICKET and controller.print_state != PrintState.PRINTING
                        )
                        printed_at = time.perf_counter()
                        if controller.print_state != PrintState.PRINTED:
                            raise RuntimeError(f"the {language} ticket was not printed")
                    pump_until(lambda: not speech.busy)  # the visitor listens to the end
                    said = player.history[heard_from:]
                    seconds = [played.seconds for played in said]
                    prompts.append((key, len(said), sum(seconds), max(seconds, default=0.0)))
                    for played in said:
                        if played.seconds > longest[0]:
                            longest = (played.seconds, played.utterance.language, played.utterance.text)
                heard_all = time.perf_counter()
                if controller.ticket is None or controller.ticket.language != language:
                    raise RuntimeError(f"no {language} ticket on screen")
                results.append((language, printed_at - started, heard_all - started, prompts))
                print(
                    f"{language}: first key -> ticket printed {printed_at - started:5.1f} s, "
                    f"-> everything about it said {heard_all - started:5.1f} s",
                    flush=True,
                )
                press("enter")  # "Done": the next visitor
            runtime.stop()

    print()
    print("language  key -> ticket printed  key -> all said  prompts (key: sentences, seconds of speech, longest)")
    longest_sentence, longest_where = 0.0, ""
    for language, to_ticket, to_end, prompts in results:
        described = []
        for key, count, seconds, longest in prompts:
            if described and described[-1][0] == key == "down":  # the downs, summed up
                _, n, c, s, m = described.pop()
                described.append((key, n + 1, c + count, s + seconds, max(m, longest)))
            else:
                described.append((key, 1, count, seconds, longest))
            if longest > longest_sentence:
                longest_sentence, longest_where = longest, f"{language}, after {key}"
        text = ", ".join(
            f"{key}{'x' + str(n) if n > 1 else ''}: {count} / {seconds:.1f} s / {longest:.1f} s"
            for key, n, count, seconds, longest in described
        )
        met = "met" if to_ticket < TARGET_TOTAL_SECONDS else "MISSED"
        print(f"{language:8s}  {to_ticket:8.1f} s ({met:6s})  {to_end:10.1f} s   {text}")
    verdict = "met" if longest_sentence <= TARGET_SENTENCE_SECONDS else "MISSED"
    target = f"target <= {TARGET_SENTENCE_SECONDS:.0f} s: {verdict}"
    print(f"longest sentence of any prompt: {longest_sentence:.1f} s ({target}), {longest_where}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
