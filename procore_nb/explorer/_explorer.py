"""The explorer cell: a resource, projects and filters; the rows; the call as Python or curl."""

from __future__ import annotations

import html
import warnings
from typing import Any

import ipywidgets

from procore_nb._exceptions import ProcoreError
from procore_nb._registry import registry
from procore_nb.explorer._commands import Pick, curl_command, python_line
from procore_nb.explorer._widgets import FilterInput

__all__ = ["Explorer"]

#: Rows shown under the count.
FIRST_ROWS = 10
_ALL_ACTIVE = "All active projects"


class Explorer(ipywidgets.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """An explorer of the registry's resources for one signed-in client.

    Pick a resource (``resource``), a project or all active projects (``project``) and
    filters (``filters``: one widget per filter of the resource), then **Load** (``load``)
    to see the row count (``count``) and the first rows (``rows``). **Copy as Python**
    (``copy_python``) and **Copy as curl** (``copy_curl``) write the call that reproduces
    the frame into ``code``, to copy from there; the curl command's token is
    ``$PROCORE_TOKEN``. The last frame read is ``frame``.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self.frame: Any = None
        self._inputs: dict[str, FilterInput] = {}
        self._active: list[tuple[str, int]] | None = None
        entries = sorted(registry().values(), key=lambda e: e.title.casefold())
        self.resource = ipywidgets.Dropdown(
            options=[(f"{e.title} ({e.name})", e.name) for e in entries],
            value="rfis" if "rfis" in registry() else entries[0].name,
            description="Resource",
        )
        self.project = ipywidgets.Dropdown(
            options=[(_ALL_ACTIVE, "active")], description="Projects"
        )
        self.filters = ipywidgets.VBox()
        self.load = ipywidgets.Button(description="Load", button_style="primary", icon="download")
        self.copy_python = ipywidgets.Button(description="Copy as Python", icon="code")
        self.copy_curl = ipywidgets.Button(description="Copy as curl", icon="terminal")
        self.count = ipywidgets.HTML()
        self.rows = ipywidgets.HTML()
        self.code = ipywidgets.Textarea(
            value="", layout=ipywidgets.Layout(width="100%", height="110px"), disabled=False
        )
        self.resource.observe(self._resource_changed, names="value")
        self.load.on_click(lambda _button: self.read())
        self.copy_python.on_click(lambda _button: self._show(self.python()))
        self.copy_curl.on_click(lambda _button: self._show(self.curl()))
        super().__init__(
            [
                ipywidgets.HBox([self.resource, self.project]),
                self.filters,
                ipywidgets.HBox([self.load, self.copy_python, self.copy_curl]),
                self.count,
                self.code,
                self.rows,
            ]
        )
        self._resource_changed()

    def __repr__(self) -> str:
        return f"Explorer(resource={self.resource.value!r}, project={self.project.value!r})"

    # what the widgets say -------------------------------------------------------------

    def _projects(self) -> list[tuple[str, int]]:
        """The active projects as (name, id), read once."""
        if self._active is None:
            projects = self._client.projects(status="active")
            self._active = [
                (f"{name} ({pid})", int(pid))
                for name, pid in zip(projects["name"], projects["id"], strict=True)
            ]
        return self._active

    def _resource_changed(self, _change: object = None) -> None:
        entry = registry()[self.resource.value]
        self._inputs = {name: FilterInput(spec) for name, spec in entry.filters.items()}
        self.filters.children = [i.widget for i in self._inputs.values()]
        scoped = entry.scope in ("project_path", "project_query")
        self.project.disabled = not scoped
        if scoped and len(self.project.options) == 1:
            try:
                self.project.options = [(_ALL_ACTIVE, "active"), *self._projects()]
            except ProcoreError as exc:
                self._say(f"Could not list the projects: {exc}", error=True)
        self.code.value = ""

    def filter_widget(self, name: str) -> Any:
        """The widget of one filter of the picked resource (an HBox of two pickers for ranges)."""
        return self._inputs[name].widget

    def set_filter(self, name: str, value: Any) -> None:
        """Set one filter's widget to a keyword value (``("2025-01-01", None)`` for a range)."""
        self._inputs[name].set(value)

    def pick(self) -> Pick:
        """What is picked now, as a :class:`~procore_nb.explorer.Pick`."""
        entry = registry()[self.resource.value]
        scoped = entry.scope in ("project_path", "project_query")
        filters = {}
        for name, field in self._inputs.items():
            value = field.value()
            if value is not None:
                filters[name] = value
        projects = self.project.value if scoped else None
        ids = [pid for _, pid in self._projects()] if scoped and projects == "active" else []
        return Pick(self.resource.value, projects, filters, ids)

    def python(self) -> str:
        """The line of Python that reads the picked frame."""
        try:
            return python_line(self.pick())
        except ProcoreError as exc:
            return f"# {exc}"

    def curl(self) -> str:
        """The curl command of the pick (token as ``$PROCORE_TOKEN``)."""
        try:
            return curl_command(
                self.pick(), api_url=self._client.api_url, company_id=self._client.company_id
            )
        except ProcoreError as exc:
            return f"# {exc}"

    # reading -----------------------------------------------------------------------------

    def read(self) -> None:
        """Read the picked frame; show its row count and first rows (or what went wrong)."""
        try:
            pick = self.pick()
            kwargs: dict[str, Any] = dict(pick.filters)
            if pick.project_scoped:
                kwargs["projects"] = pick.projects
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                frame = self._client.frame(pick.resource, progress=False, **kwargs)
        except ProcoreError as exc:
            self._say(str(exc), error=True)
            self.rows.value = ""
            return
        self.frame = frame
        skipped = frame.attrs.get("skipped") or []
        where = ""
        if pick.project_scoped:
            projects = frame["project_id"].nunique() if "project_id" in frame.columns else 0
            where = f" from {projects:,} project{'s' if projects != 1 else ''}"
        text = f"<b>{len(frame):,} rows</b> of {html.escape(pick.entry.title)}{where}"
        if skipped:
            text += f"; {len(skipped)} project(s) skipped (tool disabled or not visible)"
        if caught and not skipped:
            text += f"; {html.escape(str(caught[0].message))}"
        self._say(text)
        self.rows.value = frame.head(FIRST_ROWS).to_html(max_cols=20, border=0)

    def _say(self, text: str, *, error: bool = False) -> None:
        self.count.value = (
            f'<span style="color:#b00020">{html.escape(text)}</span>' if error else text
        )

    def _show(self, code: str) -> None:
        self.code.value = code
