#!/usr/bin/env python3
"""Prints one JSON line per child of each PID given: {"master", "pid", "rss_kib", "pss_kib",
"private_kib"}, from /proc/PID/status (VmRSS) and /proc/PID/smaps_rollup (Pss, Private_*)."""
import json
import os
import sys


def field_kib(path, names):
    values = {}
    try:
        with open(path) as f:
            for line in f:
                key, _, rest = line.partition(":")
                if key in names:
                    values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values


def children(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found += [int(c) for c in f.read().split()]
    return sorted(found)


def main():
    for master in (int(p) for p in sys.argv[1:]):
        for pid in children(master):
            status = field_kib(f"/proc/{pid}/status", {"VmRSS"})
            rollup = field_kib(f"/proc/{pid}/smaps_rollup", {"Pss", "Private_Clean", "Private_Dirty"})
            print(json.dumps({
                "master": master, "pid": pid, "rss_kib": status.get("VmRSS"),
                "pss_kib": rollup.get("Pss"),
                "private_kib": rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0),
            }))


if __name__ == "__main__":
    main()
