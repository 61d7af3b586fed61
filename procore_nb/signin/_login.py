"""Signing in: the ``login()`` cascade.

The cascade, in order (like pydata-google-auth's: cheapest first, a person last):

1. a service account (``grant="client_credentials"``) signs in on its own;
2. a cached token that still works (refreshed if needed) is used without asking;
3. otherwise a person signs in with Procore's out-of-band code: in a notebook through the
   login widget (:mod:`procore_nb.widgets`), elsewhere by pasting the code at a ``getpass``
   prompt (:mod:`procore_nb.signin._terminal`).

What each flow tells a person lives in :mod:`procore_nb.signin._messages`.
"""

from __future__ import annotations

import logging
from typing import Any

from procore_nb.api._client import Client
from procore_nb.api._tokens import TokenCache
from procore_nb.signin._messages import env_label
from procore_nb.signin._notebook import in_notebook, widgets_available
from procore_nb.signin._terminal import restore_or_ask

__all__ = ["login", "sign_in"]

logger = logging.getLogger("procore_nb.login")


def login(
    env: str | None = None,
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    company_id: int | str | None = None,
    grant: str | None = None,
    cache: str | TokenCache = "read_write",
    **options: Any,
) -> Client:
    """Return a :class:`Client` and sign it in the cheapest way that works.

    A service account signs in with client credentials; otherwise a cached token is used
    (refreshed if needed); otherwise, in a notebook, the login widget is shown and the
    client is returned at once (calls made before the code is pasted raise
    ``NotSignedInError`` saying to finish signing in in the cell above). Outside a notebook,
    or without ipywidgets, the authorize URL is printed and the code read with ``getpass``.

    Parameters
    ----------
    env : str, optional
        ``"production"``, ``"sandbox"``, ``"monthly"`` or ``"fedramp"``; default
        ``PROCORE_ENV`` or production.
    client_id, client_secret : str, optional
        The app's credentials; default ``PROCORE_CLIENT_ID`` and ``PROCORE_CLIENT_SECRET``
        or the config file. Keep the secret out of notebooks: use the environment.
    company_id : int, optional
        The company to work in (sets ``Procore-Company-Id``); the widget offers a picker.
    grant : str, optional
        ``"authorization_code"`` (a person signs in) or ``"client_credentials"`` (a
        service account); default ``PROCORE_GRANT`` or ``"authorization_code"``.
    cache : str or TokenCache, optional
        ``"read_write"`` (default), ``"none"`` or ``"reauth"`` (ignore the cached token and
        ask again), or a token cache object.
    **options
        Passed on to :class:`Client`, e.g. ``api_url`` and ``ca_file`` for the sandbox.

    Returns
    -------
    Client

    Examples
    --------
    >>> import procore_nb
    >>> client = procore_nb.login("sandbox")  # doctest: +SKIP
    >>> client.projects()  # doctest: +SKIP
    """
    return sign_in(
        Client(
            env,
            client_id=client_id,
            client_secret=client_secret,
            company_id=company_id,
            grant=grant,
            cache=cache,
            **options,
        )
    )


def sign_in(client: Client) -> Client:
    """Run the cascade on ``client``: service account, cached token, then a person."""
    if client.grant == "client_credentials":
        client.login_service_account()
        logger.info("signed in with the service account of %s", env_label(client))
        return client
    if in_notebook() and widgets_available():
        # Only a notebook pays for IPython and ipywidgets: `import procore_nb` stays fast.
        from IPython.display import display

        from procore_nb.signin._widget import LoginWidget

        widget = LoginWidget(client)
        widget.restore_or_ask()
        display(widget)  # type: ignore[no-untyped-call]  # IPython ships no annotations here
        return client
    restore_or_ask(client)
    return client
