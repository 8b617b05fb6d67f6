#!/usr/bin/env python3
"""Turns a soak's raw figures into the lines the report prints under scenario 12: totals of requests
and failures from the pscgi-load JSON files, what the error log says happened (reloads, cache
flushes, recycled workers, crashes), and RSS and descriptors at start and end.

    soak_report.py START.json END.json ERROR_LOG LOAD.json [LOAD.json ...]

Prints one line per note; exits 0 whatever the figures say (the notes say it).
"""
import json
import re
import sys


def load_totals(paths):
    sent = failed = 0
    statuses = {}
    errors = {}
    for path in paths:
        with open(path) as f:
            run = json.load(f)
        sent += run["responses"] + run["errors"]["total"]
        failed += run["errors"]["total"]
        for status, n in run["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
            if not status.startswith("2"):
                failed += n
        for kind, n in run["errors"].items():
            if kind != "total" and n:
                errors[kind] = errors.get(kind, 0) + n
    return sent, failed, statuses, errors


def log_counts(path):
    """What the master's error log says: reloads, flushes, and worker exits by reason."""
    wanted = {
        "reloads": "SIGHUP: reloaded",
        "failed reloads": "SIGHUP: cannot reload",
        "cache flushes": "SIGUSR2: emptying",
        "critical lines": "[critical]",
    }
    counts = dict.fromkeys(wanted, 0)
    exits = {}
    with open(path, errors="replace") as f:
        for line in f:
            for name, text in wanted.items():
                if text in line:
                    counts[name] += 1
            found = re.search(r"\) exited: ([a-z_ ]+);", line)
            if found:
                exits[found.group(1)] = exits.get(found.group(1), 0) + 1
    return counts, exits


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def main():
    with open(sys.argv[1]) as f:
        start = json.load(f)
    with open(sys.argv[2]) as f:
        end = json.load(f)
    sent, failed, statuses, errors = load_totals(sys.argv[4:])
    counts, exits = log_counts(sys.argv[3])
    by_status = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
    by_error = ", ".join(f"{k}: {n}" for k, n in sorted(errors.items())) or "none"
    print(f"requests: {sent} sent, {failed} failed ({100.0 * failed / max(sent, 1):.3f}%); "
          f"statuses {by_status}; client-side errors {by_error}")
    print("error log: " + ", ".join(f"{n} {name}" for name, n in counts.items()) + "; worker exits by reason: " +
          (", ".join(f"{reason}: {n}" for reason, n in sorted(exits.items())) or "none"))
    m0, m1 = start["master"], end["master"]
    print(f"master: RSS {mib(m0['rss_kib'])} → {mib(m1['rss_kib'])}, descriptors {m0['fds']} → {m1['fds']}")
    n0, n1 = start["worker_count"], end["worker_count"]
    print(f"workers: {n0} → {n1} live, zombies {start['zombies']} → {end['zombies']}; RSS in all "
          f"{mib(start['workers_rss_kib'])} → {mib(end['workers_rss_kib'])} "
          f"(per worker {mib(start['workers_rss_kib'] / max(n0, 1))} → {mib(end['workers_rss_kib'] / max(n1, 1))}); "
          f"descriptors in all {start['workers_fds']} → {end['workers_fds']}")


if __name__ == "__main__":
    main()
