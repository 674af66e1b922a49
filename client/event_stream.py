"""`EventStream`: the server's live events for the display and counter, surviving any network trouble.

A waiting-room display must never miss a call. So the stream reconnects forever (capped,
jittered backoff), and every reconnect sends `Last-Event-ID` of the last event it handed out;
the server replays what happened in between from its event log. A connection that goes quiet for
longer than `silence_timeout` (the server sends a comment at least every 15 s) is taken for dead
— a pulled cable or a sleeping NAT never tells anyone — and replaced.

Typical use, in a thread of its own (the apps run it through `client.live_events.LiveEvents`):

    stream = EventStream(url, token, on_state=lambda up: ui.call_soon(partial(show_connection, up)))
    for event in stream.events():
        ui.call_soon(partial(controller.on_event, event))

`close()` from any thread ends the loop: a blocked read is woken by shutting the socket down.
(Only while a connection is being set up does `close()` wait for that attempt, at most its
connect timeout plus `silence_timeout` for the response headers.)
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import requests

from client.backoff import Backoff
from client.connection_failure import describe_failure, timed_out
from client.errors import error_from_response, parse_retry_after
from client.event import Event, decode_event
from client.sse_parser import SseMessage, SseParser

log = logging.getLogger(__name__)

EVENTS_PATH = "/api/v1/events"
# Statuses that will not change by asking again: a wrong token or URL needs a person.
_TRANSIENT_CLIENT_ERRORS = frozenset({408, 425, 429})
_READ_SIZE = 65536


class EventStream:
    """Reads `GET /api/v1/events` and yields `Event`s; see the module docstring.

    `last_event_id` resumes after that event (e.g. one the app stored); `on_state(connected)` is
    called from the reading thread whenever the connection comes up or goes down (the first
    outcome is always reported). A 401/403 (and any other 4xx that asking again cannot fix) is
    raised from `events()` instead of being retried forever in silence.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        last_event_id: int | None = None,
        on_state: Callable[[bool], None] | None = None,
        *,
        silence_timeout: float = 35.0,
        connect_timeout: float = 5.0,
        backoff: Backoff | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"server url {base_url!r} must look like http://host:port")
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.last_event_id = last_event_id
        self.on_state = on_state
        self.silence_timeout = silence_timeout
        self.connect_timeout = connect_timeout
        # A 10 s cap: after an outage a display is back within 10 s of the server; a few dozen
        # devices asking every 10 s are no load at all.
        self._backoff = backoff or Backoff(initial=0.5, maximum=10.0)
        self._state: bool | None = None  # None until the first attempt has an outcome
        self._closed = threading.Event()
        self._response_lock = threading.Lock()
        self._response: requests.Response | None = None
        self._retry_after: float | None = None  # what the last refusal asked for (429/503)

    @property
    def connected(self) -> bool:
        """True while a stream is open and delivering (a comment counts)."""
        return bool(self._state)

    @property
    def closed(self) -> bool:
        return self._closed.is_set()

    def events(self) -> Iterator[Event]:
        """Yield events forever, reconnecting as needed; returns once `close()` was called."""
        session = requests.Session()
        session.headers["User-Agent"] = "wartemarke-client/0.1"
        if self.token:
            session.headers["Authorization"] = f"Bearer {self.token}"
        try:
            while not self._closed.is_set():
                response = self._connect(session)
                if response is not None:
                    self._set_state(True)
                    try:
                        yield from self._read(response)
                    finally:
                        self._forget(response)
                if self._closed.is_set():
                    break
                self._set_state(False)
                self._closed.wait(self._next_delay())
        finally:
            self._set_state(False)
            session.close()

    def close(self) -> None:
        """End `events()` soon, from any thread; the stream cannot be reopened."""
        self._closed.set()
        with self._response_lock:
            response = self._response
        if response is None:
            return
        try:
            response.raw.shutdown()  # wakes a read blocked in the reading thread
        except (AttributeError, OSError, RuntimeError, ValueError):
            response.close()

    # -- one connection -------------------------------------------------------------------------

    def _connect(self, session: requests.Session) -> requests.Response | None:
        """An open event stream, or None after a failure worth retrying (already logged)."""
        headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache", "Accept-Encoding": "identity"}
        if self.last_event_id is not None:
            headers["Last-Event-ID"] = str(self.last_event_id)
        self._retry_after = None
        try:
            response = session.get(
                self.base_url + EVENTS_PATH,
                headers=headers,
                stream=True,
                timeout=(self.connect_timeout, self.silence_timeout),
            )
        except requests.RequestException as exc:
            log.info("event stream: %s", describe_failure(exc, self.base_url, self.silence_timeout))
            return None
        with self._response_lock:
            if self._closed.is_set():
                response.close()
                return None
            self._response = response
        if response.status_code != 200:
            self._refuse(response)
            return None
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("text/event-stream"):
            log.warning("event stream: %s answered %r instead of an event stream", self.base_url, content_type)
            self._forget(response)
            return None
        return response

    def _refuse(self, response: requests.Response) -> None:
        """Raise for errors that need a person (401, 403, 404 …); note the wait for transient ones."""
        status = response.status_code
        try:
            body = response.json()
        except (ValueError, requests.RequestException):
            body = None
        finally:
            self._forget(response)
        error = error_from_response(status, body, response.headers, response.reason or "")
        if 400 <= status < 500 and status not in _TRANSIENT_CLIENT_ERRORS:
            raise error
        self._retry_after = parse_retry_after(response.headers.get("Retry-After"))
        log.info("event stream: %s (status %s), will reconnect", error.message, status)

    def _read(self, response: requests.Response) -> Iterator[Event]:
        parser = SseParser()
        read1 = getattr(response.raw, "read1", None)
        if read1 is None:  # would otherwise look like an endless series of dead connections
            raise RuntimeError("EventStream needs urllib3 >= 2.3 (HTTPResponse.read1 and shutdown)")
        while not self._closed.is_set():
            try:
                # read1 returns whatever has arrived; read(n) would wait for n bytes or the end.
                chunk = read1(_READ_SIZE, decode_content=True)
            except Exception as exc:  # silence timeout, reset, shutdown: all mean "reconnect"
                if self._closed.is_set():
                    return
                if timed_out(exc):
                    log.info("event stream: silent for %s s, taking the connection for dead", self.silence_timeout)
                else:
                    log.info("event stream: connection lost (%s)", exc)
                return
            if not chunk:
                if not self._closed.is_set():
                    log.info("event stream: the server ended the stream")
                return
            self._backoff.reset()  # bytes arrived: this server works, reconnect quickly next time
            for message in parser.feed(chunk):
                event = self._event_from(message)
                if self._closed.is_set():
                    return
                if event is not None:
                    yield event
            self._adopt_position(parser.last_event_id)

    def _adopt_position(self, last_event_id: str) -> None:
        """Take over an `id:` sent without data, as EventSource does.

        A server may announce the current position that way when a client connects; a stream that
        has not yet seen an event then still resumes at the right place after a restart.
        """
        if last_event_id.isascii() and last_event_id.isdigit() and int(last_event_id) != self.last_event_id:
            self.last_event_id = int(last_event_id)

    def _event_from(self, message: SseMessage) -> Event | None:
        """The app-facing Event, or None for a message that breaks the contract (logged, skipped)."""
        try:
            event_id = int(message.last_event_id)
        except ValueError:
            log.warning("event stream: skipped %r without an integer id", message.event)
            return None
        self.last_event_id = event_id  # never ask for a malformed event again either
        return decode_event(event_id, message.event, message.data)

    # -- bookkeeping ----------------------------------------------------------------------------

    def _forget(self, response: requests.Response) -> None:
        with self._response_lock:
            if self._response is response:
                self._response = None
        response.close()

    def _next_delay(self) -> float:
        delay = self._backoff.next_delay()
        if self._retry_after is not None:
            delay = max(delay, min(self._retry_after, self._backoff.maximum * 10))
        return delay

    def _set_state(self, connected: bool) -> None:
        if self._state is connected:
            return
        self._state = connected
        if self.on_state is None:
            return
        try:
            self.on_state(connected)
        except Exception:  # a broken callback must not end the stream
            log.exception("event stream: on_state callback failed")
