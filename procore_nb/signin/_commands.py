"""``procore-nb login``, ``whoami`` and ``logout``: sign-in from a terminal, as commands.

The client secret is never asked for: it comes from ``PROCORE_CLIENT_SECRET`` or the
config file, never from a prompt or a command-line flag (flags are visible to every user
of the machine in ``ps``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from procore_nb._exceptions import ProcoreError
from procore_nb.api._client import Client
from procore_nb.api._config import ClientConfig
from procore_nb.api._tokens import FileTokenCache
from procore_nb.signin._login import sign_in
from procore_nb.signin._messages import (
    env_label,
    explain,
    missing_credentials,
    signed_in_text,
    warn_once,
)

__all__ = ["login_main", "logout_main", "whoami_main"]


def login_main(argv: Sequence[str]) -> int:
    """``procore-nb login``: sign in (or reuse the cached token) and say as whom."""
    parser = _parser("login", "Sign in to Procore from a terminal with the out-of-band code.")
    parser.add_argument(
        "--switch",
        action="store_true",
        help="sign out the cached account first (revoke it), then sign in again",
    )
    args = parser.parse_args(argv)
    client = None
    try:
        client = _make_client(args)
        if args.switch:
            client.logout()
        sign_in(client)
    except (ProcoreError, KeyboardInterrupt, EOFError) as exc:
        return _failed("login", exc, client)
    return 0


def whoami_main(argv: Sequence[str]) -> int:
    """``procore-nb whoami``: show who the cached sign-in belongs to (exit 1 if nobody)."""
    args = _parser("whoami", "Show who the cached Procore sign-in belongs to.").parse_args(argv)
    client = None
    try:
        client = _make_client(args)
        if client.grant == "client_credentials":
            client.login_service_account()
        elif missing_credentials(client, terminal=True) is not None or not client.restore():
            print(f"Not signed in to {env_label(client)}: run 'procore-nb login'.", file=sys.stderr)
            return 1
        print(signed_in_text(client))
        seconds = client.token_info().get("expires_in_seconds")
        if isinstance(seconds, int | float):
            print(f"The access token is valid for {int(seconds) // 60} more minutes.")
    except (ProcoreError, KeyboardInterrupt) as exc:
        return _failed("whoami", exc, client)
    return 0


def logout_main(argv: Sequence[str]) -> int:
    """``procore-nb logout``: revoke the cached token at Procore and delete it here."""
    parser = _parser("logout", "Revoke the cached Procore token and forget it.")
    parser.add_argument(
        "--all",
        action="store_true",
        help="delete every cached sign-in on this computer (every environment and app; "
        "not revoked at Procore)",
    )
    args = parser.parse_args(argv)
    if args.all:
        return _forget_all()
    client = None
    try:
        client = _make_client(args)
        had_token = client.logout()
    except (ProcoreError, KeyboardInterrupt) as exc:
        return _failed("logout", exc, client)
    if not had_token:
        print(f"Not signed in to {env_label(client)}: there was no cached token to revoke.")
        return 0
    print(
        f"Signed out of {env_label(client)}: the token was revoked at Procore "
        "and removed from this computer."
    )
    return 0


def _forget_all() -> int:
    cache = FileTokenCache()
    try:
        count = cache.clear_all()
    except ProcoreError as exc:
        print(f"procore-nb logout: {exc}", file=sys.stderr)
        return 1
    print(
        f"Removed {count} cached sign-in{'s' if count != 1 else ''} from {cache.directory}. "
        "They were not revoked at Procore: to revoke one, run 'procore-nb logout' with its "
        "settings before deleting it."
    )
    return 0


def _parser(command: str, description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"procore-nb {command}",
        description=description,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--env", help="production, sandbox, monthly or fedramp (default: PROCORE_ENV)"
    )
    parser.add_argument("--api-url", help="another API host, e.g. the local sandbox's URL")
    parser.add_argument("--login-url", help="another sign-in host (default: the API host)")
    parser.add_argument("--client-id", help="the app's client id (default: PROCORE_CLIENT_ID)")
    parser.add_argument("--ca-file", help="CA bundle to trust (e.g. the local sandbox's)")
    return parser


def _make_client(args: argparse.Namespace, *, config: ClientConfig | None = None) -> Client:
    """A client from the flags that were given (the rest comes from PROCORE_* and the config)."""
    warn_once()  # a command reads the token cache more than once at times: say things once
    names = ("env", "api_url", "login_url", "client_id", "ca_file")
    options: dict[str, Any] = {
        name: getattr(args, name) for name in names if getattr(args, name) is not None
    }
    if config is not None:
        options["config"] = config
    return Client(**options)


def _failed(command: str, exc: BaseException, client: Client | None) -> int:
    if isinstance(exc, KeyboardInterrupt | EOFError):
        print(f"procore-nb {command}: interrupted.", file=sys.stderr)
        return 130
    retry = f"run 'procore-nb {command}' again"
    message = str(exc) if client is None else explain(exc, client, retry=retry, terminal=True)
    print(f"procore-nb {command}: {message}", file=sys.stderr)
    return 1
