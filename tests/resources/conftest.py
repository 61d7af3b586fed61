"""Fixtures for the resource tests: one sandbox per module, a signed-in client, server counts.

The server's own answer is the reference: :func:`server_count` asks the sandbox directly over
HTTP (not through the client) how many records a resource has in one project.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from sandboxed import sandbox_client

import procore_nb
from procore_nb._constants import COMPANY_HEADER, TOTAL_HEADER
from procore_nb._registry import Resource, registry
from procore_nb.sandbox import Sandbox

#: Keywords that make a resource return more than Procore's default (daily logs: today only).
WIDE: dict[str, dict[str, Any]] = {
    "manpower_logs": {"start_date": "2000-01-01", "end_date": "2100-12-31"},
    "notes_logs": {"start_date": "2000-01-01", "end_date": "2100-12-31"},
}


@pytest.fixture(autouse=True)
def _no_backoff() -> Iterator[None]:
    """Turn retry backoff sleeping off (announced waits are still honoured)."""
    procore_nb.set_testing(True)
    yield
    procore_nb.set_testing(False)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """A small company (12 projects) with a spike limit high enough not to matter."""
    with Sandbox(seed=0, projects=12, rate_limit_spike=100_000) as sb:
        yield sb


@pytest.fixture
def sb(sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox with fresh counters; options changed by the test are undone."""
    sandbox.reset_counters()
    yield sandbox
    sandbox.configure(latency=0.0, rate_limit_spike=100_000, spike_window=10.0)


@pytest.fixture
def client(sb: Sandbox) -> procore_nb.Client:
    """A client signed in as the demo admin, with the main company chosen."""
    return sandbox_client(sb)


def server_count(
    sb: Sandbox, client: procore_nb.Client, entry: Resource, project_id: int | None
) -> int | None:
    """How many records the server holds for ``entry`` (in one project); None on 403/404."""
    token = client.token
    assert token is not None
    headers = {"Authorization": f"Bearer {token.access_token}", COMPANY_HEADER: str(sb.company_id)}
    fill: dict[str, Any] = {"company_id": sb.company_id, "project_id": project_id}
    params: dict[str, Any] = dict(WIDE.get(entry.name, {}))
    if entry.scope == "company_query":
        params["company_id"] = sb.company_id
    if entry.scope == "project_query":
        params["project_id"] = project_id
    if entry.parent:
        parent = registry()[entry.parent]
        views = _get(sb, parent.path.format(**fill), headers, {"project_id": project_id})
        if views is None or not views.json():
            return None if views is None else 0
        fill[entry.parent_param] = views.json()[0][parent.key]
    if entry.paged:
        params["per_page"] = 1
    answer = _get(sb, entry.path.format(**fill), headers, params)
    if answer is None:
        return None
    return int(answer.headers[TOTAL_HEADER]) if entry.paged else len(answer.json())


def _get(
    sb: Sandbox, path: str, headers: dict[str, str], params: dict[str, Any]
) -> requests.Response | None:
    answer = requests.get(sb.url + path, headers=headers, params=params, timeout=30)
    if answer.status_code in (403, 404):
        return None
    answer.raise_for_status()
    return answer
