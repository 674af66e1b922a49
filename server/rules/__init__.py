"""The queue's rules as plain functions and classes: no database, no HTTP, no clock of their own.

Numbering and the ticket state machine (`ticket_rules`), the service day and opening hours
(`service_day`), calling order (`calling`), the wait estimate (`wait_estimate`), ticket codes
(`ticket_codes`) and the errors a request can meet (`errors`). Tested without a database
(tests/server/test_rules.py); `server.office` applies them against storage.
"""
