"""Devices' health as they report it (a kiosk's printer out of paper), for staff to see and act on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update

from server.clock import to_db
from server.office.site_queue import SiteQueue
from server.storage.schema import device_statuses, device_tokens
from server.storage.token_store import Device
from wartemarke.api_objects import DeviceStatusName


class Devices:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def report_status(self, device: Device, status: DeviceStatusName, detail: str) -> dict[str, Any]:
        """Keep the device's latest status and announce it (device.updated)."""
        queue = self._queue
        with queue.transactions.writing() as connection:
            now = to_db(queue.clock())
            changed = connection.execute(
                update(device_statuses)
                .where(device_statuses.c.device_token_id == device.token_id)
                .values(status=status, detail=detail, reported_at=now)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(device_statuses).values(
                        device_token_id=device.token_id, status=status, detail=detail, reported_at=now
                    )
                )
            report = queue.views.device_status(device.name, device.role, status, detail, now)
            queue.events.append(connection, "device.updated", report)
            return report

    def statuses(self) -> list[dict[str, Any]]:
        """Every device of the site that has reported, by name."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            rows = connection.execute(
                select(device_tokens.c.name, device_tokens.c.role, device_statuses)
                .join(device_statuses, device_statuses.c.device_token_id == device_tokens.c.id)
                .where(device_tokens.c.site_id == queue.site.id)
                .order_by(device_tokens.c.name)
            ).all()
            return [
                queue.views.device_status(row.name, row.role, row.status, row.detail, row.reported_at) for row in rows
            ]
