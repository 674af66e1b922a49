"""`wartemarke demo` (what `make demo` runs): the whole system on the embedded defaults.

Starts the queue server on SQLite under ./var/demo with config/demo-site.toml (open around the
clock), writes a kiosk, a display and a staff token next to it, then starts the kiosk, the display
and the counter app side by side, printing tickets to the preview printer (PNG files). Ctrl-C stops
everything. On a machine without a screen the apps run on a virtual one (Xvfb, 1920x1080), shared
over VNC (x11vnc) when it is installed.
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
from dataclasses import dataclass
from pathlib import Path

from launcher.live_server import create_tokens

ROOT = Path(__file__).resolve().parent.parent
SCREEN = (1920, 1080)


@dataclass(frozen=True)
class DemoWindow:
    part: str
    config: str
    size: tuple[int, int]
    #: Top-left corner on the 1920x1080 screen: the kiosk upright at the left, the display and the
    #: counter stacked beside it, nothing overlapping.
    position: tuple[int, int]


APPS = [
    DemoWindow("kiosk", "config/kiosk.toml", (540, 960), (0, 0)),
    DemoWindow("display", "config/display.toml", (960, 540), (560, 0)),
    DemoWindow("counter", "config/counter.toml", (960, 500), (560, 560)),
]
TOKEN_ROLES = {
    "kiosk": "kiosk",
    "display": "display",
    "counter": "staff",
    "admin": "admin",
    # Sign-in tokens for the web pages: the office console (read-only) and a counselling partner.
    "manager": "manager",
    "partner": "partner",
}
#: What the example device configs say, which the demo's copies replace with its own server and folder.
EXAMPLE_URL = "http://127.0.0.1:8000"
EXAMPLE_DATA = "../var/demo/"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) != 0


def _write_tokens(db_url: str, site_config: Path, data: Path) -> None:
    """A token per app (the counter app's is a staff token), each in <data>/<app>.token.

    A site without partners gets no partner token."""
    by_role = create_tokens(db_url, site_config, tuple(TOKEN_ROLES.values()), label="demo")
    for part, role in TOKEN_ROLES.items():
        if role not in by_role:
            continue
        path = data / f"{part}.token"
        path.write_text(by_role[role] + "\n", encoding="utf-8")
        path.chmod(0o600)


def _device_config(window: DemoWindow, url: str, data: Path) -> Path:
    """The example config of an app, pointed at this demo's server and folder (`--port`, `--data`)."""
    text = (ROOT / window.config).read_text(encoding="utf-8")
    if EXAMPLE_URL not in text or EXAMPLE_DATA not in text:
        raise SystemExit(f"wartemarke demo: {window.config} no longer names {EXAMPLE_URL} and {EXAMPLE_DATA}")
    path = data / f"{window.part}.toml"
    path.write_text(text.replace(EXAMPLE_URL, url).replace(EXAMPLE_DATA, f"{data}/"), encoding="utf-8")
    return path


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
    """Start Xvfb on a free display number (it names the one it took once it accepts clients)."""
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or not shutil.which("Xvfb"):
        return None
    read_end, write_end = os.pipe()
    screen = f"{SCREEN[0]}x{SCREEN[1]}x24"
    children.append(
        subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
            pass_fds=(write_end,),
            stderr=subprocess.DEVNULL,
        )
    )
    os.close(write_end)
    with os.fdopen(read_end) as announced:
        number = announced.readline().strip()
    return f":{number}" if number.isdigit() else None


def _share_screen(display: str, children: list[subprocess.Popen[bytes]]) -> int | None:
    """Serve the virtual screen over VNC on this machine only; the port, or None without x11vnc."""
    if not shutil.which("x11vnc"):
        return None
    port = next(p for p in range(5900, 6000) if _port_free("127.0.0.1", p))
    children.append(
        subprocess.Popen(
            ["x11vnc", "-display", display, "-localhost", "-rfbport", str(port), "-forever", "-shared", "-nopw"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    return port


def _screen_help(display: str, vnc_port: int | None) -> str:
    snapshot = f"from PIL import ImageGrab; ImageGrab.grab(xdisplay='{display}').save('screen.png')"
    grab = f'{sys.executable} -c "{snapshot}"'
    lines = [f"  Virtual screen {display} ({SCREEN[0]}x{SCREEN[1]}): no screen was found, so the apps run on Xvfb."]
    if vnc_port is not None:
        lines += [
            f"    Watch and use it: a VNC viewer on this machine, to localhost:{vnc_port} (x11vnc, no password,",
            "    this machine only); from another machine first: ssh -L "
            f"{vnc_port}:localhost:{vnc_port} <this machine>",
        ]
    lines += ["    A picture of it, now:", f"      {grab}"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="wartemarke demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "demo", help="folder for the demo's data")
    parser.add_argument("--server-only", action="store_true", help="start only the server (no Kivy windows)")
    parser.add_argument("--seconds", type=float, default=0, help="stop by itself after this long (0: run until Ctrl-C)")
    args = parser.parse_args(argv)

    data: Path = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    (data / "printed").mkdir(exist_ok=True)
    site_config = ROOT / "config" / "demo-site.toml"
    db_url = f"sqlite:///{data / 'wartemarke.db'}"
    url = f"http://127.0.0.1:{args.port}"
    if not _port_free("127.0.0.1", args.port):
        print(f"wartemarke demo: port {args.port} is in use; stop what runs there or pass --port", file=sys.stderr)
        return 2

    _write_tokens(db_url, site_config, data)
    children: list[subprocess.Popen[bytes]] = []
    python = sys.executable
    server = subprocess.Popen(
        [python, "-m", "launcher", "server", "--config", str(site_config), "--db", db_url, "--port", str(args.port)]
        + ["--log-level", "warning"],
        cwd=ROOT,
    )
    children.append(server)

    def stop_all(*_: object) -> None:
        # Last started, first stopped: the apps close (the counter tells the server) while their
        # screen and server are still there.
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
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
    screen_help = ""
    if not args.server_only:
        env = dict(os.environ)
        virtual = _virtual_screen(children)
        if virtual:
            env["DISPLAY"] = virtual
            screen_help = _screen_help(virtual, _share_screen(virtual, children))
        for window in APPS:
            if not (ROOT / window.part / "main.py").exists() or not (ROOT / window.config).exists():
                print(f"  ({window.part} app not available in this checkout)")
                continue
            size, position = "x".join(map(str, window.size)), ",".join(map(str, window.position))
            config = _device_config(window, url, data)
            command = [python, "-m", "launcher", window.part, "--config", str(config), "--size", size]
            children.append(subprocess.Popen([*command, "--position", position], cwd=ROOT, env=env))
            started.append(window.part)

    print(
        f"""
Wartemarke demo is running.
  Queue server   {url}   (API docs: {url}/docs)
  Apps           {", ".join(started) or "none (server only)"}, side by side
{screen_help}
  Tokens         {data}/{{kiosk,display,counter,admin,manager,partner}}.token
  Office console {url}/console   (sign in with the admin token to steer, the manager token to look)
  Partner page   {url}/partner   (sign in with the partner token: a counselling service books later slots)
  Printed tickets (preview printer): {data / "printed"}
  Try it without the apps:
    curl -s -X POST {url}/api/v1/tickets -H "Authorization: Bearer $(cat {data}/kiosk.token)" \\
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
    return 0
