"""The :class:`Client`: Procore's REST API with answers as pandas DataFrames.

The client composes the pieces that live in their own modules: settings
(:mod:`~procore_nb.api._config`), the sign-in (:mod:`~procore_nb.api._auth`), HTTP with retries
and pacing (:mod:`~procore_nb.api._transport`), paging (:mod:`~procore_nb.api._paging`) and the
conversion of records to typed frames (``procore_nb.frames._convert``). It adds what only it
knows: which paths need the ``Procore-Company-Id`` header, short paths such as
``"projects"``, and where a frame came from (``df.attrs``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from procore_nb._exceptions import (
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
)
from procore_nb.api._auth import AUTHORIZATION_CODE, CLIENT_CREDENTIALS, Authenticator
from procore_nb.api._config import (
    ClientConfig,
    Settings,
    missing_credentials_message,
    parse_company_id,
    resolve_settings,
)
from procore_nb.api._paging import fetch_all, iter_pages
from procore_nb.api._paths import is_compact, project_params
from procore_nb.api._session import Session
from procore_nb.api._tokens import Token, TokenCache, cache_from_name
from procore_nb.api._transport import Transport

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Client"]


def _to_frame(
    records: Sequence[Mapping[str, Any]], resource: str | None, stages: Sequence[str] | None
) -> pd.DataFrame:
    # Imported on first use: _frames imports pandas, which `import procore_nb` must not.
    from procore_nb.frames._convert import to_frame

    return to_frame(records, resource, stages=stages)


class Client:
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
        Seconds to wait for a connection and for each read.
    progress:
        Show progress bars for lists of several pages.
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
        self._config = config or ClientConfig()
        self.progress = progress
        self._stages: dict[int, list[str] | None] = {}
        conf = self._config
        self._transport = Transport(
            ca_file=self._settings.ca_file,
            timeout=timeout,
            retries=conf.retries,
            backoff=(conf.backoff_factor, conf.backoff_jitter),
            max_wait=conf.max_wait,
            pool_size=max(10, conf.max_workers + 2),
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

    def logout(self) -> None:
        """Revoke the token at Procore (best effort) and forget it here and in the cache."""
        self._auth.logout()

    def token_info(self) -> dict[str, Any]:
        """Procore's description of the current token (``/oauth/token/info``)."""
        reply = self._session.call(
            "GET", f"{self.login_url}/oauth/token/info", params=None, company=None
        )
        return dict(reply.data) if isinstance(reply.data, Mapping) else {"info": reply.data}

    # -- reading -----------------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """The signed-in user, as ``/rest/v1.0/me`` answers."""
        data = self.get("me")
        return dict(data) if isinstance(data, Mapping) else {"me": data}

    def companies(self) -> pd.DataFrame:
        """The companies the user can see, one row each."""
        return self.frame("companies")

    def project_stages(self, company_id: int | str | None = None) -> pd.DataFrame:
        """The company's project stages, in the company's order."""
        company = self._session.company(company_id)
        return self.frame(f"companies/{company}/project_stages", company_id=company)

    def projects(
        self, company_id: int | str | None = None, status: str = "active", **filters: Any
    ) -> pd.DataFrame:
        """Every project of the company matching ``status`` and ``filters``.

        Parameters
        ----------
        company_id:
            Defaults to :attr:`company_id`.
        status:
            ``"active"``, ``"inactive"`` or ``"all"``.
        **filters:
            Procore's project filters without the ``filters[...]`` wrapping: ``name="x"``,
            ``id=[1, 2]`` (a list sends an array), ``updated_at=(start, end)`` (a pair
            sends a range). ``sort``, ``serializer_view`` and ``view`` pass through.

        Examples
        --------
        >>> df = client.projects(status="all", name="tower")   # doctest: +SKIP
        """
        company = self._session.company(company_id)
        params = project_params(company, status, filters)
        return self.frame("projects", params, company_id=company)

    def frame(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        company_id: int | str | None = None,
        limit: int | None = None,
        progress: bool | None = None,
    ) -> pd.DataFrame:
        """Every row of any list endpoint as a DataFrame (or the first ``limit`` rows).

        ``path`` is ``/rest/v1.0/...``, ``/rest/v1.1/...``, ``/rest/v2.0/...``,
        ``/vapid/...`` or short (``"projects"`` means ``/rest/v1.0/projects``). Pages are
        the largest the endpoint allows unless ``params`` names a smaller ``per_page``;
        ``progress`` (default: the client's) shows a bar for pulls of several pages.
        ``df.attrs`` records the environment, path, company, fetch time and row count.

        Examples
        --------
        >>> client.frame("/rest/v1.1/projects", {"filters[by_status]": "All"})  # doctest: +SKIP
        >>> client.frame("projects", limit=50)       # a sample  # doctest: +SKIP
        """
        where, params, company = self._session.prepare(path, params, company_id)
        if limit is not None and limit < 1:
            raise ConfigurationError(f"limit must be a positive number of rows, not {limit!r}.")
        fetched_at = datetime.now(UTC).isoformat(timespec="seconds")
        records = fetch_all(
            lambda number, per_page: self._session.page(where, params, company, (number, per_page)),
            per_page=where.page_size(limit=limit, asked=params.pop("per_page", None)),
            limit=limit,
            workers=self._config.max_workers,
            progress=self.progress if progress is None else progress,
            label=where.resource or where.path.rsplit("/", 1)[-1],
            status=self._transport.gate.status,
        )
        resource = None if is_compact(params) else where.resource
        stages = self._stage_names(company) if resource == "projects" and company else None
        df = _to_frame(records, resource, stages)
        df.attrs.update(
            environment=self.env,
            path=where.path,
            company_id=company,
            fetched_at=fetched_at,
            rows=len(df),
        )
        return df

    def pages(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        company_id: int | str | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Yield a list endpoint's records page by page, for streaming large lists."""
        where, params, company = self._session.prepare(path, params, company_id)
        yield from iter_pages(
            lambda number, per_page: self._session.page(where, params, company, (number, per_page)),
            per_page=where.page_size(limit=None, asked=params.pop("per_page", None)),
        )

    def get(
        self,
        path: str,
        params: Mapping[str, Any] | None = None,
        *,
        company_id: int | str | None = None,
    ) -> Any:
        """The decoded JSON of any GET endpoint (``/rest/v2.x`` bodies unwrapped from ``data``)."""
        where, params, company = self._session.prepare(path, params, company_id)
        reply = self._session.call("GET", self.api_url + where.path, params=params, company=company)
        return where.unwrap(reply.data)

    store_class: ClassVar[Any] = None  #: set by procore_nb.store (api may not import it)

    def store(self, path: str | None = None, **options: Any) -> Any:
        """This company's local store (:class:`procore_nb.Store`): lists synced to DuckDB."""
        return Client.store_class(self, path, **options)

    # -- plumbing ----------------------------------------------------------------------

    def _stage_names(self, company: int) -> list[str] | None:
        if company not in self._stages:
            try:
                stages = self.get(f"companies/{company}/project_stages", company_id=company)
            except (PermissionDeniedError, NotFoundError):
                stages = None  # without the stage list the stage column stays text
            rows = stages if isinstance(stages, list) else []
            names = [str(s["name"]) for s in rows if isinstance(s, Mapping) and s.get("name")]
            self._stages[company] = names or None
        return self._stages[company]
