"""A REST request read straight from the ASGI scope.

The REST resources answer thousands of requests a second; Starlette's ``Request`` and
``QueryParams`` are convenient but cost more than the resource itself, so the hot path reads
the scope directly into these two small objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from starlette.types import Scope


class Params:
    """Query parameters in order, with ``get`` and ``getlist`` like Starlette's."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pairs = parse_qsl(raw, keep_blank_values=True)
        self._first: dict[str, str] = {}
        for key, value in self.pairs:
            self._first.setdefault(key, value)

    def get(self, name: str, default: str | None = None) -> str | None:
        return self._first.get(name, default)

    def getlist(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]


@dataclass
class Incoming:
    """Method, path, parameters and headers of one request, plus its absolute URL parts."""

    method: str
    path: str
    params: Params
    headers: dict[str, str]
    origin: str  # scheme://host[:port] as the client addressed us
    path_params: dict[str, str]

    @classmethod
    def from_scope(cls, scope: Scope, path_params: dict[str, str]) -> Incoming:
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host")
        if host is None:
            server_host, port = scope["server"]
            host = f"{server_host}:{port}"
        return cls(
            method=scope["method"],
            path=scope["path"],
            params=Params(scope["query_string"].decode("latin-1")),
            headers=headers,
            origin=f"{scope['scheme']}://{host}",
            path_params=path_params,
        )

    def link_base(self) -> str:
        """This URL without its ``page`` parameter, ready for ``page=N`` to be appended.

        Works on the raw query so every other parameter keeps its order and spelling.
        """
        kept = [p for p in self.params.raw.split("&") if p and not p.startswith("page=")]
        return f"{self.origin}{self.path}?{'&'.join([*kept, ''])}"
