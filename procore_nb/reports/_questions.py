"""Everyday questions the field and finance resources answer, one call each (public through
:mod:`.analysis`): hours per vendor and cost code, drawings revised lately, the OSHA incident
rate, what each commitment has invoiced against what it commits, and the open meeting items
of each project.

Each takes frames as :meth:`procore_nb.Client.frame` returns them and returns a small table.

Examples
--------
>>> from procore_nb.reports import analysis
>>> cards = client.frame("timecard_entries", projects="active",
...                      start_date="2025-01-01", end_date="2025-12-31")  # doctest: +SKIP
>>> people = client.frame("project_users", projects="active")  # doctest: +SKIP
>>> analysis.hours_by_vendor(cards, people)  # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd

from procore_nb._exceptions import ConfigurationError
from procore_nb.reports._columns import group_keys
from procore_nb.reports._columns import keys as _keys
from procore_nb.reports._columns import naive as _naive
from procore_nb.reports._columns import require as _require
from procore_nb.reports._kinds import Kind, declare

__all__ = [
    "OSHA_HOURS",
    "drawings_revised",
    "hours_by_vendor",
    "incident_rate",
    "invoiced_vs_committed",
    "open_meeting_items",
]

#: OSHA's rate base: 100 full-time workers for a year (100 x 40 hours x 50 weeks).
OSHA_HOURS = 200_000
#: The statuses of a meeting topic still to be dealt with (Procore's: Open, On Hold, Closed).
_UNRESOLVED = ("Open", "On Hold")


def hours_by_vendor(timecards: pd.DataFrame, users: pd.DataFrame) -> pd.DataFrame:
    """Hours worked per vendor and cost code, from timecard entries.

    ``timecards`` is ``timecard_entries`` (``party.id``, ``hours``, ``cost_code.name``);
    ``users`` is ``project_users`` or ``company_users`` (``id``, ``vendor.name``), which says
    whose company each person works for (people of the builder itself have their own company's
    name or ``(none)``). Columns: ``hours``, ``entries``, ``people``; the index is
    ``vendor``, ``cost_code``; sorted by hours, most first.
    """
    _require(timecards, ["party.id", "hours", "cost_code.name"], "hours_by_vendor (timecards)")
    _require(users, ["id", "vendor.name"], "hours_by_vendor (users)")
    firms = users.drop_duplicates("id").set_index("id")["vendor.name"]
    table = pd.DataFrame(
        {
            "vendor": _keys(timecards["party.id"].map(firms)),
            "cost_code": _keys(timecards["cost_code.name"]),
            "hours": timecards["hours"].astype("float64"),
            "party": timecards["party.id"],
        }
    )
    out = table.groupby(["vendor", "cost_code"]).agg(
        hours=("hours", "sum"), entries=("hours", "size"), people=("party", "nunique")
    )
    out = out.sort_values("hours", ascending=False, kind="stable")
    return declare(out, {"hours": "number", "entries": "count", "people": "count"})


def drawings_revised(
    revisions: pd.DataFrame, *, days: int = 30, as_of: pd.Timestamp | None = None
) -> pd.DataFrame:
    """The drawings revised in the last ``days`` days (received then, not their first issue).

    ``revisions`` is ``drawing_revisions`` (every revision: ``drawing_id``, ``number``,
    ``title``, ``revision_number``, ``received_date``, ``order_in_drawing``). ``as_of``
    defaults to the latest ``received_date`` in the frame. One row per drawing: its latest
    revision in the window, newest first.
    """
    wanted = ["drawing_id", "number", "title", "revision_number", "received_date"]
    _require(revisions, [*wanted, "order_in_drawing"], "drawings_revised")
    received = _naive(revisions["received_date"])
    end = _naive(pd.Series([as_of])).iloc[0] if as_of is not None else received.max()
    recent = (received > end - pd.Timedelta(days=days)) & (received <= end)
    revised = recent & (revisions["order_in_drawing"].astype("float64") > 1)
    scope = [c for c in ("project_id", "project_name") if c in revisions.columns]
    rows: pd.DataFrame = revisions.loc[revised, [*scope, *wanted]]
    rows = rows.sort_values("received_date", ascending=False, kind="stable")
    rows = rows.drop_duplicates("drawing_id").reset_index(drop=True)
    return declare(rows, {"drawing_id": "id", "received_date": "date"})


def incident_rate(
    incidents: pd.DataFrame, hours: pd.DataFrame, *, by: str = "project_name"
) -> pd.DataFrame:
    """Recordable incidents per 200,000 hours worked (OSHA's rate), per ``by`` value.

    ``incidents`` is ``incidents`` (``recordable``); ``hours`` is manpower logs
    (``man_hours``) or timecard entries (``hours``) over the same period. Columns:
    ``incidents``, ``recordable``, ``hours``, ``rate`` (recordable x 200,000 / hours; empty
    where no hours were logged); the last row, ``(all)``, is the whole.
    """
    _require(incidents, [by, "recordable"], "incident_rate (incidents)")
    column = next((c for c in ("man_hours", "hours") if c in hours.columns), None)
    if column is None:
        raise ConfigurationError(
            "incident_rate needs hours worked: manpower_logs (man_hours) or "
            "timecard_entries (hours), read with start_date= and end_date="
        )
    _require(hours, [by], "incident_rate (hours)")
    worked = hours.groupby(group_keys(hours, by, incidents))[column].sum().astype("float64")
    flags = incidents["recordable"].fillna(False).astype(bool)
    groups = group_keys(incidents, by, hours)
    table = pd.DataFrame(
        {
            "incidents": incidents.groupby(groups).size(),
            "recordable": flags.groupby(groups).sum(),
            "hours": worked,
        }
    )
    table[["incidents", "recordable"]] = table[["incidents", "recordable"]].fillna(0)
    table = table.astype({"incidents": "int64", "recordable": "int64", "hours": "float64"})
    table.loc["(all)"] = [table["incidents"].sum(), table["recordable"].sum(), worked.sum()]
    table["rate"] = (table["recordable"] * OSHA_HOURS / table["hours"]).where(table["hours"] > 0)
    table.index.name = by
    kinds: dict[str, Kind] = {"incidents": "count", "recordable": "count", "hours": "number"}
    return declare(table, {**kinds, "rate": "number"})


def invoiced_vs_committed(commitments: pd.DataFrame, requisitions: pd.DataFrame) -> pd.DataFrame:
    """What each commitment has invoiced against what it commits.

    ``commitments`` is ``work_order_contracts`` (and ``purchase_order_contracts``) with
    ``id``, ``title``, ``grand_total`` and ``approved_change_orders``; ``requisitions`` the
    subcontractor invoices (``commitment_id``, ``total_claimed_amount``, ``status``). Columns:
    ``committed`` (the revised contract: grand total plus approved change orders),
    ``invoiced`` (every invoice but drafts), ``approved`` (approved invoices),
    ``remaining`` and ``invoiced_share``; one row per commitment, the most invoiced share first.
    """
    _require(
        commitments,
        ["id", "title", "grand_total", "approved_change_orders"],
        "invoiced_vs_committed (commitments)",
    )
    _require(
        requisitions,
        ["commitment_id", "total_claimed_amount", "status"],
        "invoiced_vs_committed (invoices)",
    )
    scope = [c for c in ("project_name",) if c in commitments.columns]
    table = commitments[["id", *scope, "title"]].copy()
    table["committed"] = commitments["grand_total"].fillna(0.0).astype("float64") + commitments[
        "approved_change_orders"
    ].fillna(0.0).astype("float64")
    amounts = requisitions["total_claimed_amount"].fillna(0.0).astype("float64")
    billed = requisitions["status"].astype("string") != "draft"
    approved = requisitions["status"].astype("string").isin(["approved", "approved_as_noted"])
    key = requisitions["commitment_id"]
    table["invoiced"] = table["id"].map(amounts[billed].groupby(key[billed]).sum()).fillna(0.0)
    table["approved"] = table["id"].map(amounts[approved].groupby(key[approved]).sum()).fillna(0.0)
    # To the cent: sums of many invoices must not leave -$0.00 or 100.0000001% behind.
    table[["committed", "invoiced", "approved"]] = table[
        ["committed", "invoiced", "approved"]
    ].round(2)
    table["remaining"] = (table["committed"] - table["invoiced"]).round(2)
    table["invoiced_share"] = (table["invoiced"] / table["committed"]).where(
        table["committed"] != 0
    )
    table = table.rename(columns={"id": "commitment_id"})
    ordered = table.sort_values("invoiced_share", ascending=False, kind="stable")
    money: dict[str, Kind] = dict.fromkeys(
        ["committed", "invoiced", "approved", "remaining"], "money"
    )
    return declare(
        ordered.reset_index(drop=True),
        {**money, "invoiced_share": "share", "commitment_id": "id"},
    )


def open_meeting_items(
    topics: pd.DataFrame, *, as_of: pd.Timestamp | None = None, by: str = "project_name"
) -> pd.DataFrame:
    """Meeting items still open (and on hold) per ``by`` value, with how many are overdue.

    ``topics`` is ``meeting_topics`` (``status``, ``due_date``, ``created_on``). ``as_of``
    defaults to the latest ``created_on`` in the frame. Columns: ``items`` (every topic),
    ``open``, ``on_hold``, ``overdue`` (open or on hold, due before ``as_of``) and
    ``oldest_open_days`` (days since the oldest open or on-hold item was raised; empty where
    none is); one row per ``by`` value, the most open items first.
    """
    _require(topics, [by, "status", "due_date", "created_on"], "open_meeting_items")
    raised = _naive(topics["created_on"])
    end = _naive(pd.Series([as_of])).iloc[0] if as_of is not None else raised.max()
    status = topics["status"].astype("string")
    unresolved = status.isin(_UNRESOLVED).fillna(False).astype(bool)
    late = unresolved & (_naive(topics["due_date"]) < end).fillna(False).astype(bool)
    age = (end - raised).dt.days.astype("float64").where(unresolved)
    groups = group_keys(topics, by)
    table = pd.DataFrame(
        {
            "items": groups.groupby(groups).size(),
            "open": (status == "Open").fillna(False).astype(bool).groupby(groups).sum(),
            "on_hold": (status == "On Hold").fillna(False).astype(bool).groupby(groups).sum(),
            "overdue": late.groupby(groups).sum(),
            "oldest_open_days": age.groupby(groups).max(),
        }
    )
    counts = ["items", "open", "on_hold", "overdue"]
    table[counts] = table[counts].astype("int64")
    table.index.name = by
    table = table.sort_values(["open", "overdue"], ascending=False, kind="stable")
    return declare(table, {**dict.fromkeys(counts, "count"), "oldest_open_days": "days"})
