"""The sandbox's today: the real date by default, pinned by ``today``, the start of its clock."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from sandbox_http import getter, sign_in
from sandboxed import TODAY

from procore_nb.sandbox import Options, Sandbox
from procore_nb.sandbox._data import MAIN_COMPANY_ID, World
from procore_nb.sandbox._store import Store


def _utc_day(moment: float) -> dt.date:
    return dt.datetime.fromtimestamp(moment, dt.UTC).date()


def test_the_default_today_is_the_real_date_and_the_clock_runs_on_it() -> None:
    """Without ``today`` the data is as of the real date (UTC), and the clock is real time."""
    before = dt.datetime.now(dt.UTC).date()
    with Sandbox(projects=5) as sb:
        assert sb.today in (before, dt.datetime.now(dt.UTC).date())
        assert _utc_day(sb.now()) == sb.today


@pytest.mark.parametrize("today", [dt.date(2031, 2, 28), "2019-07-04"])
def test_a_pinned_today_starts_the_clock_on_that_day(today: dt.date | str) -> None:
    """``today`` as a date or ISO string sets the data's day and the clock's, in a thread or
    a child process, and the answers' Date header says that day."""
    day = dt.date.fromisoformat(str(today))
    for process in (False, True):
        with Sandbox(projects=5, today=today, process=process) as sb:
            assert sb.today == day
            assert _utc_day(sb.now()) == day
            response = getter(sb, sign_in(sb)["access_token"])("/rest/v1.0/me")
            assert day.strftime("%d %b %Y") in response.headers["Date"]


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("2025-02-30", "YYYY-MM-DD"),
        ("31/12/2025", "YYYY-MM-DD"),
        ("2025-12-31T10:00:00", "YYYY-MM-DD"),
        (20251231, "YYYY-MM-DD"),
        ("1999-12-31", "between 2010-01-01 and 2059-12-31"),
        (dt.datetime(2025, 12, 31, 9, tzinfo=dt.UTC), "not a datetime"),
    ],
)
def test_bad_todays_are_refused_with_what_to_send(value: object, words: str) -> None:
    """A today that is not a plain date in range is refused, naming the option and the form."""
    with pytest.raises(ValueError, match="today") as caught:
        Sandbox(today=value)
    assert words in str(caught.value)


def test_records_depend_on_seed_and_today_only() -> None:
    """The same seed and today give the same projects and records; another today moves them."""
    first, again = (World(Options(seed=0, projects=40, today=TODAY)) for _ in range(2))
    later = World(Options(seed=0, projects=40, today=TODAY + dt.timedelta(days=100)))
    projects = first.companies[MAIN_COMPANY_ID].projects
    assert projects == again.companies[MAIN_COMPANY_ID].projects
    moved = later.companies[MAIN_COMPANY_ID].projects
    assert [p["name"] for p in projects] == [p["name"] for p in moved]
    shifted = [
        (dt.date.fromisoformat(b["created_at"][:10]) - dt.date.fromisoformat(a["created_at"][:10]))
        for a, b in zip(projects, moved, strict=True)
    ]
    assert set(shifted) == {dt.timedelta(days=100)}
    one, two = Store(first, 0), Store(again, 0)
    started = next(p["id"] for p in projects if p["stage"] == "Course of Construction")
    assert one.bucket("rfis", started).records == two.bucket("rfis", started).records
    newest = max(r["created_at"] for r in Store(later, 0).bucket("rfis", started).records)
    assert newest > str(TODAY)


def test_mutations_are_stamped_after_every_generated_record(sb: Sandbox) -> None:
    """Records made by mutate carry the clock's time, later than all the generated ones."""
    get = getter(sb, sign_in(sb)["access_token"])
    projects = get("/rest/v1.0/projects", company_id=sb.company_id, per_page=100).json()
    project = next(p for p in projects if p["stage"] == "Course of Construction")
    path = f"/rest/v1.0/projects/{project['id']}/rfis"
    newest = max(r["updated_at"] for r in get(path, per_page=1000).json())
    assert newest < f"{TODAY}T00:00:00Z"
    made = sb.mutate("rfis", project_id=project["id"], create=1)
    created = [r for r in get(path, per_page=1000).json() if r["id"] in made["created"]]
    assert created[0]["created_at"] > newest
    assert created[0]["created_at"] == made["now"]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "procore_nb.sandbox", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


def test_cli_takes_today_and_refuses_a_bad_one(tmp_path: Path) -> None:
    """``--today`` is listed, a bad value exits 2 naming it, a good one reaches the ready file."""
    assert "--today YYYY-MM-DD" in _cli("--help").stdout
    refused = _cli("--today", "tomorrow")
    assert refused.returncode == 2
    assert "today must be a date as YYYY-MM-DD" in refused.stderr
    ready = tmp_path / "ready.json"
    flags = ["--projects", "3", "--today", "2024-02-29", "--ready-file", str(ready)]
    process = subprocess.Popen(
        [sys.executable, "-m", "procore_nb.sandbox", *flags],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        while not lines[-1].startswith("sign in:"):
            lines.append(process.stdout.readline())
        description = json.loads(ready.read_text())
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert description["today"] == "2024-02-29"
    assert any("data as of:      2024-02-29" in line for line in lines)
