"""Staying signed in to Procore: one token, kept fresh, cached, renewed once at a time.

Around the token endpoint (:mod:`procore_nb.api._grants`):

- tokens go to the cache strategy after every grant;
- exactly one refresh is ever in flight, because Procore's refresh tokens are single-use:
  a thread lock serialises the threads of one client, the cache's file lock serialises
  processes, and the cache is re-read under that lock, so that a token another thread or
  kernel already renewed is adopted instead of refreshed again;
- a refused refresh (``invalid_grant``) clears the cached pair and raises
  :class:`~procore_nb.ReauthenticationRequired`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from procore_nb._exceptions import AuthenticationError, ReauthenticationRequired
from procore_nb.api._config import ClientConfig
from procore_nb.api._grants import AUTHORIZATION_CODE, CLIENT_CREDENTIALS, TokenEndpoint
from procore_nb.api._tokens import Token, TokenCache
from procore_nb.api._transport import Transport

__all__ = ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS", "Authenticator"]

log = logging.getLogger(__name__)

T = TypeVar("T")


def _uninterrupted(work: Callable[[], T]) -> T:
    """Run ``work`` to its end even if Ctrl-C comes meanwhile; then raise the interrupt.

    Procore spends a refresh token (or an authorization code) the moment it receives it: a
    KeyboardInterrupt between the request and saving the new pair would lose the sign-in.
    Python delivers Ctrl-C to the main thread only, so the work runs in a thread of its own
    while this one waits.
    """
    done = threading.Event()
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:  # handed back to the caller below
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=run, name="procore_nb-refresh", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:
            done.wait()
        except KeyboardInterrupt:
            interrupted = True
            log.warning("Interrupted while Procore answers a sign-in: saving its token first.")
    if interrupted:
        raise KeyboardInterrupt
    if failure:
        raise failure[0]
    return outcome[0]


class Authenticator:
    """One app's sign-in against one Procore login host; thread-safe.

    Parameters
    ----------
    env:
        The environment's name, for messages (credentials of one do not work in another).
    login_url, client_id, client_secret:
        Where and as which app to sign in.
    cache, cache_key:
        The token cache strategy and this sign-in's slot in it.
    transport, config:
        The HTTP sender (TLS trust, User-Agent, timeout) and the rarely changed settings.
    """

    def __init__(
        self,
        env: str,
        *,
        app: tuple[str, str | None, str | None],
        cache: TokenCache,
        cache_key: str,
        transport: Transport,
        config: ClientConfig,
    ) -> None:
        self.env = env
        self.login_url, self.client_id, _ = app
        self.endpoint = TokenEndpoint(
            env,
            app=app,
            transport=transport,
            redirect_uri=config.redirect_uri,
            clock=config.clock,
        )
        self.cache = cache
        self.cache_key = cache_key
        self.transport = transport
        self.config = config
        self._token: Token | None = None
        self._lock = threading.RLock()

    @property
    def token(self) -> Token | None:
        """The current token, or ``None`` before signing in."""
        return self._token

    def _now(self) -> float:
        return self.config.clock()

    def expiring(self, token: Token) -> bool:
        """Whether ``token`` expires within the refresh margin (client clock)."""
        return token.is_expiring(self._now(), margin=self.config.refresh_margin)

    # -- signing in --------------------------------------------------------------------

    def authorization_url(self, *, state: str | None = None) -> tuple[str, str]:
        """The out-of-band authorize URL and its ``state``."""
        return self.endpoint.authorization_url(state=state)

    def exchange_code(self, code: str) -> Token:
        """Trade an authorization ``code`` for a token, keep it and cache it."""
        return self._grant_and_save(AUTHORIZATION_CODE, code=code)

    def login_service_account(self) -> Token:
        """Get a token with the client-credentials grant, keep it and cache it."""
        return self._grant_and_save(CLIENT_CREDENTIALS)

    def _grant_and_save(self, grant: str, *, code: str | None = None) -> Token:
        # The cache is locked and checked (its folder private and writable, the token's
        # path free for a file) before the grant: a cache that cannot be used fails here,
        # before Procore spends the single-use code.
        # Procore spends the code the moment it receives it: Ctrl-C while its answer is on
        # the way would lose the sign-in, so the grant and the save finish first.
        with self._lock, self.cache.lock(self.cache_key):
            self.cache.check_writable(self.cache_key)

            def grant_and_save() -> Token:
                token = self.endpoint.grant(grant, code=code)
                self._token = token
                self.cache.save(self.cache_key, token)
                return token

            return _uninterrupted(grant_and_save)

    def restore(self) -> bool:
        """Use the cached token (refreshed if about to expire); ``False`` if none is usable."""
        if self._token is not None and not self.expiring(self._token):
            return True
        cached = self.cache.load(self.cache_key) if self.cache.restores else None
        candidate = cached or self._token
        if candidate is None:
            return False
        with self._lock:
            self._token = candidate
        if not self.expiring(candidate):
            return True
        try:
            self.renew(candidate)
        except ReauthenticationRequired:
            return False
        return True

    def remember_user(self, user_id: int) -> None:
        """Keep ``user_id`` (``/me``'s answer) with the current token and its cached copy."""
        with self._lock:
            token = self._token
            if token is None or token.user_id == user_id:
                return
            token = dataclasses.replace(token, user_id=user_id)
            self._token = token
            with self.cache.lock(self.cache_key):
                cached = self.cache.load(self.cache_key) if self.cache.restores else None
                if cached is None or cached.access_token == token.access_token:
                    self.cache.save(self.cache_key, token)

    # -- staying signed in -------------------------------------------------------------

    def fresh_token(self) -> Token | None:
        """The current token, renewed first when it expires soon; ``None`` if signed out."""
        token = self._token
        if token is not None and self.expiring(token):
            token = self.renew(token)
        return token

    def renew(self, stale: Token) -> Token:
        """Replace ``stale`` (expiring, or refused with a 401) with a fresh token.

        Only one renewal runs at a time, across threads and processes; whoever waited
        adopts the token the first one obtained.
        """
        with self._lock:
            current = self._token
            if current is not None and current.access_token != stale.access_token:
                return current  # another thread renewed while we waited for the lock
            with self.cache.lock(self.cache_key):
                cached = self.cache.load(self.cache_key)
                if (
                    cached is not None
                    and cached.access_token != stale.access_token
                    and not self.expiring(cached)
                ):
                    log.debug("Adopting the token another process renewed.")
                    self._token = cached
                    return cached
                # The newest persisted refresh token is the live one (rotation is single-use).
                base = cached if cached is not None and cached.refresh_token else stale
                return _uninterrupted(lambda: self._renew_and_save(base))

    def _renew_and_save(self, base: Token) -> Token:
        token = self._renewed(base)
        if base.user_id is not None and token.grant == base.grant:
            token = dataclasses.replace(token, user_id=base.user_id)  # the same person's
        self._token = token
        self.cache.save(self.cache_key, token)
        return token

    def _renewed(self, base: Token) -> Token:
        if base.grant == CLIENT_CREDENTIALS or not base.refresh_token:
            if base.grant != CLIENT_CREDENTIALS:
                self._forget()
                raise ReauthenticationRequired(
                    "The access token expired and there is no refresh token to renew it: "
                    "sign in again.",
                    error="invalid_grant",
                )
            return self.endpoint.grant(CLIENT_CREDENTIALS)
        try:
            return self.endpoint.grant(AUTHORIZATION_CODE, refresh_token=base.refresh_token)
        except AuthenticationError as exc:
            if exc.error not in {"invalid_grant", "invalid_client"}:
                raise
            self._forget()
            raise ReauthenticationRequired(
                f"Procore no longer accepts the saved sign-in ({exc.error}: the refresh "
                "token was used, revoked or expired). It was cleared from the cache: sign "
                "in again with client.authorization_url() and client.exchange_code(), or "
                "procore_nb.login().",
                error=exc.error,
                method=exc.method,
                url=exc.url,
                status=exc.status,
                request_id=exc.request_id,
                body=exc.body,
            ) from exc

    def _forget(self) -> None:
        # Called with both locks held (renew), so no other renewal sees a half state.
        self._token = None
        self.cache.clear(self.cache_key)

    def logout(self) -> bool:
        """Revoke the token at Procore (best effort), then forget it here and in the cache.

        Returns whether there was a token to revoke.
        """
        with self._lock:
            token = self._token or (
                self.cache.load(self.cache_key) if self.cache.restores else None
            )
            if token is not None:
                self.endpoint.revoke(token)
            with self.cache.lock(self.cache_key):
                self.cache.clear(self.cache_key)
            self._token = None
            return token is not None
