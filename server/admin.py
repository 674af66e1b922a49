"""`wartemarke admin`: what an office manager needs to run a day, from a shell.

wartemarke admin token create --role kiosk --name "Kiosk Eingang"   (token on the last line)
wartemarke admin token create --role partner --partner caritas --name "Caritas Beratung"
wartemarke admin token list | revoke ID-OR-NAME
wartemarke admin db upgrade
wartemarke admin service close|open SERVICE
wartemarke admin service quota SERVICE N|none      (today only)
wartemarke admin report [--day today|yesterday|YYYY-MM-DD]
wartemarke admin slots list [--day YYYY-MM-DD] [--service SERVICE] | cancel ID
wartemarke admin closed-dates add YYYY-MM-DD [--move-slots] | list | remove YYYY-MM-DD
wartemarke admin partners [--from YYYY-MM-DD] [--until YYYY-MM-DD]   (their slots kept and missed)
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from server.api.app import DEFAULT_DB
from server.clock import clock_from_environment
from server.config import SiteConfig, load_site_config
from server.device_tokens import Role
from server.office.partner_results import PartnerOutcomes
from server.office.reports import DayReport
from server.rules.errors import InvalidInput, QueueError
from server.storage.engine import DatabaseUrlError, create_engines
from server.storage.migrate import upgrade
from wartemarke.config_file import ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wartemarke admin", description=__doc__.split("\n\n")[0])
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help=f"database URL; default $WARTEMARKE_DB or {DEFAULT_DB}")
    common.add_argument(
        "--config", type=Path, default=None, help="site TOML; default $WARTEMARKE_CONFIG or config/site.toml"
    )
    areas = parser.add_subparsers(dest="area", required=True)

    token = areas.add_parser("token", help="device and staff tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", parents=[common], help="create a token and print it (once)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--name", required=True, help='what the device is, e.g. "Kiosk Eingang"')
    create.add_argument(
        "--partner", default=None, help="for --role partner: the partner's id in the site config's [[partners]]"
    )
    token.add_parser("list", parents=[common], help="list tokens (never the tokens themselves)")
    revoke = token.add_parser("revoke", parents=[common], help="revoke a token by id or name")
    revoke.add_argument("token", metavar="ID-OR-NAME")

    db = areas.add_parser("db", help="database").add_subparsers(dest="action", required=True)
    db.add_parser("upgrade", parents=[common], help="create or migrate the schema (SQLite and PostgreSQL)")

    service = areas.add_parser("service", help="switch services, change today's quota").add_subparsers(
        dest="action", required=True
    )
    for action in ("open", "close"):
        sub = service.add_parser(action, parents=[common], help=f"{action} a service for ticket issue")
        sub.add_argument("service")
    quota = service.add_parser("quota", parents=[common], help="today's quota of a service ('none' for no quota)")
    quota.add_argument("service")
    quota.add_argument("quota")

    report = areas.add_parser("report", parents=[common], help="the day's figures per service")
    report.add_argument(
        "--day", type=_day, default="today", help="today (the default), yesterday, or a date like 2026-11-23"
    )

    slots = areas.add_parser("slots", help="guaranteed later slots").add_subparsers(dest="action", required=True)
    listing = slots.add_parser("list", parents=[common], help="a day's later slots (default: today)")
    listing.add_argument("--day", type=_date, default=None, help="YYYY-MM-DD")
    listing.add_argument("--service", default=None, help="only this service (its id)")
    cancel = slots.add_parser("cancel", parents=[common], help="cancel a booked slot; its place returns to its window")
    cancel.add_argument("slot", metavar="ID")

    closed = areas.add_parser("closed-dates", help="days the office is closed (public holidays)").add_subparsers(
        dest="action", required=True
    )
    close = closed.add_parser("add", parents=[common], help="close a coming date: no tickets, no later slots")
    close.add_argument("date", type=_date, metavar="YYYY-MM-DD")
    close.add_argument(
        "--move-slots", action="store_true", help="move its booked later slots to the next open day with room"
    )
    closed.add_parser("list", parents=[common], help="closed dates from today on (site config and this command)")
    reopen = closed.add_parser("remove", parents=[common], help="open again a date closed with `add`")
    reopen.add_argument("date", type=_date, metavar="YYYY-MM-DD")

    partners = areas.add_parser(
        "partners", parents=[common], help="counselling partners: their later slots for a range of days, kept or missed"
    )
    partners.add_argument("--from", dest="first", type=_date, default=None, help="YYYY-MM-DD (default: 30 days ago)")
    partners.add_argument("--until", dest="last", type=_date, default=None, help="YYYY-MM-DD (default: today)")
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date like 2026-12-24, got {text!r}") from None


def _day(text: str) -> str | date:
    """`today` and `yesterday` stay words until the site's clock says which day they are."""
    if text in ("today", "yesterday"):
        return text
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected today, yesterday or a date like 2026-11-23, got {text!r}") from None


def _site_config(args: argparse.Namespace) -> SiteConfig:
    path = args.config or Path(os.environ.get("WARTEMARKE_CONFIG", "config/site.toml").split(os.pathsep)[0])
    return load_site_config(path)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    db_url = args.db or os.environ.get("WARTEMARKE_DB", DEFAULT_DB)
    clock = clock_from_environment()[0]
    try:
        engines = create_engines(db_url)
        upgrade(engines.write)
        if args.area == "db":
            print(f"database at {engines.write.url.render_as_string(hide_password=True)} is up to date")
            return 0
        config = _site_config(args)
        from server.storage.bootstrap import ensure_sites, signing_key
        from server.storage.token_store import create_token, list_tokens, revoke_token

        ensure_sites(engines.write, [config])
        if args.area == "token":
            if args.action == "create":
                partner = _partner_of_token(config, args.role, args.partner)
                token_id, token = create_token(
                    engines.write, config.site.id, Role(args.role), args.name, clock(), partner_id=partner
                )
                acts_for = f" acting for partner {partner}" if partner else ""
                print(
                    f"created {args.role} token {token_id} ({args.name}){acts_for} for site {config.site.id}; "
                    "it is shown only now:"
                )
                print(token)
            elif args.action == "list":
                for row in list_tokens(engines.read, config.site.id):
                    state = "revoked" if row["revoked_at"] else "active"
                    partner = f"  (partner {row['partner_id']})" if row["partner_id"] else ""
                    print(f"{row['id']}  {row['role']:<7}  {state:<7}  {row['name']}{partner}")
            else:
                count = revoke_token(engines.write, args.token, clock())
                if not count:
                    print(f"wartemarke admin: no active token with id or name {args.token!r}", file=sys.stderr)
                    return 1
                print(f"revoked {count} token(s)")
            return 0

        from server.office import Office

        office = Office(config, engines, clock, signing_key(engines.write))
        if args.area == "slots":
            return _slots(office, args)
        if args.area == "closed-dates":
            return _closed_dates(office, args)
        if args.area == "partners":
            today = office.queue.today()
            first, last = args.first or today - timedelta(days=30), args.last or today
            if last < first:
                raise InvalidInput(f"--until {last.isoformat()} is before --from {first.isoformat()}")
            print(
                f"{office.site.name}: counselling partners' later slots for {first.isoformat()} to {last.isoformat()}"
            )
            print(partners_text(office.partner_results.outcomes(first, last)))
            return 0
        if args.area == "service":
            if args.action in ("open", "close"):
                service = office.settings.set_service_enabled(args.service, args.action == "open")
            else:
                quota = None if args.quota.lower() == "none" else _positive(args.quota)
                service = office.settings.set_quota_today(args.service, quota)
            print(
                f"{service['id']}: {'open' if service['open'] else 'closed (' + str(service['closed_reason']) + ')'}, "
                f"quota {service['quota']}, issued {service['issued']}, remaining {service['remaining']}"
            )
            return 0
        today = office.queue.today()
        day = {"today": today, "yesterday": today - timedelta(days=1)}.get(args.day, args.day)
        print(report_text(office.reports.day_report(day)))
        return 0
    except (ConfigError, DatabaseUrlError) as exc:
        print(f"wartemarke admin: {exc}", file=sys.stderr)
        return 2
    except QueueError as exc:
        print(f"wartemarke admin: {exc.message}", file=sys.stderr)
        return 1


def report_text(report: DayReport) -> str:
    """The report as a text table, headed by what each column counts; each column as wide as its heading."""
    width = max([len("service"), *(len(line["name"]) for line in report.lines)]) + 1
    widths = [len(column.heading) + 2 for column in report.columns]
    lines = [f"{report.site_name}: service day {report.day.isoformat()} ({report.day.strftime('%A')})", ""]
    legend = max(len(column.heading) for column in report.columns)
    lines += [f"  {column.heading:<{legend}} {column.counts}" for column in report.columns]
    header = "".join(column.heading.rjust(w) for column, w in zip(report.columns, widths, strict=True))
    lines += ["", "service".ljust(width) + header]
    for line in report.lines:
        figures = ("-" if line[column.key] is None else str(line[column.key]) for column in report.columns)
        lines.append(line["name"].ljust(width) + "".join(f.rjust(w) for f, w in zip(figures, widths, strict=True)))
    if report.partners:
        lines += ["", "Counselling partners' later slots for this day:", partners_text(report.partners)]
    return "\n".join(lines)


def partners_text(partners: list[PartnerOutcomes]) -> str:
    """Per partner: its slots by what became of them, with what each column counts above."""
    if not partners:
        return "no counselling partners are configured ([[partners]] in the site config)"
    headings = ("booked", "kept", "missed", "cancelled", "open")
    width = max(len("partner"), *(len(p.name) for p in partners)) + 1
    lines = [
        "  booked: every slot for these days, cancelled ones included; kept: checked in;",
        "  missed: check-in closed without the holder; open: booked, check-in still to come",
        "",
        "partner".ljust(width) + "".join(h.rjust(len(h) + 2) for h in headings),
    ]
    for partner in partners:
        figures = partner.total.as_dict()
        lines.append(partner.name.ljust(width) + "".join(str(figures[h]).rjust(len(h) + 2) for h in headings))
    return "\n".join(lines)


def _partner_of_token(config: SiteConfig, role: str, partner_id: str | None) -> str | None:
    """The partner a new token acts for: named for a partner token, and only for one."""
    if role != Role.PARTNER.value:
        if partner_id is not None:
            raise InvalidInput(f"--partner: only a partner token acts for a partner (this is a {role} token)")
        return None
    known = ", ".join(p.id for p in config.partners) or "none: add [[partners]] to the site config"
    if partner_id is None:
        raise InvalidInput(f"--partner: a partner token needs the partner it acts for (configured: {known})")
    if config.partner(partner_id) is None:
        raise InvalidInput(f"--partner: {partner_id!r} is not in the site config's [[partners]] (configured: {known})")
    return partner_id


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput(f"quota: expected a whole number or 'none', got {text!r}") from None
    if value < 0:
        raise InvalidInput(f"quota: must not be negative, got {value}")
    return value


def _name(office: Any, service_id: str) -> str:
    """A service's name in the office's own language (the site's first)."""
    service = office.config.service(service_id)
    return service.name(office.site.languages[0]) if service else service_id


def _window(iso_start: str, iso_end: str) -> str:
    return f"{datetime.fromisoformat(iso_start):%H:%M}-{datetime.fromisoformat(iso_end):%H:%M}"


def _slots(office: Any, args: argparse.Namespace) -> int:
    if args.action == "cancel":
        slot = office.slot_admin.cancel(args.slot)
        window = _window(slot["window"]["start"], slot["window"]["end"])
        print(f"cancelled the slot {slot['id']} ({_name(office, slot['service'])}, {slot['day']} {window})")
        return 0
    slots = office.slot_admin.slots(args.day, args.service)
    day = (args.day or office.queue.today()).isoformat()
    print(f"{len(slots)} later slot(s) on {day}")
    for slot in slots:
        ticket = slot["ticket"]["number"] if slot["ticket"] else "-"
        moved = f"  moved from {slot['moved_from']['start'][:10]}" if slot["moved_from"] else ""
        print(
            f"{_window(slot['window']['start'], slot['window']['end'])}  {slot['status']:<10}  {slot['language']:<3}"
            f"  {ticket:<6}  {slot['id']}  {_name(office, slot['service'])}{moved}"
        )
    return 0


def _closed_dates(office: Any, args: argparse.Namespace) -> int:
    if args.action == "list":
        for day, source in office.slot_admin.closed_dates():
            print(f"{day.isoformat()}  {source}")
        return 0
    if args.action == "remove":
        office.slot_admin.reopen_date(args.date)
        print(f"{args.date.isoformat()} is open again (as its opening hours say)")
        return 0
    moved = office.slot_admin.close_date(args.date, move_slots=args.move_slots)
    print(f"{args.date.isoformat()} is closed: no tickets and no later slots that day")
    for slot in moved:
        window = _window(slot["window"]["start"], slot["window"]["end"])
        print(f"moved slot {slot['id']} ({_name(office, slot['service'])}) to {slot['day']} {window}")
    return 0
