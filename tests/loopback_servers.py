"""Tiny servers on loopback for CalDAV tests: one that records what it is sent and answers with
a fixed status, one that accepts connections and never answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Recorded:
    url: str
    requests: list[bytes] = field(default_factory=list)


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@contextmanager
def recording_server(
    host: str = "127.0.0.1",
    status: str = "500 Internal Server Error",
    body: bytes = b"broken",
    headers: str = "",
) -> Iterator[Recorded]:
    """An HTTP server that answers every request with `status`, extra `headers` (CRLF-ended
    lines) and `body`, keeping the raw request head (method, path, headers) of each."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, 0))
    listener.listen(16)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    seen = Recorded(f"http://{_host_in_url(host)}:{port}/cal/")
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                head = b""
                try:
                    while b"\r\n\r\n" not in head and len(head) < 65536:
                        chunk = conn.recv(4096)
                        if not chunk:
                            break
                        head += chunk
                    seen.requests.append(head)
                    conn.sendall(
                        f"HTTP/1.1 {status}\r\nContent-Type: text/plain\r\n{headers}"
                        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                        + body
                    )
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


@contextmanager
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never says a word; yields its URL."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/cal/"
    finally:
        listener.close()
