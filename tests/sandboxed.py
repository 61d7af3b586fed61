"""A client bound to a sandbox, as the tests of every area build one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from procore_nb import Client
from procore_nb.sandbox import Sandbox

#: The type of the ``make_client`` fixtures. Imported from here, not from a conftest: with
#: several test folders in one run, ``conftest`` names whichever was imported first.
MakeClient = Callable[..., Client]


def sandbox_client(
    sb: Sandbox,
    *,
    signed_in: bool = True,
    login: str | None = None,
    password: str | None = None,
    **options: Any,
) -> Client:
    """A client of ``sb``'s demo app in its main company, without progress bar or token cache.

    ``signed_in`` exchanges a fresh code for ``login`` (default: the demo admin); other
    keyword arguments go to :class:`Client` and override those defaults.
    """
    settings: dict[str, Any] = {"company_id": sb.company_id, "progress": False, "cache": "none"}
    client = Client(
        api_url=sb.url,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        **(settings | options),
    )
    if signed_in:
        client.exchange_code(sb.authorize(login=login, password=password))
    return client
