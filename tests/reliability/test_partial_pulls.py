"""Partial pulls: one pull across projects where projects answer 200, 403, 404, 500, hang and drop.

The misbehaving server of ``badserver.py`` answers each project's RFIs its own way; the frame
keeps every project that answered and names the others with their status, reason and
request id.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from badserver import Answer, BadServer, bad_server, paged

from procore_nb import (
    ClientConfig,
    PartialPullError,
    PermissionDeniedError,
    ProcoreTimeout,
    RateLimitError,
    ServerError,
    SkippedProjectsWarning,
    TransportError,
)
from procore_nb.api._projects import skipped_together

HANG = 4.0  # seconds the hanging project takes: far past the client's deadline
PROJECTS = {
    1: "Answers",
    2: "Forbidden",
    3: "Missing",
    4: "Failing",
    5: "Hanging",
    6: "Dropping",
    7: "Breaking off",
    8: "Answers too",
    9: "Empty",
}


def _rfis(project: int, count: int) -> list[dict[str, Any]]:
    return [{"id": project * 1000 + i, "subject": f"RFI {i} of {project}"} for i in range(count)]


class _DroppedError(ConnectionAbortedError):
    """Raised by a route to close the connection without an answer."""


def _hang(query: dict[str, str], url: str) -> Answer:
    time.sleep(HANG)
    return Answer([])


def _drop(query: dict[str, str], url: str) -> Answer:
    raise _DroppedError


@pytest.fixture
def server() -> Iterator[BadServer]:
    """A server where each of nine projects answers its RFIs its own way."""
    with bad_server() as bad:
        # A dropped connection is what _drop means: not a failure worth a traceback.
        bad._server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # quiet drops
        projects = [{"id": i, "name": name} for i, name in PROJECTS.items()]
        bad.routes["/rest/v1.0/projects"] = paged(projects)
        rfis = "/rest/v1.0/projects/{}/rfis"
        bad.routes[rfis.format(1)] = paged(_rfis(1, 5))
        bad.routes[rfis.format(2)] = lambda q, u: Answer(
            {"errors": "tool disabled"}, status=403, headers={"X-Request-Id": "req-403"}
        )
        bad.routes[rfis.format(3)] = lambda q, u: Answer({"errors": "not found"}, status=404)
        bad.routes[rfis.format(4)] = lambda q, u: Answer(
            {"errors": "boom"}, status=500, headers={"X-Request-Id": "req-500"}
        )
        bad.routes[rfis.format(5)] = _hang
        bad.routes[rfis.format(6)] = _drop
        bad.routes[rfis.format(7)] = lambda q, u: Answer(
            _rfis(7, 50), headers={"Total": "50"}, cut=True
        )
        bad.routes[rfis.format(8)] = paged(_rfis(8, 3))
        bad.routes[rfis.format(9)] = paged([])
        yield bad


def _client(server: BadServer) -> Any:
    return server.client(timeout=0.5, config=ClientConfig(retries=2, deadline=1.5))


def test_every_answered_project_is_kept_and_the_others_named(server: BadServer) -> None:
    """200s are kept in order; 403, 404, 500, a hang, a drop and a cut body are listed."""
    client = _client(server)
    with pytest.warns(SkippedProjectsWarning) as caught:
        df = client.frame("rfis", projects=list(PROJECTS))
    assert len(caught) == 1
    message = str(caught[0].message)
    assert message.startswith("6 of 9 projects were skipped for rfis")
    assert "read those projects again later" in message
    assert caught[0].message.asked == 9  # type: ignore[union-attr]  # SkippedProjectsWarning
    assert list(df["project_id"].unique()) == [1, 8]
    assert len(df) == 5 + 3
    assert df.attrs["answered"] == [1, 8, 9]
    skipped = {s["project_id"]: s for s in df.attrs["skipped"]}
    assert list(skipped) == [2, 3, 4, 5, 6, 7]
    assert [skipped[p]["status"] for p in (2, 3, 4)] == [403, 404, 500]
    assert skipped[2]["request_id"] == "req-403"
    assert skipped[4]["request_id"] == "req-500"
    assert skipped[4]["error"] == "ServerError"
    assert skipped[5]["error"] == "ProcoreTimeout"
    assert skipped[6]["error"] == "TransportError"
    assert skipped[7]["error"] == "TransportError"
    assert [skipped[p]["transient"] for p in (2, 3, 4, 5, 6, 7)] == [False, False] + [True] * 4
    assert skipped[4]["project_name"] == "Failing"
    assert all(s["reason"] for s in skipped.values())


def test_a_failing_project_is_retried_before_it_is_skipped(server: BadServer) -> None:
    """The 500 project is asked 1 + retries times, then skipped; the others are read."""
    client = _client(server)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)
        df = client.frame("rfis", projects=[1, 4])
    assert server.hits["/rest/v1.0/projects/4/rfis"] == 3
    assert df.attrs["answered"] == [1]
    assert len(df) == 5


@pytest.mark.parametrize(
    ("failing", "cause", "status"),
    [
        (2, PermissionDeniedError, 403),
        (4, ServerError, 500),
        (5, ProcoreTimeout, None),
        (6, TransportError, None),
    ],
)
def test_errors_raise_names_the_project_and_keeps_the_rows(
    server: BadServer, failing: int, cause: type[Exception], status: int | None
) -> None:
    """errors='raise': PartialPullError names the project; .partial holds the projects before."""
    path = f"/rest/v1.0/projects/{failing}/rfis"
    answer = server.routes[path]

    def late(query: dict[str, str], url: str) -> Answer:
        time.sleep(0.3)  # after the other two projects answered
        return answer(query, url)

    server.routes[path] = late
    client = _client(server)
    with pytest.raises(PartialPullError) as info:
        client.frame("rfis", projects=[1, 8, failing], errors="raise")
    error = info.value
    assert isinstance(error.__cause__, cause)
    assert error.project_id == failing
    assert error.project_name == PROJECTS[failing]
    assert error.status == status
    assert f"Project {failing} ({PROJECTS[failing]}) failed" in str(error)
    assert error.partial is not None
    assert error.partial.attrs["answered"] == [1, 8]
    assert len(error.partial) == 8


def test_a_scope_of_only_failures_is_an_empty_frame_that_says_so(server: BadServer) -> None:
    """Every project failing gives an empty frame listing all of them, not an exception."""
    client = _client(server)
    with pytest.warns(SkippedProjectsWarning, match="2 of 2 projects"):
        df = client.frame("rfis", projects=[4, 6])
    assert len(df) == 0
    assert df.attrs["answered"] == []
    assert [s["project_id"] for s in df.attrs["skipped"]] == [4, 6]


def test_the_client_reads_again_after_a_partial_pull(server: BadServer) -> None:
    """A project that failed and then heals is read by the next pull of the same client."""
    client = _client(server)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedProjectsWarning)
        first = client.frame("rfis", projects=[1, 4])
    assert first.attrs["answered"] == [1]
    server.routes["/rest/v1.0/projects/4/rfis"] = paged(_rfis(4, 2))
    again = client.frame("rfis", projects=[1, 4])
    assert again.attrs["answered"] == [1, 4]
    assert again.attrs["skipped"] == []
    assert len(again) == 7


def test_a_spent_rate_limit_ends_the_pull_with_the_rows_read(server: BadServer) -> None:
    """A 429 with a wait past max_wait is not one project's failure: it ends the pull, rows kept."""

    def spent(query: dict[str, str], url: str) -> Answer:
        time.sleep(0.3)  # after the other two projects answered
        return Answer({"errors": "rate limited"}, status=429, headers={"Retry-After": "3600"})

    server.routes["/rest/v1.0/projects/4/rfis"] = spent
    client = server.client(timeout=0.5, config=ClientConfig(retries=2, deadline=1.5, max_wait=1))
    with pytest.raises(RateLimitError) as info:
        client.frame("rfis", projects=[1, 8, 4])
    assert any("project 4 (Failing)" in note for note in info.value.__notes__)
    partial = info.value.partial
    assert partial is not None
    assert partial.attrs["answered"] == [1, 8]
    assert len(partial) == 8


def test_pulls_in_batches_warn_once_counting_the_whole_scope(server: BadServer) -> None:
    """skipped_together: batches of 3 warn once, '3 of 9 projects', not '1 of 3' per batch."""
    client = _client(server)
    ids = list(PROJECTS)
    server.routes["/rest/v1.0/projects/5/rfis"] = paged([])  # no hang: a quicker test
    server.routes["/rest/v1.0/projects/6/rfis"] = paged([])
    server.routes["/rest/v1.0/projects/7/rfis"] = paged([])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with skipped_together("rfis", asked=len(ids)) as skipped:
            for start in range(0, len(ids), 3):
                client.frame("rfis", projects=ids[start : start + 3])
    said = [w for w in caught if issubclass(w.category, SkippedProjectsWarning)]
    assert len(said) == 1
    assert str(said[0].message).startswith("3 of 9 projects were skipped for rfis")
    assert [s["project_id"] for s in skipped] == [2, 3, 4]
    assert said[0].filename == __file__  # pointed at the caller of the block
