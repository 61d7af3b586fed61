"""Helpers for the sandbox tests: sign in and call the REST API over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from procore_nb._constants import COMPANY_HEADER, OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox


def exchange(sb: Sandbox, code: str, **extra: str) -> requests.Response:
    """POST /oauth/token with an authorization code, as a form."""
    data = {
        "grant_type": "authorization_code",
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "code": code,
        "redirect_uri": OOB_REDIRECT_URI,
    } | extra
    return requests.post(f"{sb.url}/oauth/token", data=data, timeout=10)


def sign_in(sb: Sandbox, **authorize: str) -> dict[str, Any]:
    """A fresh token body for the demo user (or whoever ``authorize`` names)."""
    response = exchange(sb, sb.authorize(**authorize))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def service_token(sb: Sandbox) -> str:
    """An access token of the service account (client_credentials)."""
    response = requests.post(
        f"{sb.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(sb.service_client_id, sb.service_client_secret),
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


Get = Callable[..., requests.Response]


def getter(sb: Sandbox, token: str) -> Get:
    """``get(path, company=True, **params)`` with the bearer token and company header."""

    def get(path: str, *, company: int | bool = True, **params: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"}
        if company is not False:
            headers[COMPANY_HEADER] = str(sb.company_id if company is True else company)
        return requests.get(f"{sb.url}{path}", headers=headers, params=params, timeout=10)

    return get


def opened(entry: Any, body: Any) -> list[dict[str, Any]]:
    """The records of an answer of ``entry``: a v2 envelope opened, a grouped list's groups
    opened (meetings), a show's rows taken out of it (meeting topics); else the list as is."""
    if entry.envelope:
        return list(body["data"])
    if entry.show:
        level = [body]
        for key in entry.rows.split("."):
            level = [inner for holder in level for inner in holder[key]]
        return level
    if entry.groups:
        return [item for group in body for item in group[entry.groups]]
    return list(body)
