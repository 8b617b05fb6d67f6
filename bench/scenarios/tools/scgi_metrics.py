#!/usr/bin/env python3
"""Asks a pscgi server with a metrics: section for its metrics JSON (PATH.json, over its unix
socket, as scgi_get.py would) and writes the body to OUT; with --field, also prints figures of
it, one per line in the order given (a dotted path into the JSON, e.g. totals.cache.entries).

    scgi_metrics.py SOCKET OUT [--path /_pscgi/metrics] [--field totals.cache.entries ...]

Exits 1 when the server does not answer 200 with JSON (no metrics: section, or the pipeline lacks
the metrics stage).
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scgi_get  # noqa: E402  (bench/scenarios/tools/scgi_get.py)


def field(document, dotted):
    value = document
    for key in dotted.split("."):
        value = value[key]
    return value


def main():
    p = argparse.ArgumentParser()
    p.add_argument("socket")
    p.add_argument("out")
    p.add_argument("--path", default="/_pscgi/metrics")
    p.add_argument("--field", action="append", default=[])
    a = p.parse_args()
    try:
        response = scgi_get.fetch(a.socket, a.path + ".json", 5.0)
    except OSError as e:
        print(f"scgi_metrics: {a.socket}: {e}", file=sys.stderr)
        return 1
    head, _, body = response.partition(b"\r\n\r\n")
    if not head.startswith(b"Status: 200"):
        print(f"scgi_metrics: {a.path}.json answered {head.splitlines()[0:1]}", file=sys.stderr)
        return 1
    document = json.loads(body)
    with open(a.out, "w") as f:
        json.dump(document, f, indent=1)
    for dotted in a.field:
        print(field(document, dotted))
    return 0


if __name__ == "__main__":
    sys.exit(main())
