"""`kill -9` of one of three server processes while kiosks issue tickets through all of them."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass

import requests
from kiosk_requests import issue, numbers, service_figures

KIOSKS = 9
BEFORE_KILL = 45  # tickets acknowledged before the crash …
AFTER_KILL = 45  # … and after it


@dataclass(frozen=True)
class Acknowledged:
    key: str
    ticket_id: str
    number: str
    answered_by: int  # index of the process that answered
    failed_over: bool  # the first process tried did not answer


class Kiosk(threading.Thread):
    """Issues tickets without pause; when a process does not answer, retries the SAME key at the next."""

    def __init__(
        self, servers: list, home: int, stop: threading.Event, log: list[Acknowledged], logged: threading.Condition
    ) -> None:
        super().__init__(daemon=True)
        self.servers, self.home, self.stop, self.log, self.logged = servers, home, stop, log, logged
        self.error: str | None = None

    def run(self) -> None:
        with requests.Session() as session:
            while not self.stop.is_set():
                key = str(uuid.uuid4())
                for attempt in range(2 * len(self.servers)):
                    index = (self.home + attempt) % len(self.servers)
                    try:
                        response = issue(session, self.servers[index], "aufenthalt", key, timeout=10)
                    except requests.RequestException:
                        continue
                    if response.status_code >= 500:
                        continue
                    if response.status_code not in (200, 201):
                        self.error = f"{response.status_code}: {response.text}"
                        return
                    ticket = response.json()
                    with self.logged:
                        self.log.append(Acknowledged(key, ticket["id"], ticket["number"], index, attempt > 0))
                        self.logged.notify_all()
                    break
                else:
                    self.error = f"no process answered for key {key}"
                    return


def _wait_until(logged: threading.Condition, condition, timeout: float = 60.0) -> None:
    with logged:
        assert logged.wait_for(condition, timeout), "the kiosks made no progress"


def test_kill_9_of_one_process_loses_nothing_and_retries_elsewhere_get_the_same_ticket(office):
    servers = office
    victim, survivor = servers[0], servers[1]
    stop = threading.Event()
    log: list[Acknowledged] = []
    logged = threading.Condition()
    kiosks = [Kiosk(servers, home % len(servers), stop, log, logged) for home in range(KIOSKS)]
    for kiosk in kiosks:
        kiosk.start()
    try:
        _wait_until(logged, lambda: len(log) >= BEFORE_KILL)
        victim.kill()  # SIGKILL, in the middle of the load
        at_kill = len(log)
        _wait_until(logged, lambda: len(log) >= at_kill + AFTER_KILL)
    finally:
        stop.set()
        for kiosk in kiosks:
            kiosk.join(timeout=30)
    assert [k.error for k in kiosks if k.error] == []
    assert any(ack.failed_over for ack in log), "no kiosk had to fail over; the crash tested nothing"

    # Exactly one ticket per key a kiosk was answered for: nothing lost, nothing doubled by a retry.
    assert len({ack.key for ack in log}) == len(log)
    figures = service_figures(survivor, "aufenthalt")
    assert figures["issued"] == len(log)
    assert sorted(ack.number for ack in log) == numbers("A", len(log))
    with requests.Session() as session:
        for ack in log:
            stored = session.get(f"{survivor.url}/api/v1/tickets/{ack.ticket_id}", headers=survivor.headers("staff"))
            assert stored.status_code == 200 and stored.json()["number"] == ack.number, ack

        # A kiosk whose answer from the dead process got lost retries the same key elsewhere: same ticket.
        for ack in [a for a in log if a.answered_by == 0][:5]:
            retried = issue(session, survivor, "aufenthalt", ack.key)
            assert retried.status_code == 200 and retried.json()["id"] == ack.ticket_id
        assert service_figures(survivor, "aufenthalt")["issued"] == len(log)

    # The killed process comes back on the same database and knows every ticket.
    victim.start()
    last = log[-1]
    back = requests.get(f"{victim.url}/api/v1/tickets/{last.ticket_id}", headers=victim.headers("staff"), timeout=10)
    assert back.status_code == 200 and back.json()["number"] == last.number
