#!/usr/bin/env python3
"""Prints, for each PID given, the CPU seconds of its process tree: utime + stime + cutime + cstime
(/proc/PID/stat) of the process and of every live descendant.

Reaped children's time is in their parent's cutime/cstime, so a worker that exited (recycling) is
still counted, and nothing is counted twice. Take it before and after a load run; the difference
over the responses is the server's CPU per request. Resolution: one clock tick (usually 10 ms).
"""
import os
import sys

TICK = os.sysconf("SC_CLK_TCK")


def ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the ")": state is field 3, utime..cstime are fields 14..17 (1-based, man 5 proc).
    return sum(int(x) for x in fields[11:15])


def children(pid):
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return found


def tree_ticks(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += ticks(p)
        todo += children(p)
    return total


if __name__ == "__main__":
    print(" ".join(f"{tree_ticks(int(p)) / TICK:.2f}" for p in sys.argv[1:]))
