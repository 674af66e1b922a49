"""`Event`: one message of the server's event stream, typed, as the apps see it.

`decode_event` is where an event's `data:` line becomes an API object (`wartemarke.api_objects`);
data that does not fit is logged and skipped there, so a malformed event never reaches an app.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from pydantic import ValidationError

from wartemarke.api_objects import ApiObject, event_payload

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """`id` orders events and resumes a stream; `name` is e.g. "ticket.called".

    `payload` is the object the event carries: a `TicketSummary` for `ticket.*`, a `Service` for
    `service.updated`, a `DeviceStatus` for `device.updated` (see `api_objects.EVENT_PAYLOADS`).
    """

    id: int
    name: str
    payload: ApiObject


def decode_event(event_id: int, name: str, data: str) -> Event | None:
    """The typed event, or None (logged) for data that is not the object its name promises.

    An event name this version does not know is skipped quietly: a newer server may add events.
    """
    try:
        decoded = json.loads(data)
    except ValueError:
        decoded = None
    if not isinstance(decoded, dict):
        log.warning("event stream: skipped event %s (%s): data is not a JSON object", event_id, name)
        return None
    try:
        payload = event_payload(name, decoded)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "data"
        log.warning("event stream: skipped event %s (%s): %s: %s", event_id, name, where, problem["msg"])
        return None
    if payload is None:
        log.debug("event stream: skipped event %s of a kind this version does not know (%s)", event_id, name)
        return None
    return Event(id=event_id, name=name, payload=payload)
