"""The fast route of Client.frame: the ordinary route's frame, its waits put to use."""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest
from sandboxed import sandbox_client

from procore_nb import Client
from procore_nb.api import _pull
from procore_nb.frames._convert import to_frame
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., Client]


def _ordinary(client: Client, sb: Sandbox) -> pd.DataFrame:
    """The projects as the ordinary route builds them: every page decoded, then to_frame."""
    params = {"filters[by_status]": "All", "per_page": 60}
    rows = [row for page in client.pages("projects", params) for row in page]
    stages = client.project_stages()["name"].tolist()
    return to_frame(rows, "projects", stages=stages)


def _same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    left, right = left.copy(), right.copy()
    left.attrs, right.attrs = {}, {}
    pd.testing.assert_frame_equal(left, right)


def test_fast_route_gives_the_ordinary_frame(client: Client, sb: Sandbox) -> None:
    """Pages parsed to Arrow as they arrive give exactly the frame of decoded records."""
    assert _pull.fast_route()
    fast = client.projects(status="all", per_page=60)
    assert len(fast) == 400
    _same(fast, _ordinary(client, sb))
    assert fast["stage"].dtype == "category"


def _request_ids(caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Each logged GET's path (and page) -> the sandbox's request id (ids grow by arrival)."""
    found = {}
    for record in caplog.records:
        match = re.search(
            r"GET \S+?/rest/v1.0/(\S+) -> 200 .*request id (\w+)", record.getMessage()
        )
        if match:
            path = match.group(1)
            page = re.search(r"[?&]page=(\d+)", path)
            where = path.split("?")[0]
            found[f"{where} page {page.group(1)}" if page else where] = match.group(2)
    return found


def test_stage_list_goes_alongside_the_first_page(
    client: Client, sb: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """The stage list is asked for while page 1 is on its way, not after the last page."""
    sb.configure(latency=0.5)  # page 2 leaves half a second after the stage list at least
    with caplog.at_level(logging.DEBUG, logger="procore_nb.api._transport"):
        client.projects(status="all", per_page=150)  # three pages
    ids = _request_ids(caplog)
    stages = ids[f"companies/{sb.company_id}/project_stages page 1"]
    assert int(stages, 16) < int(ids["projects page 2"], 16), ids


def test_wave_is_sized_by_the_window(make_client: MakeClient, sb: Sandbox) -> None:
    """After page 1, every other page goes out at once when the window allows it."""
    sb.configure(rate_limit_spike=30)
    client = make_client(company_id=sb.company_id)
    client.projects(status="all", per_page=20)  # 20 pages; the window announces 30
    assert client._transport.gate.window() == 30
    pull = _pull.Pull.of(client._session, (None, {}, None), 20, None)  # type: ignore[arg-type]
    assert _pull._wave(pull, 19) == 19
    assert _pull._wave(pull, 45) == 30


def test_rate_bound_pull_meets_no_429() -> None:
    """A pull longer than the window waits for it, converting meanwhile, with zero 429s."""
    with Sandbox(seed=0, projects=400, rate_limit_spike=4, spike_window=2.0) as sb:
        client = sandbox_client(sb)
        sb.reset_counters()
        df = client.projects(status="all", per_page=80)  # 5 pages and the stages, 4 per 2 s
        assert len(df) == 400
        assert df["id"].is_unique
        assert sb.counters()["by_status"] == {"200": 6}


def test_without_msgspec_pages_go_through_json(
    client: Client, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without msgspec, free-form fields are decoded by json: the same frame."""
    monkeypatch.setitem(sys.modules, "msgspec", None)
    _same(client.projects(status="all", per_page=60), _ordinary(client, sb))


@pytest.fixture
def no_arrow_script(sb: Sandbox) -> str:
    """A script that pulls the sandbox's projects with pyarrow and msgspec unimportable."""
    return f"""
import json, sys
sys.modules["pyarrow"] = None
sys.modules["msgspec"] = None
import procore_nb
from procore_nb.api import _pull
client = procore_nb.Client(api_url={sb.url!r}, client_id={sb.client_id!r},
    client_secret={sb.client_secret!r}, company_id={sb.company_id}, cache="none", progress=False)
client.exchange_code({sb.authorize()!r})
df = client.projects(status="all", per_page=60)
print(json.dumps({{"fast": _pull.fast_route(), "rows": len(df), "arrow": "pyarrow" in
    {{m for m in sys.modules if sys.modules[m] is not None}},
    "dtypes": {{c: str(t) for c, t in df.dtypes.items()}}}}))
"""


def test_core_install_without_pyarrow_takes_the_ordinary_route(
    no_arrow_script: str, client: Client
) -> None:
    """With neither pyarrow nor msgspec, a pull still gives every row with the schema's dtypes."""
    done = subprocess.run(
        [sys.executable, "-c", no_arrow_script],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["fast"] is False
    assert result["arrow"] is False
    assert result["rows"] == 400
    expected = client.projects(status="all").dtypes
    assert result["dtypes"]["id"] == "Int64"
    assert result["dtypes"]["created_at"] == str(expected["created_at"])
    assert result["dtypes"]["stage"] == "category"


def test_the_pull_teaches_the_parser_with_page_one(
    client: Client, sb: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Page 1, and only page 1, is parsed as the list's first page, whose fields it learns."""
    from procore_nb.frames._pages import PageParser

    parse = PageParser.parse
    seen: list[tuple[bool, int]] = []

    def spy(self: PageParser, body: bytes, *, first: bool = False) -> Any:
        piece = parse(self, body, first=first)
        seen.append((first, json.loads(body)[0]["id"]))
        if first:
            assert self.learned is not None  # the later pages are read by what it learned
        return piece

    monkeypatch.setattr(PageParser, "parse", spy)
    fast = client.projects(status="all", per_page=60)
    assert len(seen) == 7
    assert [first for first, _ in seen].count(True) == 1
    assert next(row for first, row in seen if first) == fast["id"].iloc[0]
