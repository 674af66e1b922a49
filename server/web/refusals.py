"""What the office's web pages refuse, and the page each refusal answers with.

The JSON API's refusals become statuses in server/api/errors.py; these are the web areas' own:
a browser that is not signed in is sent to the sign-in form (303), a form whose CSRF token does not
match its session is refused with a page saying so (403), and so is a form a role may not send (a
manager's steering: 403). Nothing is changed by a refused form.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from server.web.office_pages import render_office, translator


class SignInNeeded(Exception):
    def __init__(self, area_path: str, target: str, ended: bool) -> None:
        self.area_path = area_path
        self.target = target
        #: The browser sent a session cookie that no longer opens anything (signed out elsewhere, expired).
        self.ended = ended


class FormRefused(Exception):
    """A POST without this session's CSRF token: sent from another site, or from a page of an ended session."""

    def __init__(self, area_path: str, language: str) -> None:
        self.area_path = area_path
        self.language = language


class NotAllowed(Exception):
    """A signed-in role asked for something it may not do (a manager steering)."""

    def __init__(self, area_path: str, language: str, role: str) -> None:
        self.area_path = area_path
        self.language = language
        self.role = role


def sign_in_address(area_path: str, target: str, ended: bool) -> str:
    """The sign-in form of an area, leading back to `target` (a page of the area) once signed in."""
    return f"{area_path}/sign-in?next={quote(target, safe='/')}" + ("&ended=1" if ended else "")


def _refused(language: str, area_path: str, headline: str, detail: str) -> Response:
    return render_office(
        "office/refused.html", language, 403, title=headline, headline=headline, detail=detail, back=area_path
    )


def install_web_refusals(app: FastAPI) -> None:
    async def sign_in_needed(_request: Request, refusal: Exception) -> Response:
        assert isinstance(refusal, SignInNeeded)
        return RedirectResponse(sign_in_address(refusal.area_path, refusal.target, refusal.ended), status_code=303)

    async def form_refused(_request: Request, refusal: Exception) -> Response:
        assert isinstance(refusal, FormRefused)
        _ = translator(refusal.language)
        return _refused(
            refusal.language,
            refusal.area_path,
            _("This form was not accepted."),
            _("It did not come from a page of this session. Nothing was changed. Please open the page again."),
        )

    async def not_allowed(_request: Request, refusal: Exception) -> Response:
        assert isinstance(refusal, NotAllowed)
        _ = translator(refusal.language)
        return _refused(
            refusal.language,
            refusal.area_path,
            _("You may not change this."),
            _("Signed in with a {role} token, you can see the figures but not steer. Nothing was changed.").format(
                role=refusal.role
            ),
        )

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(FormRefused, form_refused)
    app.add_exception_handler(NotAllowed, not_allowed)
