"""Signing in to an office web area with a role token, and what every page of the area checks.

An area (`WebArea`: the console at /console, the partner page at /partner) names the roles that may
sign in to it. Its pages take one of two dependencies:

    session = Depends(CONSOLE.session)   a signed-in browser, or a redirect to the sign-in form
    form = Depends(CONSOLE.form)         a POSTed form of a signed-in browser, its CSRF token checked;
                                         `form.require("admin")` refuses other roles with a 403 page

`sign_in_router(area)` serves `<area>/sign-in` (GET the form, POST a token) and `<area>/sign-out`.
The session cookie is HttpOnly, SameSite=Strict, scoped to the area's path, and Secure when the
request came over HTTPS (directly, or through a proxy uvicorn trusts: `FORWARDED_ALLOW_IPS`). The
sign-in form itself carries a one-time value that must match a cookie set with it (a double-submit
check), so no other site can sign a browser in under a token of its own.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.web.office_pages import office_language, render_office, translator
from server.web.refusals import FormRefused, NotAllowed, SignInNeeded
from server.web.sessions import SessionStore, WebSession


@dataclass(frozen=True)
class SignedForm:
    """A form posted by a signed-in browser, its CSRF token already checked."""

    session: WebSession
    fields: dict[str, str]
    area: WebArea

    def require(self, *roles: str) -> None:
        """Refuse (403 page) unless the session's role is one of `roles`: a manager sees but does not steer."""
        if self.session.role not in roles:
            raise NotAllowed(self.area.path, self.session.language, self.session.role)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default).strip()


@dataclass(frozen=True)
class WebArea:
    """One signed-in part of the web pages: its path, who may sign in, its heading (an `office` msgid)."""

    name: str
    roles: tuple[str, ...]
    title: str

    @property
    def path(self) -> str:
        return f"/{self.name}"

    @property
    def cookie(self) -> str:
        return f"wartemarke_{self.name}"

    async def session(self, request: Request) -> WebSession:
        """The page's signed-in browser; anyone else is sent to the sign-in form (and back here after)."""
        secret = request.cookies.get(self.cookie)
        found = await to_thread.run_sync(_store(request).find, secret, self.name) if secret else None
        if found is None or found.site_id not in request.app.state.offices:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInNeeded(self.path, target, ended=secret is not None)
        return found

    async def form(self, request: Request) -> SignedForm:
        """A POSTed form of the signed-in browser whose CSRF token matches its session's (else a 403 page)."""
        session = await self.session(request)
        fields = await form_fields(request)
        if not hmac.compare_digest(fields.get("csrf", ""), session.csrf_token):
            raise FormRefused(self.path, session.language)
        return SignedForm(session, fields, self)

    def safe_next(self, target: str | None) -> str:
        """Where to go after signing in: a page of this area, never another site (no open redirect)."""
        inside = target == self.path or target.startswith((self.path + "/", self.path + "?")) if target else False
        if target and inside and "//" not in target and "\\" not in target:
            return target
        return self.path


async def form_fields(request: Request) -> dict[str, str]:
    """An urlencoded form's fields (the last of a repeated name); anything else reads as no fields."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    try:
        return dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return {}


def _store(request: Request) -> SessionStore:
    return request.app.state.web_sessions


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def sign_in_router(area: WebArea) -> APIRouter:
    """`<area>/sign-in` and `<area>/sign-out`; not part of the JSON API, so not in /openapi.json."""
    router = APIRouter(prefix=area.path, include_in_schema=False)
    pre_session = f"{area.cookie}_sign_in"

    def sign_in_page(
        request: Request, language: str, status_code: int = 200, problem: str = "", notice: str = ""
    ) -> HTMLResponse:
        once = secrets.token_urlsafe(24)
        response = render_office(
            "office/sign_in.html",
            language,
            status_code,
            area=area,
            title=translator(language)(area.title),
            csrf=once,
            next=area.safe_next(request.query_params.get("next")),
            problem=problem,
            notice=notice,
            session=None,
        )
        response.set_cookie(
            pre_session, once, path=area.path, httponly=True, samesite="strict", secure=_secure(request)
        )
        return response

    @router.get("/sign-in", response_class=HTMLResponse)
    def sign_in_form(request: Request) -> HTMLResponse:
        language = office_language(request.query_params.get("language"), request.headers.get("accept-language"))
        _ = translator(language)
        notice = ""
        if request.query_params.get("ended"):
            notice = _("Your session has ended. Please sign in again.")
        elif request.query_params.get("signed_out"):
            notice = _("You are signed out.")
        return sign_in_page(request, language, notice=notice)

    @router.post("/sign-in", response_class=HTMLResponse)
    async def sign_in(request: Request) -> Response:
        fields = await form_fields(request)
        language = office_language(fields.get("language"), request.headers.get("accept-language"))
        _ = translator(language)
        expected = request.cookies.get(pre_session, "")
        if not expected or not hmac.compare_digest(fields.get("csrf", ""), expected):
            raise FormRefused(area.path, language)
        token = fields.get("token", "").strip()
        device = await request.app.state.authenticator.device(token) if token else None
        if device is None or device.site_id not in request.app.state.offices:
            problem = _("This token is unknown or has been revoked.")
            return sign_in_page(request, language, 401, problem=problem)
        if device.role not in area.roles:
            problem = _("A {role} token cannot sign in here.").format(role=device.role)
            return sign_in_page(request, language, 403, problem=problem)
        secret, _session = await to_thread.run_sync(_store(request).open, device, area.name, language)
        response = RedirectResponse(area.safe_next(fields.get("next")), status_code=303)
        response.set_cookie(
            area.cookie, secret, path=area.path, httponly=True, samesite="strict", secure=_secure(request)
        )
        response.delete_cookie(pre_session, path=area.path)
        return response

    @router.post("/sign-out")
    async def sign_out(request: Request) -> Response:
        form = await area.form(request)
        await to_thread.run_sync(_store(request).end, request.cookies.get(area.cookie, ""))
        response = RedirectResponse(f"{area.path}/sign-in?signed_out=1&language={form.session.language}", 303)
        response.delete_cookie(area.cookie, path=area.path, httponly=True, samesite="strict")
        return response

    return router
