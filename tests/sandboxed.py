"""A client bound to a sandbox, and a notebook run against one, as the tests of every area need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

from procore_nb import Client
from procore_nb.sandbox import Sandbox

#: The day the data of every test sandbox is as of: pinned, so the suite gives the same
#: answers on any date (the sandbox's clock starts on it too).
TODAY = dt.date(2025, 12, 31)

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


def execute_and_save(notebook: Any, path: Path) -> str:
    """Run ``notebook`` in a python3 kernel (in ``path``'s folder), save it with its widget
    state as a person's Jupyter would, and return the saved file's text."""
    NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=120,
        store_widget_state=True,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    nbformat.write(notebook, path)
    return path.read_text(encoding="utf-8")
