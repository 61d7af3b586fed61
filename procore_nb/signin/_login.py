"""Signing in: the ``login()`` cascade.

The cascade, in order (like pydata-google-auth's: cheapest first, a person last):

1. a service account (``grant="client_credentials"``) signs in on its own;
2. a cached token that still works (refreshed if needed) is used without asking;
3. otherwise a person signs in with Procore's out-of-band code: in a notebook through the
   login widget (``procore_nb.LoginWidget``), elsewhere by pasting the code at a ``getpass``
   prompt (:mod:`procore_nb.signin._terminal`).

In an unattended run (``procore-nb run``, ``PROCORE_NB_UNATTENDED=1``) nobody can paste a
code: the third step raises :class:`~procore_nb.NotSignedInError` at once instead of waiting,
and the login cell prints who signed in and how, so that the report says it.

What each flow tells a person lives in :mod:`procore_nb.signin._messages`.
"""

from __future__ import annotations

import logging
from typing import Any

from procore_nb._exceptions import (
    ConfigurationError,
    NotFoundError,
    NotSignedInError,
    PermissionDeniedError,
    RateLimitError,
)
from procore_nb.api._client import Client
from procore_nb.api._config import ATTENDED_MAX_WAIT, unattended
from procore_nb.api._pacing import waits_at_most
from procore_nb.api._tokens import TokenCache
from procore_nb.signin._messages import (
    env_label,
    missing_credentials,
    no_unattended_sign_in,
    signed_in_text,
    warn_once,
)
from procore_nb.signin._notebook import in_notebook, widgets_available
from procore_nb.signin._terminal import restore_or_ask

__all__ = ["login", "sign_in", "sign_in_unattended"]

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
    In an unattended run (``PROCORE_NB_UNATTENDED=1``, set by ``procore-nb run``) nobody
    is asked: without a service account or a cached sign-in it raises at once.

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

    Raises
    ------
    NotSignedInError
        In an unattended run, when neither a service account nor a cached sign-in works.

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
    warn_once()
    if unattended():
        print(sign_in_unattended(client))
        return client
    if client.grant == "client_credentials":
        client.login_service_account()
        logger.info("signed in with the service account of %s", env_label(client))
        if in_notebook():  # the login cell says who signed in, in the notebook and its report
            print(_signed_in_line(client, how="service account"))
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


def sign_in_unattended(client: Client) -> str:
    """Sign ``client`` in without a person, and say who signed in and how.

    A service account signs in with client credentials; otherwise the cached sign-in is
    used (refreshed if needed). Nobody is ever asked for a code.

    Returns
    -------
    str
        ``"Signed in as NAME (LOGIN) · service account · ENV"`` (or ``cached sign-in``).

    Raises
    ------
    NotSignedInError
        Neither works: the message says how to set up either.
    ConfigurationError
        A service account without its client id or secret.
    """
    if client.grant == "client_credentials":
        problem = missing_credentials(client, terminal=True)
        if problem:
            raise ConfigurationError(problem)
        client.login_service_account()
        how = "service account"
    elif missing_credentials(client) is None and client.restore():
        how = "cached sign-in"
    else:
        raise NotSignedInError(no_unattended_sign_in(client))
    logger.info("signed in unattended (%s) to %s", how, env_label(client))
    return _signed_in_line(client, how=how)


def _signed_in_line(client: Client, *, how: str) -> str:
    """Who signed in, how and where; without the who when Procore will not say."""
    try:
        with waits_at_most(ATTENDED_MAX_WAIT):  # a sentence is not worth the next hour
            return signed_in_text(client, how=how)
    except (NotFoundError, PermissionDeniedError):
        # Procore answers /me for a service account only with a company (Procore-Company-Id)
        return f"Signed in · {how} · {env_label(client)} (set a company to see as whom)"
    except RateLimitError:
        # A spent hourly budget must not stop a notebook whose data the store holds.
        where = env_label(client)
        return f"Signed in · {how} · {where} (the rate limit is used up: not asked as whom)"
