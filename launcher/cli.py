"""The `wartemarke` console script: one command, one subcommand per part.

Subcommands are imported lazily so that a kiosk machine, which installs only the apps' extras,
never imports the server's dependencies (and vice versa).
"""

from __future__ import annotations

import importlib
import sys

# subcommand -> (module, function taking argv and returning an exit code, one-line help)
SUBCOMMANDS: dict[str, tuple[str, str, str]] = {
    "server": ("server.cli", "serve_main", "run the queue server (HTTP API, events, phone page)"),
    "admin": ("server.admin", "main", "tokens, database, services and the day's figures"),
    "printer": ("printer.cli", "main", "print a sample ticket or ask a printer for its status"),
    "kiosk": ("kiosk.main", "main", "the touchscreen kiosk that issues tickets"),
    "display": ("display.main", "main", "the waiting-room display"),
    "counter": ("counter.main", "main", "the staff counter app"),
    "demo": ("launcher.demo", "main", "run the whole system on the embedded defaults"),
}


def usage() -> str:
    lines = ["usage: wartemarke <command> [options]", "", "commands:"]
    lines += [f"  {name:<9} {help_}" for name, (_, _, help_) in SUBCOMMANDS.items()]
    lines.append("\n`wartemarke <command> --help` shows a command's options.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0 if args else 2
    name, rest = args[0], args[1:]
    if name not in SUBCOMMANDS:
        print(f"wartemarke: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        return 2
    module_name, function_name, _ = SUBCOMMANDS[name]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        print(
            f"wartemarke {name}: this machine lacks what it needs ({exc}). "
            "Install the matching extra, e.g. `pip install -e .[server]` or `.[apps]`.",
            file=sys.stderr,
        )
        return 2
    return int(getattr(module, function_name)(rest) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
