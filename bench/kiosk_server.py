"""A real queue server for the kiosk benchmarks, started the way an office starts one.

`wartemarke admin token create` makes the kiosk token, `wartemarke server` serves on a free port.
(The benchmarks do not import the test fixtures: pytest in the process would distort memory figures.)
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "bench" / "kiosk_site_no_quota.toml"


def _wartemarke(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "launcher", *args], cwd=ROOT, check=True, **kwargs)


@contextmanager
def queue_server(folder: Path, site: Path = SITE) -> Iterator[tuple[str, str]]:
    """(base url, kiosk token) of a fresh server for `site` on a fresh SQLite file in `folder`."""
    db = f"sqlite:///{folder}/bench.db"
    created = _wartemarke(
        "admin",
        "token",
        "create",
        "--role",
        "kiosk",
        "--name",
        "Kiosk Benchmark",
        "--db",
        db,
        "--config",
        str(site),
        capture_output=True,
        text=True,
    )
    token = created.stdout.strip().splitlines()[-1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    log = open(folder / "server.log", "ab")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "launcher",
            "server",
            "--config",
            str(site),
            "--db",
            db,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/api/v1/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError(f"server did not start; see {folder / 'server.log'}")
            time.sleep(0.1)
        yield url, token
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def write_kiosk_config(folder: Path, url: str, token: str, extra: str = "") -> Path:
    """A kiosk.toml for the server at `url`; `extra` adds sections (e.g. `[accessibility]`)."""
    (folder / "kiosk.token").write_text(token)
    config = folder / "kiosk.toml"
    config.write_text(
        f'[server]\nurl = "{url}"\ntoken_file = "kiosk.token"\n'
        '[printer]\nurl = "preview://printed"\n[kiosk]\nstaff_pin = "2468"\n' + extra
    )
    return config
