#!/usr/bin/env python3
"""Assembles scenario 7's memory record from the files it left in DIR: per pscgi worker, RSS, PSS
and private memory idle and with a full cache (proc_mem.py output), and what the cache said it held
at exit (the "cache: ... entries=N bytes=M" line each worker logs, matched by PID); the idle
workers of pscgi-ideal and uWSGI for scale. Prints JSON."""
import json
import os
import re
import sys

CACHE_LINE = re.compile(r"\[worker (\d+)\] \[info\] cache: .* entries=(\d+) bytes=(\d+)")


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def cache_at_exit(log_path):
    found = {}
    with open(log_path) as f:
        for line in f:
            m = CACHE_LINE.search(line)
            if m:
                found[int(m.group(1))] = {"entries": int(m.group(2)), "bytes": int(m.group(3))}
    return found


def pscgi_workers(directory):
    idle = {w["pid"]: w for w in read_jsonl(os.path.join(directory, "pscgi-idle.jsonl"))}
    filled = {w["pid"]: w for w in read_jsonl(os.path.join(directory, "pscgi-filled.jsonl"))}
    cache = cache_at_exit(os.path.join(directory, "pscgi-error.log"))
    workers = []
    for pid in sorted(filled):
        before, after = idle.get(pid), filled[pid]
        row = {
            "pid": pid,
            "rss_idle_kib": before["rss_kib"] if before else None,
            "rss_filled_kib": after["rss_kib"],
            "pss_idle_kib": before["pss_kib"] if before else None,
            "pss_filled_kib": after["pss_kib"],
            "private_idle_kib": before["private_kib"] if before else None,
            "private_filled_kib": after["private_kib"],
            "cache_entries": cache.get(pid, {}).get("entries"),
            "cache_bytes": cache.get(pid, {}).get("bytes"),
        }
        if before and row["cache_bytes"]:
            growth = (after["rss_kib"] - before["rss_kib"]) * 1024
            row["rss_growth_bytes"] = growth
            row["rss_growth_per_cache_byte"] = growth / row["cache_bytes"]
            if row["cache_entries"]:
                row["rss_growth_per_entry_bytes"] = growth / row["cache_entries"]
        workers.append(row)
    return workers


def main():
    directory = sys.argv[1]
    record = {
        "scenario": "7",
        "pscgi": pscgi_workers(directory),
        "ideal_idle": read_jsonl(os.path.join(directory, "ideal-idle.jsonl")),
        "uwsgi_idle": read_jsonl(os.path.join(directory, "uwsgi-idle.jsonl")),
    }
    json.dump(record, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
