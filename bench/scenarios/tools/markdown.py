"""Renders the report of one run (report.py's dictionary) as Markdown."""

TITLES = {
    "1": "1. Direct SCGI, cache hits: pscgi vs pscgi-ideal",
    "2": "2. Direct SCGI: misses, and what the cache buys",
    "3": "3. Through nginx (wrk → nginx → backend)",
    "4": "4. Peers: uWSGI, without and with its cache router",
    "5": "5. Recycling: workers.max_requests under hit load",
    "6": "6. Scaling and the latency curve",
    "7": "7. Memory",
    "8": "8. A slow CGI script behind pscgi: cache off vs on",
    "9": "9. Cache size: a hit with 100, 10 000 and 100 000 entries",
    "10": "10. Body size: hits of 1 KiB to 1 MiB pages against pscgi-ideal",
    "11": "11. The surge: Zipf over 1 000 pages of /work?ms=2 through nginx, four caches",
    "12": "12. Soak: mixed load with recycling, reloads and cache flushes",
    "13": "13. Two cache levels: the surge through nginx's cache and pscgi's",
}

# The PNGs plots.gp draws, by the scenario whose data they need.
PLOTS = [
    ("6", "workers.png", "throughput against workers (16 connections)"),
    ("6", "connections.png", "throughput against connections (2 workers)"),
    ("6", "concurrency-cpu.png", "CPU per request against connections, per worker count"),
    ("6", "concurrency-wakeups.png", "wake-ups per request against connections, per worker count"),
    ("6", "latency.png", "latency against offered rate"),
    ("9", "cache-size.png", "CPU per hit against cache entries"),
    ("10", "body-size.png", "CPU per hit against body size"),
    ("11", "surge.png", "the surge: req/s and the share that reached the app, per cache"),
    ("13", "two-levels.png", "two cache levels: req/s and the share that reached the app"),
]


def fmt(v, spec=".0f", none="–"):
    return none if v is None else format(v, spec)


def ratio(v):
    return "–" if v is None else f"{v:.3f}×"


def settings_text(row):
    s = row["settings"]
    server = s.get("server", row["server"])
    if server == "pscgi":
        text = (f"pscgi workers={s['workers']} max_requests={s['max_requests']}"
                + (f"+{s['jitter']}" if s.get("jitter", "0") != "0" else "")
                + f" cache={'on' if s['cache'] == 'true' else 'off'} ttl={s['ttl']}")
        if s.get("max_entries") not in (None, "~"):
            text += f" max_entries={s['max_entries']} max_bytes={s['max_bytes']}"
        if s.get("access_log") not in (None, "off"):
            text += f" access_log={s['access_log']}"
        if s.get("outer") == "true":
            text += f" cache.outer outer_max_ttl={s.get('outer_max_ttl', '1s (default)')}"
    elif server == "pscgi-ideal":
        text = f"ideal workers={s['workers']} ({s['response_bytes']}-byte response)"
    elif server == "uwsgi":
        text = f"uWSGI processes={s['processes']}+master cache_router={'on' if s['cache_router'] == '1' else 'off'}"
    else:
        text = "nginx static file"
    if s.get("nginx_microcache"):
        text = f"nginx scgi_cache {s['nginx_microcache']} in front of " + text
    if s.get("nginx_outer"):
        lock = ", without scgi_cache_lock" if s.get("nginx_outer_lock") == "off" else ""
        text = f"nginx scgi_cache, outer block ({s['nginx_outer']}{lock}), in front of " + text
    if "app_renders" in row:
        text += f"; app renders: {row['app_renders']}"
    load = (f"wrk -t1 -c{s['wrk_connections']} {s['uri']}" if row["tool"] == "wrk"
            else f"pscgi-load {row['load_args']}")
    if s.get("wrk_script"):
        load += f" -s {s['wrk_script']}"
    return (text + "; " + load).replace("|", "\\|")


def others(row):
    """The cores other people's processes used during the row's runs: median (and max when it
    differs), so a disturbed measurement shows."""
    med, top = row.get("others_cores"), row.get("others_cores_max")
    if med is None:
        return "–"
    return f"{med:.2f}" if top is None or abs(top - med) < 0.05 else f"{med:.2f} (max {top:.2f})"


def errors_text(row):
    text = str(row["errors"])
    if row["error_kinds"]:
        text += " (" + ", ".join(f"{k} {v}" for k, v in sorted(row["error_kinds"].items())) + ")"
    if row["non_2xx"]:
        text += f", {row['non_2xx']} non-2xx"
    if row.get("unsent"):
        text += f", {row['unsent']} unsent"
    return text


def app_share(row):
    """The share of the row's responses that the app rendered (the rest came from a cache)."""
    renders, responses = row.get("app_renders"), row.get("responses")
    return "–" if renders is None or not responses else f"{100 * renders / responses:.1f}%"


def backend_share(row):
    """The share of the row's responses that nginx passed on to the backend (the rest came from
    nginx's own cache)."""
    passed, responses = row.get("backend_requests"), row.get("responses")
    return "–" if passed is None or not responses else f"{100 * passed / responses:.1f}%"


def load_table(rows):
    with_nginx = any(r.get("nginx_cpu_us") is not None for r in rows)
    with_renders = any("app_renders" in r for r in rows)
    # Only where nginx's own cache stands in front of some row is "reached pscgi" not all of them.
    with_passed = any("backend_requests" in r and (r["settings"].get("nginx_microcache") or r["settings"].get("nginx_outer"))
                      for r in rows)
    head = ["case", "req/s", "p50 µs", "p99 µs", "backend CPU µs/req"]
    head += ["nginx CPU µs/req"] if with_nginx else ["client cores"]
    head += ["reached pscgi"] if with_passed else []
    head += ["reached the app"] if with_renders else []
    head += ["CPU × base", "req/s × base", "others' cores", "errors", "settings"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lat = r["latency_us"]
        case = f"**{r['case']}** (base)" if r["baseline"] else r["case"]
        cells = [case, fmt(r["rps"]), fmt(lat["p50"], ".1f"), fmt(lat["p99"], ".1f"),
                 fmt(r["backend_cpu_us"], ".2f")]
        cells += [fmt(r.get("nginx_cpu_us"), ".2f")] if with_nginx else [fmt(r.get("client_cpu_cores"), ".2f")]
        cells += [backend_share(r)] if with_passed else []
        cells += [app_share(r)] if with_renders else []
        cells += [ratio(r["cpu_ratio"]), ratio(r["rps_ratio"]), others(r), errors_text(r), settings_text(r)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sweep_table(rows, group, label):
    points = {}
    for r in rows:
        if r["group"] == group:
            points.setdefault(r["x"], {})[r["case"]] = r
    head = [label, "pscgi req/s", "ideal req/s", "pscgi CPU µs/req", "ideal CPU µs/req", "CPU × ideal",
            "pscgi p99 µs", "ideal p99 µs", "others' cores", "errors"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for x in sorted(points):
        p, i = points[x].get("pscgi hit"), points[x].get("pscgi-ideal")
        if not p or not i:
            continue
        lines.append("| " + " | ".join([
            f"{x:g}", fmt(p["rps"]), fmt(i["rps"]), fmt(p["backend_cpu_us"], ".2f"),
            fmt(i["backend_cpu_us"], ".2f"), ratio(p["cpu_ratio"]), fmt(p["latency_us"]["p99"], ".1f"),
            fmt(i["latency_us"]["p99"], ".1f"), f"{others(p)} / {others(i)}",
            f"{p['errors'] + p['non_2xx']} / {i['errors'] + i['non_2xx']}",
        ]) + " |")
    return "\n".join(lines) + "\n"


def grid_table(rows):
    """Scenario 6's concurrency grid, a line per (workers, connections)."""
    points = {}
    for r in rows:
        if r["group"].startswith("w") and "workers" in r["extra"]:
            points.setdefault((int(r["extra"]["workers"]), r["x"]), {})[r["case"]] = r
    head = ["workers", "connections", "pscgi req/s", "ideal req/s", "pscgi CPU µs/req", "ideal CPU µs/req",
            "CPU × ideal", "pscgi wake-ups/req", "ideal wake-ups/req", "pscgi p99 µs", "ideal p99 µs",
            "others' cores", "errors"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (w, c) in sorted(points):
        p, i = points[(w, c)].get("pscgi hit"), points[(w, c)].get("pscgi-ideal")
        if not p or not i:
            continue
        lines.append("| " + " | ".join([
            str(w), f"{c:g}", fmt(p["rps"]), fmt(i["rps"]), fmt(p["backend_cpu_us"], ".2f"),
            fmt(i["backend_cpu_us"], ".2f"), ratio(p["cpu_ratio"]), fmt(p.get("wakeups_per_response"), ".2f"),
            fmt(i.get("wakeups_per_response"), ".2f"), fmt(p["latency_us"]["p99"], ".1f"),
            fmt(i["latency_us"]["p99"], ".1f"), f"{others(p)} / {others(i)}",
            f"{p['errors'] + p['non_2xx']} / {i['errors'] + i['non_2xx']}",
        ]) + " |")
    return "\n".join(lines) + "\n"


def rate_table(rows, group, share_label):
    points = {}
    for r in rows:
        if r["group"] == group:
            points.setdefault(r["x"], {})[r["case"]] = r
    head = ["offered req/s", share_label, "served", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms",
            "CPU µs/req", "client cores", "others' cores", "errors, unsent", "ideal p99 ms", "runs"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for x in sorted(points):
        p, i = points[x].get("pscgi hit"), points[x].get("pscgi-ideal")
        if not p:
            continue
        lat = p["latency_us"]
        lines.append("| " + " | ".join([
            f"{x:.0f}", share(p["extra"].get("fraction"), group),
            fmt(p["rps"]), *(fmt(lat[k] / 1000, ".3f") for k in ("p50", "p90", "p99", "p99_9")),
            fmt(p["backend_cpu_us"], ".2f"), fmt(p["client_cpu_cores"], ".2f"), others(p),
            f"{p['errors']}, {p['unsent']}",
            fmt(i["latency_us"]["p99"] / 1000 if i else None, ".3f"), str(p["reps"]),
        ]) + " |")
    return "\n".join(lines) + "\n"


def share(fraction, group):
    if fraction is None:
        return ""
    return f"{float(fraction):g}" if group == "rate" else f"{float(fraction) * 100:.0f}%"


def memory_section(memory):
    if not memory:
        return ""
    out = ["", "Per pscgi worker, idle and then with its cache (RSS from /proc/PID/status, PSS and private "
           "from smaps_rollup; the cache's entries, bytes and evictions, and the RSS the worker last read "
           "itself, from the metrics JSON: pscgi_worker_cache_bytes, pscgi_worker_rss_bytes):", "",
           "| case | worker pid | RSS idle KiB | RSS with cache KiB | scoreboard RSS KiB | RSS growth KiB "
           "| PSS KiB | private KiB | cache entries | cache bytes (its own count) | max_bytes | evictions "
           "| RSS growth ÷ cache bytes | growth per entry |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for case in memory.get("cases", []):
        for w in case["workers"]:
            growth = w.get("rss_growth_bytes")
            out.append("| " + " | ".join([
                case["label"], str(w["pid"]), fmt(w["rss_idle_kib"]), fmt(w["rss_filled_kib"]),
                fmt(w.get("scoreboard_rss_filled_kib")), fmt(growth / 1024 if growth is not None else None),
                fmt(w["pss_filled_kib"]), fmt(w["private_filled_kib"]), fmt(w["cache_entries"]),
                fmt(w["cache_bytes"]), fmt(w["max_bytes"]), fmt(w.get("cache_evictions")),
                fmt(w.get("rss_growth_per_cache_byte"), ".3f"), fmt(w.get("rss_growth_per_entry_bytes"), ".0f"),
            ]) + " |")
    for key, label in (("ideal_idle", "pscgi-ideal"), ("uwsgi_idle", "uWSGI (python3 app)")):
        workers = memory.get(key) or []
        if workers:
            rss = ", ".join(f"{w['rss_kib']} KiB (PSS {w['pss_kib']})" for w in workers)
            out.append(f"\nIdle {label} workers, for scale: {rss}.")
    return "\n".join(out) + "\n"


def render_targets(evaluated):
    lines = ["| target | measured | status | detail |", "|---|---|---|---|"]
    for t in evaluated:
        measured = "–" if t["measured"] is None else (
            f"{t['measured']:.3f} ms" if "ms" in t["target"] and "p99" in t["target"] else f"{t['measured']:.3f}×")
        status = {"met": "**met**", "missed": "**missed**"}.get(t["status"], t["status"])
        lines.append(f"| {t['target']} | {measured} | {status} | {t.get('detail', '')} |")
    return "\n".join(lines) + "\n"


def header(meta):
    m, b, run, tools = meta["machine"], meta["build"], meta["run"], meta["tools"]
    uwsgi = tools.get("uwsgi") or "not installed"
    return "\n".join([
        "# pscgi benchmark results", "",
        f"Run {meta['started']}, **{run['mode']}** mode: scenarios {', '.join(map(str, run['scenarios']))}; "
        f"{run['duration']} per measurement after {run['warmup']} of warm-up (wrk: {run['wrk']['duration_s']} s, "
        f"1 thread, {run['wrk']['connections']} connections); interleaved repetitions: {run['reps']} (medians).", "",
        f"- **Machine:** {m['cores']} cores, {m['cpu_model']}, {m['kernel']}, {m['memory_mib']} MiB; "
        f"load average at start {' '.join(map(str, m['loadavg_at_start']))}, at end "
        f"{' '.join(map(str, m.get('loadavg_at_end', [])))} (other people's work on a shared machine shows here)",
        f"- **Build:** {b['commit']} ({b['branch']}), {b['type']}, {b['compiler']}, flags `{b['flags']}`",
        f"- **Tools:** nginx {tools.get('nginx') or '–'}, wrk {tools.get('wrk') or '–'}, uWSGI {uwsgi}, "
        f"Python {tools.get('python3')}",
        "", "Every row was measured in this run on this machine and build (results.json repeats both on "
        "each row). **Backend CPU µs/req**: utime + stime of the server's master and workers, reaped "
        "workers included, over the measured window, per response. × base: the median, over "
        "repetitions, of the ratio to the group's **base** row measured just before it. **Client "
        "cores**: the load generator's own CPU; near 1.0 (one thread) it, not the server, limits req/s. "
        "**Others' cores**: CPU used meanwhile by processes this run did not start (/proc/stat): "
        "on a shared machine, a row measured while someone else was busy shows it here.", ""])


def render(report, has_plots):
    rows, notes = report["rows"], report["notes"]
    out = [header(report["meta"]), "## Targets", "", render_targets(report["targets"])]
    for scenario in sorted({r["scenario"] for r in rows} | {n["scenario"] for n in notes}, key=int):
        out += [f"## {TITLES.get(scenario, scenario)}", ""]
        mine = [r for r in rows if r["scenario"] == scenario]
        if scenario == "6":
            if any(r["group"].startswith("w") for r in mine):
                out += ["Closed loop, every worker count against every connection count (one run per point; "
                        "wake-ups: the server's voluntary context switches per response):", "",
                        grid_table(mine)]
            if any(r["group"] == "rate" for r in mine):
                out += ["Open loop (pscgi-load --rate, two client threads), 2 workers; latency from each "
                        "request's scheduled time; offered rates are fractions of the closed-loop "
                        "throughput at 16 connections:", "", rate_table(mine, "rate", "× closed loop")]
            if any(r["group"] == "rate80" for r in mine):
                out += ["At 80% of the open-loop saturation (medians of the interleaved repetitions):", "",
                        rate_table(mine, "rate80", "of saturation")]
        elif scenario == "10":
            out += ["One worker each, 2 connections; CPU × ideal is the median of the interleaved ratios:",
                    "", sweep_table(mine, "body", "body KiB")]
        else:
            for group in dict.fromkeys(r["group"] for r in mine):
                out += [load_table([r for r in mine if r["group"] == group])]
        if scenario == "7":
            out.append(memory_section(report["memory"]))
        for n in notes:
            if n["scenario"] == scenario:
                out.append(f"- {n['text']}")
        out.append("")
    ran = {r["scenario"] for r in rows}
    pictures = [(png, text) for scenario, png, text in PLOTS if scenario in ran]
    if has_plots and pictures:
        out += ["## Plots", ""]
        for png, text in pictures:
            out += [f"![{text}]({png})", ""]
    return "\n".join(out)
