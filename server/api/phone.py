"""The phone status page behind a ticket's QR code: small, mobile-first, in the ticket's language.

It works without JavaScript (a meta refresh) and with it updates in place every 15 seconds from
the status JSON. It shows only what the ticket's status JSON shows.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape
from typing import Any

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from server.api.errors import status_of
from server.rules.errors import Expired, InvalidCode, QueueError
from wartemarke.i18n import gettext_for, is_rtl

router = APIRouter(tags=["public"])

PAGE = """<!doctype html>
<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<meta name="robots" content="noindex">
<title>{title}</title>
<style>
body{{font-family:system-ui,"Noto Sans","Noto Sans Arabic",sans-serif;margin:0;background:#f4f6f8;color:#111}}
main{{max-width:28rem;margin:0 auto;padding:1.5rem}}
.office{{font-size:1rem;color:#333}}
.number{{font-size:4.5rem;font-weight:700;letter-spacing:.05em;margin:.5rem 0}}
.state{{font-size:1.4rem;font-weight:600;padding:1rem;border-radius:.5rem;background:#fff;border:2px solid #0b4f8a}}
.state.called{{background:#0b4f8a;color:#fff}}
p{{font-size:1.15rem;line-height:1.5}} small{{color:#444}}
</style></head>
<body><main>
<div class="office">{office}</div>
<div class="number">{number}</div>
<div class="state {status}" id="state">{state}</div>
<p id="detail">{detail}</p>
<p><small>{refresh}</small></p>
</main>
<script>
const url = {status_url!r};
async function refresh() {{
  try {{
    const r = await fetch(url, {{cache: "no-store"}});
    if (r.ok) location.reload();
  }} catch (e) {{}}
}}
setInterval(refresh, 15000);
</script>
</body></html>"""


def describe(status: dict[str, Any], language: str) -> tuple[str, str]:
    """(headline, detail) for a ticket's status, in `language`."""
    _ = gettext_for("server", language)
    state = status["status"]
    if state == "waiting":
        # The same words as the printed ticket: "next" rather than "0 people ahead".
        if status["position"] == 0:
            ahead = _("You are next.")
        else:
            ahead = _("People ahead of you: {count}").format(count=status["position"])
        wait = status["wait"]
        if wait:
            when = _("Expected wait: {low}–{high} minutes").format(low=wait["low_min"], high=wait["high_min"])
        else:
            when = _("Expected wait: unknown")
        return _("Please wait. We will call your number."), f"{ahead}<br>{when}"
    if state == "called":
        counter = status["counter_name"] or status["counter"] or ""
        return _("It is your turn! Please go to {counter} now.").format(counter=counter), ""
    if state == "serving":
        return _("You are being served."), ""
    if state == "done":
        return _("Your visit is finished. Thank you!"), ""
    if state == "no_show":
        return _("You were called but not present."), _("Please ask at the information desk.")
    return _("This ticket was cancelled."), _("Please ask at the information desk.")


def render(status: dict[str, Any], office: str, status_url: str) -> str:
    language = status["language"]
    _ = gettext_for("server", language)
    headline, detail = describe(status, language)
    return PAGE.format(
        lang=escape(language),
        dir="rtl" if is_rtl(language) else "ltr",
        title=escape(_("Ticket {number}").format(number=status["number"])),
        office=escape(office),
        number=escape(status["number"]),
        status=escape(status["status"]),
        state=escape(headline),
        detail=detail if "<br>" in detail else escape(detail),
        refresh=escape(_("This page updates by itself.")),
        status_url=status_url,
    )


def render_slot(status: dict[str, Any], office: str, status_url: str) -> str:
    """A later slot before check-in: its day and window, and when check-in opens (the phone-page
    rebuild gives it its own page; this is the slot status JSON shown in the ticket page's frame)."""
    language = status["language"]
    _ = gettext_for("server", language)
    start = datetime.fromisoformat(status["window"]["start"])
    end = datetime.fromisoformat(status["window"]["end"])
    # The window keeps its left-to-right order inside an Arabic or Farsi sentence (a Unicode isolate)
    # and stays on one line (word joiners around the dash).
    day = format_date(date.fromisoformat(status["day"]), format="full", locale=language)
    comma = "، " if is_rtl(language) else ", "
    day = f"{day}{comma}\u2066{start:%H:%M}\u2060–\u2060{end:%H:%M}\u2069"
    opens = datetime.fromisoformat(status["check_in"]["from"])
    detail = _("Check in at the kiosk or a counter from {time}. Please bring this paper and your documents.")
    if status["status"] == "cancelled":
        headline, detail = _("This slot was cancelled."), _("Please ask at the information desk.")
    elif status["status"] == "missed":
        headline, detail = _("This slot has passed."), _("Please ask at the information desk.")
    elif status["moved_from"]:
        headline = _("Your slot was moved to {date}.").format(date=day)
    else:
        headline = _("Your guaranteed slot: {date}").format(date=day)
    return PAGE.format(
        lang=escape(language),
        dir="rtl" if is_rtl(language) else "ltr",
        title=escape(_("Guaranteed slot")),
        office=escape(office),
        number=escape(f"{start:%H:%M}"),  # the big line: when to be there
        status=escape(status["status"]),
        state=escape(headline),
        detail=escape(detail.format(time=f"{opens:%H:%M}")),
        refresh=escape(_("This page updates by itself.")),
        status_url=status_url,
    )


def render_refusal(refusal: QueueError, language: str = "en") -> str:
    _ = gettext_for("server", language)
    if isinstance(refusal, Expired):
        headline = _("This ticket was for an earlier day and is no longer valid.")
    elif isinstance(refusal, InvalidCode):
        headline = _("This is not a valid ticket code.")
    else:
        headline = _("This ticket is not known here.")
    return PAGE.format(
        lang=language,
        dir="ltr",
        title="Wartemarke",
        office="",
        number="–",
        status="error",
        state=escape(headline),
        detail=escape(_("Please ask at the information desk.")),
        refresh="",
        status_url="",
    ).replace("setInterval(refresh, 15000);", "")


# Spelled out: a `model` here would be documented as text/html, this route's own media type.
JSON_VALIDATION_ERROR: dict[str, Any] = {
    "description": "validation_error: a malformed request",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_PAGE_REFUSED = {
    status: {"content": {"text/html": {}}, "description": f"the page, saying {what}"}
    for status, what in (
        (400, "this is not a ticket code"),
        (404, "the ticket is not known here"),
        (410, "the ticket was for an earlier day"),
    )
}


@router.get(
    "/t/{token}",
    response_class=HTMLResponse,
    responses={**_PAGE_REFUSED, 422: JSON_VALIDATION_ERROR},
    include_in_schema=True,
)
def status_page(token: str, request: Request) -> HTMLResponse:
    """The page a visitor's phone opens from the ticket's QR code."""
    try:
        status, office = request.app.state.status_and_office(token)
    except QueueError as refusal:
        return HTMLResponse(render_refusal(refusal), status_code=status_of(refusal))
    if status.get("kind") == "slot":
        # A slot shows its window until it is checked in, then its ticket's live status.
        if status["ticket"] is None:
            return HTMLResponse(render_slot(status, office, f"/api/v1/status/{token}"))
        status = status["ticket"]
    return HTMLResponse(render(status, office, f"/api/v1/status/{token}"))
