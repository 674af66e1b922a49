"""CPU time spent by the server processes, PostgreSQL and the load generator, from /proc.

On a 2-core machine throughput is bounded by CPU per ticket: 2 cores / (server + database + client
CPU per ticket). Measuring the three tells what limits a run, and what more processes can gain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime + stime


def _children_of(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    children.append(int(entry.name))
            except OSError:
                continue
    return children


@dataclass(frozen=True)
class CpuReading:
    server: float
    database: float
    client: float


def read_cpu(server_pids: list[int], postmaster_pid: int | None) -> CpuReading:
    """Cumulative CPU seconds; PostgreSQL = the postmaster and its backends alive now."""
    database = 0.0
    if postmaster_pid is not None:
        database = sum(_cpu_of(pid) for pid in [postmaster_pid, *_children_of(postmaster_pid)])
    times = os.times()
    return CpuReading(sum(_cpu_of(pid) for pid in server_pids), database, times.user + times.system)
