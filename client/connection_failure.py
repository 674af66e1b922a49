"""What a failed connection means: could the server have acted on the request, and what to tell a person.

Replaying a request is only harmless when the server never saw it or when the request is
idempotent. A refused connection or a connect timeout proves the former; a read timeout or a
dropped connection does not (the server may have called the next visitor and the answer got lost).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import requests

#: Answers of a proxy or an overloaded server that are worth another try.
RETRYABLE_STATUSES = frozenset({502, 503, 504})


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and everything it wraps: requests → urllib3 → the socket error underneath."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        for inner in (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args):
            if isinstance(inner, BaseException):
                pending.append(inner)


def never_reached_server(exc: requests.RequestException) -> bool:
    """True when the request certainly was not delivered (refused, unknown host, connect timeout)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    return any(isinstance(cause, (ConnectionRefusedError, socket.gaierror)) for cause in _causes(exc))


def timed_out(exc: BaseException) -> bool:
    """True when a socket timeout is behind `exc` (for a stream: the server went silent)."""
    return any(isinstance(cause, TimeoutError) for cause in _causes(exc))


def describe_failure(exc: requests.RequestException, base_url: str, read_timeout: float | None) -> str:
    """A sentence for the log and the out-of-service screen's details."""
    if isinstance(exc, requests.ConnectTimeout):
        return f"The queue server at {base_url} did not accept a connection in time."
    if isinstance(exc, requests.ReadTimeout):
        return f"The queue server at {base_url} did not answer within {read_timeout} s."
    causes = list(_causes(exc))
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return f"The queue server at {base_url} refused the connection (is it running?)."
    if any(isinstance(cause, socket.gaierror) for cause in causes):
        return f"The host name in {base_url} cannot be resolved."
    if isinstance(exc, requests.ConnectionError):
        return f"The connection to the queue server at {base_url} broke off."
    return f"Talking to the queue server at {base_url} failed: {exc}"
