"""Run the example notebooks against the embedded sandbox (``make demo``, ``make lab``).

This optional module is not imported by ``import procore_nb``. It starts the sandbox, points
the notebooks' kernels at it through the ``PROCORE_*`` variables, executes the notebooks and
writes HTML reports; or it opens JupyterLab with the same settings.

Examples
--------
In a notebook, use real Procore when it is configured and the sandbox otherwise:

>>> from procore_nb.demo import use_sandbox_unless_configured
>>> use_sandbox_unless_configured()  # doctest: +SKIP
No Procore credentials are configured: using the embedded sandbox at http://127.0.0.1:...
"""

from __future__ import annotations

import argparse
import atexit
import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from procore_nb.cli._runner import REPORTS_VARIABLE, run_notebooks

__all__ = [
    "REPORTS_VARIABLE",
    "run_examples",
    "sandbox_environment",
    "use_sandbox_unless_configured",
]

#: The example notebooks, in the order they are meant to be read.
EXAMPLES = ("01_first_call.ipynb", "02_project_map.ipynb", "03_stage_summary.ipynb")

_embedded: list[Any] = []  # the sandbox a kernel started for itself, kept alive until exit


def _default_notebooks_dir() -> Path:
    # An editable install or a checkout: notebooks/ sits beside the package.
    return Path(__file__).resolve().parents[2] / "notebooks"


def sandbox_environment(sandbox: Any, *, service_account: bool) -> dict[str, str]:
    """Return the ``PROCORE_*`` variables that point a client at ``sandbox``.

    With ``service_account=True`` the client signs in with client credentials and no
    widget; otherwise it runs the out-of-band code flow against the sandbox's authorize page.
    """
    env = {
        "PROCORE_API_URL": sandbox.url,
        "PROCORE_COMPANY_ID": str(sandbox.company_id),
    }
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
        os.environ.update(sandbox_environment(sandbox, service_account=False))
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
    timeout: int = 600,
) -> list[Path]:
    """Execute the example notebooks against a fresh sandbox and write HTML reports to ``out``.

    Returns the paths written: one HTML report per notebook, plus what the notebooks
    themselves write to ``out`` (the map and stage chart images, the Excel export).
    The notebooks run as ``procore-nb run`` runs them, signed in as the sandbox's service
    account.

    Raises
    ------
    RuntimeError
        A notebook failed; its report (with the error) is written all the same.
    """
    from procore_nb.sandbox import Sandbox

    source = notebooks or _default_notebooks_dir()
    with (
        Sandbox(**dict(sandbox_options or {})) as sandbox,
        tempfile.TemporaryDirectory(prefix="procore-nb-demo-") as private,
    ):
        env = sandbox_environment(sandbox, service_account=True)
        # Service-account tokens of the demo stay out of the user's own token cache.
        env["XDG_CONFIG_HOME"] = private
        run = run_notebooks([source / name for name in names], out, env=env, timeout=timeout)
    if run.failed:
        failed = "; ".join(f"{name}: {error}" for name, error in run.failed.items())
        raise RuntimeError(f"Example notebooks failed ({failed}); their reports show where.")
    return run.written


def demo_main(argv: Sequence[str]) -> int:
    """``procore-nb demo``: run the examples against the sandbox and say where the reports are."""
    description = (run_examples.__doc__ or "").split("\n\n")[0]
    parser = argparse.ArgumentParser(prog="procore-nb demo", description=description)
    parser.add_argument("--out", type=Path, default=Path("reports"), help="report folder")
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of the notebooks")
    parser.add_argument("--projects", type=int, default=400, help="projects in the main company")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sandbox's demo data")
    args = parser.parse_args(argv)
    print("Running the example notebooks against the embedded sandbox...")
    try:
        paths = run_examples(
            args.out,
            notebooks=args.notebooks,
            sandbox_options={"projects": args.projects, "seed": args.seed},
        )
    except RuntimeError as exc:
        print(f"procore-nb demo: {exc}", file=sys.stderr)
        return 1
    print("\nReports written:")
    for path in paths:
        print(f"  {path}")
    return 0


def lab_main(argv: Sequence[str]) -> int:
    """``procore-nb lab``: JupyterLab on the notebooks, signed in against a sandbox it starts."""
    parser = argparse.ArgumentParser(prog="procore-nb lab", description=lab_main.__doc__)
    parser.add_argument("--notebooks", type=Path, default=None, help="folder of the notebooks")
    parser.add_argument("--port", type=int, default=0, help="sandbox port (default: a free one)")
    args, lab_args = parser.parse_known_args(argv)
    from procore_nb.sandbox import Sandbox

    with Sandbox(port=args.port) as sandbox:
        env = os.environ | sandbox_environment(sandbox, service_account=False)
        print(f"Sandbox at {sandbox.url}; sign in on its authorize page as {sandbox.login}.")
        command = [sys.executable, "-m", "jupyter", "lab", *lab_args]
        cwd = args.notebooks or _default_notebooks_dir()
        try:
            return subprocess.call(command, cwd=cwd, env=env)  # noqa: S603 (our own interpreter)
        except KeyboardInterrupt:
            return 130
