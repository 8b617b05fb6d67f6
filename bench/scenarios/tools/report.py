#!/usr/bin/env python3
"""Builds the report of one run from OUT/raw/*.json: results.json (every row with the machine, the
build and its settings), results.md (tables and the targets) and OUT/plots/*.dat for gnuplot.

Rows are medians over the repetitions of one case. A ratio compares a row with the baseline row of
its group (same scenario, group and x), repetition by repetition — the two were measured one after
the other — and the median of those ratios is reported, so slow drift of a shared machine cancels.

    report.py OUT [--no-plots]

--no-plots: gnuplot is not there, so the Markdown does not link the PNGs.
"""
import glob
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import markdown  # noqa: E402  (bench/scenarios/tools/markdown.py)
import targets  # noqa: E402

MEDIAN_FIELDS = ["rps", "backend_cpu_us", "backend_cpu_cores", "wakeups_per_response", "nginx_cpu_us",
                 "client_cpu_us", "client_cpu_cores"]
LATENCY_FIELDS = ["p50", "p90", "p99", "p99_9", "max", "mean"]
SUM_FIELDS = ["responses", "errors", "non_2xx", "unsent", "abandoned"]


def median_of(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def load_records(out):
    records = []
    for path in sorted(glob.glob(os.path.join(out, "raw", "[0-9][0-9][0-9].json"))):
        with open(path) as f:
            record = json.load(f)
        record["file"] = os.path.relpath(path, out)
        records.append(record)
    return records


def row_key(r):
    return (r["scenario"], r["group"], r["case"], r["x"])


def aggregate(records, meta):
    rows, order = {}, []
    for r in records:
        key = row_key(r)
        if key not in rows:
            rows[key] = []
            order.append(key)
        rows[key].append(r)
    result = []
    for key in order:
        reps = rows[key]
        first = reps[0]
        row = {
            "scenario": first["scenario"], "group": first["group"], "case": first["case"],
            "x": first["x"], "baseline": first["baseline"], "server": first["server"],
            "tool": first["tool"], "settings": first["settings"], "load_args": first["load_args"],
            "extra": first["extra"], "machine": meta["machine"], "build": meta["build"],
            "reps": len(reps), "records": [r["file"] for r in reps],
        }
        for field in MEDIAN_FIELDS:
            row[field] = median_of([r["result"].get(field) for r in reps])
        row["latency_us"] = {f: median_of([r["result"]["latency_us"].get(f) for r in reps])
                             for f in LATENCY_FIELDS}
        for field in SUM_FIELDS:
            row[field] = sum(r["result"].get(field) or 0 for r in reps)
        row["error_kinds"] = {}
        for r in reps:
            for kind, n in r["result"]["error_kinds"].items():
                row["error_kinds"][kind] = row["error_kinds"].get(kind, 0) + n
        for field in ("app_renders", "backend_requests"):
            counts = [int(r["extra"][field]) for r in reps if field in r["extra"]]
            if counts:
                row[field] = sum(counts)
        row["others_cores"] = median_of([float(r["extra"]["others_cores"]) for r in reps
                                         if "others_cores" in r["extra"]])
        row["others_cores_max"] = max((float(r["extra"]["others_cores"]) for r in reps
                                       if "others_cores" in r["extra"]), default=None)
        row["offered_rps"] = first["result"].get("offered_rps")
        result.append(row)
    return result, rows


def add_ratios(rows, reps_by_key):
    baselines = {(r["scenario"], r["group"], r["x"]): r for r in rows if r["baseline"]}
    for row in rows:
        base = baselines.get((row["scenario"], row["group"], row["x"]))
        row["baseline_case"] = base["case"] if base and base is not row else None
        row["cpu_ratio"] = row["rps_ratio"] = None
        if not base or base is row:
            continue
        mine = {r["rep"]: r["result"] for r in reps_by_key[row_key_of(row)]}
        theirs = {r["rep"]: r["result"] for r in reps_by_key[row_key_of(base)]}
        for field, name in (("backend_cpu_us", "cpu_ratio"), ("rps", "rps_ratio")):
            ratios = [mine[k][field] / theirs[k][field] for k in mine
                      if k in theirs and mine[k].get(field) and theirs[k].get(field)]
            row[name] = median_of(ratios)


def row_key_of(row):
    return (row["scenario"], row["group"], row["case"], row["x"])


def grid_points(rows):
    """Scenario 6's concurrency grid: {workers: {connections: {case: row}}}."""
    grid = {}
    for r in rows:
        if r["scenario"] == "6" and r["group"].startswith("w") and "workers" in r["extra"]:
            grid.setdefault(int(r["extra"]["workers"]), {}).setdefault(r["x"], {})[r["case"]] = r
    return grid


def write_pairs(path, header, points):
    """One line per x: pscgi's and the ideal's req/s and CPU per request (the .dat of a sweep)."""
    with open(path, "w") as f:
        f.write(f"# {header}  pscgi_rps  ideal_rps  pscgi_cpu_us  ideal_cpu_us\n")
        for x in sorted(points):
            p, i = points[x].get("pscgi hit"), points[x].get("pscgi-ideal")
            f.write(f"{x:g} {value(p, 'rps')} {value(i, 'rps')} {value(p, 'backend_cpu_us')} "
                    f"{value(i, 'backend_cpu_us')}\n")


def write_grid(plots, grid):
    """grid.dat: a block per worker count (gnuplot's index), a line per connection count."""
    with open(os.path.join(plots, "grid.dat"), "w") as f:
        for w in sorted(grid):
            f.write(f"# workers {w}\n# connections pscgi_rps ideal_rps pscgi_cpu_us ideal_cpu_us "
                    "pscgi_wakeups ideal_wakeups\n")
            for c in sorted(grid[w]):
                p, i = grid[w][c].get("pscgi hit"), grid[w][c].get("pscgi-ideal")
                f.write(f"{c:g} {value(p, 'rps')} {value(i, 'rps')} {value(p, 'backend_cpu_us')} "
                        f"{value(i, 'backend_cpu_us')} {value(p, 'wakeups_per_response')} "
                        f"{value(i, 'wakeups_per_response')}\n")
            f.write("\n\n")


def write_plot_data(out, rows):
    plots = os.path.join(out, "plots")
    written = False
    grid = grid_points(rows)
    if grid:
        os.makedirs(plots, exist_ok=True)
        write_grid(plots, grid)
        # The grid's row at 16 connections and its column at 2 workers: the two older sweeps.
        by_workers = {float(w): grid[w][16.0] for w in grid if 16.0 in grid[w]}
        if by_workers:
            write_pairs(os.path.join(plots, "workers.dat"), "workers", by_workers)
        if 2 in grid:
            write_pairs(os.path.join(plots, "connections.dat"), "connections", grid[2])
        written = True
    body = {}
    for r in rows:
        if r["scenario"] == "10" and r["group"] == "body":
            body.setdefault(r["x"], {})[r["case"]] = r
    if body:
        os.makedirs(plots, exist_ok=True)
        write_pairs(os.path.join(plots, "body-size.dat"), "body_kib", body)
        written = True
    sizes = sorted((r for r in rows if r["scenario"] == "9" and r["group"] == "size"),
                   key=lambda r: int(r["extra"]["entries"]))
    if sizes:
        os.makedirs(plots, exist_ok=True)
        with open(os.path.join(plots, "cache-size.dat"), "w") as f:
            f.write("# entries  rps  cpu_us  cpu_ratio_to_smallest  p99_us\n")
            for r in sizes:
                ratio = 1.0 if r["baseline"] else r["cpu_ratio"]
                f.write(f"{r['extra']['entries']} {value(r, 'rps')} {value(r, 'backend_cpu_us')} "
                        f"{'NaN' if ratio is None else f'{ratio:.4f}'} {r['latency_us']['p99']:.1f}\n")
        written = True
    for scenario, group, fname in (("11", "surge", "surge.dat"), ("13", "levels", "two-levels.dat")):
        surge = [r for r in rows if r["scenario"] == scenario and r["group"] == group]
        if surge:
            os.makedirs(plots, exist_ok=True)
            write_surge(os.path.join(plots, fname), surge)
            written = True
    sweep = sorted((r for r in rows if r["scenario"] == "6" and r["group"] == "rate"), key=lambda r: r["x"])
    if sweep:
        os.makedirs(plots, exist_ok=True)
        for case, fname in (("pscgi hit", "rate-pscgi.dat"), ("pscgi-ideal", "rate-ideal.dat")):
            with open(os.path.join(plots, fname), "w") as f:
                f.write("# offered_rps achieved_rps p50_ms p90_ms p99_ms p99_9_ms\n")
                for r in sweep:
                    if r["case"] != case:
                        continue
                    lat = r["latency_us"]
                    f.write(f"{r['x']:g} {r['rps']:.0f} " +
                            " ".join(f"{lat[k] / 1000:.4f}" for k in ("p50", "p90", "p99", "p99_9")) + "\n")
        written = True
    return written


def write_surge(path, rows):
    """Scenarios 11 and 13, one line per way of serving the surge: its label (quoted for gnuplot),
    req/s, p99 in ms, the share of requests that reached the app (%), and backend + nginx CPU
    µs/req."""
    with open(path, "w") as f:
        f.write("# case  rps  p99_ms  reached_app_pct  total_cpu_us\n")
        for r in rows:
            renders, responses = r.get("app_renders"), r.get("responses")
            share = 100 * renders / responses if renders is not None and responses else float("nan")
            cpu = (r.get("backend_cpu_us") or 0) + (r.get("nginx_cpu_us") or 0)
            label = r["case"].replace('"', "'")
            f.write(f'"{label}" {value(r, "rps")} {r["latency_us"]["p99"] / 1000:.3f} {share:.2f} {cpu:.2f}\n')


def value(row, field):
    v = row.get(field) if row else None
    return "NaN" if v is None else f"{v:.3f}"


def read_optional_json(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def read_notes(out):
    path = os.path.join(out, "notes.jsonl")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    out = sys.argv[1]
    plotting = "--no-plots" not in sys.argv[2:]
    with open(os.path.join(out, "meta.json")) as f:
        meta = json.load(f)
    with open("/proc/loadavg") as f:
        meta["machine"]["loadavg_at_end"] = [float(x) for x in f.read().split()[:3]]
    records = load_records(out)
    rows, reps_by_key = aggregate(records, meta)
    add_ratios(rows, reps_by_key)
    memory = read_optional_json(os.path.join(out, "raw", "memory.json"))
    notes = read_notes(out)
    evaluated = targets.evaluate(rows)
    report = {"meta": meta, "targets": evaluated, "rows": rows, "memory": memory, "notes": notes}
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(report, f, indent=1)
    has_plots = write_plot_data(out, rows) and plotting
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(markdown.render(report, has_plots))
    print(markdown.render_targets(evaluated), file=sys.stderr)


if __name__ == "__main__":
    main()
