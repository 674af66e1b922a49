"""The console's results: any range of service days (a day, a week, a month, or from-to), per service
and per hour, with plots (SVG) and the numbers of each plot as CSV, printable on A4."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from server.office import Office
from server.office.results import RangeResults
from server.rules.errors import InvalidInput, QueueError
from server.web.console import CONSOLE
from server.web.console.plots import PLOTS, Table, svg
from server.web.office_pages import N_, OFFICE_HEADERS, render_office, translator
from server.web.sessions import WebSession

router = APIRouter(prefix=f"{CONSOLE.path}/results", include_in_schema=False)
Signed = Annotated[WebSession, Depends(CONSOLE.session)]
PERIODS = ("day", "week", "month", "custom")
PERIOD_NAMES = {"day": N_("Day"), "week": N_("Week"), "month": N_("Month"), "custom": N_("From – to")}
#: The per-service tables' columns, key and heading (an office msgid): what was asked for, then how it went.
DEMAND_COLUMNS = (
    ("issued", N_("Tickets drawn")),
    ("from_slot", N_("Later slots checked in")),
    ("turned_away", N_("Turned away")),
    ("later_slots_booked", N_("Later slots booked")),
    ("later_slots_due", N_("Later slots due")),
    ("later_slots_kept", N_("Later slots kept")),
)
VISIT_COLUMNS = (
    ("served", N_("Served")),
    ("no_show", N_("No-shows")),
    ("wait_median_min", N_("Wait, median (min)")),
    ("wait_p90_min", N_("Wait, 90 % within (min)")),
    ("target_min", N_("Target (min)")),
    ("service_level_pct", N_("Called within target (%)")),
    ("visit_median_min", N_("Visit length, median (min)")),
)
SERVICE_COLUMNS = DEMAND_COLUMNS + VISIT_COLUMNS
# A plot's SVG is a picture: no script, its own inline styles (matplotlib's), nothing fetched.
SVG_HEADERS = {
    **OFFICE_HEADERS,
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
}


@dataclass(frozen=True)
class Range:
    period: str
    first: date
    last: date

    def query(self) -> str:
        return f"period={self.period}&from={self.first.isoformat()}&to={self.last.isoformat()}"

    def shifted(self, direction: int) -> Range:
        """The period before (-1) or after (+1) this one, of the same kind."""
        if self.period == "month":
            month = self.first.replace(day=1) + timedelta(days=32 * direction if direction > 0 else -1)
            return span("month", month.replace(day=1), None)
        length = (self.last - self.first).days + 1
        return Range(
            self.period, self.first + timedelta(days=length * direction), self.last + timedelta(days=length * direction)
        )


def span(period: str, anchor: date, to: date | None) -> Range:
    if period == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return Range(period, start, start + timedelta(days=6))
    if period == "month":
        start = anchor.replace(day=1)
        return Range(period, start, start.replace(day=calendar.monthrange(start.year, start.month)[1]))
    if period == "custom" and to is not None:
        return Range(period, anchor, to)
    return Range("day", anchor, anchor)


def _date(text: str | None, name: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: expected a date like 2026-10-25, got {text[:40]!r}") from None


def asked_range(request: Request, office: Office) -> Range:
    params = request.query_params
    period = params.get("period", "day")
    if period not in PERIODS:
        raise InvalidInput(f"period: expected one of {', '.join(PERIODS)}, got {period[:20]!r}")
    anchor = _date(params.get("from"), "from") or office.queue.today()
    return span(period, anchor, _date(params.get("to"), "to") or anchor)


def _office(request: Request, session: WebSession) -> Office:
    return request.app.state.offices[session.site_id]


def _names(office: Office, language: str) -> dict[str, str]:
    return {service.id: service.name(language) for service in office.config.services}


@router.get("", response_class=HTMLResponse)
async def results_page(request: Request, session: Signed) -> HTMLResponse:
    office = _office(request, session)
    _ = translator(session.language)
    try:
        asked = asked_range(request, office)
        results = await to_thread.run_sync(office.results.between, asked.first, asked.last)
        problem = ""
    except QueueError as refusal:
        today = office.queue.today()
        asked, results, problem = span("day", today, None), None, refusal.message
    names = _names(office, session.language)
    counters = {c.id: c.name(session.language) for c in office.config.counters}
    return render_office(
        "office/console/results.html",
        session.language,
        422 if problem else 200,
        area=CONSOLE,
        session=session,
        page="results",
        title=_("Results"),
        office_name=office.site.name,
        asked=asked,
        earlier=asked.shifted(-1),
        later=asked.shifted(1),
        periods=PERIOD_NAMES,
        results=results,
        problem=problem,
        names=names,
        counter_names=counters,
        tables=((N_("Per service: demand"), DEMAND_COLUMNS), (N_("Per service: visits and waits"), VISIT_COLUMNS)),
        plots=PLOTS.values(),
    )


async def _results(request: Request, session: WebSession) -> tuple[RangeResults, Office]:
    office = _office(request, session)
    asked = asked_range(request, office)
    return await to_thread.run_sync(office.results.between, asked.first, asked.last), office


def service_table(results: RangeResults, names: dict[str, str]) -> Table:
    keys = [key for key, _ in SERVICE_COLUMNS]
    return Table(
        ["service", "name", *keys],
        [[line["service"], names[line["service"]], *(line[k] for k in keys)] for line in results.services],
    )


def _csv(table: Table, name: str, results: RangeResults) -> Response:
    filename = f"{name}_{results.first.isoformat()}_{results.last.isoformat()}.csv"
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={**OFFICE_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/services.csv")
async def services_csv(request: Request, session: Signed) -> Response:
    results, office = await _results(request, session)
    return _csv(service_table(results, _names(office, session.language)), "services", results)


@router.get("/{name}.csv")
async def plot_csv(name: str, request: Request, session: Signed) -> Response:
    plot = PLOTS.get(name)
    if plot is None:
        return Response("no such plot", status_code=404, media_type="text/plain", headers=OFFICE_HEADERS)
    results, office = await _results(request, session)
    return _csv(plot.table(results, _names(office, session.language)), name, results)


@router.get("/{name}.svg")
async def plot_svg(name: str, request: Request, session: Signed) -> Response:
    plot = PLOTS.get(name)
    if plot is None:
        return Response("no such plot", status_code=404, media_type="text/plain", headers=OFFICE_HEADERS)
    results, office = await _results(request, session)
    table = plot.table(results, _names(office, session.language))
    drawing = await to_thread.run_sync(svg, plot, table, translator(session.language))
    return Response(drawing, media_type="image/svg+xml", headers=SVG_HEADERS)
