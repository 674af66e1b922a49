"""The office console at /console: today live, steering, results. Admin and manager tokens sign in;
a manager sees everything and steers nothing."""

from __future__ import annotations

from server.web.office_pages import N_
from server.web.sign_in import WebArea

CONSOLE = WebArea(name="console", roles=("admin", "manager"), title=N_("Office console"))
#: Who may steer (open and close, quotas, tokens, closed dates); the others only look.
STEERS = ("admin",)
