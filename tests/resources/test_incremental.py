"""Incremental pulls: updated_at and include_deleted return what changed, as the server says."""

from __future__ import annotations

from datetime import datetime, timedelta

from procore_nb import Client
from procore_nb.sandbox import Sandbox


def test_updated_since_and_deleted_only(client: Client, sb: Sandbox) -> None:
    """After creates, updates and a delete, updated_at=(since, None) and include_deleted agree."""
    project = int(client.projects()["id"].iloc[0])
    before = client.frame("work_order_contracts", projects=[project])
    changes = sb.mutate(
        "work_order_contracts", project_id=project, create=2, update=3, delete=1, advance=3600
    )
    since = datetime.fromisoformat(changes["now"].replace("Z", "+00:00")) - timedelta(minutes=1)
    changed = client.frame("work_order_contracts", projects=[project], updated_at=(since, None))
    assert set(changed["id"]) == set(changes["created"]) | set(changes["updated"])
    gone = client.r.work_order_contracts([project], include_deleted="only")
    assert set(gone["id"]) == set(changes["deleted"])
    assert gone["deleted_at"].notna().all()
    both = client.frame("work_order_contracts", projects=[project], include_deleted="with")
    assert len(both) == len(before) + len(changes["created"])
    after = client.frame("work_order_contracts", projects=[project])
    assert len(after) == len(before) + len(changes["created"]) - len(changes["deleted"])
