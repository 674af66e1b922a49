"""The one client of the Wartemarke API every app uses: `QueueClient` for requests, `EventStream` for events.

Answers and events arrive as the typed objects of `wartemarke.api_objects`. Imports only requests,
pydantic and the ground floor (`wartemarke`), so a kiosk machine needs nothing of the server.
"""

from client.event import Event
from client.event_stream import EventStream
from client.queue_client import QueueClient

__all__ = ["Event", "EventStream", "QueueClient"]
