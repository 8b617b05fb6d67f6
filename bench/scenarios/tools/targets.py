"""The performance targets of pscgi (issue 11, which tightened those of issue 4; issue 13 added the
two cache levels'), each checked against the rows of one run.

A target is met or missed on its measured figure; one whose scenario did not run is "not run". The
ratios are those of report.py: medians of repetition-by-repetition ratios against the baseline row.
"""


def find(rows, scenario, group, case, **extra):
    for r in rows:
        if r["scenario"] == scenario and r["group"] == group and r["case"] == case and \
                all(r["extra"].get(k) == v for k, v in extra.items()):
            return r
    return None


def ratio_target(name, row, field, limit, higher_is_better, unit_text):
    if row is None or row.get(field) is None:
        return {"target": name, "status": "not run", "measured": None, "limit": limit}
    value = row[field]
    met = value >= limit if higher_is_better else value <= limit
    return {
        "target": name, "status": "met" if met else "missed", "measured": value, "limit": limit,
        "detail": unit_text(row), "row": row["case"], "scenario": row["scenario"],
    }


def cpu_detail(row):
    return (f"{row['backend_cpu_us']:.2f} µs/req against {row['baseline_case']}"
            if row.get("backend_cpu_us") is not None else "")


def rps_detail(row):
    return f"{row['rps']:.0f} req/s against {row['baseline_case']}"


def evaluate(rows):
    results = []
    for workers in (1, 2):
        row = find(rows, "1", f"w{workers}", f"pscgi hit, {workers} worker(s)")
        results.append(ratio_target(f"cache hit CPU/req ≤ 1.05 × ideal ({workers} worker(s), direct)",
                                    row, "cpu_ratio", 1.05, False, cpu_detail))
    for case in ("pscgi miss (cache.enabled false)", "pscgi miss (uncacheable, cache on)"):
        row = find(rows, "2", "one-worker", case)
        results.append(ratio_target(f"trivial-handler miss CPU/req ≤ 1.15 × ideal — {case[len('pscgi '):]}",
                                    row, "cpu_ratio", 1.15, False, cpu_detail))
    row = find(rows, "3", "nginx", "nginx → pscgi hit")
    results.append(ratio_target("through nginx, pscgi hits ≥ 1.00 × nginx → ideal req/s",
                                row, "rps_ratio", 1.00, True, rps_detail))
    row = find(rows, "2", "zipf", "Zipf 300 × /work?ms=2, cache on")
    results.append(ratio_target("Zipf /work?ms=2: cache on ≥ 10 × cache off req/s",
                                row, "rps_ratio", 10.0, True, rps_detail))
    results.append(recycling_target(find(rows, "5", "recycle", "max_requests 1000 (default)")))
    results.append(latency_target(find(rows, "6", "rate80", "pscgi hit"), find(rows, "6", "rate80", "pscgi-ideal")))
    # Scenario 13's base row is the hand-written microcache, so rps_ratio is two levels ÷ microcache,
    # repetition by repetition.
    row = find(rows, "13", "levels", "two levels (cache.outer)")
    results.append(ratio_target("two cache levels (cache.outer, outer_max_ttl 1s) ≥ 0.95 × nginx's hand-written "
                                "microcache req/s", row, "rps_ratio", 0.95, True, rps_detail))
    return results


def recycling_target(row):
    name = "max_requests 1000 (default): CPU/req ≤ 1.03 × max_requests 0, and zero errors"
    if row is None or row.get("cpu_ratio") is None:
        return {"target": name, "status": "not run", "measured": None, "limit": 1.03}
    met = row["cpu_ratio"] <= 1.03 and row["errors"] == 0 and row["non_2xx"] == 0
    return {
        "target": name, "status": "met" if met else "missed", "measured": row["cpu_ratio"], "limit": 1.03,
        "detail": f"{row['backend_cpu_us']:.2f} µs/req, {row['errors']} errors, {row['non_2xx']} non-2xx",
        "row": row["case"], "scenario": "5",
    }


def latency_target(row, ideal):
    """p99 at 80 % of saturation against pscgi-ideal's p99 at the same offered rate, each the median
    of the interleaved repetitions."""
    name = "direct p99 at 80% of saturation ≤ 1.5 × pscgi-ideal's p99 at the same rate"
    if row is None or ideal is None or not ideal["latency_us"].get("p99"):
        return {"target": name, "status": "not run", "measured": None, "limit": 1.5}
    p99_ms, ideal_ms = row["latency_us"]["p99"] / 1000, ideal["latency_us"]["p99"] / 1000
    measured = p99_ms / ideal_ms
    met = measured <= 1.5 and row["errors"] == 0
    return {
        "target": name, "status": "met" if met else "missed", "measured": measured, "limit": 1.5,
        "detail": f"p99 {p99_ms:.3f} ms against pscgi-ideal's {ideal_ms:.3f} ms at {row['x']:.0f} req/s "
                  f"offered ({row['rps']:.0f} served), medians of {row['reps']}",
        "row": row["case"], "scenario": "6",
    }
