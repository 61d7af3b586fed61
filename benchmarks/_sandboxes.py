"""Signing in to a benchmark's sandbox: as procore_nb does it, and as a plain script does it."""

from __future__ import annotations

import requests

import procore_nb
from procore_nb._constants import OOB_REDIRECT_URI
from procore_nb.sandbox import Sandbox


def signed_in(sb: Sandbox) -> procore_nb.Client:
    """A client of ``sb``'s main company, signed in with a fresh code, no cache, no bar."""
    client = procore_nb.Client(
        api_url=sb.url,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        company_id=sb.company_id,
        cache="none",
        progress=False,
    )
    client.exchange_code(sb.authorize())
    return client


def token_by_hand(sb: Sandbox) -> str:
    """The code exchange as a plain script does it; returns the access token."""
    answer = requests.post(
        f"{sb.url}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": sb.authorize(),
            "redirect_uri": OOB_REDIRECT_URI,
            "client_id": sb.client_id,
            "client_secret": sb.client_secret,
        },
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])
