"""The console's steering: services on and off, today's quota, counters, device tokens, closed dates.

Everyone signed in sees the page; only an admin gets its forms, and a form posted by anyone else
is refused with a 403 page (nothing changes). Every change goes through the office's own methods
(the same rules as `wartemarke admin`) and is then written to the steering log with who and when.
A refused change (a quota below what was issued, a date holding slots) shows the office's reason
with the status server/api/errors.py gives it, and changes nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.api.errors import status_of
from server.device_tokens import Role
from server.office import Office
from server.rules.errors import InvalidInput, NotFound, QueueError
from server.storage.token_store import create_token, list_tokens, revoke_token
from server.web.console import CONSOLE, STEERS
from server.web.office_pages import N_, render_office, translator
from server.web.sessions import WebSession
from server.web.sign_in import SignedForm

router = APIRouter(prefix=f"{CONSOLE.path}/steering", include_in_schema=False)
#: What the steering log calls each change.
ACTION_NAMES = {
    "service_open": N_("Service opened"),
    "service_close": N_("Service closed"),
    "quota": N_("Today's quota set"),
    "counter_open": N_("Counter opened"),
    "counter_close": N_("Counter closed"),
    "token_create": N_("Token created"),
    "token_revoke": N_("Token revoked"),
    "date_close": N_("Date closed"),
    "date_open": N_("Date opened again"),
}
Signed = Annotated[WebSession, Depends(CONSOLE.session)]
Form = Annotated[SignedForm, Depends(CONSOLE.form)]


def _office(request: Request, session: WebSession) -> Office:
    return request.app.state.offices[session.site_id]


def _state(office: Office) -> dict[str, Any]:
    """What the page shows, read now."""
    return {
        "services": office.reading.services(),
        "counters": office.counters.all(),
        "tokens": [t for t in list_tokens(office.engines.read, office.site.id) if not t["revoked_at"]],
        "closed_dates": office.slot_admin.closed_dates(),
        "log": office.steering_log.recent(),
        "today": office.queue.today(),
    }


async def steering_page(request: Request, session: WebSession, status_code: int = 200, **shown: Any) -> HTMLResponse:
    office = _office(request, session)
    language = session.language
    return render_office(
        "office/console/steering.html",
        language,
        status_code,
        area=CONSOLE,
        session=session,
        page="steering",
        title=translator(language)("Steering"),
        office_name=office.site.name,
        steers=session.role in STEERS,
        roles=[role.value for role in Role],
        names={s.id: s.name(language) for s in office.config.services},
        counter_names={c.id: c.name(language) for c in office.config.counters},
        zone=office.site.zone,
        done=ACTION_NAMES.get(request.query_params.get("done", ""), ""),
        action_names=ACTION_NAMES,
        problem=shown.pop("problem", ""),
        new_token=shown.pop("new_token", None),
        **await to_thread.run_sync(_state, office),
    )


@router.get("", response_class=HTMLResponse)
async def steering(request: Request, session: Signed) -> HTMLResponse:
    return await steering_page(request, session)


async def _steer(
    request: Request, form: SignedForm, action: str, target: str, change: Any, detail: str = ""
) -> Response:
    """Run `change` (in a worker thread) as an admin, log it, and go back to the page (or show why not)."""
    form.require(*STEERS)
    office = _office(request, form.session)
    try:
        await to_thread.run_sync(change, office)
    except QueueError as refusal:
        return await steering_page(request, form.session, status_of(refusal), problem=refusal.message)
    session = form.session
    await to_thread.run_sync(office.steering_log.record, session.name, session.role, action, target, detail)
    return RedirectResponse(f"{CONSOLE.path}/steering?done={action}", status_code=303)


@router.post("/service")
async def switch_service(request: Request, form: Form) -> Response:
    service, state = form.get("service"), form.get("state")
    if state not in ("open", "close"):
        return await _steer(request, form, "service", service, _refuse("state: expected open or close"))
    return await _steer(
        request, form, f"service_{state}", service, lambda o: o.settings.set_service_enabled(service, state == "open")
    )


@router.post("/quota")
async def quota(request: Request, form: Form) -> Response:
    service, text = form.get("service"), form.get("quota")
    try:
        value = None if text == "" else int(text)
        if value is not None and value < 0:
            raise ValueError
    except ValueError:
        return await _steer(request, form, "quota", service, _refuse(f"quota: expected a whole number, got {text!r}"))
    return await _steer(
        request, form, "quota", service, lambda o: o.settings.set_quota_today(service, value), detail=text or "none"
    )


@router.post("/counter")
async def switch_counter(request: Request, form: Form) -> Response:
    counter, state = form.get("counter"), form.get("state")
    if state not in ("open", "close"):
        return await _steer(request, form, "counter", counter, _refuse("state: expected open or close"))
    return await _steer(
        request, form, f"counter_{state}", counter, lambda o: o.counters.set_open(counter, state == "open")
    )


@router.post("/tokens", response_class=HTMLResponse)
async def create_device_token(request: Request, form: Form) -> Response:
    """Create a token and show it on this one page, once; the database keeps only its hash."""
    form.require(*STEERS)
    role, name = form.get("role"), form.get("name")
    if role not in [r.value for r in Role] or not 1 <= len(name) <= 80:
        message = "role and name: choose a role and give a name of 1 to 80 characters"
        return await steering_page(request, form.session, 422, problem=message)
    office = _office(request, form.session)
    _id, token = await to_thread.run_sync(
        create_token, office.engines.write, office.site.id, Role(role), name, office.queue.clock()
    )
    session = form.session
    await to_thread.run_sync(office.steering_log.record, session.name, session.role, "token_create", name, role)
    return await steering_page(request, form.session, 201, new_token={"role": role, "name": name, "token": token})


@router.post("/tokens/revoke")
async def revoke_device_token(request: Request, form: Form) -> Response:
    token_id = form.get("token_id")

    def revoke(office: Office) -> None:
        names = {t["id"]: t["name"] for t in list_tokens(office.engines.read, office.site.id) if not t["revoked_at"]}
        if token_id not in names:
            raise NotFound(f"There is no active token with id {token_id!r} at this site.")
        revoke_token(office.engines.write, token_id, office.queue.clock())

    return await _steer(request, form, "token_revoke", token_id, revoke)


@router.post("/closed-dates")
async def close_date(request: Request, form: Form) -> Response:
    text, move = form.get("date"), form.get("move_slots") == "yes"
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return await _steer(
            request, form, "date_close", text, _refuse(f"date: expected a date like 2026-12-24, got {text!r}")
        )
    detail = "slots moved" if move else ""
    return await _steer(
        request, form, "date_close", text, lambda o: o.slot_admin.close_date(day, move_slots=move), detail
    )


@router.post("/closed-dates/remove")
async def reopen_date(request: Request, form: Form) -> Response:
    text = form.get("date")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return await _steer(
            request, form, "date_open", text, _refuse(f"date: expected a date like 2026-12-24, got {text!r}")
        )
    return await _steer(request, form, "date_open", text, lambda o: o.slot_admin.reopen_date(day))


def _refuse(message: str) -> Any:
    """A change that cannot be made as asked: refused like the office refuses (422), nothing changed."""

    def refuse(_office: Office) -> None:
        raise InvalidInput(message)

    return refuse
