"""The console's routes, gathered: sign-in and sign-out, today (live), steering, results."""

from __future__ import annotations

from fastapi import APIRouter

from server.web.console import CONSOLE, results, steering, today
from server.web.sign_in import sign_in_router

router = APIRouter(include_in_schema=False)
for part in (sign_in_router(CONSOLE), today.router, steering.router, results.router):
    router.include_router(part)
