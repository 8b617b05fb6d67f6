#!/usr/bin/env python3
"""Prints N distinct free TCP ports on 127.0.0.1 (held open together while choosing, so they differ)."""
import socket
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 1
held = []
for _ in range(count):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
for s in held:
    s.close()
