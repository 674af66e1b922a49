"""A throw-away PostgreSQL server for the tests and benchmarks: real, started here, removed after.

The API suite and the multi-process tests must run against the PostgreSQL that offices run, not a
mock, and in CI they must run rather than be skipped. So the session starts its own cluster from
Debian's `postgresql` package: initdb into a temp directory, `postgres` on a free port (TCP on
127.0.0.1, unix socket inside the temp directory), fsync on as in production. PostgreSQL refuses to
run as root, so as root the cluster belongs to the unprivileged `postgres` system user. Each test
gets a fresh database from `create_database()`. If anything here fails, it raises with the server's
log: a PostgreSQL test that cannot get its database fails loudly.
"""

from __future__ import annotations

import atexit
import itertools
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from launcher.live_server import free_port

SUPERUSER = "wartemarke"
CLUSTER_OWNER = "postgres"  # used only when the tests run as root


def postgres_bin_dir() -> Path:
    """Debian's versioned layout (/usr/lib/postgresql/N/bin), newest first; $PG_BIN overrides."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name), reverse=True
    )
    if not candidates:
        raise RuntimeError(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres); "
            "`make setup` installs Debian's postgresql package"
        )
    return candidates[0].parent


class PostgresCluster:
    """One initdb'd data directory and the `postgres` process serving it."""

    def __init__(self, base: Path | None = None, max_connections: int = 400) -> None:
        self.base = base or Path(tempfile.mkdtemp(prefix="wartemarke-pg-"))
        self.data = self.base / "data"
        self.socket_dir = self.base / "socket"
        self.log_path = self.base / "postgres.log"
        self.bin = postgres_bin_dir()
        self.port = free_port()
        self.max_connections = max_connections
        self.process: subprocess.Popen[bytes] | None = None
        self._names = itertools.count(1)
        # PostgreSQL will not run as root; hand the directory to an unprivileged user.
        self._as_user = CLUSTER_OWNER if os.geteuid() == 0 else None

    # ------------------------------------------------------------------ lifecycle

    def _run_as_owner(self) -> dict[str, object]:
        if self._as_user is None:
            return {}
        owner = pwd.getpwnam(self._as_user)
        return {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": [], "cwd": str(self.base)}

    def start(self, timeout: float = 30.0) -> PostgresCluster:
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        if self._as_user is not None:
            owner = pwd.getpwnam(self._as_user)
            for path in (self.base, self.socket_dir):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        self.base.chmod(0o700)
        initdb = subprocess.run(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ],
            capture_output=True,
            text=True,
            **self._run_as_owner(),  # type: ignore[arg-type]
        )
        if initdb.returncode != 0:
            raise RuntimeError(f"initdb failed ({initdb.returncode}):\n{initdb.stdout}\n{initdb.stderr}")
        atexit.register(self.stop)
        self._launch(timeout)
        return self

    def _launch(self, timeout: float) -> None:
        with open(self.log_path, "ab") as log:
            if self._as_user is not None:
                os.chown(self.log_path, pwd.getpwnam(self._as_user).pw_uid, -1)
            self.process = subprocess.Popen(
                [
                    str(self.bin / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.socket_dir),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=on",
                    "-c",
                    "synchronous_commit=on",
                    "-c",
                    f"max_connections={self.max_connections}",
                    "-c",
                    "shared_buffers=128MB",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self._run_as_owner(),  # type: ignore[arg-type]
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited with {self.process.returncode}:\n{self.log()}")
            if self._accepts_connections():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"postgres did not accept connections within {timeout} s:\n{self.log()}")

    def halt(self) -> None:
        """Shut the server down (fast: clients are disconnected), keeping the data for restart()."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            self.process.wait(timeout=20)  # on timeout, stop() kills it
        self.process = None

    def restart(self, timeout: float = 30.0) -> None:
        """Start again on the same data and port, as after a database server reboot."""
        self._launch(timeout)

    def _accepts_connections(self) -> bool:
        import psycopg

        try:
            with psycopg.connect(self.url(), connect_timeout=1):
                return True
        except psycopg.OperationalError:
            return False

    def stop(self) -> None:
        """Fast shutdown (SIGINT: roll back, disconnect clients, checkpoint), then remove everything."""
        try:
            self.halt()
        except subprocess.TimeoutExpired:
            assert self.process is not None
            self.process.kill()
            self.process.wait()
            self.process = None
        shutil.rmtree(self.base, ignore_errors=True)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return "(no postgres log)"

    # ------------------------------------------------------------------ databases

    def url(self, database: str = "postgres") -> str:
        """What `wartemarke server --db` takes (and psycopg, too); "postgres" is the maintenance database."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "wartemarke") -> str:
        """A new, empty database; returns its URL."""
        import psycopg

        name = f"{prefix}_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)
