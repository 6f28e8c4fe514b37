#!/usr/bin/env python3
"""The loopback limit for benchmarks/upload.sh: an HTTP/1.1 server that reads each request body
into one reused 1 MiB buffer and drops it (no parsing past the head, no hashing, no copies), then
answers 200. What it measures is the client plus the kernel's loopback, nothing of a framework.
One connection at a time; Content-Length bodies only (chunked: 411).
Usage: upload_sink.py PORT"""
import socket
import sys

OK = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n%s"


def serve(conn):
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    pending = b""
    while True:
        while b"\r\n\r\n" not in pending:
            data = conn.recv(65536)
            if not data:
                return
            pending += data
        head, _, rest = pending.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        if "chunked" in headers.get("transfer-encoding", "").lower():
            conn.sendall(b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        if headers.get("expect", "").lower() == "100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        left = int(headers.get("content-length", "0"))
        got = min(left, len(rest))
        left -= got
        pending = rest[got:]
        total = got
        while left > 0:
            n = conn.recv_into(view, min(left, len(buf)))
            if n == 0:
                return
            left -= n
            total += n
        body = b'{"bytes":%d}' % total
        conn.sendall(OK % (len(body), body))


def main():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", int(sys.argv[1])))
    srv.listen(16)
    while True:
        conn, _ = srv.accept()
        with conn:
            try:
                serve(conn)
            except (ConnectionError, ValueError):
                pass


if __name__ == "__main__":
    main()
