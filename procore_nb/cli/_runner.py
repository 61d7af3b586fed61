"""Execute notebooks headless and write their HTML reports: what ``run`` and ``demo`` share.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procore_nb._constants import UNATTENDED_VARIABLE
from procore_nb._exceptions import ConfigurationError

__all__ = [
    "REPORTS_VARIABLE",
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


def run_notebooks(
    paths: list[Path],
    out: Path,
    *,
    env: Mapping[str, str] | None = None,
    parameters: Mapping[str, Any] | None = None,
    timeout: int = 600,
) -> Run:
    """Execute each notebook headless and write ``out/<name>.html``, whatever happens.

    ``env`` is added to the kernels' environment, with ``PROCORE_NB_UNATTENDED=1`` and
    ``PROCORE_NB_REPORTS=out``. A notebook that fails still gets its report (showing the
    error); its name and the error's last line go to ``Run.failed`` and the next one runs.
    """
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    # Fail on a bad parameter before any kernel starts.
    notebooks = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
        inject_parameters(notebook, parameters or {}, name=path.name)
        notebooks.append((path, notebook))
    before = {path: path.stat().st_mtime_ns for path in out.iterdir()}
    run = Run()
    settings = {REPORTS_VARIABLE: str(out.resolve()), UNATTENDED_VARIABLE: "1"}
    with (
        tempfile.TemporaryDirectory(prefix="procore-nb-run-") as private,
        environment({**dict(env or {}), **settings}),
    ):
        for path, notebook in notebooks:
            started = time.perf_counter()
            error = _execute(notebook, folder=path.parent, private=Path(private), timeout=timeout)
            report = out / (path.stem + ".html")
            _write_html(notebook, report, title=path.stem)
            run.reports.append(report)
            took = f"{time.perf_counter() - started:.1f} s"
            if error is None:
                print(f"  ran {path.name} in {took} -> {report}")
            else:
                run.failed[path.name] = error
                print(f"  FAILED {path.name} after {took}: {error} (see {report})")
    # What the notebooks wrote (the images, the workbook), not what was already in ``out``.
    run.files = sorted(
        path
        for path in out.iterdir()
        if path.suffix in _PRODUCTS and before.get(path) != path.stat().st_mtime_ns
    )
    return run


def _execute(notebook: Any, *, folder: Path, private: Path, timeout: int) -> str | None:
    """Run ``notebook`` in a fresh kernel; return the error's last line if a cell failed."""
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    class LocalKernel(AsyncKernelManager):
        """A kernel reached over Unix sockets in a private folder, not over TCP."""

        def __init__(self, **kwargs: Any) -> None:
            super().__init__(transport="ipc", ip=f"{private}/kernel", **kwargs)

    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        kernel_manager_class=LocalKernel,
        resources={"metadata": {"path": str(folder)}},
        store_widget_state=False,
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        return f"{exc.ename}: {exc.evalue}" if exc.ename else str(exc).strip()
    return None


def _write_html(notebook: Any, report: Path, *, title: str) -> None:
    from nbconvert import HTMLExporter

    resources = {"metadata": {"name": title}}
    html, _ = HTMLExporter().from_notebook_node(notebook, resources=resources)  # type: ignore[no-untyped-call]
    report.write_text(html, encoding="utf-8")
