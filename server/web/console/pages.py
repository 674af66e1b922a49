"""The console's routes, gathered: sign-in and sign-out, today, steering, results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from server.web.console import CONSOLE
from server.web.office_pages import render_office
from server.web.sessions import WebSession
from server.web.sign_in import sign_in_router

router = APIRouter(include_in_schema=False)
router.include_router(sign_in_router(CONSOLE))
Signed = Annotated[WebSession, Depends(CONSOLE.session)]


@router.get(CONSOLE.path, response_class=HTMLResponse)
def today(request: Request, session: Signed) -> HTMLResponse:
    office = request.app.state.offices[session.site_id]
    return render_office(
        "office/console/today.html",
        session.language,
        area=CONSOLE,
        session=session,
        title=office.site.name,
        page="today",
    )
