#!/usr/bin/env python3
"""Prints the open-loop saturation found by scenario 6's rate sweep: the highest offered rate up to
which pscgi kept up at every point of the sweep (at least 99% of the offered requests answered in
the window, none left unsent, no errors) — a higher point that happens to pass after one that
failed does not count. Latency may already be high there: queues grow long before throughput stops
following the offered load. Prints the lowest offered rate when none kept up.

    saturation.py RAW_DIR
"""
import glob
import json
import os
import sys

points = []
for path in glob.glob(os.path.join(sys.argv[1], "[0-9][0-9][0-9].json")):
    with open(path) as f:
        r = json.load(f)
    if r["scenario"] == "6" and r["group"] == "rate" and r["case"] == "pscgi hit":
        res = r["result"]
        kept_up = res["rps"] >= 0.99 * r["x"] and not res["unsent"] and not res["errors"]
        points.append((r["x"], kept_up))
if not points:
    sys.exit("saturation.py: no rate sweep in " + sys.argv[1])
points.sort()
saturation = points[0][0]
for x, kept_up in points:
    if not kept_up:
        break
    saturation = x
print(int(saturation))
