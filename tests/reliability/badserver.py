"""A misbehaving Procore on 127.0.0.1, for answers the sandbox never gives.

The sandbox follows Procore's documentation; a broken proxy or a buggy server does not. This
server signs anyone in (``POST /oauth/token`` answers a token) and answers each GET path with
whatever a test scripted for it: HTML with a 200, an empty or truncated body, JSON of the
wrong shape, a ``Link`` header that is malformed or loops, a ``Total`` the pages disagree
with. It is a real HTTP server, so the client under test runs unchanged.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import procore_nb
from procore_nb import Client


@dataclass
class Answer:
    """One scripted answer: status, headers, body; ``cut`` sends only part of the body."""

    body: bytes | str | Any = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    cut: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


#: A route answers ``(query, url)``; ``query`` maps each parameter to its last value.
Route = Callable[[dict[str, str], str], Answer]

TOKEN = {
    "access_token": "bad-server-access-token",
    "refresh_token": "bad-server-refresh-token",
    "token_type": "bearer",
    "expires_in": 5400,
    "created_at": 0,
}


class BadServer:
    """The server: ``routes`` maps a path to a :data:`Route`; ``hits`` counts GETs per path.

    ``token`` answers ``POST /oauth/token`` from its form (default: :data:`TOKEN`);
    ``posts`` keeps every form posted there.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        self.token: Callable[[dict[str, str]], Answer] = lambda form: Answer(TOKEN)
        self.posts: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # stdlib's name
                pass  # quiet: the tests read hits, not logs

            def do_POST(self) -> None:  # the stdlib's hook name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode()
                form = {k: v[-1] for k, v in parse_qs(body).items()}
                server.posts.append(form)
                self._send(server.token(form))

            def do_GET(self) -> None:  # the stdlib's hook name
                parts = urlsplit(self.path)
                server.hits[parts.path] = server.hits.get(parts.path, 0) + 1
                route = server.routes.get(parts.path)
                if route is None:
                    self._send(Answer({"errors": "no such path"}, status=404))
                    return
                query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                self._send(route(query, f"{server.url}{self.path}"))

            def _send(self, answer: Answer) -> None:
                data = answer.payload()
                self.send_response(answer.status)
                headers = {"Content-Type": "application/json", **answer.headers}
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if answer.cut else data)
                if answer.cut:
                    self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def client(self, **options: Any) -> Client:
        """A client signed in to this server (any code works here)."""
        options.setdefault("company_id", 1)
        client = procore_nb.Client(
            api_url=self.url,
            client_id="bad-server-app",
            client_secret="bad-server-secret",
            progress=False,
            cache="none",
            **options,
        )
        client.exchange_code("bad-server-code")
        return client

    def start(self) -> BadServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def bad_server() -> Iterator[BadServer]:
    """A running :class:`BadServer`, stopped afterwards."""
    server = BadServer().start()
    try:
        yield server
    finally:
        server.stop()


def paged(
    rows: list[dict[str, Any]],
    *,
    total: str | None = None,
    link: Callable[[int, str], str] | None = None,
) -> Route:
    """A list route over ``rows`` honouring ``page``/``per_page``, with scripted headers.

    ``total`` is sent as ``Total`` (default: the true count); ``link(page, url)`` gives the
    ``Link`` header of each page (default: none).
    """

    def route(query: dict[str, str], url: str) -> Answer:
        page, size = int(query.get("page", 1)), int(query.get("per_page", 100))
        headers = {"Total": str(len(rows)) if total is None else total, "Per-Page": str(size)}
        if link is not None:
            headers["Link"] = link(page, url)
        return Answer(rows[(page - 1) * size : page * size], headers=headers)

    return route
