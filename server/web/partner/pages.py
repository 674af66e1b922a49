"""The partner page's routes, gathered: sign-in and sign-out, booking, the partner's own bookings; and
the page it answers when the office no longer lists the partner."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from server.web.office_pages import render_office, translator
from server.web.partner import PARTNER_PAGE, PartnerNotListed, booking, bookings
from server.web.sign_in import sign_in_router

router = APIRouter(include_in_schema=False)
for part in (sign_in_router(PARTNER_PAGE), booking.router, bookings.router):
    router.include_router(part)


def install_partner_page(app: FastAPI) -> None:
    """The page's routes, and its answer to a token whose partner the office removed from its config."""

    async def not_listed(_request: Request, refusal: Exception) -> Response:
        assert isinstance(refusal, PartnerNotListed)
        _ = translator(refusal.language)
        headline = _("Your organisation is no longer listed here.")
        return render_office(
            "office/refused.html",
            refusal.language,
            403,
            area=PARTNER_PAGE,
            title=headline,
            headline=headline,
            detail=_("The office no longer lists it as a counselling partner. Please ask the office."),
            back=f"{PARTNER_PAGE.path}/sign-in",
        )

    app.add_exception_handler(PartnerNotListed, not_listed)
    app.include_router(router)
