"""``procore-nb``: the command-line entry point.

Each subcommand lives with the code it drives and is imported only when used, so that
``procore-nb whoami`` never loads the server and ``procore-nb sandbox`` never loads pandas.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module, function taking argv, one-line help)
_COMMANDS: dict[str, tuple[str, str, str]] = {
    "sandbox": ("procore_nb.sandbox._cli", "main", "run the Procore-compatible sandbox server"),
    "login": (
        "procore_nb.signin._commands",
        "login_main",
        "sign in from a terminal (out-of-band code)",
    ),
    "whoami": (
        "procore_nb.signin._commands",
        "whoami_main",
        "show who the cached sign-in belongs to",
    ),
    "logout": (
        "procore_nb.signin._commands",
        "logout_main",
        "revoke the cached token and forget it",
    ),
    "run": (
        "procore_nb.cli._run",
        "run_main",
        "run notebooks unattended and write their HTML reports",
    ),
    "demo": ("procore_nb.cli._demo", "demo_main", "run the example notebooks against the sandbox"),
    "lab": ("procore_nb.cli._demo", "lab_main", "open JupyterLab signed in against the sandbox"),
    "sync": ("procore_nb.cli._store", "sync_main", "sync resources into the local store"),
    "store": ("procore_nb.cli._store", "store_main", "show what the local store holds (info)"),
}


def _usage() -> str:
    width = max(map(len, _COMMANDS))
    lines = ["usage: procore-nb COMMAND [options]", "", "commands:"]
    lines += [f"  {name:<{width}}  {help_}" for name, (_, _, help_) in _COMMANDS.items()]
    lines += [
        "",
        "options:",
        "  -h, --help  show this message",
        "  --version   show the version of procore_nb",
        "",
        "Run 'procore-nb COMMAND --help' for a command's options.",
    ]
    return "\n".join(lines)


def _version() -> str:
    """The installed package's version (what ``procore_nb.__version__`` says too)."""
    import importlib.metadata

    try:
        return importlib.metadata.version("procore_nb")
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``procore-nb`` with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0 if args else 2
    if args[0] in {"--version", "-V", "version"}:
        print(f"procore-nb {_version()}")
        return 0
    name, rest = args[0], args[1:]
    if name not in _COMMANDS:
        print(f"procore-nb: unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    module, func, _ = _COMMANDS[name]
    run = getattr(importlib.import_module(module), func)
    try:
        return int(run(rest) or 0)
    except KeyboardInterrupt:
        print(f"procore-nb {name}: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (procore-nb whoami | head): nothing left to say to it.
        sys.stderr.close()
        return 141


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
