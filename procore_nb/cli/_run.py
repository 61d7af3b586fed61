"""``procore-nb run``: execute notebooks unattended against the configured Procore.

For scheduled reports: sign in without a person (a service account, or the sign-in cached
by ``procore-nb login``), then run each notebook in a fresh kernel with the given
parameters and write its report (one self-contained HTML document, a PDF beside it with
``--pdf``) and figures to ``--out``. When no sign-in works without a person, or ``--out``
cannot hold the reports, it says so and runs nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from procore_nb._exceptions import ConfigurationError, NotSignedInError, ProcoreError
from procore_nb.api._client import Client
from procore_nb.cli._identity import Identity, check_sign_in
from procore_nb.cli._runner import ReportOptions, parse_parameter, run_notebooks
from procore_nb.signin._messages import explain

__all__ = ["run_main"]

_EPILOG = """\
examples:
  procore-nb run notebooks/03_stage_summary.ipynb --out reports/
  procore-nb run notebooks/*.ipynb --out reports/ -p company_id=123 -p project_ids=1,2,3

Signs in as a service account (PROCORE_GRANT=client_credentials with PROCORE_CLIENT_ID and
PROCORE_CLIENT_SECRET) or with the sign-in cached by 'procore-nb login'. Parameters replace
the defaults of the notebook's cell tagged 'parameters' (as papermill does).
A cell is stopped when it shows nothing (no output, no progress) for --timeout seconds; a
rate-bound pull that keeps answering is never stopped.
Exit status: 0 when every notebook ran, 1 when one failed (its report says what failed, and
the run goes on with the next), 2 when nothing could run (no sign-in, a bad parameter, a
missing notebook, an --out that is a file or cannot be written).
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
        "--timeout",
        type=float,
        default=600,
        help="stop a cell that shows nothing (no output, no progress) for this many seconds",
    )
    add_report_options(parser)
    args = parser.parse_args(argv)
    try:
        if args.timeout <= 0:
            raise ConfigurationError(
                f"--timeout must be a positive number of seconds, not {args.timeout:g}."
            )
        check_out(args.out)
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
    identity = _signed_in(parameters.get("company_id"), debug=args.debug)
    if identity is None:
        return 2
    options = ReportOptions(
        show_code=args.show_code,
        pdf=args.pdf,
        signed_in=identity.signed_in,
        company=identity.company,
        debug=args.debug,
    )
    try:
        run = run_notebooks(
            list(args.notebooks),
            args.out,
            parameters=parameters,
            timeout=args.timeout,
            options=options,
        )
    except ConfigurationError as exc:  # a parameter the notebook does not declare
        print(f"procore-nb run: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"procore-nb run: {exc.strerror or exc}: {exc.filename or args.out}", file=sys.stderr)
        return 2
    print("\nReports written:")
    for path in run.written:
        print(f"  {path}")
    if run.failed:
        print(f"\nprocore-nb run: {len(run.failed)} notebook(s) failed.", file=sys.stderr)
        return 1
    return 0


def add_report_options(parser: argparse.ArgumentParser) -> None:
    """The options ``run`` and ``demo`` share: how the reports are written."""
    parser.add_argument(
        "--show-code", action="store_true", help="keep the code cells in the reports (for analysts)"
    )
    parser.add_argument(
        "--pdf", action="store_true", help="print a PDF beside each report (needs Chromium)"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show tracebacks and the kernels' own messages"
    )


def check_out(out: Path) -> None:
    """Refuse an ``--out`` that is a file, or a folder that cannot be made or written."""
    if out.exists() and not out.is_dir():
        raise ConfigurationError(f"--out {out} is a file: name a folder for the reports.")
    existing = out
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigurationError(
            f"--out {out} cannot be made: {existing} is a file. Name a folder for the reports."
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigurationError(
            f"--out {out} cannot be written ({existing} is not writable by this user): name a "
            "folder you can write to."
        )


def _signed_in(company_id: object, *, debug: bool = False) -> Identity | None:
    """Check, before any kernel starts, that a sign-in works without a person; say whose."""
    client = None
    try:
        client = Client(company_id=company_id if isinstance(company_id, int | str) else None)
        with client:
            identity = check_sign_in(client)
    except NotSignedInError as exc:
        print(f"procore-nb run: {exc}", file=sys.stderr)
        return None
    except (ProcoreError, KeyboardInterrupt) as exc:
        if debug:
            traceback.print_exc()
        text = explain(exc, client, retry="run again") if client is not None else str(exc)
        print(f"procore-nb run: {text}", file=sys.stderr)
        return None
    print(identity.signed_in)
    return identity
