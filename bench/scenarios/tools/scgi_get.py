#!/usr/bin/env python3
"""Sends one SCGI GET to a unix socket, the way nginx's scgi_params would, and prints or saves the
raw response (head, blank line, body).

    scgi_get.py SOCKET URI [--out FILE] [--check]

--out FILE writes the response bytes to FILE; --check exits 1 unless the response has a 2xx
Status. Used to wait for a server to be ready and to capture the exact bytes of a page, so that
pscgi-ideal, nginx and uWSGI can serve the same bytes as pscgi.
"""
import argparse
import re
import socket
import sys


def request_bytes(uri):
    path, _, query = uri.partition("?")
    variables = [
        ("CONTENT_LENGTH", "0"), ("REQUEST_METHOD", "GET"), ("REQUEST_URI", uri),
        ("QUERY_STRING", query), ("DOCUMENT_URI", path), ("SCGI", "1"),
        ("SERVER_PROTOCOL", "HTTP/1.1"), ("REQUEST_SCHEME", "http"), ("REMOTE_ADDR", "127.0.0.1"),
        ("REMOTE_PORT", "40000"), ("SERVER_PORT", "80"), ("SERVER_NAME", "localhost"),
        ("HTTP_HOST", "localhost"), ("PATH_INFO", path),
    ]
    head = b"".join(k.encode() + b"\0" + v.encode() + b"\0" for k, v in variables)
    return str(len(head)).encode() + b":" + head + b","


def fetch(path, uri, timeout):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(path)
        s.sendall(request_bytes(uri))
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                return b"".join(chunks)
            chunks.append(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("socket")
    parser.add_argument("uri")
    parser.add_argument("--out")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    try:
        response = fetch(args.socket, args.uri, args.timeout)
    except OSError as e:
        print(f"scgi_get: {args.socket}: {e}", file=sys.stderr)
        return 1
    if args.check:
        m = re.match(rb"Status: *(\d{3})", response)
        if not m or not m.group(1).startswith(b"2"):
            return 1
    if args.out:
        with open(args.out, "wb") as f:
            f.write(response)
    elif not args.check:
        sys.stdout.buffer.write(response)
    return 0


if __name__ == "__main__":
    sys.exit(main())
