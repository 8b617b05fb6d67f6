"""The WSGI app uWSGI serves in the benchmarks: every request gets the same page as pscgi's, read
once at start from $PSCGI_BENCH_PAGE (a complete CGI response: head, blank line, body), with the
same status, headers and body.

When $PSCGI_BENCH_COUNT_FILE names a file, each render appends one byte to it, so a run with
uWSGI's cache router can show how many requests reached the app (the cache's misses).

When $PSCGI_BENCH_BURN_MS is above 0, each render first burns that many milliseconds of the
thread's CPU time, as pscgi's /work?ms=N does, so a surge costs both apps the same per render.
"""
import os
import time

with open(os.environ["PSCGI_BENCH_PAGE"], "rb") as _f:
    _head, _, BODY = _f.read().partition(b"\r\n\r\n")

STATUS = "200 OK"
HEADERS = []
for _line in _head.decode("latin-1").split("\r\n"):
    _name, _, _value = _line.partition(":")
    if _name.lower() == "status":
        STATUS = _value.strip()
    else:
        HEADERS.append((_name, _value.strip()))

_count_path = os.environ.get("PSCGI_BENCH_COUNT_FILE", "")
_count_fd = os.open(_count_path, os.O_WRONLY | os.O_APPEND) if _count_path else -1
_burn_seconds = float(os.environ.get("PSCGI_BENCH_BURN_MS") or 0) / 1000


def burn_cpu(seconds):
    """A busy loop on the thread's CPU clock, not a sleep: a slow page occupies its worker."""
    deadline = time.thread_time() + seconds
    while time.thread_time() < deadline:
        pass


def application(environ, start_response):
    if _count_fd >= 0:
        os.write(_count_fd, b"x")
    if _burn_seconds > 0:
        burn_cpu(_burn_seconds)
    start_response(STATUS, HEADERS)
    return [BODY]
