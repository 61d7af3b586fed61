"""An OAuth token pair from Procore, with its expiry in the client's clock."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["Token"]

_GRANTS = ("authorization_code", "client_credentials")


@dataclass(frozen=True, repr=False)
class Token:
    """An OAuth token pair from Procore; its repr and str never show the secrets.

    Attributes
    ----------
    access_token, refresh_token:
        The secrets. ``refresh_token`` is ``None`` for service accounts.
    expires_at:
        Unix time (client clock) at which the access token stops working.
    lifetime:
        ``expires_in`` as Procore announced it, in seconds.
    grant:
        ``"authorization_code"`` or ``"client_credentials"``: how to renew it.
    user_id:
        Whose sign-in this is, as ``/me`` answered once (kept through renewals, so that
        knowing who is signed in costs no request while the sign-in lasts).

    Examples
    --------
    >>> token = Token("secret-access", refresh_token="secret-refresh", expires_at=0.0)
    >>> "secret" in repr(token)
    False
    """

    access_token: str
    refresh_token: str | None = None
    expires_at: float | None = None
    lifetime: float | None = None
    created_at: float | None = None
    token_type: str = "bearer"  # noqa: S105  # the OAuth token type's name, not a secret
    scope: str | None = None
    grant: str = "authorization_code"
    user_id: int | None = None

    @classmethod
    def from_response(cls, payload: Mapping[str, Any], *, grant: str, now: float) -> Token:
        """Build a token from the token endpoint's JSON, received at ``now``."""
        lifetime = _seconds(payload.get("expires_in"))
        created = payload.get("created_at")
        scope = payload.get("scope")
        refresh = payload.get("refresh_token")
        return cls(
            access_token=str(payload["access_token"]),
            refresh_token=str(refresh) if refresh else None,
            expires_at=now + lifetime if lifetime is not None else None,
            lifetime=lifetime,
            created_at=_seconds(created) if not isinstance(created, str) else None,
            token_type=str(payload.get("token_type") or "bearer"),
            scope=" ".join(map(str, scope)) if isinstance(scope, list) else _text(scope),
            grant=grant,
        )

    def expires_in(self, now: float) -> float | None:
        """Seconds left before expiry at ``now`` (negative once expired), if known."""
        return None if self.expires_at is None else self.expires_at - now

    def is_expiring(self, now: float, *, margin: float) -> bool:
        """Whether the token expires within ``margin`` seconds (capped at a quarter of its life)."""
        if self.expires_at is None:
            return False
        if self.lifetime:
            margin = min(margin, self.lifetime / 4)
        return now >= self.expires_at - margin

    def to_json(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict (it holds the secrets: store it privately)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> Token:
        """Inverse of :meth:`to_json`; raises ``ValueError`` for anything that is not a token."""
        if not isinstance(data, Mapping):
            raise ValueError(f"a token is a JSON object, not {type(data).__name__}")
        fields = cls.__dataclass_fields__
        values = {k: v for k, v in data.items() if k in fields}
        if not isinstance(values.get("access_token"), str) or not values["access_token"]:
            raise ValueError("no access_token text")
        for name in ("refresh_token", "scope", "token_type"):
            if not isinstance(values.get(name, ""), str | None):
                raise ValueError(f"{name} is not text")
        for name in ("expires_at", "lifetime", "created_at"):
            number = values.get(name)
            if isinstance(number, bool) or not isinstance(number, int | float | None):
                raise ValueError(f"{name} is not a number")
        user = values.get("user_id")
        if isinstance(user, bool) or not isinstance(user, int | None):
            raise ValueError("user_id is not a whole number")
        if values.get("grant", _GRANTS[0]) not in _GRANTS:
            raise ValueError("unknown grant")
        return cls(**values)

    def __repr__(self) -> str:
        refresh = "yes" if self.refresh_token else "no"
        return (
            f"Token(grant={self.grant!r}, expires_at={self.expires_at!r}, "
            f"refresh_token={refresh}, access_token=<hidden>)"
        )

    __str__ = __repr__


def _seconds(value: object) -> float | None:
    """A finite, non-negative number of seconds from a token answer, else ``None``."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        seconds = float(value)
    except (ValueError, OverflowError):
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _text(value: object) -> str | None:
    return None if value is None else str(value)
