"""A hostile HTTP server on 127.0.0.1 that writes exactly the bytes a test scripts.

``badserver.py`` answers well-formed HTTP with odd bodies; this one goes further: any status
line, any header (repeated, empty, not Latin-1), a body that lies about its length,
trickles a byte at a time, stalls mid-way or never comes, redirects anywhere, and TLS when
asked. Each request is recorded (method, path, headers, body) so that a test can check what
reached it, such as a client secret sent after a redirect. Every connection is closed after
its answer, so that the client reads each answer afresh.
"""

from __future__ import annotations

import contextlib
import json
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Raw:
    """One scripted answer, written as bytes.

    ``headers`` are written as given (``Content-Length`` is added unless ``length`` says
    otherwise: ``None`` adds the true length, ``-1`` adds none, any other number is written
    as is). ``delay`` waits before anything is sent; ``trickle`` waits between body bytes;
    ``stall`` sends half the body and then nothing for that many seconds.
    """

    status: int | str = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | str | Any = b""
    length: int | None = None
    delay: float = 0.0
    trickle: float = 0.0
    stall: float = 0.0

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


@dataclass
class Request:
    """What reached the server."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    form: dict[str, str]
    host: str


TOKEN = {
    "access_token": "hostile-access-token",
    "refresh_token": "hostile-refresh-token",
    "token_type": "bearer",
    "expires_in": 5400,
    "created_at": 0,
}

Responder = Callable[[Request], Raw]


def json_answer(body: Any, status: int = 200, **headers: str) -> Raw:
    """A JSON answer with ``headers`` (underscores in names become dashes)."""
    pairs = [("Content-Type", "application/json")]
    pairs += [(name.replace("_", "-"), value) for name, value in headers.items()]
    return Raw(status=status, headers=pairs, body=body)


class HostileServer:
    """Answers ``(method, path)`` from :attr:`routes`, else :attr:`fallback`; records requests.

    By default ``POST /oauth/token`` answers :data:`TOKEN`, ``POST /oauth/revoke`` a 200,
    and every other request a 404.
    """

    def __init__(self, *, host: str = "127.0.0.1", tls: Any = None) -> None:
        self.routes: dict[tuple[str, str], Responder] = {
            ("POST", "/oauth/token"): lambda r: json_answer(TOKEN),
            ("POST", "/oauth/revoke"): lambda r: json_answer({}),
        }
        self.fallback: Responder = lambda r: json_answer({"errors": "no such path"}, 404)
        self.requests: list[Request] = []
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError, ValueError):
                    request = server._read(self.rfile)
                    if request is None:
                        return
                    server.requests.append(request)
                    route = server.routes.get((request.method, request.path), server.fallback)
                    server._write(self.connection, route(request))

        class TCPServer(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

            def get_request(self) -> tuple[socket.socket, Any]:
                sock, address = super().get_request()
                if tls is not None:
                    sock = tls.wrap_socket(sock, server_side=True)
                return sock, address

        self._server = TCPServer((host, 0), Handler)
        scheme = "https" if tls is not None else "http"
        self.url = f"{scheme}://{host}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _read(self, rfile: Any) -> Request | None:
        line = rfile.readline(65537).decode("latin-1").strip()
        if not line:
            return None
        method, target, _ = line.split(" ", 2)
        headers: dict[str, str] = {}
        while (header := rfile.readline(65537).decode("latin-1").strip()) != "":
            name, _, value = header.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = rfile.read(int(headers.get("content-length") or 0)).decode("latin-1")
        parts = urlsplit(target)
        return Request(
            method=method,
            path=parts.path,
            query={k: v[-1] for k, v in parse_qs(parts.query).items()},
            headers=headers,
            form={k: v[-1] for k, v in parse_qs(body).items()},
            host=self.url,
        )

    @staticmethod
    def _write(sock: socket.socket, answer: Raw) -> None:
        time.sleep(answer.delay)
        body = answer.payload()
        status = answer.status
        line = f"HTTP/1.1 {status}" if isinstance(status, str) else f"HTTP/1.1 {status} Answer"
        head = [line, *(f"{name}: {value}" for name, value in answer.headers)]
        if answer.length != -1:
            head.append(f"Content-Length: {len(body) if answer.length is None else answer.length}")
        head.append("Connection: close")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("utf-8", "surrogateescape"))
        if answer.stall:
            sock.sendall(body[: len(body) // 2])
            time.sleep(answer.stall)
            return
        if answer.trickle:
            for i in range(len(body)):
                sock.sendall(body[i : i + 1])
                time.sleep(answer.trickle)
            return
        sock.sendall(body)

    def posts(self, path: str = "/oauth/token") -> list[Request]:
        """The POSTs to ``path`` that reached this server."""
        return [r for r in self.requests if r.method == "POST" and r.path == path]

    def gets(self, path: str | None = None) -> list[Request]:
        """The GETs (to ``path``, if given) that reached this server."""
        return [r for r in self.requests if r.method == "GET" and path in {None, r.path}]

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextlib.contextmanager
def hostile_server(*, host: str = "127.0.0.1", tls: Any = None) -> Iterator[HostileServer]:
    """A running :class:`HostileServer`, stopped afterwards."""
    server = HostileServer(host=host, tls=tls).start()
    try:
        yield server
    finally:
        server.stop()


def tls_context(directory: Path) -> tuple[ssl.SSLContext, str]:
    """A server TLS context for 127.0.0.1 and the path of its CA's PEM file."""
    import trustme

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    ca_file = directory / "hostile-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return context, str(ca_file)
