"""``procore-nb sandbox``: serve the sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import signal
import sys
from types import FrameType

from ._options import add_arguments, from_namespace
from ._server import Running, write_ready_file


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="procore-nb sandbox",
        description="Serve a Procore-compatible sandbox on 127.0.0.1 (see docs/sandbox.md).",
    )
    add_arguments(parser)
    parser.add_argument(
        "--ready-file",
        metavar="PATH",
        help="once listening, write the URL, CA file and credentials here as JSON",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser


def main(argv: list[str]) -> int:
    """Run the sandbox with command-line ``argv``; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        options = from_namespace(args)
    except ValueError as exc:
        parser.error(str(exc))
    if args.ready_file is not None:
        folder = os.path.dirname(os.path.abspath(args.ready_file))
        if not os.path.isdir(folder) or os.path.isdir(args.ready_file):
            parser.error(f"--ready-file {args.ready_file}: name a file in a folder that exists")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s")
    if not args.quiet and args.ready_file is None:
        logging.getLogger("procore_nb.sandbox.access").setLevel(logging.INFO)

    def ready() -> None:
        description = running.description()
        if args.ready_file:
            write_ready_file(args.ready_file, description)
        _announce(description)

    try:
        running = Running(options, ready)
    except OSError as exc:
        where = f"{options.host}:{options.port}"
        advice = (
            "another program listens there: pick another --port, or --port 0 for a free one"
            if exc.errno == errno.EADDRINUSE
            else "check --host, --port and --state-dir"
        )
        parser.exit(2, f"procore-nb sandbox: cannot serve on {where}: {exc.strerror}; {advice}.\n")
    # uvicorn shuts down gracefully on SIGTERM and then raises it again; turn that second
    # delivery into a normal exit so the temporary CA and certificate are removed.
    signal.signal(signal.SIGTERM, _exit_quietly)
    try:
        running.serve()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        running.cleanup()
    return 0


def _exit_quietly(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(0)


def _announce(d: dict[str, object]) -> None:
    lines = [
        f"Procore sandbox listening on {d['url']}  (Ctrl-C to stop)",
        *(
            [f"CA certificate: {d['ca_file']}  (curl --cacert, requests verify=)"]
            if d["ca_file"]
            else []
        ),
        f"demo app:        client_id={d['client_id']}  client_secret={d['client_secret']}",
        f"redirect URIs:   {', '.join(map(str, d['redirect_uris']))}",  # type: ignore[call-overload]
        f"demo user:       {d['login']} / {d['password']}  (company admin)",
        f"other user:      {d['other_login']} / {d['other_password']}  (member of some projects)",
        f"service account: client_id={d['service_client_id']}"
        f"  client_secret={d['service_client_secret']}",
        f"main company id: {d['company_id']}",
        f"data as of:      {d['today']}  (the sandbox clock starts on this day)",
        f"sign in:         {d['url']}/oauth/authorize?response_type=code&client_id={d['client_id']}"
        "&redirect_uri=urn:ietf:wg:oauth:2.0:oob",
    ]
    print("\n".join(lines), flush=True)
    sys.stdout.flush()
