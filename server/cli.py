"""`wartemarke server`: run the queue server."""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
from pathlib import Path

from server.api.app import DEFAULT_DB
from server.config import load_site_config
from server.storage.engine import DatabaseUrlError, normalise_url
from wartemarke.config_file import ConfigError


def serve_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="wartemarke server", description="Run the Wartemarke queue server.")
    parser.add_argument(
        "--config",
        action="append",
        type=Path,
        help="site TOML (repeat for several sites in one server); default $WARTEMARKE_CONFIG or config/site.toml",
    )
    parser.add_argument("--db", default=None, help=f"database URL; default $WARTEMARKE_DB or {DEFAULT_DB}")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1, help="server processes sharing the port")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    args = parser.parse_args(argv)

    configs = args.config or [
        Path(p) for p in os.environ.get("WARTEMARKE_CONFIG", "config/site.toml").split(os.pathsep)
    ]
    db = args.db or os.environ.get("WARTEMARKE_DB", DEFAULT_DB)
    # Fail here, with a message naming the bad key, rather than in every worker.
    try:
        for path in configs:
            load_site_config(path)
        normalise_url(db)
    except (ConfigError, DatabaseUrlError) as exc:
        print(f"wartemarke server: {exc}", file=sys.stderr)
        return 2
    os.environ["WARTEMARKE_CONFIG"] = os.pathsep.join(str(p.resolve()) for p in configs)
    os.environ["WARTEMARKE_DB"] = db

    import uvicorn

    open_files = allow_open_files()
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("wartemarke.server")
    log.info("open files allowed: %d (each phone following its ticket is one)", open_files)
    uvicorn.run(
        "server.api.app:app_from_environment",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=args.log_level,
        access_log=False,
        # Requests too broken to reach the app get the API's JSON error shape, not uvicorn's plain text.
        http="server.api.http_protocol:JsonErrorProtocol",
        timeout_graceful_shutdown=3,
    )
    return 0


def allow_open_files() -> int:
    """Raise this process's limit of open files to what the system allows it, and return it.

    Every phone following its ticket is an open connection, and so an open file: the usual soft limit
    of 1024 would turn the 1,000th phone away. The hard limit is the operator's (`LimitNOFILE=` in a
    systemd unit, `ulimit -Hn`); docs/deployment.md says what an office should set.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            return soft
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
