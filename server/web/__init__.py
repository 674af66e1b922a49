"""The office's own web pages, behind a sign-in: the console (/console) and the partner page.

sessions.py keeps signed-in browsers in the database, sign_in.py signs them in and out and gives
pages their checks (session, CSRF, role), office_pages.py renders them, refusals.py answers what they
refuse. console/ is the office console.
"""
