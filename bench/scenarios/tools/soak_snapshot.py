#!/usr/bin/env python3
"""Prints one JSON line describing a pscgi master and its children now: the master's RSS and open
descriptors, and for the workers their number, each one's RSS and descriptors, their sums, and how
many children are zombies (a reaping bug would leave some). Read from /proc (VmRSS, /proc/PID/fd).

    soak_snapshot.py MASTER_PID
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from proc_mem import children  # noqa: E402  (bench/scenarios/tools/proc_mem.py)


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "?"


def main():
    master = int(sys.argv[1])
    kids = children(master)
    workers = [{"pid": p, "rss_kib": rss_kib(p), "fds": fd_count(p), "state": state(p)} for p in kids]
    live = [w for w in workers if w["state"] != "Z" and w["rss_kib"] is not None]
    print(json.dumps({
        "master": {"pid": master, "rss_kib": rss_kib(master), "fds": fd_count(master)},
        "workers": workers,
        "worker_count": len(live),
        "zombies": sum(1 for w in workers if w["state"] == "Z"),
        "workers_rss_kib": sum(w["rss_kib"] for w in live),
        "workers_fds": sum(w["fds"] or 0 for w in live),
    }))


if __name__ == "__main__":
    main()
