"""Run the example notebooks against the embedded sandbox (``make demo``, ``make lab``).

This optional module is not imported by ``import procore_nb``. It starts the sandbox, points
the notebooks' kernels at it through the ``PROCORE_*`` variables, executes the notebooks and
writes HTML reports; or it opens JupyterLab with the same settings.

Examples
--------
In a notebook, use real Procore when it is configured and the sandbox otherwise:

>>> import procore_nb as pnb
>>> pnb.use_sandbox_unless_configured()  # doctest: +SKIP
No Procore credentials are configured: using the embedded sandbox at http://127.0.0.1:...
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from procore_nb._exceptions import ConfigurationError
from procore_nb.cli._run import add_report_options, check_out
from procore_nb.cli._runner import REPORTS_VARIABLE, ReportOptions, environment, run_notebooks

__all__ = [
    "DEMO_LIMITS",
    "REPORTS_VARIABLE",
    "run_examples",
    "sandbox_environment",
    "use_sandbox_unless_configured",
]

#: The example notebooks, in the order they are meant to be read.
EXAMPLES = (
    "01_first_call.ipynb",
    "02_project_map.ipynb",
    "03_stage_summary.ipynb",
    "04_rfis_and_submittals.ipynb",
    "05_cost.ipynb",
    "06_field.ipynb",
    "07_portfolio_map.ipynb",
    "08_site_and_billing.ipynb",
)

#: The demo sandbox's rate limits: generous, so that eight notebooks over 400 projects take
#: minutes, not the hours Procore's own 3,600 requests an hour would make them (the client's
#: pacing under Procore's limits is tested on its own; pass sandbox_options to change these).
DEMO_LIMITS: dict[str, Any] = {"rate_limit_hourly": 1_000_000, "rate_limit_spike": 10_000}

_embedded: list[Any] = []  # the sandbox a kernel started for itself, kept alive until exit


def _default_notebooks_dir() -> Path:
    # An editable install or a checkout: notebooks/ sits beside the package.
    return Path(__file__).resolve().parents[2] / "notebooks"


def sandbox_environment(
    sandbox: Any, *, service_account: bool, token_dir: str | None = None
) -> dict[str, str]:
    """Return the ``PROCORE_*`` variables that point a client at ``sandbox``.

    With ``service_account=True`` the client signs in with client credentials and no
    widget; otherwise it runs the out-of-band code flow against the sandbox's authorize page.
    ``token_dir`` (``PROCORE_TOKEN_DIR``) keeps the sandbox's tokens out of the user's cache.
    """
    env = {
        "PROCORE_API_URL": sandbox.url,
        "PROCORE_COMPANY_ID": str(sandbox.company_id),
    }
    if token_dir is not None:
        env["PROCORE_TOKEN_DIR"] = token_dir
    if sandbox.ca_file:
        env["PROCORE_CA_FILE"] = sandbox.ca_file
    if service_account:
        env |= {
            "PROCORE_CLIENT_ID": sandbox.service_client_id,
            "PROCORE_CLIENT_SECRET": sandbox.service_client_secret,
            "PROCORE_GRANT": "client_credentials",
        }
    else:
        env |= {
            "PROCORE_CLIENT_ID": sandbox.client_id,
            "PROCORE_CLIENT_SECRET": sandbox.client_secret,
            "PROCORE_GRANT": "authorization_code",
        }
    return env


def use_sandbox_unless_configured() -> None:
    """Say which Procore this notebook talks to, starting the embedded sandbox if none is set.

    When a client id is configured (``PROCORE_CLIENT_ID`` or the config file), nothing
    changes. Otherwise a sandbox with demo data starts inside this kernel and the
    ``PROCORE_*`` variables of this process point at it, so that ``procore_nb.login()``
    shows the out-of-band sign-in against the sandbox's own authorize page.
    """
    from procore_nb.api._client import Client

    client = Client()
    if client.client_id is not None:
        print(f"Using Procore ({client.env}) at {client.api_url}.")
        return
    if not _embedded:
        from procore_nb.sandbox import Sandbox

        sandbox = Sandbox()
        sandbox.start()
        atexit.register(sandbox.stop)
        _embedded.append(sandbox)
        # Sign-ins to this throwaway sandbox, and its local store, stay out of the user's
        # token cache and data folder.
        private = tempfile.mkdtemp(prefix="procore-nb-sandbox-")
        atexit.register(shutil.rmtree, private, ignore_errors=True)
        tokens = f"{private}/tokens"
        os.environ.update(sandbox_environment(sandbox, service_account=False, token_dir=tokens))
        os.environ["PROCORE_STORE_DIR"] = f"{private}/store"
    print(
        "No Procore credentials are configured: using the embedded sandbox at "
        f"{_embedded[0].url} with demo data (sign in as the demo user shown on its "
        "authorize page)."
    )


def run_examples(
    out: Path,
    *,
    notebooks: Path | None = None,
    names: Sequence[str] = EXAMPLES,
    sandbox_options: Mapping[str, Any] | None = None,
    timeout: float = 600,
    options: ReportOptions | None = None,
) -> list[Path]:
    """Execute the example notebooks against a fresh sandbox and write their reports to ``out``.

    Returns the paths written: one HTML report per notebook (and its PDF with
    ``options.pdf``), plus what the notebooks themselves write to ``out`` (the map and
    stage chart images, the Excel workbooks). The notebooks run as ``procore-nb run`` runs
    them, signed in as the sandbox's service account.

    Raises
    ------
    RuntimeError
        A notebook failed; its report (saying what failed) is written all the same.
    """
    from procore_nb.api._client import Client
    from procore_nb.cli._identity import check_sign_in
    from procore_nb.sandbox import Sandbox

    source = notebooks or _default_notebooks_dir()
    with (
        Sandbox(**(DEMO_LIMITS | dict(sandbox_options or {}))) as sandbox,
        tempfile.TemporaryDirectory(prefix="procore-nb-demo-") as private,
    ):
        # Service-account tokens of the demo stay out of the user's own token cache.
        env = sandbox_environment(sandbox, service_account=True, token_dir=f"{private}/tokens")
        env["XDG_CONFIG_HOME"] = private
        env["XDG_CACHE_HOME"] = private
        # the notebooks' local store (client.store()) of this throwaway sandbox, shared by the
        # notebooks of the run (04 syncs the RFIs 07 reads), is removed with it
        env["XDG_DATA_HOME"] = private
        with environment(env), Client() as client:
            identity = check_sign_in(client)
        where = "the embedded sandbox (demo data)"
        options = replace(
            options or ReportOptions(),
            signed_in=identity.signed_in.replace(f"custom ({sandbox.url})", where),
            company=identity.company,
        )
        paths = [source / name for name in names]
        run = run_notebooks(paths, out, env=env, timeout=timeout, options=options)
    if run.failed:
        failed = "; ".join(f"{name}: {error}" for name, error in run.failed.items())
        raise RuntimeError(f"Example notebooks failed ({failed}); their reports say what failed.")
    return run.written


def demo_main(argv: Sequence[str]) -> int:
    """``procore-nb demo``: run the examples against the sandbox and say where the reports are."""
    parser = argparse.ArgumentParser(
        prog="procore-nb demo",
        description="Run the example notebooks against a fresh embedded sandbox and write an "
        "HTML report of each (plus the images and the Excel workbook they make) to a folder.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--out", type=Path, default=Path("reports"), help="report folder")
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of the notebooks")
    parser.add_argument("--projects", type=int, default=400, help="projects in the main company")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sandbox's demo data")
    add_report_options(parser)
    args = parser.parse_args(argv)
    try:
        check_out(args.out)
    except ConfigurationError as exc:
        parser.error(str(exc))
    notebooks = args.notebooks or _default_notebooks_dir()
    missing = [name for name in EXAMPLES if not (notebooks / name).is_file()]
    if missing:
        parser.error(f"--notebooks {notebooks} lacks {', '.join(missing)}")
    if args.projects < 1:
        parser.error(f"--projects must be at least 1, not {args.projects}")
    print(f"starting the embedded sandbox ({args.projects} projects, seed {args.seed}) ...")
    options = ReportOptions(show_code=args.show_code, pdf=args.pdf, debug=args.debug)
    try:
        paths = run_examples(
            args.out,
            notebooks=notebooks,
            sandbox_options={"projects": args.projects, "seed": args.seed},
            options=options,
        )
    except RuntimeError as exc:
        print(f"procore-nb demo: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        if args.debug:
            traceback.print_exc()
        print(
            f"procore-nb demo: {exc.strerror or exc}: {exc.filename or args.out}", file=sys.stderr
        )
        return 1
    except KeyboardInterrupt:
        print("procore-nb demo: interrupted.", file=sys.stderr)
        return 130
    print("\nReports written:")
    for path in paths:
        print(f"  {path}")
    return 0


def lab_main(argv: Sequence[str]) -> int:
    """``procore-nb lab``: JupyterLab on the notebooks, signed in against a sandbox it starts."""
    parser = argparse.ArgumentParser(
        prog="procore-nb lab",
        description="Start a sandbox, then JupyterLab on the example notebooks with PROCORE_* "
        "pointing at it. Options not listed here (--no-browser, --ip, --ServerApp.port=...) "
        "go to 'jupyter lab' unchanged.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        allow_abbrev=False,  # never take a Jupyter option for an abbreviation of ours
    )
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of the notebooks")
    parser.add_argument("--port", type=int, default=0, help="sandbox port (0: a free one)")
    parser.add_argument(
        "--allow-root", action="store_true", help="let JupyterLab run as root (in containers)"
    )
    args, lab_args = parser.parse_known_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, not {args.port}")
    cwd = args.notebooks or _default_notebooks_dir()
    if not cwd.is_dir():
        parser.error(f"--notebooks {cwd} is not a folder")
    if args.allow_root:
        lab_args = ["--allow-root", *lab_args]
    from procore_nb.sandbox import Sandbox

    try:
        sandbox = Sandbox(port=args.port)
        sandbox.start()
    except (OSError, ValueError) as exc:
        print(f"procore-nb lab: cannot start the sandbox: {exc}", file=sys.stderr)
        return 1
    tokens = tempfile.TemporaryDirectory(prefix="procore-nb-lab-tokens-")
    try:
        env = os.environ | sandbox_environment(
            sandbox, service_account=False, token_dir=tokens.name
        )
        print(f"Sandbox at {sandbox.url}; sign in on its authorize page as {sandbox.login}.")
        command = [sys.executable, "-m", "jupyter", "lab", *lab_args]
        return subprocess.call(command, cwd=cwd, env=env)  # noqa: S603 (our own interpreter)
    except KeyboardInterrupt:
        return 130
    finally:
        sandbox.stop()
        tokens.cleanup()
