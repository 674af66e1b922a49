"""The console's start page: today, live. Per service, per counter, per device, as of now.

Without a script the page looks again every `REFRESH_SECONDS`. With one (office.js) it follows the
site's event stream (`/console/events`, the same stream the displays read, opened with the session
cookie) and, after each burst of events, fetches the live part again (`/console/today/live`), so
what the page shows is always rendered by the server from one template.
"""

from __future__ import annotations

from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Header, Request
from fastapi.responses import HTMLResponse, StreamingResponse

from server.api.events import sse_stream
from server.office import Office
from server.web.console import CONSOLE, STEERS
from server.web.office_pages import N_, render_office, translator
from server.web.sessions import WebSession
from wartemarke.api_objects import Counter, DeviceStatus, Service

router = APIRouter(prefix=CONSOLE.path, include_in_schema=False)
Signed = Annotated[WebSession, Depends(CONSOLE.session)]
REFRESH_SECONDS = 30
#: Printer and device states that need someone to walk over.
ALARMS = ("paper_near_end", "paper_out", "cover_open", "offline", "error")
STATE_NAMES = {
    "ok": N_("working"),
    "paper_near_end": N_("paper running low"),
    "paper_out": N_("out of paper"),
    "cover_open": N_("printer cover open"),
    "offline": N_("offline"),
    "error": N_("error"),
}


def today_figures(office: Office, language: str, subscribers: int) -> dict[str, Any]:
    """Everything the live part shows, read now."""
    now = office.queue.clock()
    today = office.queue.today()
    demand = office.demand.day(today)
    due: dict[str, int] = {}
    for slot in office.slot_admin.slots(today):
        if slot["status"] != "cancelled":
            due[slot["service"]] = due.get(slot["service"], 0) + 1
    services = []
    for raw in office.reading.services():
        service = Service.model_validate(raw)
        counts = demand.get(service.id, {})
        services.append(
            {
                "service": service,
                "name": service.name(language),
                "turned_away": sum(v for k, v in counts.items() if k != "later_slots_booked"),
                "later_slots_booked": counts.get("later_slots_booked", 0),
                "later_slots_due": due.get(service.id, 0),
            }
        )
    counters = []
    for raw in office.counters.all():
        counter = Counter.model_validate(raw)
        since = counter.current.called_at if counter.current else None
        minutes = int((now - since).total_seconds() // 60) if since else None
        counters.append({"counter": counter, "name": counter.names.get(language, counter.name), "minutes": minutes})
    devices = [DeviceStatus.model_validate(raw) for raw in office.devices.statuses()]
    return {
        "day": today,
        "now": now.astimezone(office.site.zone),
        "services": services,
        "counters": counters,
        "devices": devices,
        "alarms": ALARMS,
        "state_names": STATE_NAMES,
        "subscribers": subscribers,
    }


async def _figures(request: Request, session: WebSession) -> dict[str, Any]:
    office: Office = request.app.state.offices[session.site_id]
    subscribers = request.app.state.hubs[session.site_id].subscribers
    return await to_thread.run_sync(today_figures, office, session.language, subscribers)


@router.get("", response_class=HTMLResponse)
async def today(request: Request, session: Signed) -> HTMLResponse:
    office: Office = request.app.state.offices[session.site_id]
    return render_office(
        "office/console/today.html",
        session.language,
        area=CONSOLE,
        session=session,
        page="today",
        title=translator(session.language)("Today"),
        office_name=office.site.name,
        refresh_seconds=REFRESH_SECONDS,
        steers=session.role in STEERS,
        **await _figures(request, session),
    )


@router.get("/today/live", response_class=HTMLResponse)
async def today_live(request: Request, session: Signed) -> HTMLResponse:
    """The live part alone, for the page's script to put in place."""
    return render_office("office/console/today_live.html", session.language, **await _figures(request, session))


@router.get("/events")
async def events(
    request: Request, session: Signed, last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0)] = None
) -> StreamingResponse:
    """The site's event stream, for the today page's script (signed in by its cookie, not a token)."""
    hub = request.app.state.hubs[session.site_id]
    return StreamingResponse(
        sse_stream(hub, last_event_id),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
