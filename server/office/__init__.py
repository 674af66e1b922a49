"""One office's queue: the rules of server/rules applied against storage.

`Office` is what the HTTP API and the admin CLI hold, one per site; each attribute is one part:

    issuing   the kiosk's request for a ticket, written in batches    issuing.py (+ numbering, rate_limit)
    staff     call, recall, start, finish, no-show, transfer, scan    staff_actions.py
    reading   services, a ticket, the board, a ticket's status        reading.py
    counters  open/close and whom each counter serves                 counters.py
    devices   devices' reported health                                devices.py
    settings  switching services, today's quota                       settings.py
    reports   what happened to a day's tickets                        reports.py
    events    the event log the event hub reads                       event_log.py
    slots     booking a guaranteed later slot at the kiosk            slot_booking.py (+ slot_calendar)
    check_in  a later slot's holder checks in and gets a ticket       check_in.py
    slot_admin  list and cancel slots, close coming dates             slot_admin.py
    demand    who was turned away, and later slots booked             demand.py
    results   the figures of any range of days (the console)          results.py (+ rules/result_figures)
    steering_log  who steered what, when (the console)                steering_log.py
    partner_booking  a counselling partner books a slot for a visitor  partner_booking.py (+ partner_allotment)
    partner_slots    what a partner sees: itself, room, its own slots  partner_slots.py
    partner_results  partners' slots kept, missed, cancelled; booked   partner_results.py

They share one SiteQueue (site_queue.py): configuration, clock, transactions (transactions.py),
the day's figures (day_snapshot.py) and the JSON projections (views.py).
"""

from __future__ import annotations

from collections.abc import Callable

from server.clock import Clock
from server.config import SiteConfig, SiteInfo
from server.office.check_in import CheckIn
from server.office.counters import Counters
from server.office.demand import Demand
from server.office.devices import Devices
from server.office.event_log import EventLog
from server.office.issuing import IssueRequest, Issuing
from server.office.partner_booking import PartnerBooking
from server.office.partner_results import PartnerResults
from server.office.partner_slots import PartnerSlots
from server.office.reading import Reading
from server.office.reports import Reports
from server.office.results import Results
from server.office.settings import OfficeSettings
from server.office.site_queue import SiteQueue
from server.office.slot_admin import SlotAdmin
from server.office.slot_booking import SlotBooking
from server.office.staff_actions import StaffActions
from server.office.steering_log import SteeringLog
from server.storage.engine import Engines

__all__ = ["IssueRequest", "Office"]


class Office:
    def __init__(self, config: SiteConfig, engines: Engines, clock: Clock, signing_key: bytes) -> None:
        self.queue = SiteQueue(config, engines, clock, signing_key)
        self.config: SiteConfig = config
        self.site: SiteInfo = config.site
        self.engines = engines
        self.events: EventLog = self.queue.events
        self.issuing = Issuing(self.queue)
        self.check_in = CheckIn(self.queue)
        self.staff = StaffActions(self.queue, self.check_in)
        self.slots = SlotBooking(self.queue)
        self.slot_admin = SlotAdmin(self.queue)
        self.demand = Demand(self.queue)
        self.partner_booking = PartnerBooking(self.queue)
        self.partner_slots = PartnerSlots(self.queue)
        self.partner_results = PartnerResults(self.queue)
        self.reading = Reading(self.queue)
        self.counters = Counters(self.queue)
        self.devices = Devices(self.queue)
        self.settings = OfficeSettings(self.queue)
        self.reports = Reports(self.queue, self.demand, self.partner_results)
        self.results = Results(self.queue, self.demand)
        self.steering_log = SteeringLog(self.queue)

    def notify_on_commit(self, callback: Callable[[], None]) -> None:
        """Call `callback` after every commit of this site (the event hub: new events may be in the log)."""
        self.queue.transactions.on_commit = callback

    def close(self) -> None:
        """Finish the tickets being written, then stop the issue writer."""
        self.issuing.close()
