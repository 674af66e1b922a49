"""Kiosk cold start: from launching `wartemarke kiosk` to the first frame that takes taps.

Starts a real queue server, then launches the kiosk process several times (headless window) and
times each run until the kiosk logs "first interactive frame". Prints min/median/max in seconds.

    .venv/bin/python bench/kiosk_start.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.kiosk_server import queue_server, write_kiosk_config  # noqa: E402


def one_start(config: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "launcher", "kiosk", "--config", str(config), "--windowed"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if "first interactive frame" in line:
                return time.perf_counter() - started
        raise RuntimeError(f"kiosk exited with {process.wait()} before its first frame")
    finally:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        with queue_server(folder) as (url, token):
            config = write_kiosk_config(folder, url, token)
            env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=str(folder / "kivy"))
            env.pop("KIVY_NO_CONSOLELOG", None)  # the readiness marker is a log line
            one_start(config, env)  # warm the OS file cache: a kiosk boots many times a year, not once
            times = [one_start(config, env) for _ in range(args.runs)]
    print(
        f"kiosk cold start to first interactive frame over {args.runs} runs: "
        f"min {min(times):.2f} s, median {statistics.median(times):.2f} s, max {max(times):.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
