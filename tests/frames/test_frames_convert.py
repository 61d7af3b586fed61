"""to_frame: flattening, unknown fields, stages, ids, money, time, bad values and bad records."""

from __future__ import annotations

import copy
import warnings
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import pytest

from procore_nb._exceptions import ConfigurationError, MalformedResponseError
from procore_nb.frames import _convert as _frames
from procore_nb.frames import _kinds
from procore_nb.frames._convert import CoercionWarning, to_frame
from procore_nb.frames._schema import SCHEMAS


def _quiet(records: Any, resource: str | None = "projects", **kw: Any) -> pd.DataFrame:
    """to_frame, failing the test on any warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return to_frame(records, resource, **kw)


def _warned(records: Any, resource: str | None = "projects") -> tuple[pd.DataFrame, dict[str, int]]:
    """to_frame, expecting exactly one CoercionWarning; returns the frame and its counts."""
    with pytest.warns(CoercionWarning) as caught:
        df = to_frame(records, resource)
    assert len(caught) == 1
    message = caught[0].message
    assert isinstance(message, CoercionWarning)
    return df, message.counts


# --- flattening and columns ----------------------------------------------------------------


def test_nested_objects_become_dotted_columns(make_record) -> None:
    """company, project_stage and project_template become dotted columns with their values."""
    record = make_record("projects")
    record["company"] = {"id": 8089, "name": "Acme Builders"}
    record["project_stage"] = {"id": 3, "name": "Bidding"}
    record["project_template"] = {"id": 12, "name": "Retail"}
    row = _quiet([record]).iloc[0]
    assert (row["company.id"], row["company.name"]) == (8089, "Acme Builders")
    assert (row["project_stage.id"], row["project_stage.name"]) == (3, "Bidding")
    assert (row["project_template.id"], row["project_template.name"]) == (12, "Retail")
    assert "company" not in row.index


def test_free_form_fields_stay_python_objects(make_record) -> None:
    """custom_fields and origin_data keep their Python objects, untouched, in one column."""
    fields = {"custom_field_1": {"value": ["a", "b"]}, "custom_field_2": {"value": None}}
    first, second = make_record("projects", 0), make_record("projects", 1)
    first["custom_fields"], first["origin_data"] = fields, "ERP-42"
    second["custom_fields"], second["origin_data"] = {}, None
    del second["custom_fields"]
    df = _quiet([first, second])
    assert df["custom_fields"].dtype == object
    assert df.loc[0, "custom_fields"] is fields
    assert df.loc[1, "custom_fields"] is None  # missing key: None, not NaN
    assert df.loc[0, "origin_data"] == "ERP-42"
    assert not any(c.startswith("custom_fields.") for c in df.columns)


def test_unknown_fields_pass_through_in_first_seen_order(make_record) -> None:
    """Unknown fields follow the schema columns in first-seen order, typed by pandas."""
    first, second = make_record("projects", 0), make_record("projects", 1)
    first["zeta"] = 1
    second["alpha"] = "x"
    second["zeta"] = 2
    first["tags"] = ["a", "b"]
    df = _quiet([first, second])
    assert list(df.columns)[len(SCHEMAS["projects"]) :] == ["zeta", "tags", "alpha"]
    assert df["zeta"].tolist() == [1, 2]
    assert df["zeta"].dtype == np.int64
    assert df.loc[0, "tags"] == ["a", "b"]
    assert pd.isna(df.loc[1, "tags"])
    assert df.loc[1, "alpha"] == "x"


def test_unknown_objects_are_flattened_recursively_and_lists_kept() -> None:
    """An unknown object becomes dotted columns at every depth; lists stay lists."""
    records = [
        {"id": 1, "meta": {"a": 1, "b": {"c": "deep"}, "l": [1, {"x": 2}]}},
        {"id": 2, "meta": None},
    ]
    df = _quiet(records, None)
    assert list(df.columns) == ["id", "meta.a", "meta.b.c", "meta.l"]
    assert df.loc[0, "meta.b.c"] == "deep"
    assert df.loc[0, "meta.l"] == [1, {"x": 2}]
    assert df["meta.a"].isna().tolist() == [False, True]


def test_an_unknown_field_both_object_and_scalar_keeps_both() -> None:
    """A field that is an object in one record and a number in another loses neither."""
    df = _quiet([{"x": {"a": 1}}, {"x": 5}], None)
    assert list(df.columns) == ["x", "x.a"]
    assert df["x"].tolist()[1] == 5
    assert df["x.a"].tolist()[0] == 1


def test_extra_keys_of_known_objects_are_kept(make_record) -> None:
    """A key Procore adds inside a known object (project_stage.category) becomes a column."""
    record = make_record("projects")
    record["project_stage"]["category"] = "Construction"
    df = _quiet([record])
    assert df.loc[0, "project_stage.category"] == "Construction"
    assert list(df.columns)[-1] == "project_stage.category"


def test_clashing_names_get_a_suffix_rather_than_dropping_data() -> None:
    """A literal "company.id" key next to a company object is kept as company.id.1."""
    df = _quiet([{"company": {"id": 1}, "company.id": 2}])
    assert df.loc[0, "company.id"] == 1
    assert df.loc[0, "company.id.1"] == 2


def test_records_without_fields_still_count() -> None:
    """Empty records still make rows: the frame has one row per record."""
    df = _quiet([{}, {}, {}], None)
    assert df.shape == (3, 0)


def test_input_records_are_not_modified(make_record) -> None:
    """Conversion leaves the caller's records exactly as they were."""
    records = [make_record("projects", i) for i in range(3)]
    records[1]["company"] = "not an object"
    records[2]["extra"] = {"nested": {"deep": [1]}}
    before = copy.deepcopy(records)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoercionWarning)
        to_frame(records, "projects")
    assert records == before


def test_any_iterable_of_mappings_is_accepted() -> None:
    """A tuple, a generator and read-only mappings convert like a list of dicts."""
    records = ({"id": 1}, MappingProxyType({"id": 2}))
    assert _quiet(records)["id"].tolist() == [1, 2]
    assert _quiet(r for r in records)["id"].tolist() == [1, 2]


def test_pure_python_fallback_gives_the_same_frame(make_record, monkeypatch) -> None:
    """Without pandas' private C helper the fallback path builds an identical frame."""
    records = [make_record("projects", i) for i in range(4)]
    records[2]["extra"] = {"a": [1, 2]}
    fast = _quiet(records)
    monkeypatch.setattr(_frames, "_DICTS_TO_ARRAY", None)
    pd.testing.assert_frame_equal(_quiet(records), fast)


# --- stages ---------------------------------------------------------------------------------


def test_stage_is_an_ordered_categorical_in_company_order(make_record) -> None:
    """With the company's stage list, both stage columns are one ordered categorical."""
    stages = ["Bidding", "Course of Construction", "Completed"]
    records = [make_record("projects", i) for i in range(3)]
    for record, name in zip(
        records, ["Completed", "Bidding", "Course of Construction"], strict=True
    ):
        record["stage"] = name
        record["project_stage"] = {"id": 1, "name": name}
    df = _quiet(records, stages=stages)
    for column in ("stage", "project_stage.name"):
        assert df[column].cat.ordered
        assert list(df[column].cat.categories) == stages
    assert df["stage"].dtype == df["project_stage.name"].dtype
    assert df.sort_values("stage")["stage"].tolist() == stages
    assert (df["project_stage.name"] < "Completed").tolist() == [False, True, True]


def test_a_stage_missing_from_the_list_is_appended_not_lost(make_record) -> None:
    """A stage name not in the list is kept, appended after the known ones (sorted)."""
    records = [make_record("projects", i) for i in range(4)]
    for record, name in zip(records, ["Warranty", "Bidding", "Archived", None], strict=True):
        record["stage"] = name
        record["project_stage"] = {"id": 1, "name": name}
    df = _quiet(records, stages=pd.Series(["Bidding", "Completed", None]))
    column = df["project_stage.name"]
    assert list(column.cat.categories) == ["Bidding", "Completed", "Archived", "Warranty"]
    assert column.tolist()[:3] == ["Warranty", "Bidding", "Archived"]
    assert pd.isna(column.tolist()[3])


def test_without_a_stage_list_stages_are_text(make_record) -> None:
    """Without stages=, the stage columns are plain string columns."""
    df = _quiet([make_record("projects")])
    assert df["stage"].dtype == "string"
    assert df["project_stage.name"].dtype == "string"


def test_stages_as_one_string_is_refused() -> None:
    """stages="Bidding" (a string, not a list) is a configuration error that says what to pass."""
    with pytest.raises(ConfigurationError, match="list of stage names"):
        to_frame([], "projects", stages="Bidding")


# --- ids --------------------------------------------------------------------------------------


def test_ids_beyond_32_and_53_bits_are_exact() -> None:
    """Ids above 2**32, above 2**53 (not exact in a float) and at the int64 limit stay exact."""
    ids = [2**32 + 1, 2**53 + 1, 2**63 - 1, None]
    df = _quiet([{"id": i, "company": {"id": 2**53 + 3}} for i in ids])
    assert df["id"].dtype == "Int64"
    assert df["id"].tolist()[:3] == ids[:3]
    assert pd.isna(df["id"].tolist()[3])
    assert df["company.id"].tolist() == [2**53 + 3] * 4


def test_string_ids_from_api_v2_become_integers() -> None:
    """v2 sends ids as strings: all-numeric ones convert to Int64 exactly."""
    df = _quiet([{"id": "562949953421313"}, {"id": str(2**53 + 1)}, {"id": ""}])
    assert df["id"].dtype == "Int64"
    assert df["id"].tolist()[:2] == [562949953421313, 2**53 + 1]
    assert pd.isna(df["id"].tolist()[2])


@pytest.mark.parametrize("odd", ["abc", "007", str(2**64), 2**64, 1.5, " 12"])
def test_an_id_that_is_not_an_integer_keeps_the_column_as_text(odd: Any) -> None:
    """One id that is not an integer keeps every id, as text, with a warning."""
    df, counts = _warned([{"id": 10}, {"id": odd}, {"id": 12.0}])
    assert df["id"].dtype == "string"
    assert df["id"].tolist() == ["10", str(odd), "12"]
    assert counts == {"id": 1}


def test_ids_that_are_objects_become_na_with_a_warning() -> None:
    """An id that is an object cannot be text either: NA, counted, the rest kept."""
    df, counts = _warned([{"id": "abc"}, {"id": {"x": 1}}, {"id": 3}])
    assert df["id"].tolist()[0] == "abc"
    assert pd.isna(df["id"].tolist()[1])
    assert df["id"].tolist()[2] == "3"
    assert counts == {"id": 2}


def test_ids_that_are_booleans_or_lists_do_not_turn_the_column_to_text() -> None:
    """Booleans and lists are no ids: NA with a count, and the column stays Int64."""
    df, counts = _warned([{"id": 1}, {"id": True}, {"id": [2]}])
    assert df["id"].dtype == "Int64"
    assert df["id"].isna().tolist() == [False, True, True]
    assert counts == {"id": 2}


# --- numbers, flags, text -----------------------------------------------------------------------


def test_money_sent_as_strings_is_parsed() -> None:
    """Money as strings ("1234567.0") and as numbers both become float64."""
    df = _quiet(
        [
            {"total_value": "1234567.0", "estimated_value": 10},
            {"total_value": 99.5, "estimated_value": "  "},
            {"total_value": None, "latitude": "47.6", "longitude": -122.3},
        ]
    )
    assert df["total_value"].dtype == np.float64
    assert df["total_value"].tolist()[:2] == [1234567.0, 99.5]
    assert df["estimated_value"].tolist()[0] == 10.0
    assert np.isnan(df["estimated_value"].tolist()[1])
    assert (df.loc[2, "latitude"], df.loc[2, "longitude"]) == (47.6, -122.3)


def test_values_that_are_not_numbers_become_nan_with_a_count() -> None:
    """Text, booleans and objects in a money column become NaN and are counted per column."""
    df, counts = _warned(
        [{"total_value": "abc"}, {"total_value": True}, {"total_value": "12"}, {"latitude": [1]}]
    )
    assert df["total_value"].isna().tolist() == [True, True, False, True]
    assert counts == {"total_value": 2, "latitude": 1}


def test_flags_accept_booleans_and_their_spellings() -> None:
    """true/false, "true"/"false" and 0/1 are flags; anything else is NA and counted."""
    df, counts = _warned([{"active": v} for v in [True, "false", 1, 0, "yes", None]])
    assert df["active"].dtype == "boolean"
    assert df["active"].tolist()[:4] == [True, False, True, False]
    assert df["active"].isna().tolist()[4:] == [True, True]
    assert counts == {"active": 1}


def test_scalars_in_text_columns_become_text_and_objects_na() -> None:
    """Numbers in a text column become their text; an object becomes NA and is counted."""
    df, counts = _warned([{"zip": 78701}, {"zip": True}, {"zip": {"code": 1}}, {"zip": "02134"}])
    assert df["zip"].tolist()[:2] == ["78701", "true"]
    assert pd.isna(df["zip"].tolist()[2])
    assert df["zip"].tolist()[3] == "02134"
    assert counts == {"zip": 1}


def test_lone_surrogates_in_text_are_kept() -> None:
    """Text that is not valid UTF-8 (json.loads allows lone surrogates) is kept as it came."""
    df = _quiet([{"name": "bad \ud800 text"}, {"name": "fine"}])
    assert df["name"].dtype == "string"
    assert df["name"].tolist() == ["bad \ud800 text", "fine"]


def test_lone_surrogates_in_unknown_fields_are_kept() -> None:
    """An unknown text field that Arrow refuses stays a column of Python objects, values intact."""
    df = _quiet([{"note": "x\ud800"}, {"note": None}, {"meta": {"s": "\udfff"}}], None)
    assert df["note"].tolist()[0] == "x\ud800"
    assert df["meta.s"].tolist()[2] == "\udfff"


def test_free_form_text_is_not_turned_into_a_string_column() -> None:
    """origin_data holding only strings stays an object column (pandas 3 would infer str)."""
    df = _quiet([{"origin_data": "ERP-1"}, {"origin_data": "ERP-2"}])
    assert df["origin_data"].dtype == object
    assert df["origin_data"].tolist() == ["ERP-1", "ERP-2"]


def test_a_known_object_that_is_not_one_is_counted() -> None:
    """company sent as a string cannot fill company.id/name: NA there, with a warning."""
    df, counts = _warned([{"company": "Acme"}, {"company": {"id": 1, "name": "B"}}])
    assert pd.isna(df.loc[0, "company.name"])
    assert df.loc[1, "company.name"] == "B"
    assert counts == {"company": 1}


def test_no_warning_for_clean_data_and_one_for_many_problems(make_record) -> None:
    """Clean records warn nothing; several problems make one warning naming every column."""
    _quiet([make_record("projects", i) for i in range(5)])
    df, counts = _warned(
        [{"created_at": "yesterday", "start_date": "soon", "total_value": "n/a"}] * 2
    )
    assert counts == {"created_at": 2, "start_date": 2, "total_value": 2}
    assert len(df) == 2


# --- time -------------------------------------------------------------------------------------

#: Filler rows that take a column past the length where pandas' vectorised parser is used,
#: so that each time test runs both the per-value and the vectorised path.
PATHS = pytest.mark.parametrize("pad", [0, _kinds.VECTOR_MIN], ids=["per-value", "vectorised"])


def _padded(records: list[dict[str, Any]], pad: int, **filler: Any) -> list[dict[str, Any]]:
    return records + [dict(filler) for _ in range(pad)]


@PATHS
def test_timestamps_are_utc_nanoseconds_from_any_iso_form(pad: int) -> None:
    """Procore's Z form, offsets, fractions and offset-less strings all land in UTC, in ns."""
    forms = [
        "2024-03-04T05:06:07Z",
        "2024-03-04T07:06:07+02:00",
        "2024-03-04T05:06:07.250Z",
        "2024-03-04T05:06:07",
        None,
    ]
    df = _quiet(_padded([{"created_at": f} for f in forms], pad, created_at="2020-01-01T00:00:00Z"))
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    expected = pd.Timestamp("2024-03-04T05:06:07Z")
    values = df["created_at"].tolist()
    assert values[:2] == [expected, expected]
    assert values[2] == expected + pd.Timedelta(milliseconds=250)
    assert values[3] == expected
    assert pd.isna(values[4])


@PATHS
def test_procore_form_timestamps_are_nanoseconds_too(pad: int) -> None:
    """Columns all in Procore's form also give datetime64[ns, UTC], not pandas 3's us."""
    records = [{"updated_at": "2024-03-04T05:06:07Z"}, {"updated_at": "1999-12-31T23:59:59Z"}]
    df = _quiet(_padded(records, pad, updated_at="2020-01-01T00:00:00Z"))
    assert str(df["updated_at"].dtype) == "datetime64[ns, UTC]"
    assert df["updated_at"].tolist()[1] == pd.Timestamp("1999-12-31T23:59:59Z")
    if pad:
        assert df["updated_at"].tolist()[-1] == pd.Timestamp("2020-01-01T00:00:00Z")


@PATHS
@pytest.mark.parametrize(
    "bad", ["yesterday", "9999-12-31T00:00:00Z", 1709528767, "2024-13-01T00:00:00Z"]
)
def test_timestamps_that_do_not_fit_become_nat_with_a_count(bad: Any, pad: int) -> None:
    """Unparseable, out-of-range (beyond 2262) and numeric timestamps become NaT, counted."""
    records = [{"created_at": "2024-03-04T05:06:07Z"}, {"created_at": bad}]
    df, counts = _warned(_padded(records, pad, created_at="2020-01-01T00:00:00Z"))
    assert df["created_at"].tolist()[0] == pd.Timestamp("2024-03-04T05:06:07Z")
    assert pd.isna(df["created_at"].tolist()[1])
    assert counts == {"created_at": 1}
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"


@PATHS
def test_dates_are_midnight_utc(pad: int) -> None:
    """Dates are midnight UTC of their day; a date sent with a time keeps its own day."""
    records = [
        {"start_date": "2024-05-01", "completion_date": None},
        {"start_date": "2024-05-01T23:30:00-05:00", "completion_date": ""},
    ]
    df = _quiet(_padded(records, pad, start_date="2024-05-01"))
    assert str(df["start_date"].dtype) == "datetime64[ns, UTC]"
    assert set(df["start_date"].tolist()) == {pd.Timestamp("2024-05-01", tz="UTC")}
    assert df["completion_date"].isna().all()
    assert df["start_date"].dt.hour.max() == 0


def test_dates_and_timestamps_subtract() -> None:
    """A date minus a timestamp is a Timedelta (both UTC), and they compare."""
    df = to_frame(
        [{"id": 1, "due_date": "2024-05-10", "created_at": "2024-05-01T12:00:00Z"}], "rfis"
    )
    assert (df["due_date"] - df["created_at"]).tolist() == [pd.Timedelta(days=8, hours=12)]
    assert bool((df["due_date"] > df["created_at"]).all())


@PATHS
def test_a_sentinel_date_beyond_nanoseconds_becomes_nat_with_a_count(pad: int) -> None:
    """9999-12-31 cannot be held in nanoseconds: NaT, counted, the record kept."""
    records = [{"completion_date": "9999-12-31"}, {"completion_date": "2030-01-01"}]
    df, counts = _warned(_padded(records, pad, completion_date="2030-01-01"))
    assert pd.isna(df["completion_date"].tolist()[0])
    assert df["completion_date"].tolist()[1] == pd.Timestamp("2030-01-01", tz="UTC")
    assert counts == {"completion_date": 1}
    assert len(df) == 2 + pad


# --- records that are not records ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "type_name"), [([1, 2], "list"), ("text", "str"), (7, "int"), (None, "NoneType")]
)
def test_a_record_that_is_not_an_object_is_a_malformed_response(item: Any, type_name: str) -> None:
    """A non-object in the list raises MalformedResponseError naming its index and type."""
    with pytest.raises(MalformedResponseError) as caught:
        to_frame([{"id": 1}, {"id": 2}, item], "projects")
    message = str(caught.value)
    assert "record 2 of 3" in message
    assert f"a {type_name}," in message
    assert "check the path" in message


@pytest.mark.parametrize("body", [{"data": []}, "[]", b"[]", 5, None])
def test_a_body_that_is_not_a_list_is_a_malformed_response(body: Any) -> None:
    """A JSON object (an error body, an unwrapped v2 body), text or a number is not a list."""
    with pytest.raises(MalformedResponseError, match="expected a list of records"):
        to_frame(body, "projects")
