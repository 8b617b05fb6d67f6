#!/usr/bin/env python3
"""Assembles scenario 7's memory record from the files it left in DIR. For each case (filled: a
cache under its limits; full: a cache at max_bytes), per pscgi worker: RSS, PSS and private memory
idle and with the cache (proc_mem.py output, STEM.jsonl), and from the metrics JSON
(STEM-metrics.json) the cache's own entries and bytes and the RSS the worker last read itself. The
idle workers of pscgi-ideal and uWSGI for scale. Prints JSON."""
import json
import os
import sys

CASES = (("filled", "cache under its limits (max_bytes 256MiB)", 256 << 20),
         ("full", "cache at its limit (max_bytes 16MiB)", 16 << 20))


def read_jsonl(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def metrics_workers(path):
    """pid -> the worker's entry of the metrics JSON ({"cache": {...}, "rss_bytes": N, ...})."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return {w["pid"]: w for w in json.load(f)["workers"]}


def case_workers(directory, stem, max_bytes):
    idle = {w["pid"]: w for w in read_jsonl(os.path.join(directory, f"{stem}-idle.jsonl"))}
    idle_metrics = metrics_workers(os.path.join(directory, f"{stem}-idle-metrics.json"))
    after = {w["pid"]: w for w in read_jsonl(os.path.join(directory, f"{stem}.jsonl"))}
    metrics = metrics_workers(os.path.join(directory, f"{stem}-metrics.json"))
    workers = []
    for pid in sorted(after):
        before, now, m = idle.get(pid), after[pid], metrics.get(pid, {})
        cache = m.get("cache", {})
        row = {
            "pid": pid,
            "max_bytes": max_bytes,
            "rss_idle_kib": before["rss_kib"] if before else None,
            "rss_filled_kib": now["rss_kib"],
            "pss_idle_kib": before["pss_kib"] if before else None,
            "pss_filled_kib": now["pss_kib"],
            "private_idle_kib": before["private_kib"] if before else None,
            "private_filled_kib": now["private_kib"],
            "scoreboard_rss_idle_kib": idle_metrics.get(pid, {}).get("rss_bytes", 0) // 1024 or None,
            "scoreboard_rss_filled_kib": m.get("rss_bytes", 0) // 1024 or None,
            "cache_entries": cache.get("entries"),
            "cache_bytes": cache.get("bytes"),
            "cache_evictions": cache.get("evictions"),
        }
        if before and row["cache_bytes"]:
            growth = (now["rss_kib"] - before["rss_kib"]) * 1024
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
        "cases": [{"case": stem, "label": label, "workers": case_workers(directory, stem, max_bytes)}
                  for stem, label, max_bytes in CASES],
        "ideal_idle": read_jsonl(os.path.join(directory, "ideal-idle.jsonl")),
        "uwsgi_idle": read_jsonl(os.path.join(directory, "uwsgi-idle.jsonl")),
    }
    json.dump(record, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
