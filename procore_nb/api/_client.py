"""The :class:`Client`: Procore's REST API with answers as pandas DataFrames.

The client composes the pieces that live in their own modules: settings
(:mod:`~procore_nb.api._config`), the sign-in (:mod:`~procore_nb.api._auth`), HTTP with retries
and pacing (:mod:`~procore_nb.api._transport`), paging (:mod:`~procore_nb.api._paging`) and the
conversion of records to typed frames (``procore_nb.frames._convert``). It adds what only it
knows: which paths need the ``Procore-Company-Id`` header, short paths such as
``"projects"``, and where a frame came from (``df.attrs``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import urlsplit

from procore_nb._exceptions import ConfigurationError
from procore_nb.api._auth import AUTHORIZATION_CODE, CLIENT_CREDENTIALS, Authenticator
from procore_nb.api._checks import check_flag
from procore_nb.api._config import (
    ClientConfig,
    Settings,
    check_seconds,
    missing_credentials_message,
    parse_company_id,
    resolve_settings,
)
from procore_nb.api._lists import Lists
from procore_nb.api._pull import DEFAULT_WAVE, MAX_WAVE, warm_up
from procore_nb.api._reader import Reader
from procore_nb.api._session import Session
from procore_nb.api._tokens import Token, TokenCache, cache_from_name
from procore_nb.api._transport import Transport

__all__ = ["Client"]


class Client(Lists):
    """A signed-in connection to one Procore environment, answering in DataFrames.

    The constructor does no network I/O. Settings come from the arguments, else the
    ``PROCORE_*`` environment variables, else ``config.toml`` in the user config
    directory (see :func:`procore_nb.config_file`).

    Parameters
    ----------
    env:
        ``"production"`` (the default), ``"sandbox"``, ``"monthly"``, ``"fedramp"`` or
        ``"custom"`` (any server given by ``api_url``).
    api_url, login_url:
        Hosts of a custom server; ``login_url`` defaults to ``api_url``.
    client_id, client_secret:
        The app's credentials from the Procore Developer Portal.
    company_id:
        The company whose data to read (sent as ``Procore-Company-Id``).
    grant:
        ``"authorization_code"`` (a person signs in) or ``"client_credentials"``
        (a service account).
    cache:
        ``"read_write"``, ``"none"``, ``"reauth"`` or a :class:`TokenCache`.
    ca_file:
        A certificate authority to trust, such as the sandbox's ``--tls`` CA.
    timeout:
        Seconds to wait for a connection and for each read; a whole call, retries
        included, ends by ``ClientConfig.deadline`` (120 s by default).
    progress:
        Show a progress bar for pulls of several pages lasting ``progress_delay`` or more.
    config:
        Rarely changed settings (:class:`ClientConfig`).

    Examples
    --------
    >>> import procore_nb as pnb
    >>> client = pnb.Client("sandbox", client_id="my-app", client_secret="...")
    >>> client.signed_in
    False
    >>> url = client.authorization_url()      # open it, allow, copy the code
    >>> client.exchange_code("...")           # doctest: +SKIP
    >>> client.projects(status="all")         # doctest: +SKIP
    >>> client.frame("rfis", projects="active", status="open")  # doctest: +SKIP
    >>> help(client.r.submittals)             # its filters and columns  # doctest: +SKIP
    """

    def __init__(
        self,
        env: str | None = None,
        *,
        api_url: str | None = None,
        login_url: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        company_id: int | str | None = None,
        grant: str | None = None,
        cache: str | TokenCache = "read_write",
        ca_file: str | None = None,
        timeout: float = 30.0,
        progress: bool = True,
        config: ClientConfig | None = None,
    ) -> None:
        explicit = {
            "api_url": api_url,
            "login_url": login_url,
            "client_id": client_id,
            "client_secret": client_secret,
            "company_id": company_id,
            "grant": grant,
            "ca_file": ca_file,
        }
        self._settings: Settings = resolve_settings(env, explicit=explicit)
        if config is not None and not isinstance(config, ClientConfig):
            raise ConfigurationError(f"config must be a ClientConfig, not {type(config).__name__}.")
        timeout = check_seconds("Client(timeout=...)", timeout)
        self._config = config or ClientConfig()
        self.progress = check_flag("Client(progress=...)", progress)
        conf = self._config
        self._transport = Transport(
            ca_file=self._settings.ca_file,
            timeout=timeout,
            retries=conf.retries,
            backoff=(conf.backoff_factor, conf.backoff_jitter),
            max_wait=conf.max_wait,
            deadline=conf.deadline,
            pool_size=max(10, (conf.max_workers or MAX_WAVE) + 2),
        )
        s = self._settings
        self._auth = Authenticator(
            s.env,
            app=(s.login_url, s.client_id, s.client_secret),
            cache=cache_from_name(cache),
            cache_key=self._cache_key(),
            transport=self._transport,
            config=conf,
        )
        self._session = Session(s, auth=self._auth, transport=self._transport, config=conf)
        self._reader = Reader(self._session, workers=conf.max_workers or DEFAULT_WAVE)
        warm_up()  # pandas and pyarrow import in the background while the user signs in

    def _cache_key(self) -> str:
        s = self._settings
        where = s.env if s.env != "custom" else f"custom-{urlsplit(s.api_url).netloc}"
        return f"{where}-{s.client_id or ''}"

    # -- settings ----------------------------------------------------------------------

    @property
    def env(self) -> str:
        """The environment: production, sandbox, monthly, fedramp or custom."""
        return self._settings.env

    @property
    def api_url(self) -> str:
        """The REST API host."""
        return self._settings.api_url

    @property
    def login_url(self) -> str:
        """The OAuth host."""
        return self._settings.login_url

    @property
    def client_id(self) -> str | None:
        """The app's client id (not a secret)."""
        return self._settings.client_id

    @property
    def has_client_secret(self) -> bool:
        """Whether a client secret is configured (the secret itself is never exposed)."""
        return bool(self._settings.client_secret)

    @property
    def company_id(self) -> int | None:
        """The company sent as ``Procore-Company-Id``; settable with an int or its digits."""
        return self._session.company_id

    @company_id.setter
    def company_id(self, value: int | str | None) -> None:
        self._session.company_id = parse_company_id(value)

    @property
    def grant(self) -> str:
        """``"authorization_code"`` (a person signs in) or ``"client_credentials"``."""
        return self._session.grant

    @grant.setter
    def grant(self, value: str) -> None:
        self._session.grant = value

    @property
    def sign_in_hint(self) -> str:
        """Appended to ``NotSignedInError`` messages (the login widget points at itself)."""
        return self._session.sign_in_hint

    @sign_in_hint.setter
    def sign_in_hint(self, value: str) -> None:
        self._session.sign_in_hint = value

    @property
    def signed_in(self) -> bool:
        """Whether the client holds a token (no I/O; it may still be refreshed on use)."""
        return self._auth.token is not None

    @property
    def token(self) -> Token | None:
        """The current :class:`Token` (its repr hides the secrets), or ``None``."""
        return self._auth.token

    def __repr__(self) -> str:
        return (
            f"Client(env={self.env!r}, api_url={self.api_url!r}, client_id={self.client_id!r}, "
            f"company_id={self.company_id!r}, grant={self.grant!r}, signed_in={self.signed_in})"
        )

    def close(self) -> None:
        """Close pooled connections (the sign-in stays cached)."""
        self._transport.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- signing in --------------------------------------------------------------------

    def _require_credentials(self, *, secret: bool = True) -> None:
        if not self.client_id or (secret and not self.has_client_secret):
            raise ConfigurationError(
                missing_credentials_message(self._settings, need_secret=secret)
            )

    def authorization_url(self, *, state: str | None = None) -> str:
        """The out-of-band authorize URL (with ``state``) for the user to open.

        After allowing access, Procore shows a code: pass it to :meth:`exchange_code`.
        """
        self._require_credentials()
        url, _ = self._auth.authorization_url(state=state)
        return url

    def exchange_code(self, code: str) -> None:
        """Complete sign-in with the ``code`` Procore showed; the token is cached.

        Raises :class:`AuthenticationError` (``error="invalid_grant"``) for a used or
        expired code: codes are single-use and expire after 10 minutes.
        """
        code = (code or "").strip()
        if not code:
            raise ConfigurationError(
                "The authorization code is empty: paste the code Procore showed after you "
                "allowed access (open the link again if you lost it)."
            )
        self._require_credentials()
        self._auth.exchange_code(code)
        self.grant = AUTHORIZATION_CODE

    def login_service_account(self) -> None:
        """Sign in as the app's service account (client-credentials grant)."""
        self._require_credentials()
        self._auth.login_service_account()
        self.grant = CLIENT_CREDENTIALS

    def restore(self) -> bool:
        """Use the cached sign-in, refreshing it if needed; ``False`` if none is usable."""
        if not self.client_id:
            return False
        restored = self._auth.restore()
        token = self._auth.token
        if restored and token is not None:
            self.grant = token.grant
        return restored

    def logout(self) -> bool:
        """Revoke the token (best effort) and forget it, here and cached; ``True`` if one was."""
        return self._auth.logout()

    def token_info(self) -> dict[str, Any]:
        """Procore's description of the current token (``/oauth/token/info``)."""
        reply = self._session.call(
            "GET", f"{self.login_url}/oauth/token/info", params=None, company=None, follow=False
        )
        return dict(reply.data) if isinstance(reply.data, Mapping) else {"info": reply.data}

    store_class: ClassVar[Any] = None  #: set by procore_nb.store (api may not import it)

    def store(self, path: str | None = None, **options: Any) -> Any:
        """This company's local store (:class:`procore_nb.Store`): lists synced to DuckDB."""
        return Client.store_class(self, path, **options)
