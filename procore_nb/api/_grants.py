"""Procore's token endpoint: the authorize URL, the grants, revoking a token.

Built on requests-oauthlib's ``OAuth2Session`` (the out-of-band authorization URL, the
code exchange, the refresh and the client-credentials grant). Every token endpoint answer
passes through :func:`_check_token_response`, which turns Doorkeeper errors into the
error tree before requests-oauthlib parses anything. requests-oauthlib logs request and
response bodies at DEBUG: its loggers are guarded by
:func:`procore_nb.api._redaction.guard_oauth_logs`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import requests
from oauthlib.oauth2 import BackendApplicationClient, OAuth2Error, WebApplicationClient
from requests_oauthlib import OAuth2Session

from procore_nb._exceptions import (
    AuthenticationError,
    MalformedResponseError,
    ProcoreError,
    ResponseError,
)
from procore_nb.api._config import is_loopback_http
from procore_nb.api._failures import translate_errors
from procore_nb.api._redaction import guard_oauth_logs
from procore_nb.api._redirects import refused_redirect
from procore_nb.api._responses import Reply, error_for_response
from procore_nb.api._retry import running
from procore_nb.api._tokens import Token
from procore_nb.api._transport import Transport

__all__ = ["AUTHORIZATION_CODE", "CLIENT_CREDENTIALS", "TokenEndpoint"]

log = logging.getLogger(__name__)

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


class _NoRedirectSession(OAuth2Session):  # type: ignore[misc]  # requests-oauthlib is untyped
    """An ``OAuth2Session`` that never follows a redirect: a token request carries the
    client secret and the code, which a 307 or 308 would make requests re-send elsewhere."""

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)  # type: ignore[no-any-return]

    def get_redirect_target(self, resp: requests.Response) -> None:
        del resp  # see NoRedirectSession: the Location is judged by _check_token_response


class TokenEndpoint:
    """One app at one Procore login host: the authorize URL, grants and revocation.

    Parameters
    ----------
    env:
        The environment's name, for messages (credentials of one do not work in another).
    app:
        ``(login_url, client_id, client_secret)``: where and as which app to sign in.
    transport:
        The HTTP sender (TLS trust, User-Agent, timeout).
    redirect_uri, clock:
        The registered redirect URI (out-of-band by default) and the clock that stamps
        when each token was granted.
    """

    def __init__(
        self,
        env: str,
        *,
        app: tuple[str, str | None, str | None],
        transport: Transport,
        redirect_uri: str,
        clock: Callable[[], float],
    ) -> None:
        self.env = env
        self.login_url, self.client_id, self._client_secret = app
        self.transport = transport
        self.redirect_uri = redirect_uri
        self._clock = clock

    def __repr__(self) -> str:
        return f"TokenEndpoint({self.token_url!r}, client_id={self.client_id!r})"

    @property
    def token_url(self) -> str:
        """Procore's token endpoint on the login host."""
        return f"{self.login_url}/oauth/token"

    def authorization_url(self, *, state: str | None = None) -> tuple[str, str]:
        """The out-of-band authorize URL and its ``state``."""
        assert self.client_id is not None  # the client checked the credentials
        url = f"{self.login_url}/oauth/authorize"
        with _loopback_allowed(url):
            session = OAuth2Session(self.client_id, redirect_uri=self.redirect_uri, state=state)
            link, used_state = session.authorization_url(url)
        return str(link), str(used_state)

    def revoke(self, token: Token) -> None:
        url = f"{self.login_url}/oauth/revoke"
        data = {
            "token": token.access_token,
            "client_id": self.client_id or "",
            "client_secret": self._client_secret or "",
        }
        try:
            reply = self.transport.send("POST", url, data=data, follow=False)
        except Exception as exc:  # sign-out goes on whatever revoking did
            log.warning(
                "Could not revoke the token at %s (%s); forgetting it anyway.",
                url,
                type(exc).__name__,
            )
            return
        if not 200 <= reply.status < 300:
            log.warning(
                "Procore answered %s to the revocation; forgetting the token anyway.", reply.status
            )

    def grant(
        self, grant: str, *, code: str | None = None, refresh_token: str | None = None
    ) -> Token:
        assert self.client_id is not None  # the client checked the credentials
        action = "refresh" if refresh_token else grant
        oauth_client: WebApplicationClient | BackendApplicationClient
        if grant == CLIENT_CREDENTIALS:
            oauth_client = BackendApplicationClient(self.client_id)
        else:
            oauth_client = WebApplicationClient(self.client_id)
        session = _NoRedirectSession(client=oauth_client, redirect_uri=self.redirect_uri)
        self.transport.prepare(session)

        def check(response: requests.Response) -> requests.Response:
            return _check_token_response(response, action=action, env=self.env)

        session.register_compliance_hook("access_token_response", check)
        session.register_compliance_hook("refresh_token_response", check)
        secret = self._client_secret or ""
        deadline = self.transport.new_deadline()
        timeout = deadline.timeout(self.transport.timeout)
        try:
            with (
                running(deadline),
                translate_errors("POST", self.token_url),
                _loopback_allowed(self.token_url),
            ):
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
        return Token.from_response(payload, grant=grant, now=self._clock())


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
    if response.is_redirect or 300 <= response.status_code < 400:
        raise refused_redirect(
            reply,
            response.headers.get("Location", ""),
            "OAuth requests never follow redirects (the client secret and the code would "
            "be sent again to the new address)",
        )
    success = 200 <= response.status_code < 300
    if success and isinstance(data, dict) and data.get("access_token"):
        return response
    if success:
        raise MalformedResponseError(
            f"POST {response.url} answered {response.status_code} without an access token "
            "(the body is not a token). Check that login_url points at Procore's login host.",
            method="POST",
            url=response.url,
            status=response.status_code,
            request_id=response.headers.get("X-Request-Id"),
        )
    error = data.get("error") if isinstance(data, dict) else None
    if (
        not isinstance(error, str)
        or not 400 <= response.status_code < 500
        or response.status_code == 429
    ):
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
