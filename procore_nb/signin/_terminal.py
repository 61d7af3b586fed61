"""Signing in without widgets: the authorize URL printed, the code read with ``getpass``.

The code is read with :func:`getpass.getpass`, so it is neither echoed nor kept in the
terminal's scrollback. The client secret is never asked for: it comes from
``PROCORE_CLIENT_SECRET`` or the config file, never from a prompt or a command-line flag
(flags are visible to every user of the machine in ``ps``).
"""

from __future__ import annotations

import getpass
import warnings
from collections.abc import Callable

from procore_nb._exceptions import ConfigurationError
from procore_nb.api._client import Client
from procore_nb.signin._messages import (
    EMPTY_CODE,
    env_label,
    missing_credentials,
    signed_in_text,
)

__all__ = ["ask_for_code", "restore_or_ask"]

Prompt = Callable[[str], str]


def restore_or_ask(client: Client, *, prompt: Prompt | None = None) -> None:
    """Use the cached token if it works, else sign in with a code read by ``prompt``."""
    if missing_credentials(client, terminal=True) is None and client.restore():
        print(signed_in_text(client))
        return
    ask_for_code(client, prompt=prompt)


def ask_for_code(client: Client, *, prompt: Prompt | None = None) -> None:
    """Print the authorize URL, read the code with ``prompt`` (``getpass``) and sign in.

    Raises
    ------
    ConfigurationError
        The client id or secret is missing, no code was pasted, or standard input is
        closed.
    AuthenticationError, TransportError, ServerError
        Procore rejected the code or could not be reached.
    """
    problem = missing_credentials(client, terminal=True)
    if problem:
        raise ConfigurationError(problem)
    read = prompt or _read_code
    print(
        f"Sign in to Procore ({env_label(client)}):\n"
        "  1. Open this address in a browser:\n"
        f"     {client.authorization_url()}\n"
        "  2. Sign in and press Allow: Procore shows a code.\n"
        "  3. Paste the code here within 10 minutes (it is not echoed).",
        flush=True,
    )
    try:
        code = read("Code: ").strip()
    except EOFError:
        print(flush=True)  # end the prompt's line
        raise ConfigurationError(
            "Could not read the code: standard input is closed (a script, a pipe or a job "
            "without a terminal). Sign in once in a terminal with 'procore-nb login' (the "
            "token is cached for scripts), or use a service account "
            "(grant='client_credentials')."
        ) from None
    if not code:
        raise ConfigurationError(EMPTY_CODE)
    client.exchange_code(code)
    print(signed_in_text(client))


def _read_code(text: str) -> str:
    """The code, read without echo where there is a terminal (``getpass``). Without one
    (a pipe, a job), getpass reads the line plainly: its GetPassWarning, a traceback-like
    line about echo that a pipe does not have, is left out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", getpass.GetPassWarning)
        return getpass.getpass(text)
