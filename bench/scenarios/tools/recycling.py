#!/usr/bin/env python3
"""Summarises worker recycling from a pscgi error log: how many workers reached their request
budget, how many requests each served on average, and whether any exited abnormally."""
import re
import sys

budget = re.compile(r"worker \d+ exiting after (\d+) requests \(request budget reached\)")
exited = re.compile(r"\(pid \d+\) (?:exited with status (\d+)|was killed by signal)")
served, abnormal = [], []
with open(sys.argv[1]) as f:
    for line in f:
        m = budget.search(line)
        if m:
            served.append(int(m.group(1)))
            continue
        m = exited.search(line)
        if m and m.group(1) != "0":  # None (a signal) counts as abnormal too
            abnormal.append(line.strip())
mean = sum(served) / len(served) if served else 0
text = f"{len(served)} workers recycled after {mean:.0f} requests each on average"
text += f"; {len(abnormal)} abnormal exits" if abnormal else "; no abnormal exit"
print(text)
