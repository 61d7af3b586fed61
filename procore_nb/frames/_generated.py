"""Markdown tables generated from code, kept between two markers in a docs file.

``docs/dtypes.md`` and ``docs/resources.md`` each hold a table written by a module
(``python -m procore_nb.frames._schema docs/dtypes.md``, ``python -m procore_nb.api._docs
docs/resources.md``); a test runs each with ``--check`` so that docs and code never drift.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

__all__ = ["END_MARK", "begin_mark", "rewrite", "run"]

END_MARK: Final = "<!-- END GENERATED -->"


def begin_mark(command: str) -> str:
    """The opening marker, naming the command that writes the part after it."""
    return f"<!-- BEGIN GENERATED: {command} -->"


def rewrite(text: str, command: str, body: str) -> str:
    """``text`` with the part between ``command``'s markers replaced by ``body``."""
    begin = begin_mark(command)
    head, sep, rest = text.partition(begin)
    _, sep2, tail = rest.partition(END_MARK)
    if not (sep and sep2):
        raise ValueError(f"the markers {begin!r} and {END_MARK!r} are missing")
    return f"{head}{begin}\n{body}{END_MARK}{tail}"


def run(
    argv: Sequence[str] | None, *, module: str, doc: str | None, fresh: Callable[[str], str]
) -> int:
    """``python -m MODULE PATH [--check]``: rewrite the generated part, or say it is stale.

    ``fresh(text)`` is the file's text with its generated part written anew.
    """
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc)
    parser.add_argument("path", type=Path, help="the Markdown file holding the markers")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    args = parser.parse_args(argv)
    text = args.path.read_text(encoding="utf-8")
    new = fresh(text)
    if args.check:
        if new != text:
            print(f"{args.path} is stale: run python -m {module} {args.path}")
            return 1
        return 0
    args.path.write_text(new, encoding="utf-8")
    return 0
