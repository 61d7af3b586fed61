"""Every value is checked where it enters: one rule for the client's and the fan-out's arguments.

Python and numpy integers are accepted wherever a whole number is; ``bool``, floats (even
``3.0``), NaN, infinities, ``NaT``, ``Decimal`` and wrong types are refused with a
ConfigurationError naming the argument, and not one request reaches the sandbox.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sandboxed import sandbox_client

from procore_nb import Client, ConfigurationError
from procore_nb.api._checks import check_count, check_flag, check_id, check_moment
from procore_nb.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox; its tools stay on for every project."""
    with Sandbox(seed=3, projects=8, rate_limit_spike=100_000) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def client(sb: Sandbox) -> Client:
    """One signed-in client for the module (the checks change nothing in it)."""
    return sandbox_client(sb)


@pytest.fixture(scope="module")
def ids(client: Client) -> list[int]:
    """The ids of the sandbox's active projects."""
    return [int(i) for i in client.projects()["id"]]


def _refused(sb: Sandbox, call: Callable[[], Any], match: str) -> None:
    """``call`` raises ConfigurationError matching ``match``, and sends nothing."""
    sb.reset_counters()
    with pytest.raises(ConfigurationError, match=match) as info:
        call()
    assert "Nothing was sent" in str(info.value)
    assert sb.counters()["requests"] == 0


NOT_WHOLE = [
    3.0,
    5000000001.7,
    math.nan,
    math.inf,
    -math.inf,
    True,
    np.True_,
    "3",
    np.float64(3.0),
    np.float32(3.0),
    Decimal(3),
    None if False else pd.NA,
]


@pytest.mark.parametrize("value", NOT_WHOLE, ids=repr)
def test_limit_refuses_anything_but_a_whole_number(client: Client, sb: Sandbox, value: Any) -> None:
    """limit= refuses floats, NaN, infinities, bools, text and Decimal, naming limit."""
    _refused(sb, lambda: client.frame("projects", limit=value), "limit must be")


@pytest.mark.parametrize("value", [np.int64(3), np.int32(3), np.uint8(3), 3])
def test_limit_takes_numpy_integers(client: Client, value: Any) -> None:
    """limit=np.int64(3) (a number taken from a frame) reads three rows, like 3."""
    assert len(client.frame("projects", limit=value)) == 3


@pytest.mark.parametrize("value", [0, -1, np.int64(0)])
def test_limit_below_one_is_refused(client: Client, sb: Sandbox, value: Any) -> None:
    """limit=0 or less is refused: it is never 'no limit'."""
    _refused(sb, lambda: client.frame("projects", limit=value), "limit must be")


@pytest.mark.parametrize(
    "bad",
    [5000000001.7, 3.0, math.nan, math.inf, True, np.float64(7.0), -5, 0, "abc", None, pd.NA],
    ids=repr,
)
def test_project_ids_are_never_rounded(
    client: Client, sb: Sandbox, ids: list[int], bad: Any
) -> None:
    """projects= refuses a float id (5000000001.7 is not truncated), NaN, bools, text, 0."""
    _refused(sb, lambda: client.frame("rfis", projects=[ids[0], bad]), "is not an id")


def test_project_ids_as_numpy_integers_are_read(client: Client, ids: list[int]) -> None:
    """numpy ids, one or many, an array or a Series, are the same projects as ints."""
    as_ints = client.frame("rfis", projects=ids[:2])
    for projects in (
        [np.int64(i) for i in ids[:2]],
        np.array(ids[:2]),
        pd.Series(ids[:2], dtype="Int64"),
    ):
        df = client.frame("rfis", projects=projects)
        assert df.attrs["answered"] == ids[:2]
        assert len(df) == len(as_ints)
    one = client.frame("rfis", projects=np.int64(ids[0]))
    assert one.attrs["answered"] == [ids[0]]
    assert all(type(i) is int for i in one.attrs["answered"])


def test_a_frame_of_float_ids_is_refused(client: Client, sb: Sandbox, ids: list[int]) -> None:
    """A projects frame whose ids became floats (after a merge with NaN) is refused, not cut."""
    projects = pd.DataFrame({"id": [float(ids[0]), math.nan]})
    _refused(sb, lambda: client.frame("rfis", projects=projects), "is not an id")


def test_repeated_ids_in_every_spelling_are_read_once(client: Client, ids: list[int]) -> None:
    """The same project as int, numpy int and digits is read once."""
    df = client.frame("rfis", projects=[ids[0], np.int64(ids[0]), str(ids[0])])
    assert df.attrs["answered"] == [ids[0]]
    assert df.attrs["projects"] == 1


def test_an_empty_scope_sends_no_list_request(client: Client, sb: Sandbox) -> None:
    """projects=[] gives an empty frame with its columns; no RFI list is asked for."""
    sb.reset_counters()
    df = client.frame("rfis", projects=[])
    assert len(df) == 0
    assert "project_id" in df.columns
    assert df.attrs["answered"] == []
    assert not any("/rfis" in path for path in sb.counters()["by_path"])


@pytest.mark.parametrize(
    "value",
    [(pd.NaT, None), (np.datetime64("NaT"), None), (math.nan, None), (None, "2024-01-01")],
    ids=["pd.NaT", "np.NaT", "nan", "None-start"],
)
def test_range_ends_that_are_not_times_are_refused(
    client: Client, sb: Sandbox, ids: list[int], value: Any
) -> None:
    """updated_at=(NaT, None) and its kin are refused naming the filter, not a builtin error."""
    _refused(
        sb,
        lambda: client.frame("rfis", projects=ids[:1], updated_at=value),
        "the updated_at filter takes",
    )


def test_numpy_datetimes_and_timestamps_are_range_ends(client: Client, ids: list[int]) -> None:
    """np.datetime64 and pd.Timestamp ends read the same rows as datetime ends."""
    start = pd.Timestamp("2000-01-01", tz="UTC")
    plain = client.frame("rfis", projects=ids[:1], updated_at=(start.to_pydatetime(), None))
    numpy = client.frame("rfis", projects=ids[:1], updated_at=(np.datetime64("2000-01-01"), None))
    stamp = client.frame("rfis", projects=ids[:1], updated_at=(start, None))
    assert len(plain) == len(numpy) == len(stamp)


@pytest.mark.parametrize("bad", [1.5, 2.0, True, np.float64(2.0), "x"], ids=repr)
def test_integer_filters_refuse_floats_and_bools(
    client: Client, sb: Sandbox, ids: list[int], bad: Any
) -> None:
    """id=[1.5] and id=[True] are refused; nothing is rounded into another record's id."""
    _refused(sb, lambda: client.frame("projects", id=[ids[0], bad]), "the id filter takes")


def test_integer_filters_take_numpy_integers(client: Client, ids: list[int]) -> None:
    """id=[np.int64(...)] finds the same projects as plain ints."""
    df = client.frame("projects", id=[np.int64(ids[0]), np.uint64(ids[1])])
    assert sorted(int(i) for i in df["id"]) == sorted(ids[:2])


@pytest.mark.parametrize("bad", [None, "RAISE", ["skip"], 1, True])
def test_errors_is_skip_or_raise(client: Client, sb: Sandbox, ids: list[int], bad: Any) -> None:
    """errors= takes 'skip' or 'raise' only."""
    _refused(
        sb,
        lambda: client.frame("rfis", projects=ids[:1], errors=bad),
        "errors must be 'skip' or 'raise'",
    )


@pytest.mark.parametrize("bad", ["yes", "no", 1, 0, np.int64(1), math.nan])
def test_progress_is_true_or_false(client: Client, sb: Sandbox, bad: Any) -> None:
    """progress='no' is refused (it would be truthy and show a bar); numpy's bool is taken."""
    _refused(sb, lambda: client.frame("projects", progress=bad), "progress must be True or False")
    assert len(client.frame("projects", progress=np.bool_(False), limit=1)) == 1


@pytest.mark.parametrize("bad", ["no", None, 0, math.nan])
def test_the_client_progress_setting_is_true_or_false(sb: Sandbox, bad: Any) -> None:
    """Client(progress='no') is refused when the client is built; numpy's bool is taken."""
    with pytest.raises(ConfigurationError, match=r"Client\(progress=...\) must be True or False"):
        Client(api_url=sb.url, client_id="app", client_secret="secret", progress=bad)
    client = Client(api_url=sb.url, client_id="app", client_secret="secret", progress=np.False_)
    assert client.progress is False


def test_params_must_be_a_mapping(client: Client, sb: Sandbox) -> None:
    """params=[('page', 1)] is refused with what to pass instead."""
    _refused(sb, lambda: client.frame("projects", params=[("page", 1)]), "params= takes a dict")


@pytest.mark.parametrize("bad", [123, None, b"rfis", ["rfis"]], ids=repr)
def test_the_path_must_be_text(client: Client, sb: Sandbox, bad: Any) -> None:
    """frame(123) is refused naming what it takes, not an AttributeError."""
    _refused(sb, lambda: client.frame(bad), "takes a registry name")


@pytest.mark.parametrize("bad", [2.5, True, "many", 0])
def test_per_page_is_a_whole_number(client: Client, sb: Sandbox, bad: Any) -> None:
    """per_page=2.5, True, text or 0 are refused naming per_page."""
    sb.reset_counters()
    with pytest.raises(ConfigurationError, match="per_page must be"):
        client.frame("projects", per_page=bad)
    assert sb.counters()["requests"] == 0


def test_per_page_takes_numpy_integers(client: Client, sb: Sandbox) -> None:
    """per_page=np.int64(2) reads every row, two per page."""
    sb.reset_counters()
    df = client.frame("projects", per_page=np.int64(2))
    assert len(df) == len(client.projects())
    assert sb.counters()["by_path"]["/rest/v1.0/projects"] >= len(df) // 2


def test_the_checker_is_one_rule() -> None:
    """check_count, check_id, check_flag and check_moment agree on numpy and on NaN/NaT."""
    assert check_count("n", np.int64(4)) == 4
    assert type(check_count("n", np.int64(4))) is int
    assert check_id("id", np.uint32(7)) == 7
    assert check_id("id", " 12 ") == 12
    assert check_flag("f", np.bool_(True)) is True
    for bad in (np.float64(1.0), math.nan, True, Decimal(1)):
        with pytest.raises(ConfigurationError, match="n must be a whole number"):
            check_count("n", bad)
    for missing in (pd.NaT, np.datetime64("NaT"), math.nan, None):
        with pytest.raises(ConfigurationError, match="t must be a date"):
            check_moment("t", missing)
