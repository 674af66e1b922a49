"""`QueueClient`: the one way the kiosk, display and counter talk to the queue server's HTTP API.

Three promises the apps build on:
- Every call ends within a bounded time (connect and read timeouts on each attempt, a bounded
  number of attempts) and either returns the answer as a typed API object (`wartemarke.api_objects`)
  or raises an `ApiError` subclass — also for an answer that is not the object the route promises
  (`MalformedAnswer`), so no app ever works on half a ticket.
- A ticket is never issued twice by accident: `issue_ticket` (and `book_later_slot`) sends one
  Idempotency-Key on every attempt, so the server hands back the same ticket (slot) for a retry
  after a lost answer.
- A state change is never replayed when the server may already have done it: `call_next` after a
  read timeout is *not* sent again, because the first attempt may have called a visitor already.
  Such requests are only retried when the connection was refused (nothing was delivered).

Threads: requests.Session is not thread-safe, so each call borrows a Session from a small pool and
gives it back afterwards. Concurrent calls from a UI thread and worker threads never share one, and
connections are still reused between calls.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from pydantic import TypeAdapter, ValidationError

from client.backoff import Backoff
from client.connection_failure import RETRYABLE_STATUSES, describe_failure, never_reached_server
from client.errors import ApiError, MalformedAnswer, ServerUnavailable, error_from_response
from wartemarke.api_objects import (
    Board,
    Counter,
    DeviceStatus,
    Health,
    Service,
    Site,
    Slot,
    SlotStatus,
    Ticket,
    TicketStatus,
)

API = "/api/v1"
USER_AGENT = "wartemarke-client/0.1"


def _segment(value: str | int) -> str:
    """One path segment, escaped so an id can never change which endpoint is addressed."""
    return quote(str(value), safe="")


@cache
def _reader(answer: Any) -> TypeAdapter[Any]:
    """A validator for one answer type (`Ticket`, `list[Service]`, ...), built once."""
    return TypeAdapter(answer)


class QueueClient:
    """A client of the Wartemarke API v1 for one server and one device or staff token.

    `timeout` is the connect and the read timeout of each attempt in seconds (a float for both, or
    a (connect, read) pair); `retries` is how many more attempts follow a failed one, with a short
    jittered pause in between (`retry_delay`, doubling).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: float | tuple[float, float] = 3.0,
        retries: int = 2,
        retry_delay: float = 0.2,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"server url {base_url!r} must look like http://host:port")
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout if isinstance(timeout, tuple) else (timeout, timeout)
        self.retries = retries
        self.retry_delay = retry_delay
        self._idle_sessions: list[requests.Session] = []
        self._all_sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    # -- public API: reading ---------------------------------------------------------------------

    def health(self) -> Health:
        """`status == "ok"` when the server and its database answer; ServerUnavailable otherwise."""
        return self._call("GET", "/health", Health)

    def site(self) -> Site:
        """The site: id, name, timezone, languages, public_url."""
        return self._call("GET", "/site", Site)

    def services(self) -> list[Service]:
        """Every service with its quota, remaining slots, waiting count and wait estimate."""
        return self._call("GET", "/services", list[Service])

    def board(self) -> Board:
        """What the waiting-room display shows: recent calls (newest first) and the services."""
        return self._call("GET", "/board", Board)

    def status(self, token: str) -> TicketStatus:
        """The public status of the ticket whose code carries `token` (what the phone page shows)."""
        return self._call("GET", f"/status/{_segment(token)}", TicketStatus)

    def code_status(self, code: str) -> TicketStatus | SlotStatus:
        """The public status behind a scanned code (a ticket's, or a later slot's with its day and language).

        Takes the text as a scanner read it; the server accepts the token in any case.
        """
        token = code.strip().rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0].split("#", 1)[0]
        return self._call("GET", f"/status/{_segment(token or '-')}", SlotStatus | TicketStatus)

    def ticket(self, ticket_id: str) -> Ticket:
        return self._call("GET", f"/tickets/{_segment(ticket_id)}", Ticket)

    def counters(self) -> list[Counter]:
        return self._call("GET", "/counters", list[Counter])

    def counter(self, counter_id: str | int) -> Counter:
        return self._call("GET", f"/counters/{_segment(counter_id)}", Counter)

    def devices(self) -> list[DeviceStatus]:
        """The last status every device reported (staff)."""
        return self._call("GET", "/devices", list[DeviceStatus])

    # -- public API: the kiosk ------------------------------------------------------------------

    def issue_ticket(self, service: str, language: str, idempotency_key: str | None = None) -> Ticket:
        """Draw a ticket. Every attempt carries the same Idempotency-Key, so a retry cannot draw a second one.

        A kiosk that wants to retry *later* itself (after ServerUnavailable) passes its own key and
        reuses it for the same visitor's tap.
        """
        key = idempotency_key or str(uuid.uuid4())
        return self._call(
            "POST",
            "/tickets",
            Ticket,
            body={"service": service, "language": language},
            headers={"Idempotency-Key": key},
            replayable=True,
        )

    def book_later_slot(self, service: str, language: str, idempotency_key: str | None = None) -> Slot:
        """Book the earliest free guaranteed later slot of `service` (once today's walk-in tickets are gone).

        Like `issue_ticket`, every attempt carries the same Idempotency-Key (pass the kiosk's own key
        to reuse it across its own retries), so a retry after a lost answer gets the same slot.
        Refusals: `SlotsAvailable` (walk-in tickets can still be drawn today), `NoLaterSlots`, `RateLimited`.
        """
        key = idempotency_key or str(uuid.uuid4())
        return self._call(
            "POST",
            "/later-slots",
            Slot,
            body={"service": service, "language": language},
            headers={"Idempotency-Key": key},
            replayable=True,
        )

    def check_in(self, code: str) -> Ticket:
        """Check a later slot in with the text its QR code holds; the numbered ticket of the slot's service.

        Checking in twice answers the same ticket, so a retry is safe. Refusals: `TooEarly` (with
        when check-in opens), `Expired` (check-in closed), `SlotCancelled`, `InvalidCode`, `NotFound`.
        """
        return self._call("POST", "/check-in", Ticket, body={"code": code}, replayable=True)

    def report_device_status(self, status: str, detail: str = "") -> DeviceStatus:
        """Tell the server how this device is (e.g. "paper_out"); last report wins, so it is replayable."""
        body = {"status": status, "detail": detail}
        return self._call("POST", "/devices/status", DeviceStatus, body=body, replayable=True)

    # -- public API: the counter ----------------------------------------------------------------

    def call_next(self, counter: str | int) -> Ticket | None:
        """Call the next waiting ticket to `counter`; None when nobody waits for its services (204)."""
        return self._call("POST", f"/counters/{_segment(counter)}/call-next", Ticket | None, replayable=False)

    def call(self, ticket_id: str, counter: str | int) -> Ticket:
        return self._ticket_action(ticket_id, "call", {"counter": str(counter)})

    def recall(self, ticket_id: str) -> Ticket:
        return self._ticket_action(ticket_id, "recall")

    def start(self, ticket_id: str) -> Ticket:
        return self._ticket_action(ticket_id, "start")

    def finish(self, ticket_id: str) -> Ticket:
        return self._ticket_action(ticket_id, "finish")

    def no_show(self, ticket_id: str) -> Ticket:
        return self._ticket_action(ticket_id, "no-show")

    def cancel(self, ticket_id: str) -> Ticket:
        return self._ticket_action(ticket_id, "cancel")

    def transfer(self, ticket_id: str, service: str) -> Ticket:
        return self._ticket_action(ticket_id, "transfer", {"service": service})

    def scan(self, code: str, counter: str | int) -> Ticket:
        """The ticket whose QR text the scanner read (full URL or bare token; the server normalises it)."""
        body = {"code": code, "counter": str(counter)}
        return self._call("POST", "/scan", Ticket, body=body, replayable=False)

    def open_counter(self, counter_id: str | int) -> Counter:
        """Mark the counter open (it then feeds the wait estimate); opening twice is harmless."""
        return self._call("POST", f"/counters/{_segment(counter_id)}/open", Counter, replayable=True)

    def close_counter(self, counter_id: str | int) -> Counter:
        return self._call("POST", f"/counters/{_segment(counter_id)}/close", Counter, replayable=True)

    # -- lifecycle ------------------------------------------------------------------------------

    def close(self) -> None:
        """Close every pooled connection; calls made afterwards open fresh ones."""
        with self._sessions_lock:
            sessions, self._all_sessions, self._idle_sessions = self._all_sessions, [], []
        for session in sessions:
            session.close()

    def __enter__(self) -> QueueClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the machinery --------------------------------------------------------------------------

    def _ticket_action(self, ticket_id: str, action: str, body: dict | None = None) -> Ticket:
        return self._call("POST", f"/tickets/{_segment(ticket_id)}/{action}", Ticket, body=body, replayable=False)

    def _call(
        self,
        method: str,
        path: str,
        answer: Any,
        *,
        body: dict | None = None,
        headers: dict[str, str] | None = None,
        replayable: bool | None = None,
    ) -> Any:
        """Send with retries, read the answer as `answer` (an API object type); `replayable`: True for GET."""
        if replayable is None:
            replayable = method == "GET"
        url = f"{self.base_url}{API}{path}"
        backoff = Backoff(self.retry_delay, max(self.retry_delay, 2.0))
        attempt = 0
        while True:
            last_attempt = attempt >= self.retries
            attempt += 1
            try:
                with self._session() as session:
                    response = session.request(method, url, json=body, headers=headers, timeout=self.timeout)
                    if response.status_code in RETRYABLE_STATUSES and replayable and not last_attempt:
                        response.close()
                        time.sleep(backoff.next_delay())
                        continue
                    return self._decode(response, method, path, answer)
            except requests.RequestException as exc:
                if last_attempt or not (replayable or never_reached_server(exc)):
                    raise ServerUnavailable(describe_failure(exc, self.base_url, self.timeout[1])) from exc
                time.sleep(backoff.next_delay())

    def _decode(self, response: requests.Response, method: str, path: str, answer: Any) -> Any:
        if response.status_code == 204:
            return None
        try:
            payload = response.json()
        except ValueError:
            payload = None
            if response.ok:
                raise MalformedAnswer(
                    f"The server at {self.base_url} answered {response.status_code} with something "
                    "that is not JSON — is the url right?",
                    status=response.status_code,
                ) from None
        if response.ok:
            try:
                return _reader(answer).validate_python(payload)
            except ValidationError as exc:
                problem = exc.errors()[0]
                where = ".".join(str(part) for part in problem["loc"]) or "the answer"
                raise MalformedAnswer(
                    f"The server at {self.base_url} answered {method} {API}{path} with data this app cannot "
                    f"read ({where}: {problem['msg']}) — is it a server of another version?",
                    status=response.status_code,
                ) from None
        error: ApiError = error_from_response(
            response.status_code,
            payload if payload is not None else response.text,
            response.headers,
            response.reason or "",
        )
        raise error

    @contextmanager
    def _session(self) -> Iterator[requests.Session]:
        with self._sessions_lock:
            session = self._idle_sessions.pop() if self._idle_sessions else None
        if session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            if self.token:
                session.headers["Authorization"] = f"Bearer {self.token}"
            with self._sessions_lock:
                self._all_sessions.append(session)
        try:
            yield session
        finally:
            with self._sessions_lock:
                still_pooled = session in self._all_sessions
                if still_pooled:
                    self._idle_sessions.append(session)
            if not still_pooled:  # close() ran while this call was under way
                session.close()
