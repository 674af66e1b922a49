"""What an office manager steers during the day: switching a service on or off, and today's quota."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, update

from server.office.numbering import insert_service_day, set_quota
from server.office.site_queue import SiteQueue
from server.rules.errors import InvalidInput
from server.storage.schema import service_settings


class OfficeSettings:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def set_service_enabled(self, service_id: str, enabled: bool) -> dict[str, Any]:
        queue = self._queue
        service = queue.service(service_id)
        with queue.transactions.writing() as connection:
            changed = connection.execute(
                update(service_settings)
                .where(service_settings.c.site_id == queue.site.id, service_settings.c.service_id == service.id)
                .values(enabled=enabled)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(service_settings).values(site_id=queue.site.id, service_id=service.id, enabled=enabled)
                )
            queue.announce_services(connection, {service.id})
            return queue.views.service(queue.snapshot(connection), service)

    def set_quota_today(self, service_id: str, quota: int | None) -> dict[str, Any]:
        """Change today's quota (e.g. two clerks are ill); never below what was already issued."""
        queue = self._queue
        service = queue.service(service_id)
        with queue.transactions.writing() as connection:
            snap = queue.snapshot(connection)
            if service.id not in snap.issued:
                insert_service_day(connection, queue.site.id, service, snap.day)
            issued = snap.issued.get(service.id, (0, None))[0]
            if quota is not None and quota < issued:
                raise InvalidInput(f"quota: {issued} tickets are already issued today; the quota cannot be lower.")
            set_quota(connection, queue.site.id, service, snap.day, quota)
            queue.announce_services(connection, {service.id})
            return queue.views.service(queue.snapshot(connection), service)
