#!/usr/bin/env python3
"""Summarises worker recycling from a pscgi error log: how many workers the master retired for
their request budget, how many requests each had served (a due worker keeps serving until its
replacement is ready, so this is at least its budget), and whether any exited abnormally."""
import re
import sys

# The worker's own last line, then the master's one line per exit (docs/operations.md).
worker_exit = re.compile(r"worker (\d+) \(gen (\d+)\) exiting after (\d+) requests")
master_exit = re.compile(r"worker (\d+) \(pid \d+, gen (\d+)\) exited: (\w+); (.*)$")
last_count, served, abnormal = {}, [], []
with open(sys.argv[1]) as f:
    for line in f:
        m = worker_exit.search(line)
        if m:
            last_count[(m.group(1), m.group(2))] = int(m.group(3))
            continue
        m = master_exit.search(line)
        if not m:
            continue
        reason, how = m.group(3), m.group(4)
        if reason == "max_requests":
            served.append(last_count.pop((m.group(1), m.group(2)), 0))
        if reason in ("crash", "timeout") or how.strip() != "exited with status 0":
            abnormal.append(line.strip())
mean = sum(served) / len(served) if served else 0
text = f"{len(served)} workers recycled after {mean:.0f} requests each on average"
text += f"; {len(abnormal)} abnormal exits" if abnormal else "; no abnormal exit"
print(text)
