"""Who a scheduled run signs in as, checked before any kernel starts, for no request at all.

``procore-nb run`` checks that a sign-in works without a person and says whose it is. A
valid token in the cache is enough to know the sign-in works; who it belongs to and the
company's name were asked of Procore (``/me``, ``/companies``) by an earlier run and are
kept for :data:`KEEP` in ``<user cache>/procore_nb/signed-in.json``, so that a run whose
data the local store holds makes no request before its notebooks, even when the hourly
budget is spent. When those answers are older, they are asked again; a rate limit then
falls back to the kept answers (or to saying how the run signed in, without whom).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from procore_nb._exceptions import ConfigurationError, ProcoreError, RateLimitError
from procore_nb.api._client import Client
from procore_nb.signin._login import sign_in_unattended
from procore_nb.signin._messages import env_label

__all__ = ["KEEP", "Identity", "check_sign_in"]

#: Seconds the kept answer to "who is signed in" is used without asking again.
KEEP = 12 * 3600.0


@dataclass(frozen=True)
class Identity:
    """The run's sign-in, in words, and the company's name when known."""

    signed_in: str
    company: str | None = None
    requests: int = 0


def _file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("procore_nb", appauthor=False)) / "signed-in.json"


def _key(client: Client, grant: str) -> str:
    return f"{client.api_url} {client.client_id} {client.company_id} {grant}"


def _load() -> dict[str, Any]:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(key: str, identity: Identity) -> None:
    path = _file()
    kept = _load()
    kept[key] = {"signed_in": identity.signed_in, "company": identity.company, "at": time.time()}
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            json.dump(kept, stream)
        temporary.replace(path)
    except OSError:  # a cache that cannot be written costs a request next time, nothing more
        return


def check_sign_in(client: Client) -> Identity:
    """Sign ``client`` in without a person and say whose sign-in it is.

    With a valid cached token and a kept answer younger than :data:`KEEP`, no request is
    made. Raises what :func:`~procore_nb.signin._login.sign_in_unattended` raises when no
    sign-in works without a person.
    """
    grant = client.grant
    key = _key(client, grant)
    found = _load().get(key)
    kept: dict[str, Any] | None = found if isinstance(found, dict) else None
    fresh = (
        kept is not None and "signed_in" in kept and time.time() - float(kept.get("at", 0)) < KEEP
    )
    if kept is not None and fresh and client.client_id and client.restore():
        if client.grant == grant:
            return Identity(str(kept["signed_in"]), kept.get("company"))
        client.grant = grant  # a person's token under the service account's app: sign in anew
    try:
        line = sign_in_unattended(client)
    except RateLimitError:
        line = None
    if line is None or not line.startswith("Signed in as "):
        # Procore would not say who (a spent budget, no company): the kept answer says it.
        if kept is not None and "signed_in" in kept:
            return Identity(str(kept["signed_in"]), kept.get("company"), requests=1)
        if line is None:
            how = "service account" if grant == "client_credentials" else "cached sign-in"
            line = f"Signed in · {how} · {env_label(client)}"
        return Identity(line, requests=1)
    identity = Identity(line, _company_name(client), requests=2)
    _save(key, identity)
    return identity


def _company_name(client: Client) -> str | None:
    """The configured company's name (one request), or None when Procore will not say."""
    if client.company_id is None:
        return None
    try:
        companies = client.companies()
    except (ProcoreError, ConfigurationError):
        return None
    rows = companies[companies["id"] == client.company_id]
    return str(rows["name"].iloc[0]) if len(rows) and "name" in rows else None
