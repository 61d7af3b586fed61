"""``procore-nb sync`` and ``procore-nb store info``: the local store from a terminal.

The client is built as ``procore-nb whoami`` builds it (flags, then ``PROCORE_*``, then the
config file) and signs in with the cached token; nothing secret is read from the command
line. ``store info`` needs no sign-in: it reads the file ``--path`` names, the signed-in
identity's store, or else every store file of this computer.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from procore_nb._exceptions import ProcoreError
from procore_nb.api._client import Client
from procore_nb.api._config import UNATTENDED_MAX_WAIT, ClientConfig
from procore_nb.api._pacing import log as _pacing_log
from procore_nb.signin._commands import _make_client, _parser
from procore_nb.store._arguments import project_ids
from procore_nb.store._identity import default_path, recorded_in, store_folder
from procore_nb.store._source import ClientSource
from procore_nb.store._store import Store

__all__ = ["store_main", "sync_main"]


def _signed_in(args: argparse.Namespace) -> Client:
    # A sync is a job (nightly, from cron): it waits for the next hourly window, the wait
    # shown in its bar, rather than fail when a pull needs more than the hour's requests.
    client = _make_client(args, config=ClientConfig(max_wait=UNATTENDED_MAX_WAIT))
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


@contextlib.contextmanager
def _waits_said(command: str) -> Iterator[None]:
    """Say each rate-limit wait on stderr (a cron log keeps it), above any progress bar.

    A wait before the first page of a list (the project list, a one-page resource) has no
    bar to show it in; a job that sits out the rest of the hour must still say why.
    """
    from tqdm.contrib.logging import logging_redirect_tqdm

    pacing = logging.getLogger(_pacing_log.name)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"procore-nb {command}: %(message)s"))
    level, propagate = pacing.level, pacing.propagate
    pacing.addHandler(handler)
    pacing.setLevel(logging.INFO)
    pacing.propagate = False
    try:
        with logging_redirect_tqdm(loggers=[pacing]):
            yield
    finally:
        pacing.removeHandler(handler)
        pacing.setLevel(level)
        pacing.propagate = propagate


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
        with _waits_said("sync"):
            for resource in args.resources:
                report = store.sync(resource, projects=projects)
                print(report)
                counts = (report.added, report.changed, report.deleted, report.requests)
                for i, n in enumerate(counts):
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
