"""Execute notebooks headless and write their reports: what ``run`` and ``demo`` share.

A notebook runs in a fresh python3 kernel reached over Unix sockets in a private folder,
with ``PROCORE_NB_UNATTENDED=1`` (nobody is asked to sign in; interactive maps add a static
picture for the report) and ``PROCORE_NB_REPORTS`` naming the folder its files go to.
Parameters are injected as papermill does: a cell tagged ``injected-parameters`` after the
cell tagged ``parameters``.
"""

from __future__ import annotations

import ast
import os
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from procore_nb._constants import UNATTENDED_VARIABLE
from procore_nb._exceptions import ConfigurationError
from procore_nb.cli._kernel import execute
from procore_nb.cli._report import (
    FACTS_SOURCE,
    Facts,
    chromium,
    kernel_facts,
    print_pdf,
    tidy,
    title_of,
    write_report,
)

__all__ = [
    "REPORTS_VARIABLE",
    "ReportOptions",
    "Run",
    "environment",
    "inject_parameters",
    "parameter_names",
    "parse_parameter",
    "run_notebooks",
]

#: Where the notebooks write files (the map image, the Excel export).
REPORTS_VARIABLE = "PROCORE_NB_REPORTS"
#: The tag of the cell holding a notebook's parameters and their defaults.
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
#: Files a notebook writes that a run reports as written.
_PRODUCTS = frozenset({".png", ".svg", ".pdf", ".xlsx", ".csv", ".parquet"})


@dataclass
class Run:
    """What a run of several notebooks did: reports and files written, notebooks failed."""

    reports: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def written(self) -> list[Path]:
        """Every report, then every file the notebooks wrote."""
        return [*self.reports, *self.files]


@contextmanager
def environment(values: Mapping[str, str]) -> Iterator[None]:
    """Set ``values`` in ``os.environ`` (inherited by kernels) and restore it afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def parse_parameter(text: str) -> tuple[str, Any]:
    """``"company_id=123"`` -> ``("company_id", 123)``.

    The value is read as a Python literal (number, string, list, ``None``, ``True``) and
    is kept as text when it is not one; ``1,2,3`` becomes the list ``[1, 2, 3]``.

    Examples
    --------
    >>> parse_parameter("project_ids=1,2")
    ('project_ids', [1, 2])
    >>> parse_parameter("title=Weekly report")
    ('title', 'Weekly report')
    """
    name, sep, raw = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ConfigurationError(
            f"A parameter is NAME=VALUE with NAME a Python name (company_id=123), not {text!r}."
        )
    try:
        value = ast.literal_eval(raw.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        value = raw
    if isinstance(value, tuple):
        value = list(value)  # 1,2,3 means a list of ids; a tuple would mean a range
    return name, value


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def parameter_names(notebook: Any) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns (empty without such a cell)."""
    for cell in notebook.cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in _tags(cell):
            tree = ast.parse(cell.source)
            names: list[str] = []
            for node in tree.body:
                targets = (
                    node.targets
                    if isinstance(node, ast.Assign)
                    else [node.target]
                    if isinstance(node, ast.AnnAssign)
                    else []
                )
                names += [t.id for t in targets if isinstance(t, ast.Name)]
            return names
    return []


def inject_parameters(notebook: Any, parameters: Mapping[str, Any], *, name: str) -> None:
    """Insert a cell setting ``parameters`` after the notebook's ``parameters`` cell.

    Raises
    ------
    ConfigurationError
        The notebook has no ``parameters`` cell, or does not declare one of the names.
    """
    if not parameters:
        return
    from nbformat.v4 import new_code_cell

    known = parameter_names(notebook)
    if not known:
        raise ConfigurationError(
            f"{name} has no cell tagged {PARAMETERS_TAG!r}, so it takes no parameters: tag "
            "the cell that sets their defaults (as for papermill), or run it without -p."
        )
    unknown = [key for key in parameters if key not in known]
    if unknown:
        raise ConfigurationError(
            f"{name} has no parameter {', '.join(map(repr, unknown))}; "
            f"its parameters are {', '.join(known)}."
        )
    position = next(i for i, cell in enumerate(notebook.cells) if PARAMETERS_TAG in _tags(cell))
    source = "# Parameters of this run\n" + "\n".join(
        f"{key} = {value!r}" for key, value in parameters.items()
    )
    cell = new_code_cell(source, metadata={"tags": [INJECTED_TAG]})  # type: ignore[no-untyped-call]
    cell.id = "injected-parameters"
    notebook.cells.insert(position + 1, cell)


@dataclass(frozen=True)
class ReportOptions:
    """How reports are written: code shown or not, a PDF beside, what the header knows."""

    show_code: bool = False
    pdf: bool = False
    signed_in: str | None = None
    company: str | None = None
    debug: bool = False


def run_notebooks(
    paths: list[Path],
    out: Path,
    *,
    env: Mapping[str, str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: float = 600,
    options: ReportOptions = ReportOptions(),  # frozen: one shared default is safe
) -> Run:
    """Execute each notebook headless and write ``out/<name>.html``, whatever happens.

    ``env`` is added to the kernels' environment, with ``PROCORE_NB_UNATTENDED=1`` and
    ``PROCORE_NB_REPORTS=out``. A notebook that fails (a cell's error, ``timeout`` seconds
    without output or progress, a dead kernel, a file that is not a notebook) still gets
    its report saying what failed; its name and the reason go to ``Run.failed`` and the
    next one runs.

    Raises
    ------
    ConfigurationError
        A parameter a notebook does not declare (before any kernel starts).
    """
    out.mkdir(parents=True, exist_ok=True)
    # Fail on a bad parameter before any kernel starts; a file that is not a notebook is
    # reported in its turn.
    notebooks = [(path, *_read(path, parameters or {})) for path in paths]
    before = {path: path.stat().st_mtime_ns for path in out.iterdir()}
    if options.pdf and chromium() is None:
        print("No Chromium on this machine: the reports are written without PDFs.")
        options = replace(options, pdf=False)
    run = Run()
    settings = {REPORTS_VARIABLE: str(out.resolve()), UNATTENDED_VARIABLE: "1"}
    with (
        tempfile.TemporaryDirectory(prefix="procore-nb-run-") as private,
        environment({**dict(env or {}), **settings}),
    ):
        for path, notebook, unreadable in notebooks:
            print(f"running {path.stem} ...", end="", flush=True)
            started = time.perf_counter()
            if unreadable is None:
                outcome = execute(
                    notebook,
                    folder=path.parent,
                    private=Path(private),
                    timeout=timeout,
                    facts=FACTS_SOURCE,
                    quiet=not options.debug,
                )
                error = outcome.error
            else:
                error = unreadable
            report = _write(notebook, out / (path.stem + ".html"), path, error, options)
            run.reports.append(report)
            if options.pdf:
                pdf = print_pdf(report)
                run.reports += [pdf] if pdf else []
            took = f"{time.perf_counter() - started:.1f} s"
            if error is None:
                print(f" done in {took}")
            else:
                run.failed[path.name] = error
                print(f" FAILED after {took}: {error} (see {report.name})")
    # What the notebooks wrote (the images, the workbook), not what was already in ``out``.
    run.files = sorted(
        path
        for path in out.iterdir()
        if path.suffix in _PRODUCTS
        and before.get(path) != path.stat().st_mtime_ns
        and path not in run.reports
    )
    return run


def _read(path: Path, parameters: Mapping[str, Any]) -> tuple[Any, str | None]:
    """The notebook with its parameters injected, or an empty one and why it is unreadable."""
    import nbformat
    from nbformat.v4 import new_notebook

    try:
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        nbformat.validate(notebook)
    except Exception as exc:  # whatever is wrong with the file, it is reported
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        text = f"{path.name} is not a notebook that can be read ({reason[:200]})"
        return new_notebook(), text  # type: ignore[no-untyped-call]
    inject_parameters(notebook, parameters, name=path.name)
    return notebook, None


def _write(
    notebook: Any, report: Path, path: Path, error: str | None, options: ReportOptions
) -> Path:
    """The report of ``notebook`` as a reader sees it, and its PDF when asked."""
    facts = Facts(
        title=title_of(notebook, path.stem),
        signed_in=options.signed_in,
        company=options.company,
        failed=f"{error}." if error else None,
    )
    facts.learn(kernel_facts(notebook))
    notebook.cells = [cell for cell in notebook.cells if cell.get("source") != FACTS_SOURCE]
    tidy(notebook, failed=error is not None)
    return write_report(notebook, report, facts, show_code=options.show_code)
