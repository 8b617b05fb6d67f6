#!/usr/bin/env python3
"""Writes meta.json: the machine, the build, the tools and the run's settings, taken once at the
start of a run. Every row of the report carries the machine and the build from here."""
import argparse
import datetime
import json
import os
import platform
import re
import subprocess


def run(cmd, cwd=None):
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return (out.stdout + out.stderr).strip()


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def mem_total_mib():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    return None


def cmake_cache(build_dir, key):
    try:
        with open(os.path.join(build_dir, "CMakeCache.txt")) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return line.split("=", 1)[1].strip()
    except OSError:
        pass
    return ""


def build_info(root, build_dir):
    commit = run(["git", "rev-parse", "--short=12", "HEAD"], cwd=root)
    dirty = bool(run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=root))
    compiler = cmake_cache(build_dir, "CMAKE_CXX_COMPILER")
    version = run([compiler, "--version"]).splitlines()[0] if compiler else ""
    build_type = cmake_cache(build_dir, "CMAKE_BUILD_TYPE")
    flags = cmake_cache(build_dir, f"CMAKE_CXX_FLAGS_{build_type.upper()}") if build_type else ""
    return {
        "commit": commit + ("-dirty" if dirty else ""),
        "branch": run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=root),
        "type": build_type,
        "compiler": version,
        "flags": flags,
    }


def first_version(text):
    m = re.search(r"\d+\.\d+(\.\d+)?", text)
    return m.group(0) if m else ""


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--root", required=True)
    p.add_argument("--build-dir", required=True)
    p.add_argument("--mode", required=True)
    p.add_argument("--duration", required=True)
    p.add_argument("--warmup", required=True)
    p.add_argument("--reps", type=int, required=True)
    p.add_argument("--scenarios", required=True)
    p.add_argument("--wrk-connections", type=int, required=True)
    p.add_argument("--wrk-duration", required=True)
    a = p.parse_args()
    with open("/proc/loadavg") as f:
        loadavg = [float(x) for x in f.read().split()[:3]]
    meta = {
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cores": os.cpu_count(),
            "cpu_model": cpu_model(),
            "kernel": f"{platform.system()} {platform.release()}",
            "memory_mib": mem_total_mib(),
            "loadavg_at_start": loadavg,
        },
        "build": build_info(a.root, a.build_dir),
        "tools": {
            "nginx": first_version(run(["nginx", "-v"]) or run(["/usr/sbin/nginx", "-v"])),
            "wrk": first_version(run(["wrk", "-v"])),
            "uwsgi": run(["uwsgi", "--version"]),
            "python3": platform.python_version(),
            "gnuplot": first_version(run(["gnuplot", "--version"])),
        },
        "run": {
            "mode": a.mode,
            "duration": a.duration,
            "warmup": a.warmup,
            "reps": a.reps,
            "scenarios": [int(s) for s in a.scenarios.split(",")],
            "wrk": {"threads": 1, "connections": a.wrk_connections, "duration_s": int(a.wrk_duration)},
        },
    }
    with open(a.out, "w") as f:
        json.dump(meta, f, indent=1)


if __name__ == "__main__":
    main()
