"""What starts Wartemarke's processes: the `wartemarke` command, the demo, and the harness that runs
real servers (and a throw-away PostgreSQL) for the tests and the benchmarks.

It stands on top of every part; no part imports it.
"""
