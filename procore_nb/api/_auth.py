"""Signing in to Procore and keeping the access token fresh.

Built on requests-oauthlib's ``OAuth2Session``: the out-of-band authorization URL, the
code exchange, the refresh and the client-credentials grant. Around it:

- tokens go to the cache strategy after every grant;
- exactly one refresh is ever in flight, because Procore's refresh tokens are single-use:
  a thread lock serialises the threads of one client, the cache's file lock serialises
  processes, and the cache is re-read under that lock, so that a token another thread or
  kernel already renewed is adopted instead of refreshed again;
- a refused refresh (``invalid_grant``) clears the cached pair and raises
  :class:`~procore_nb.ReauthenticationRequired`;
- every token endpoint answer passes through :func:`_check_token_response`, which turns
  Doorkeeper errors into the error tree before requests-oauthlib parses anything;
- requests-oauthlib logs request and response bodies at DEBUG: its loggers are guarded
  by :func:`procore_nb._redaction.guard_oauth_logs`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

import requests
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error, WebApplicationClient
from requests_oauthlib import OAuth2Session

from procore_nb._config import ClientConfig, is_loopback_http
from procore_nb._exceptions import (
    AuthenticationError,
    MalformedResponseError,
    ProcoreError,
    ReauthenticationRequired,
    ResponseError,
)
from procore_nb._redaction import guard_oauth_logs
from procore_nb._responses import Reply, error_for_response
from procore_nb._tokens import Token, TokenCache
from procore_nb._transport import Transport, translate_errors

__all__ = ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS", "Authenticator"]

log = logging.getLogger(__name__)

T = TypeVar("T")

AUTHORIZATION_CODE = "authorization_code"
CLIENT_CREDENTIALS = "client_credentials"

guard_oauth_logs()

_insecure_lock = threading.Lock()
_insecure_users = 0


@contextlib.contextmanager
def _loopback_allowed(url: str) -> Iterator[None]:
    """Let oauthlib talk plain HTTP to a loopback ``url`` (the sandbox), and nothing else.

    oauthlib refuses ``http://`` unless ``OAUTHLIB_INSECURE_TRANSPORT`` is set. Our own URL
    check already refused every non-loopback ``http://`` URL, so the variable is set only
    while such a loopback call runs, and restored afterwards.
    """
    global _insecure_users  # noqa: PLW0603  # a process-wide count guards a process-wide variable
    if not is_loopback_http(url):
        yield
        return
    with _insecure_lock:
        _insecure_users += 1
        previous = os.environ.get("OAUTHLIB_INSECURE_TRANSPORT")
        if _insecure_users == 1:
            os.environ["OAUTHLIB_INSECURE_TRANSPORT"] = "1"
    try:
        yield
    finally:
        with _insecure_lock:
            _insecure_users -= 1
            if _insecure_users == 0 and previous is None:
                os.environ.pop("OAUTHLIB_INSECURE_TRANSPORT", None)


def _uninterrupted(work: Callable[[], T]) -> T:
    """Run ``work`` to its end even if Ctrl-C comes meanwhile; then raise the interrupt.

    Procore spends a refresh token the moment it receives it: a KeyboardInterrupt between
    the request and saving the new pair would lose the sign-in. Python delivers Ctrl-C to
    the main thread only, so the work runs in a thread of its own while this one waits.
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
            log.warning("Interrupted while renewing the token: finishing the renewal first.")
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
        self.login_url, self.client_id, self._client_secret = app
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

    @property
    def token_url(self) -> str:
        """Procore's token endpoint on the login host."""
        return f"{self.login_url}/oauth/token"

    def _now(self) -> float:
        return self.config.clock()

    def expiring(self, token: Token) -> bool:
        """Whether ``token`` expires within the refresh margin (client clock)."""
        return token.is_expiring(self._now(), margin=self.config.refresh_margin)

    # -- signing in --------------------------------------------------------------------

    def authorization_url(self, *, state: str | None = None) -> tuple[str, str]:
        """The out-of-band authorize URL and its ``state``."""
        assert self.client_id is not None  # the client checked the credentials
        url = f"{self.login_url}/oauth/authorize"
        with _loopback_allowed(url):
            session = OAuth2Session(
                self.client_id, redirect_uri=self.config.redirect_uri, state=state
            )
            link, used_state = session.authorization_url(url)
        return str(link), str(used_state)

    def exchange_code(self, code: str) -> Token:
        """Trade an authorization ``code`` for a token, keep it and cache it."""
        return self._grant_and_save(AUTHORIZATION_CODE, code=code)

    def login_service_account(self) -> Token:
        """Get a token with the client-credentials grant, keep it and cache it."""
        return self._grant_and_save(CLIENT_CREDENTIALS)

    def _grant_and_save(self, grant: str, *, code: str | None = None) -> Token:
        # The cache is locked (its private folder made) before the grant: a cache that
        # cannot be used fails here, before Procore spends the single-use code.
        with self._lock, self.cache.lock(self.cache_key):
            token = self._grant(grant, code=code)
            self._token = token
            self.cache.save(self.cache_key, token)
            return token

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
            return self._grant(CLIENT_CREDENTIALS)
        try:
            return self._grant(AUTHORIZATION_CODE, refresh_token=base.refresh_token)
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

    def logout(self) -> None:
        """Revoke the token at Procore (best effort), then forget it here and in the cache."""
        with self._lock:
            token = self._token or (
                self.cache.load(self.cache_key) if self.cache.restores else None
            )
            if token is not None:
                self._revoke(token)
            with self.cache.lock(self.cache_key):
                self.cache.clear(self.cache_key)
            self._token = None

    def _revoke(self, token: Token) -> None:
        url = f"{self.login_url}/oauth/revoke"
        data = {
            "token": token.access_token,
            "client_id": self.client_id or "",
            "client_secret": self._client_secret or "",
        }
        try:
            reply = self.transport.send("POST", url, data=data)
        except Exception as exc:  # sign-out goes on whatever revoking did
            log.warning(
                "Could not revoke the token at %s (%s); forgetting it anyway.",
                url,
                type(exc).__name__,
            )
            return
        if not reply.response.ok:
            log.warning(
                "Procore answered %s to the revocation; forgetting the token anyway.", reply.status
            )

    # -- the token endpoint ------------------------------------------------------------

    def _grant(
        self, grant: str, *, code: str | None = None, refresh_token: str | None = None
    ) -> Token:
        assert self.client_id is not None  # the client checked the credentials
        action = "refresh" if refresh_token else grant
        oauth_client: WebApplicationClient | BackendApplicationClient
        if grant == CLIENT_CREDENTIALS:
            oauth_client = BackendApplicationClient(self.client_id)
        else:
            oauth_client = WebApplicationClient(self.client_id)
        session = OAuth2Session(client=oauth_client, redirect_uri=self.config.redirect_uri)
        self.transport.prepare(session)

        def check(response: requests.Response) -> requests.Response:
            return _check_token_response(response, action=action, env=self.env)

        session.register_compliance_hook("access_token_response", check)
        session.register_compliance_hook("refresh_token_response", check)
        secret = self._client_secret or ""
        timeout = self.transport.timeout
        try:
            with translate_errors("POST", self.token_url), _loopback_allowed(self.token_url):
                if refresh_token:
                    payload = session.refresh_token(
                        self.token_url,
                        refresh_token=refresh_token,
                        timeout=timeout,
                        client_id=self.client_id,
                        client_secret=secret,
                        verify=self.transport.verify,
                    )
                else:
                    payload = session.fetch_token(
                        self.token_url,
                        code=code,
                        client_secret=secret,
                        include_client_id=True,
                        timeout=timeout,
                        verify=self.transport.verify,
                    )
        except ProcoreError:
            raise
        except (OAuth2Error, Warning, ValueError) as exc:
            # Our hook let a 2xx through, but it was not a usable token.
            raise MalformedResponseError(
                f"POST {self.token_url} answered a token without the fields OAuth requires "
                f"({type(exc).__name__}). Check that login_url points at Procore.",
                method="POST",
                url=self.token_url,
            ) from exc
        finally:
            session.close()
        log.debug("Token endpoint granted a token (%s).", action)
        return Token.from_response(payload, grant=grant, now=self._now())


_ERROR_ADVICE: Mapping[str, Mapping[str, str]] = {
    "invalid_grant": {
        AUTHORIZATION_CODE: "Procore did not accept the authorization code (invalid_grant): "
        "codes are single-use and expire after 10 minutes: open the link again and paste "
        "the new code.",
        "refresh": "Procore did not accept the refresh token (invalid_grant): sign in again.",
        CLIENT_CREDENTIALS: "Procore refused the client-credentials grant (invalid_grant): "
        "check that this app is a service account of the company.",
    },
}


def _check_token_response(
    response: requests.Response, *, action: str, env: str
) -> requests.Response:
    """Raise the right error for a token endpoint answer that is not a usable token."""
    try:
        data: Any = response.json()
    except ValueError:
        data = response.text
    reply = Reply(response, data)
    if response.ok and isinstance(data, dict) and data.get("access_token"):
        return response
    if response.ok:
        raise MalformedResponseError(
            f"POST {response.url} answered {response.status_code} without an access token "
            "(the body is not a token). Check that login_url points at Procore's login host.",
            method="POST",
            url=response.url,
            status=response.status_code,
            request_id=response.headers.get("X-Request-Id"),
        )
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, str) or response.status_code >= 500 or response.status_code == 429:
        raise error_for_response(reply)
    if error == "invalid_client":
        advice = (
            "Procore did not accept the client id and secret (invalid_client). Check them, "
            f"and that they belong to the {env} environment: production credentials do not "
            "work on the sandbox, nor sandbox credentials in production."
        )
    else:
        advice = _ERROR_ADVICE.get(error, {}).get(action) or (
            f"Procore refused the sign-in ({error}). Sign in again; if it keeps failing, "
            "check the app's settings (redirect URI, grant types) on the Developer Portal."
        )
    base: ResponseError = error_for_response(reply)
    request_id = f" (request id {base.request_id})" if base.request_id else ""
    raise AuthenticationError(
        f"{advice} [POST {base.url} answered {response.status_code}{request_id}]",
        error=error,
        method="POST",
        url=base.url,
        status=response.status_code,
        request_id=base.request_id,
        body=data,
    )
