"""OAuth state: authorization codes, access tokens and refresh tokens, with Procore's rules.

Pure bookkeeping, no HTTP: ``_oauth.py`` turns requests into calls here. Tokens are random
and opaque; nothing here ever logs or formats a token.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field

from procore_nb._constants import CODE_LIFETIME

from ._clock import Clock


@dataclass
class Code:
    owner_id: int
    client_id: str
    redirect_uri: str
    created_at: float
    challenge: str | None = None
    challenge_method: str = "plain"
    used: bool = False


@dataclass
class AccessToken:
    owner_id: int
    client_id: str
    created_at: int
    expires_in: int
    refresh_token: str | None = None
    revoked: bool = False

    def expires_at(self) -> int:
        return self.created_at + self.expires_in


@dataclass
class RefreshToken:
    owner_id: int
    client_id: str
    access_tokens: list[str] = field(default_factory=list)
    alive: bool = True


class GrantError(Exception):
    """A Doorkeeper error: ``error`` code, description and HTTP status."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(error)
        self.error = error
        self.description = description
        self.status = status
        self.reused = False  # a refresh token presented after it was used or killed


INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client."
)


def invalid_grant() -> GrantError:
    return GrantError("invalid_grant", INVALID_GRANT)


class TokenStore:
    """Every code and token the sandbox issued, and the rules for using them."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.codes: dict[str, Code] = {}
        self.access: dict[str, AccessToken] = {}
        self.refresh: dict[str, RefreshToken] = {}

    def issue_code(self, code: Code) -> str:
        """Store ``code`` and return its value."""
        value = secrets.token_hex(32)
        self.codes[value] = code
        return value

    def redeem_code(
        self, value: str, *, client_id: str, redirect_uri: str | None, verifier: str | None
    ) -> Code:
        """The code's grant, once: reused, expired or mismatched codes raise invalid_grant."""
        code = self.codes.get(value)
        if code is None or code.used or code.client_id != client_id:
            raise invalid_grant()
        code.used = True  # single-use even when the checks below fail
        if self.clock.now() - code.created_at > CODE_LIFETIME:
            raise invalid_grant()
        if redirect_uri is not None and redirect_uri != code.redirect_uri:
            raise invalid_grant()
        if code.challenge is not None and not _pkce_ok(code, verifier):
            raise invalid_grant()
        return code

    def issue(
        self, owner_id: int, client_id: str, *, lifetime: int, refresh: bool
    ) -> dict[str, object]:
        """A new access token (plus a refresh token if ``refresh``), as Procore answers."""
        now = int(self.clock.now())
        token = secrets.token_hex(32)
        body: dict[str, object] = {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": lifetime,
        }
        access = AccessToken(owner_id, client_id, now, lifetime)
        if refresh:
            refresh_value = secrets.token_hex(32)
            self.refresh[refresh_value] = RefreshToken(owner_id, client_id, [token])
            access.refresh_token = refresh_value
            body["refresh_token"] = refresh_value
        body["created_at"] = now
        self.access[token] = access
        return body

    def use_refresh(self, value: str, *, client_id: str) -> RefreshToken:
        """Kill the refresh token ``value`` and return it if it was alive and ``client_id``'s.

        Any refresh call kills the presented token, successful or not.
        """
        refresh = self.refresh.get(value)
        if refresh is None:
            raise invalid_grant()
        if not refresh.alive:
            error = invalid_grant()
            error.reused = True
            raise error
        refresh.alive = False
        if refresh.client_id != client_id:
            raise invalid_grant()
        return refresh

    def bearer(self, value: str) -> tuple[AccessToken | None, str]:
        """The live access token ``value`` or ``None`` with the reason Doorkeeper gives."""
        access = self.access.get(value)
        if access is None:
            return None, "The access token is invalid"
        if access.revoked:
            return None, "The access token was revoked"
        if self.clock.now() >= access.expires_at():
            return None, "The access token expired"
        return access, ""

    def from_header(self, authorization: str) -> tuple[AccessToken | None, str]:
        """:meth:`bearer` for an ``Authorization`` header's value (any scheme but Bearer fails)."""
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            return None, "The access token is invalid"
        return self.bearer(value.strip())

    def revoke(self, value: str, *, client_id: str | None) -> None:
        """Revoke an access or refresh token and its pair (unknown tokens are ignored)."""
        access = self.access.get(value)
        if access is not None and client_id in (None, access.client_id):
            access.revoked = True
            if access.refresh_token and access.refresh_token in self.refresh:
                self.refresh[access.refresh_token].alive = False
            return
        refresh = self.refresh.get(value)
        if refresh is not None and client_id in (None, refresh.client_id):
            refresh.alive = False
            for token in refresh.access_tokens:
                if token in self.access:
                    self.access[token].revoked = True


def _pkce_ok(code: Code, verifier: str | None) -> bool:
    if not verifier or code.challenge is None:
        return False
    if code.challenge_method == "S256":
        digest = hashlib.sha256(verifier.encode()).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        return secrets.compare_digest(expected, code.challenge)
    return secrets.compare_digest(verifier, code.challenge)


def challenge(reason: str) -> str:
    """The ``WWW-Authenticate`` value Doorkeeper sends with a refused bearer token."""
    return f'Bearer realm="Doorkeeper", error="invalid_token", error_description="{reason}"'
