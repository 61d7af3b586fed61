"""``procore-nb sync`` and ``procore-nb store info``: the local store from a terminal.

The client is built as ``procore-nb whoami`` builds it (flags, then ``PROCORE_*``, then the
config file) and signs in with the cached token; nothing secret is read from the command
line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from procore_nb._exceptions import ProcoreError
from procore_nb.api._client import Client
from procore_nb.signin._commands import _make_client, _parser
from procore_nb.store._store import Store

__all__ = ["store_main", "sync_main"]


def _signed_in(args: argparse.Namespace) -> Client:
    client = _make_client(args)
    if args.company_id is not None:
        client.company_id = args.company_id
    if client.grant == "client_credentials":
        client.login_service_account()
    elif not client.restore():
        raise ProcoreError("Not signed in: run 'procore-nb login' first.")
    return client


def _with_store_flags(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--company-id", help="the company (default: PROCORE_COMPANY_ID)")
    parser.add_argument("--path", help="the store's DuckDB file (default: per company)")
    return parser


def sync_main(argv: Sequence[str]) -> int:
    """``procore-nb sync RESOURCE...``: sync resources into the store and summarise."""
    parser = _with_store_flags(
        _parser("sync", "Bring resources of the local store up to date, for the price of changes.")
    )
    parser.add_argument("resources", nargs="+", help="registry names, e.g. rfis submittals")
    parser.add_argument(
        "--projects",
        default="active",
        help="'active' (default), 'all', or comma-separated project ids",
    )
    parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    args = parser.parse_args(argv)
    projects: str | list[str] = args.projects
    if args.projects not in {"active", "all"}:
        projects = [p for p in args.projects.split(",") if p.strip()]
    try:
        store = Store(_signed_in(args), args.path, progress=not args.no_progress)
        totals = [0, 0, 0, 0]
        for resource in args.resources:
            report = store.sync(resource, projects=projects)
            print(report)
            for i, n in enumerate((report.added, report.changed, report.deleted, report.requests)):
                totals[i] += n
    except (ProcoreError, KeyboardInterrupt) as exc:
        return _failed("sync", exc)
    added, changed, deleted, requests = totals
    print(
        f"Done: {added} added, {changed} changed, {deleted} deleted; "
        f"{requests} request(s) spent. Store: {store.path}"
    )
    return 0


def store_main(argv: Sequence[str]) -> int:
    """``procore-nb store info``: each resource and scope with rows, sync time and cost."""
    parser = _with_store_flags(_parser("store", "Show what the local store holds."))
    parser.add_argument("action", choices=["info"], help="info: resources, scopes and rows")
    args = parser.parse_args(argv)
    try:
        store = Store(_signed_in(args), args.path, progress=False)
        info = store.info()
    except (ProcoreError, KeyboardInterrupt) as exc:
        return _failed("store", exc)
    print(f"Store: {store.path}")
    if info.empty:
        print("Nothing synced yet: run 'procore-nb sync RESOURCE'.")
        return 0
    summary = info.groupby("resource").agg(
        scopes=("scope", "size"),
        rows=("rows", "sum"),
        last_sync=("synced_at", "max"),
        requests=("requests", "sum"),
    )
    print(summary.to_string())
    return 0


def _failed(command: str, exc: BaseException) -> int:
    if isinstance(exc, KeyboardInterrupt):
        print(f"procore-nb {command}: interrupted; what was synced is kept.", file=sys.stderr)
        return 130
    print(f"procore-nb {command}: {exc}", file=sys.stderr)
    return 1
