#!/usr/bin/env python3
"""Prints "MONOTONIC_S BUSY_S OURS_S": the monotonic clock, the CPU seconds the whole machine has
spent busy (/proc/stat: user, nice, system, irq, softirq, steal), and the CPU seconds of the
process tree under PID (tree_cpu.py: live processes plus reaped children).

Taken before and after a measurement with the runner's own PID, the difference of the last two is
what other people's processes used meanwhile: on a shared machine, the report shows it beside each
row, so a disturbed measurement can be told from a slow server.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tree_cpu import TICK, tree_ticks  # noqa: E402

with open("/proc/stat") as f:
    fields = [int(x) for x in f.readline().split()[1:]]
user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
busy = (user + nice + system + irq + softirq + steal) / TICK
print(f"{time.monotonic():.3f} {busy:.2f} {tree_ticks(int(sys.argv[1])) / TICK:.2f}")
