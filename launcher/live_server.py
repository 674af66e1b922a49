"""A real `wartemarke server` process on a free port, started exactly as an office starts one.

The tests, the benchmarks and the demo all use `LiveServer`, so what they exercise is the server an
office runs, through HTTP. `create_tokens` makes role tokens the way an admin does.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_SITE = ROOT / "config" / "demo-site.toml"
ROLES = ("kiosk", "display", "staff", "admin", "manager", "partner")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def create_tokens(
    db_url: str, config_path: Path, roles: tuple[str, ...] = ROLES, label: str = "test", partner: str | None = None
) -> dict[str, str]:
    """Role -> token, made the way an admin makes them (the storage layer behind `wartemarke admin token
    create`); each token is named "<label> <role>". A partner token acts for `partner` (default: the
    site's first configured partner; none is made for a site without partners)."""
    from server.clock import system_clock
    from server.config import load_site_config
    from server.device_tokens import Role
    from server.storage.bootstrap import ensure_sites
    from server.storage.engine import create_engines
    from server.storage.migrate import upgrade
    from server.storage.token_store import create_token

    config = load_site_config(config_path)
    engines = create_engines(db_url)
    try:
        upgrade(engines.write)
        ensure_sites(engines.write, [config])
        partner = partner or (config.partners[0].id if config.partners else None)
        return {
            role: create_token(
                engines.write,
                config.site.id,
                Role(role),
                f"{label} {role}",
                system_clock(),
                partner_id=partner if role == Role.PARTNER else None,
            )[1]
            for role in roles
            if role != Role.PARTNER or partner is not None
        }
    finally:
        engines.dispose()


class LiveServer:
    """A real server process. stop()/start() keep the database and the port; kill() is SIGKILL."""

    def __init__(
        self,
        config_path: Path,
        db_url: str,
        workdir: Path,
        tokens: dict[str, str] | None = None,
        clock: datetime | None = None,
        env: dict[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.config_path = config_path
        self.db_url = db_url
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, **(env or {}))
        self.clock_file = workdir / f"clock-{self.port}.txt"
        if clock is not None:
            self.set_clock(clock)
        if clock is not None or "WARTEMARKE_CLOCK_FILE" in (env or {}):
            self.env.setdefault("WARTEMARKE_CLOCK_FILE", str(self.clock_file))
        self.tokens = tokens if tokens is not None else create_tokens(db_url, config_path)
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"server-{self.port}.log"

    def set_clock(self, moment: datetime) -> None:
        """Set the server's "now" (only for servers started with a clock)."""
        self.clock_file.write_text(moment.isoformat())

    def start(self, timeout: float = 30.0) -> LiveServer:
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "launcher",
                "server",
                "--config",
                str(self.config_path),
                "--db",
                self.db_url,
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        import requests

        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log_path.read_text()[-3000:]
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{log}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server did not come up in {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}
