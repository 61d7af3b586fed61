"""``procore-nb run``: execute notebooks unattended against the configured Procore.

For scheduled reports: sign in without a person (a service account, or the sign-in cached
by ``procore-nb login``), then run each notebook in a fresh kernel with the given
parameters and write its HTML report and figures to ``--out``. When no sign-in works
without a person, it says how to set one up and runs nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from procore_nb._exceptions import ConfigurationError, NotSignedInError, ProcoreError
from procore_nb.api._client import Client
from procore_nb.cli._runner import parse_parameter, run_notebooks
from procore_nb.signin._login import sign_in_unattended
from procore_nb.signin._messages import explain

__all__ = ["run_main"]

_EPILOG = """\
examples:
  procore-nb run notebooks/03_stage_summary.ipynb --out reports/
  procore-nb run notebooks/*.ipynb --out reports/ -p company_id=123 -p project_ids=1,2,3

Signs in as a service account (PROCORE_GRANT=client_credentials with PROCORE_CLIENT_ID and
PROCORE_CLIENT_SECRET) or with the sign-in cached by 'procore-nb login'. Parameters replace
the defaults of the notebook's cell tagged 'parameters' (as papermill does).
Exit status: 0 when every notebook ran, 1 when one failed (its report shows where), 2 when
nothing could run (no sign-in, a bad parameter, a missing notebook).
"""


def run_main(argv: Sequence[str]) -> int:
    """``procore-nb run``: sign in unattended, run the notebooks, write their reports."""
    parser = argparse.ArgumentParser(
        prog="procore-nb run",
        description="Execute notebooks unattended against the configured Procore and write "
        "their HTML reports and figures.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("notebooks", nargs="+", type=Path, help="the notebooks to run")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="report folder")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of the notebooks (repeat for several), e.g. company_id=123",
    )
    parser.add_argument(
        "--timeout", type=int, default=600, help="longest time one cell may run (seconds)"
    )
    args = parser.parse_args(argv)
    try:
        parameters = dict(parse_parameter(text) for text in args.parameter)
        missing = [str(path) for path in args.notebooks if not path.is_file()]
        if missing:
            raise ConfigurationError(f"No such notebook: {', '.join(missing)}.")
        stems = [path.stem for path in args.notebooks]
        twice = sorted({stem for stem in stems if stems.count(stem) > 1})
        if twice:
            raise ConfigurationError(
                f"Two notebooks would write the same report ({', '.join(twice)}.html): run "
                "them with different --out folders."
            )
    except ConfigurationError as exc:
        print(f"procore-nb run: {exc}", file=sys.stderr)
        return 2
    if not _signed_in(parameters.get("company_id")):
        return 2
    try:
        run = run_notebooks(
            list(args.notebooks), args.out, parameters=parameters, timeout=args.timeout
        )
    except ConfigurationError as exc:  # a parameter the notebook does not declare
        print(f"procore-nb run: {exc}", file=sys.stderr)
        return 2
    print("\nReports written:")
    for path in run.written:
        print(f"  {path}")
    if run.failed:
        print(f"\nprocore-nb run: {len(run.failed)} notebook(s) failed.", file=sys.stderr)
        return 1
    return 0


def _signed_in(company_id: object) -> bool:
    """Check, before any kernel starts, that a sign-in works without a person; say whose."""
    client = None
    try:
        client = Client(company_id=company_id if isinstance(company_id, int | str) else None)
        with client:
            print(sign_in_unattended(client))
    except NotSignedInError as exc:
        print(f"procore-nb run: {exc}", file=sys.stderr)
        return False
    except (ProcoreError, KeyboardInterrupt) as exc:
        text = explain(exc, client, retry="run again") if client is not None else str(exc)
        print(f"procore-nb run: {text}", file=sys.stderr)
        return False
    return True
