"""Authenticated calls: the bearer token, renewal on a 401, errors, and one page of a list.

:class:`Session` is what every request of a :class:`~procore_nb.Client` goes through. It
asks the :class:`~procore_nb.api._auth.Authenticator` for a fresh token right before
sending (after any pacing wait), renews it when Procore answers 401, and turns error
answers into the error tree with advice that only the caller's context can give.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Mapping
from typing import Any

from procore_nb._constants import COMPANY_HEADER, PER_PAGE_HEADER, TOTAL_HEADER
from procore_nb._exceptions import CompanyRequiredError, NotSignedInError
from procore_nb.api._auth import CLIENT_CREDENTIALS, Authenticator
from procore_nb.api._config import ClientConfig, Settings, parse_company_id
from procore_nb.api._paging import Page
from procore_nb.api._paths import Endpoint, endpoint
from procore_nb.api._responses import Reply, error_for_response, not_records
from procore_nb.api._tokens import Token
from procore_nb.api._transport import Transport

__all__ = ["Session", "page_of"]


class Session:
    """Signed requests to one Procore environment.

    Parameters
    ----------
    settings:
        The resolved settings (environment, hosts, app credentials, grant).
    auth, transport, config:
        The sign-in, the HTTP sender and the rarely changed settings.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        auth: Authenticator,
        transport: Transport,
        config: ClientConfig,
    ) -> None:
        self._settings = settings
        self.auth = auth
        self.transport = transport
        self.config = config
        #: ``"authorization_code"`` or ``"client_credentials"``: how a lost token comes back.
        self.grant: str = settings.grant
        #: Appended to NotSignedInError messages (the login widget points at itself here).
        self.sign_in_hint = ""
        #: The company sent as ``Procore-Company-Id`` unless a call names another.
        self.company_id: int | None = settings.company_id
        self._signing_in = threading.Lock()

    @property
    def env(self) -> str:
        """The environment: production, sandbox, monthly, fedramp or custom."""
        return self._settings.env

    @property
    def api_url(self) -> str:
        """The REST API host every path is sent to."""
        return self._settings.api_url

    @property
    def _has_secret(self) -> bool:
        return bool(self._settings.client_secret)

    def __repr__(self) -> str:
        return f"Session({self._settings.api_url!r}, grant={self.grant!r})"

    def company(self, company_id: int | str | None) -> int:
        """The company to work in: ``company_id``, else the client's; raise if neither."""
        company = parse_company_id(company_id) if company_id is not None else self.company_id
        if company is None:
            raise CompanyRequiredError(
                "No company chosen: pass company_id=... to this call, or set client.company_id "
                "(client.companies() lists the ids), or set PROCORE_COMPANY_ID."
            )
        return company

    def company_for(self, where: Endpoint, company_id: int | str | None) -> int | None:
        """The company to send, or a CompanyRequiredError if the endpoint needs one."""
        if company_id is not None:
            return parse_company_id(company_id)
        company = self.company_id or where.company_in_path
        if company is not None or not where.needs_company(
            service_account=self.grant == CLIENT_CREDENTIALS
        ):
            return company
        raise CompanyRequiredError(
            f"{where.path} needs a company (the {COMPANY_HEADER} header) and none is set: pass "
            "company_id=... to this call, or set client.company_id (client.companies() lists "
            "the ids), or set PROCORE_COMPANY_ID. Nothing was sent."
        )

    def prepare(
        self, path: str, params: Mapping[str, Any] | None, company_id: int | str | None
    ) -> tuple[Endpoint, dict[str, Any], int | None]:
        """The endpoint of ``path``, its query with the company added, and the company."""
        where = endpoint(path, api_url=self._settings.api_url)
        company = self.company_for(where, company_id)
        return where, where.with_company_param(params, company), company

    def bearer(self) -> Token:
        """A fresh token: the current one, renewed, restored from the cache, or granted."""
        token = self.auth.fresh_token()
        if token is not None:
            return token
        with self._signing_in:  # threads that find no token at once share one sign-in
            token = self.auth.fresh_token()
            if token is not None:
                return token
            if self._settings.client_id and self.auth.restore():
                token = self.auth.fresh_token()
            elif self.grant == CLIENT_CREDENTIALS and self._settings.client_id and self._has_secret:
                token = self.auth.login_service_account()
        if token is None:
            hint = f"; {self.sign_in_hint}" if self.sign_in_hint else ""
            raise NotSignedInError(
                f"Not signed in to Procore ({self._settings.env}): sign in first with "
                "procore_nb.login(), or client.authorization_url() then "
                f"client.exchange_code(code){hint}."
            )
        return token

    def call(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        company: int | None,
        follow: bool = True,
        decode: bool = True,
    ) -> Reply:
        """Send an authenticated request, renewing the token on a 401; raise for error answers.

        A 401 renews the token once. A renewed token refused in turn is renewed again only
        if it ran out meanwhile (the request sat out Retry-After waits and retries longer
        than the token had left); a fresh token that is refused is a real refusal.
        ``follow=False`` refuses every redirect (OAuth calls such as the token info).
        """
        headers = {COMPANY_HEADER: str(company)} if company is not None else {}
        token = self.bearer()  # not signed in: say so before any pacing wait

        def bearer() -> str:
            # Asked right before sending, after the pacing wait: a token that ran out
            # while the request waited is renewed now rather than refused with a 401.
            nonlocal token
            token = self.bearer()
            return token.access_token

        send = functools.partial(
            self.transport.send,
            method,
            url,
            params=params,
            headers=headers,
            bearer=bearer,
            follow=follow,
        )
        reply = send(decode=decode)
        renewals = 0
        while reply.status == 401 and renewals < _MAX_RENEWALS:
            if renewals and not self.auth.expiring(token):
                break
            token = self.auth.renew(token)
            renewals += 1
            reply = send(decode=decode)
        if not 200 <= reply.status < 300:  # a 3xx left unfollowed, a 999: not an answer
            hint = None
            if reply.status == 429:
                hint = (
                    "Wait until then and try again; procore_nb sits out waits of up to "
                    f"ClientConfig.max_wait ({self.config.max_wait:g} s) by itself, so a "
                    "larger max_wait waits instead of failing."
                )
            elif reply.status == 404:
                sent = (
                    f"{COMPANY_HEADER}: {company}"
                    if company is not None
                    else f"no {COMPANY_HEADER}"
                )
                hint = (
                    f"Check the path, the company id ({sent}) and the environment "
                    f"({self._settings.env}, {self._settings.api_url}): ids of one company or "
                    "environment do not exist in another."
                )
            raise error_for_response(reply, hint=hint)
        return reply

    def page(
        self,
        where: Endpoint,
        params: Mapping[str, Any],
        company: int | None,
        page: tuple[int, int],
    ) -> Page:
        """Page ``page`` (number, size) of the list at ``where``, its rows decoded."""
        reply = self.page_reply(where, params, company, page)
        return page_of(where, reply, page[0])

    def page_reply(
        self,
        where: Endpoint,
        params: Mapping[str, Any],
        company: int | None,
        page: tuple[int, int],
        *,
        decode: bool = True,
    ) -> Reply:
        """The answer to page ``page`` (number, size); its body as bytes if not ``decode``."""
        number, size = page
        query = {**params, "page": number, "per_page": size}
        url = self._settings.api_url + where.path
        return self.call("GET", url, params=query, company=company, decode=decode)


def page_of(where: Endpoint, reply: Reply, number: int, rows: Any = None) -> Page:
    """The :class:`Page` a reply holds (``rows``: its records, if already decoded elsewhere)."""
    if rows is None:
        rows = where.unwrap(reply.data)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise not_records(reply, rows)
    headers = reply.response.headers
    return Page(
        number=number,
        rows=rows,
        total=_header_int(headers, TOTAL_HEADER),
        per_page=_header_int(headers, PER_PAGE_HEADER),
        has_next=_has_next(reply.response.links),
    )


#: Renewals one request may need: one for a 401, more only for tokens that ran out while
#: the request waited (bounded, so that a server issuing dead tokens cannot loop us).
_MAX_RENEWALS = 3


def _has_next(links: Mapping[str, Any]) -> bool | None:
    """Whether ``Link`` names a next page; ``None`` when it names no page at all.

    Procore's ``Link`` names ``first``, ``prev``, ``next`` or ``last`` on every page of a
    list with several; a header without any of them is malformed, and reading it as "no
    next page" would end the list early and drop the rest of the rows.
    """
    if not _PAGE_RELS & set(links):
        return None
    return "next" in links


_PAGE_RELS = frozenset({"first", "prev", "next", "last"})


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = (headers.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
