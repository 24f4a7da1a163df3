"""How the test servers here (``peer.py``, ``fault_proxy.py``) live: on loopback only, and until
their standard input closes or a time limit passes. Standard library only."""

from __future__ import annotations

import os
import sys
import threading
from http.server import ThreadingHTTPServer


def is_loopback(host: str) -> bool:
    """Whether ``host`` names a loopback address (the only kind the test servers listen on)."""
    return host.startswith("127.") or host in ("localhost", "::1")


def serve(srv: ThreadingHTTPServer, max_seconds: float) -> None:
    """Prints ``PORT <n>``, serves until standard input closes or ``max_seconds`` pass, then exits
    the process. ``srv.stopping`` is set when it stops (handlers of long streams watch it)."""

    def stop() -> None:
        # Called from a helper thread; serve_forever in the main thread then returns.
        srv.stopping = True  # type: ignore[attr-defined]
        threading.Thread(target=srv.shutdown, daemon=True).start()

    def stdin_watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop()

    threading.Thread(target=stdin_watch, daemon=True).start()
    timer = threading.Timer(max_seconds, stop)
    timer.daemon = True
    timer.start()
    print(f"PORT {srv.server_address[1]}", flush=True)
    srv.serve_forever(poll_interval=0.2)
    srv.stopping = True  # type: ignore[attr-defined]
    srv.server_close()
    sys.stdout.flush()
    os._exit(0)
