"""``procore-nb sync`` and ``procore-nb store info``: the local store from a terminal.

The client is built as ``procore-nb whoami`` builds it (flags, then ``PROCORE_*``, then the
config file) and signs in with the cached token; nothing secret is read from the command
line. ``store info`` needs no sign-in: it reads the file ``--path`` names, the signed-in
identity's store, or else every store file of this computer.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from procore_nb._exceptions import ProcoreError
from procore_nb.api._client import Client
from procore_nb.signin._commands import _make_client, _parser
from procore_nb.store._arguments import project_ids
from procore_nb.store._identity import default_path, recorded_in, store_folder
from procore_nb.store._source import ClientSource
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
    projects: str | list[int] = args.projects
    try:
        if args.projects not in {"active", "all"}:
            projects = project_ids([p for p in args.projects.split(",") if p.strip()])
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
    """``procore-nb store info``: each resource and scope with rows, sync time and cost.

    No sign-in is needed: ``--path`` names a file; without it, the signed-in identity's
    store is shown, or, when nobody is signed in, every store file of this computer.
    """
    parser = _with_store_flags(_parser("store", "Show what the local store holds."))
    parser.add_argument("action", choices=["info"], help="info: resources, scopes and rows")
    args = parser.parse_args(argv)
    try:
        if args.path:
            paths = [Path(args.path).expanduser()]
        else:
            client = _restored(args)
            if client is not None:
                source = ClientSource(client)
                mine = default_path(source.label, source.identity) if source.identity else None
                if mine is None or not mine.is_file():
                    print(f"No store yet at {mine}: run 'procore-nb sync RESOURCE'.")
                    return 0
                paths = [mine]
            else:
                folder, _ = store_folder()
                paths = sorted(folder.glob("*.duckdb")) if folder.is_dir() else []
                if not paths:
                    print(f"No store yet in {folder}: run 'procore-nb sync RESOURCE'.")
                    return 0
        for path in paths:
            _show(Store(None, path, progress=False))
    except (ProcoreError, KeyboardInterrupt) as exc:
        return _failed("store", exc)
    return 0


def _restored(args: argparse.Namespace) -> Client | None:
    """The cached sign-in's client, or None (never a prompt, never an error for nobody)."""
    client = _make_client(args)
    if args.company_id is not None:
        client.company_id = args.company_id
    if client.company_id is None:
        return None
    if client.grant == "client_credentials":
        client.login_service_account()
        return client
    return client if client.client_id and client.restore() else None


def _show(store: Store) -> None:
    who = recorded_in(store.path)
    print(f"Store: {store.path}" + (f" ({who.describe()})" if who is not None else ""))
    info = store.info()
    if info.empty:
        print("Nothing synced yet: run 'procore-nb sync RESOURCE'.")
        return
    info["failed"] = info["last_mode"] == "failed"
    summary = info.groupby("resource").agg(
        scopes=("scope", "size"),
        rows=("rows", "sum"),
        last_sync=("synced_at", "max"),
        requests=("requests", "sum"),
        failed=("failed", "sum"),
    )
    print(summary.to_string())


def _failed(command: str, exc: BaseException) -> int:
    if isinstance(exc, KeyboardInterrupt):
        notes = " ".join(getattr(exc, "__notes__", [])) or "what was synced is kept."
        print(f"procore-nb {command}: interrupted. {notes}", file=sys.stderr)
        return 130
    print(f"procore-nb {command}: {exc}", file=sys.stderr)
    return 1
