"""Tallies tests use to prove how many requests, pages or refreshes a client made."""

from __future__ import annotations

from collections import Counter
from typing import Any

GRANTS = ("authorization_code", "refresh_token", "client_credentials")
INJECTED = ("error", "throttle", "drop")


class Counters:
    """Tallies served by ``GET /_sandbox/counters``; ``/_sandbox/*`` itself is not counted."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.requests = 0
        self.by_path: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.by_path_status: Counter[str] = Counter()
        self.grants: Counter[str] = Counter(dict.fromkeys(GRANTS, 0))
        self.grant_failures: Counter[str] = Counter()
        self.refresh_reuse = 0
        self.injected: Counter[str] = Counter(dict.fromkeys(INJECTED, 0))
        self.rate_limited = 0

    def request(self, method: str, path: str, status: int | None) -> None:
        """Count one answered request; ``status`` is None when the connection was dropped."""
        self.requests += 1
        self.by_path[path] += 1
        if status is not None:
            self.by_status[str(status)] += 1
            self.by_path_status[f"{method} {path} {status}"] += 1

    def snapshot(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "by_path": dict(self.by_path),
            "by_status": dict(self.by_status),
            "by_path_status": dict(self.by_path_status),
            "grants": dict(self.grants),
            "grant_failures": dict(self.grant_failures),
            "refresh_reuse": self.refresh_reuse,
            "injected": dict(self.injected),
            "rate_limited": self.rate_limited,
        }
