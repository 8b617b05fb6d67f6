#!/usr/bin/env python3
"""Writes the record of one measurement (raw/NNN.json) and prints a one-line summary of it.

    record.py OUT.json --scenario N --case TEXT --group TEXT --rep N --server NAME
              --settings "k=v k=v" --tool pscgi-load|wrk --load FILE [--load-args TEXT]
              [--extra k=v]... [--baseline] [--x VALUE]

The record keeps the tool's whole output under "load" and a normalised "result" that the report
reads whatever tool measured: rps, responses, errors, latency (µs), and the backend's CPU per
response. pscgi-load measures the backend's CPU itself (--server-pid); for wrk the runner passes
the CPU seconds it read from /proc before and after (--extra backend_cpu_s=..., nginx_cpu_s=...).
"""
import argparse
import json
import sys


def parse_pairs(items):
    pairs = {}
    for item in items:
        for word in item.split():
            key, _, value = word.partition("=")
            pairs[key] = value
    return pairs


def from_pscgi_load(load):
    cpu = load.get("server_cpu") or {}
    client = load.get("client_cpu") or {}
    cfg = load["config"]
    return {
        "rps": load["rps"],
        "responses": load["responses"],
        "errors": load["errors"]["total"],
        "error_kinds": {k: v for k, v in load["errors"].items() if k != "total" and v},
        "non_2xx": sum(v for k, v in load["statuses"].items() if not k.startswith("2")),
        "latency_us": load["latency_us"],
        "backend_cpu_us": cpu.get("us_per_response"),
        "backend_cpu_cores": cpu.get("cores_used"),
        "wakeups_per_response": cpu.get("wakeups_per_response"),
        "client_cpu_us": client.get("us_per_response"),
        "client_cpu_cores": client.get("cores_used"),
        "unsent": load.get("unsent", 0),
        "abandoned": load.get("abandoned", 0),
        "offered_rps": cfg.get("rate"),
        "window_s": load["window_seconds"],
    }


def from_wrk(load, extra):
    seconds = load["duration_us"] / 1e6
    requests = load["requests"]
    errors = load["errors"]

    def per_request(key):
        if key not in extra or not requests:
            return None
        return float(extra[key]) * 1e6 / requests

    return {
        "rps": requests / seconds if seconds else 0.0,
        "responses": requests,
        "errors": sum(errors.values()),
        "error_kinds": {k: v for k, v in errors.items() if v},
        "non_2xx": errors.get("status", 0),
        "latency_us": load["latency_us"],
        "backend_cpu_us": per_request("backend_cpu_s"),
        "backend_cpu_cores": float(extra["backend_cpu_s"]) / seconds if "backend_cpu_s" in extra else None,
        "nginx_cpu_us": per_request("nginx_cpu_s"),
        "unsent": 0,
        "abandoned": 0,
        "offered_rps": None,
        "window_s": seconds,
    }


def summary_line(record):
    r = record["result"]
    lat = r["latency_us"]
    cpu = r["backend_cpu_us"]
    cpu_text = f"{cpu:6.2f} µs/req" if cpu is not None else "   n/a"
    extra = f"  nginx {r['nginx_cpu_us']:.2f} µs/req" if r.get("nginx_cpu_us") is not None else ""
    bad = f"  ERRORS {r['errors']} {r['error_kinds']}" if r["errors"] else ""
    if r["non_2xx"] and not r["errors"]:
        bad += f"  non-2xx {r['non_2xx']}"
    return (f"  [{record['scenario']}] {record['case']:<34} rep {record['rep']}: {r['rps']:9.0f} req/s "
            f"p50 {lat['p50']:7.1f}µs p99 {lat['p99']:8.1f}µs  backend {cpu_text}{extra}{bad}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--scenario", required=True)
    p.add_argument("--case", required=True)
    p.add_argument("--group", default="")
    p.add_argument("--rep", type=int, default=1)
    p.add_argument("--server", required=True)
    p.add_argument("--settings", default="")
    p.add_argument("--tool", required=True, choices=["pscgi-load", "wrk"])
    p.add_argument("--load", required=True)
    p.add_argument("--load-args", default="")
    p.add_argument("--extra", action="append", default=[])
    p.add_argument("--baseline", action="store_true", help="the row its group is compared with")
    p.add_argument("--x", type=float, help="its position on a plot's x axis")
    a = p.parse_args()
    with open(a.load) as f:
        load = json.load(f)
    extra = parse_pairs(a.extra)
    result = from_pscgi_load(load) if a.tool == "pscgi-load" else from_wrk(load, extra)
    record = {
        "scenario": a.scenario, "case": a.case, "group": a.group, "rep": a.rep,
        "baseline": a.baseline, "x": a.x,
        "server": a.server, "settings": parse_pairs([a.settings]), "tool": a.tool,
        "load_args": a.load_args, "extra": extra, "result": result, "load": load,
    }
    with open(a.out, "w") as f:
        json.dump(record, f, indent=1)
    print(summary_line(record), file=sys.stderr)


if __name__ == "__main__":
    main()
