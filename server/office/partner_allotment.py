"""What a counselling partner holds on a day, against what the office allows it (`slots_per_day`).

Taken like a window's place (server/office/slot_calendar.py): one row per partner and day, and a
conditional UPDATE that only applies while the partner still has room that day, so however many
counsellors of one organisation book at once, it never holds more than its allotment. A cancelled
slot gives its place back; a slot the office moves to another day (it closed a date) takes its
place on the new day whatever that day holds: a guaranteed slot stays guaranteed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, bindparam, select, update

from server.office.numbering import dialect_insert
from server.storage.schema import partner_days

_TAKE = (
    update(partner_days)
    .where(
        partner_days.c.site_id == bindparam("b_site"),
        partner_days.c.partner_id == bindparam("b_partner"),
        partner_days.c.day == bindparam("b_day"),
        partner_days.c.held < bindparam("b_allotment"),
    )
    .values(held=partner_days.c.held + 1)
)
_GIVE_BACK = (
    update(partner_days)
    .where(
        partner_days.c.site_id == bindparam("b_site"),
        partner_days.c.partner_id == bindparam("b_partner"),
        partner_days.c.day == bindparam("b_day"),
        partner_days.c.held > 0,
    )
    .values(held=partner_days.c.held - 1)
)
_HELD = select(partner_days.c.day, partner_days.c.held).where(
    partner_days.c.site_id == bindparam("b_site"),
    partner_days.c.partner_id == bindparam("b_partner"),
    partner_days.c.day.between(bindparam("b_first"), bindparam("b_last")),
)


#: What a moved slot takes on its new day: its place whatever the day holds.
_UNBOUNDED = 2**31 - 1


def take_allotment(connection: Connection, site_id: str, partner_id: str, day: date, allotment: int) -> bool:
    """One of the partner's places on `day`, if it holds fewer than `allotment` there."""
    _ensure_row(connection, site_id, partner_id, day)
    which = {"b_site": site_id, "b_partner": partner_id, "b_day": day}
    return bool(connection.execute(_TAKE, {**which, "b_allotment": allotment}).rowcount)


def give_back_allotment(connection: Connection, site_id: str, partner_id: str, day: date) -> None:
    connection.execute(_GIVE_BACK, {"b_site": site_id, "b_partner": partner_id, "b_day": day})


def move_allotment(connection: Connection, site_id: str, partner_id: str, old_day: date, new_day: date) -> None:
    """The office moved one of the partner's slots: its place moves with it."""
    give_back_allotment(connection, site_id, partner_id, old_day)
    take_allotment(connection, site_id, partner_id, new_day, _UNBOUNDED)


def held(connection: Connection, site_id: str, partner_id: str, first: date, last: date) -> dict[date, int]:
    """The partner's places taken on each day first..last (days without any are absent)."""
    rows = connection.execute(_HELD, {"b_site": site_id, "b_partner": partner_id, "b_first": first, "b_last": last})
    return {row.day: row.held for row in rows}


def _ensure_row(connection: Connection, site_id: str, partner_id: str, day: date) -> None:
    insert = dialect_insert(connection)
    connection.execute(
        insert(partner_days).values(site_id=site_id, partner_id=partner_id, day=day, held=0).on_conflict_do_nothing()
    )
