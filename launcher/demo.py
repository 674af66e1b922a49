"""`wartemarke demo` (what `make demo` runs): the whole system on the embedded defaults.

Starts the queue server on SQLite under ./var/demo with config/demo-site.toml (open around the
clock), writes a kiosk, a display and a staff token next to it, then starts the kiosk, the display
and the counter app, printing tickets to the preview printer (PNG files). Ctrl-C stops everything.
On a machine without a screen the apps run on a virtual one (Xvfb).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from launcher.live_server import create_tokens

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "demo"
APPS = [
    # (command, config, window size that lets three windows share one screen)
    ("kiosk", "config/kiosk.toml", "540x960"),
    ("display", "config/display.toml", "960x540"),
    ("counter", "config/counter.toml", "800x600"),
]
TOKEN_ROLES = {"kiosk": "kiosk", "display": "display", "counter": "staff", "admin": "admin"}


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


def _write_tokens(db_url: str, site_config: Path) -> dict[str, str]:
    """A token per app (the counter app's is a staff token), each in var/demo/<app>.token."""
    by_role = create_tokens(db_url, site_config, tuple(TOKEN_ROLES.values()), label="demo")
    tokens = {}
    for part, role in TOKEN_ROLES.items():
        path = VAR / f"{part}.token"
        path.write_text(by_role[role] + "\n", encoding="utf-8")
        path.chmod(0o600)
        tokens[part] = by_role[role]
    return tokens


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 30) -> bool:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/api/v1/health", timeout=1).ok:
                return True
        except requests.RequestException:
            time.sleep(0.2)
    return False


def _virtual_screen(children: list[subprocess.Popen[bytes]]) -> str | None:
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    if not shutil.which("Xvfb"):
        return None
    display = ":77"
    children.append(subprocess.Popen(["Xvfb", display, "-screen", "0", "1920x1080x24"], stderr=subprocess.DEVNULL))
    time.sleep(1.0)
    return display


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="wartemarke demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--server-only", action="store_true", help="start only the server (no Kivy windows)")
    parser.add_argument("--seconds", type=float, default=0, help="stop by itself after this long (0: run until Ctrl-C)")
    args = parser.parse_args(argv)

    VAR.mkdir(parents=True, exist_ok=True)
    (VAR / "printed").mkdir(exist_ok=True)
    site_config = ROOT / "config" / "demo-site.toml"
    db_url = f"sqlite:///{VAR / 'wartemarke.db'}"
    url = f"http://127.0.0.1:{args.port}"
    if not _port_free("127.0.0.1", args.port):
        print(f"wartemarke demo: port {args.port} is in use; stop what runs there or pass --port", file=sys.stderr)
        return 2

    tokens = _write_tokens(db_url, site_config)
    children: list[subprocess.Popen[bytes]] = []
    python = sys.executable
    server = subprocess.Popen(
        [
            python,
            "-m",
            "launcher",
            "server",
            "--config",
            str(site_config),
            "--db",
            db_url,
            "--port",
            str(args.port),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
    )
    children.append(server)

    def stop_all(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=5)
            except subprocess.TimeoutExpired:
                child.kill()

    signal.signal(signal.SIGTERM, lambda *_: (stop_all(), sys.exit(0)))
    if not _wait_healthy(url, server):
        print("wartemarke demo: the server did not start (see the messages above)", file=sys.stderr)
        stop_all()
        return 1

    started = []
    if not args.server_only:
        env = dict(os.environ)
        virtual = _virtual_screen(children)
        if virtual:
            env["DISPLAY"] = virtual
            print(f"No screen found: the apps run on a virtual screen (Xvfb {virtual}).")
        for part, config, size in APPS:
            if not (ROOT / part / "main.py").exists() or not (ROOT / config).exists():
                print(f"  ({part} app not available in this checkout)")
                continue
            children.append(
                subprocess.Popen(
                    [
                        python,
                        "-m",
                        "launcher",
                        part,
                        "--config",
                        str(ROOT / config),
                        "--windowed",
                        "--size",
                        size,
                    ],
                    cwd=ROOT,
                    env=env,
                )
            )
            started.append(part)

    print(
        f"""
Wartemarke demo is running.
  Queue server   {url}   (API docs: {url}/docs)
  Apps           {", ".join(started) or "none (server only)"}
  Tokens         {VAR}/{{kiosk,display,counter,admin}}.token
  Printed tickets (preview printer): {VAR / "printed"}
  Try it without the apps:
    curl -s -X POST {url}/api/v1/tickets -H "Authorization: Bearer $(cat var/demo/kiosk.token)" \\
         -H "Idempotency-Key: $(cat /proc/sys/kernel/random/uuid)" -H "Content-Type: application/json" \\
         -d '{{"service": "notfall", "language": "uk"}}'
    then open the ticket's "status_url" in a browser (the phone page).
Press Ctrl-C to stop everything.""",
        flush=True,
    )
    deadline = time.monotonic() + args.seconds if args.seconds else None
    try:
        while deadline is None or time.monotonic() < deadline:
            if server.poll() is not None:
                print("wartemarke demo: the server stopped; stopping the apps", file=sys.stderr)
                break
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop_all()
    del tokens
    return 0
