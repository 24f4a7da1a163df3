#!/usr/bin/env python3
"""A fault-injecting HTTP proxy in front of the Kubernetes API peer (``peer.py``), for tests of
what the client does when the network or the API server misbehaves. Standard library only.

It forwards every request to ``--upstream`` (one new upstream connection per request; watches and
followed logs are relayed as they stream) unless a fault rule matches the request. Rules are
added with ``POST /proxy/faults`` and a JSON body::

    {"method": "POST", "path_prefix": "/apis/", "fault": "apply", "code": 504, "times": 1}

``method`` (default ``*``) and ``path_prefix`` (default ``/``) select requests; ``times`` is how
many matching requests the rule takes (default 1; ``-1`` for all), after letting the first ``skip``
pass (default 0). The faults:

* ``code``: answer ``code`` without forwarding (a ``Status`` body, or ``"plain": true`` for a
  plain-text body as the API server's priority-and-fairness 429), with ``Retry-After:
  <retry_after>`` when ``retry_after`` is given;
* ``hang``: never answer (the connection stays open until the client gives up);
* ``reset``: close the connection at once with a TCP reset, answering nothing;
* ``truncate``: forward, then send the upstream's headers (and its ``Content-Length``) with only
  half of the body, and close;
* ``apply``: forward (the upstream carries the request out), then answer ``code`` (default 504)
  instead of the upstream's answer: the outcome the client sees is unknown, but it happened.

``GET /proxy/log`` lists the requests seen (``{"method", "path", "fault", "t"}``, ``t`` in
seconds since the proxy started); ``DELETE /proxy/faults`` removes every rule. The proxy prints
``PORT <n>`` once listening and stops when its standard input closes or after ``--max-seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import select
import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from serving import is_loopback, serve  # the sibling module (run as a script)

REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "AlreadyExists",
    429: "TooManyRequests",
    500: "InternalError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "Timeout",
}
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], upstream: str) -> None:
        super().__init__(address, Handler)
        url = urlsplit(upstream)
        self.upstream = (url.hostname or "127.0.0.1", url.port or 80)
        self.rules: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.started = time.monotonic()
        self.stopping = False

    def take_rule(self, method: str, path: str) -> dict[str, Any] | None:
        with self.lock:
            for rule in self.rules:
                if (
                    rule["times"] != 0
                    and rule["method"] in ("*", method)
                    and path.startswith(rule["path_prefix"])
                ):
                    if rule["skip"] > 0:
                        rule["skip"] -= 1
                        continue
                    if rule["times"] > 0:
                        rule["times"] -= 1
                    return dict(rule)
        return None

    def record(self, method: str, path: str, fault: str) -> None:
        with self.lock:
            t = round(time.monotonic() - self.started, 3)
            self.log.append({"method": method, "path": path, "fault": fault, "t": t})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Proxy

    def log_message(self, *args: Any) -> None:
        pass

    # -- control ---------------------------------------------------------------------------
    def control(self, body: bytes) -> None:
        srv = self.server
        if self.path == "/proxy/faults" and self.command == "POST":
            rule = json.loads(body or b"{}")
            with srv.lock:
                srv.rules.append(
                    {
                        "method": rule.get("method", "*"),
                        "path_prefix": rule.get("path_prefix", "/"),
                        "fault": rule["fault"],
                        "code": int(rule.get("code", 504)),
                        "times": int(rule.get("times", 1)),
                        "skip": int(rule.get("skip", 0)),
                        "retry_after": rule.get("retry_after"),
                        "plain": bool(rule.get("plain", False)),
                        "message": rule.get("message", "injected by the fault proxy"),
                    }
                )
            return self.reply(200, b"{}")
        if self.path == "/proxy/faults" and self.command == "DELETE":
            with srv.lock:
                srv.rules.clear()
            return self.reply(200, b"{}")
        if self.path == "/proxy/log" and self.command == "GET":
            with srv.lock:
                data = json.dumps(srv.log).encode()
            return self.reply(200, data)
        self.reply(404, b'{"message": "unknown proxy control endpoint"}')

    # -- plumbing --------------------------------------------------------------------------
    def reply(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for k, v in (headers or {"Content-Type": "application/json"}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def status(self, rule: dict[str, Any]) -> None:
        code = rule["code"]
        headers = {"Content-Type": "application/json"}
        if rule["retry_after"] is not None:
            headers["Retry-After"] = str(rule["retry_after"])
        if rule["plain"]:
            headers["Content-Type"] = "text/plain; charset=utf-8"
            return self.reply(code, (rule["message"] + "\n").encode(), headers)
        body = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": rule["message"],
            "reason": REASONS.get(code, "InternalError"),
            "code": code,
        }
        self.reply(code, json.dumps(body).encode(), headers)

    def hang(self) -> None:
        """Answers nothing until the client closes the connection (or the proxy stops)."""
        sock = self.connection
        while not self.server.stopping:
            readable, _, _ = select.select([sock], [], [], 0.2)
            if readable:
                try:
                    if not sock.recv(4096):
                        break
                except OSError:
                    break
        self.close_connection = True

    def reset(self) -> None:
        """Closes the connection with a TCP reset."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def forward(self, body: bytes) -> http.client.HTTPResponse:
        host, port = self.server.upstream
        conn = http.client.HTTPConnection(host, port, timeout=330)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn.request(self.command, self.path, body=body if body else None, headers=headers)
        return conn.getresponse()

    def relay(self, resp: http.client.HTTPResponse, truncate: bool = False) -> None:
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in HOP_HEADERS:
                self.send_header(k, v)
        streaming = resp.chunked or resp.length is None
        if streaming and not truncate:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                while True:
                    data = resp.read1(65536)
                    if not data:
                        break
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True
            return
        data = resp.read()
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if truncate:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(data)
        self.wfile.flush()

    def handle_any(self) -> None:
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        if self.path.startswith("/proxy/"):
            return self.control(body)
        path = urlsplit(self.path).path
        rule = self.server.take_rule(self.command, path)
        fault = rule["fault"] if rule else "forward"
        self.server.record(self.command, self.path, fault)
        try:
            if rule is None:
                return self.relay(self.forward(body))
            if fault == "code":
                return self.status(rule)
            if fault == "hang":
                return self.hang()
            if fault == "reset":
                return self.reset()
            if fault == "truncate":
                return self.relay(self.forward(body), truncate=True)
            if fault == "apply":
                self.forward(body).read()
                return self.status(rule)
            self.reply(400, json.dumps({"message": f"unknown fault {fault!r}"}).encode())
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--upstream", required=True, help="the peer's URL, http://127.0.0.1:PORT")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--max-seconds", type=float, default=900)
    args = ap.parse_args()
    if not is_loopback(args.host):
        ap.error("the proxy only listens on loopback addresses")
    srv = Proxy((args.host, args.port), args.upstream)

    serve(srv, args.max_seconds)


if __name__ == "__main__":
    main()
