"""The explorer cell: a resource, projects and filters; the rows; the call as Python or curl."""

from __future__ import annotations

import contextlib
import html
import warnings
from typing import Any

import ipywidgets
from traitlets import TraitError

from procore_nb._exceptions import ProcoreError
from procore_nb._registry import Resource, registry
from procore_nb.explorer._clipboard import display_copy
from procore_nb.explorer._commands import Pick, curl_command, python_line
from procore_nb.explorer._sources import PROJECT_SCOPES, Choice, Lookups, seen_in, source_of
from procore_nb.explorer._widgets import FilterInput

__all__ = ["Explorer"]

#: Rows shown under the count.
FIRST_ROWS = 10
_ALL_ACTIVE = "All active projects"
_COPIED = "Put on the clipboard where the browser allows it; the text is also in the box below."


class Explorer(ipywidgets.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """An explorer of the registry's resources for one signed-in client.

    Pick a resource (``resource``), a project or all active projects (``project``, narrowed
    by typing a name, number or city into ``project_search``) and filters (one widget per
    filter of the resource, labelled in Procore's words; filters that take people, vendors,
    trades, cost codes, locations and other resources' ids offer those names and send their
    ids), then **Load** (``load``) to see the row count (``count``) and the first rows
    (``rows``). **Copy as Python** (``copy_python``) and **Copy as curl** (``copy_curl``)
    put the call that reproduces the frame on the browser's clipboard and in ``code``; the
    curl command's token is ``$PROCORE_TOKEN`` and it reads every page. The last frame read
    is ``frame``.

    The names are read once per session (``store``, a :class:`procore_nb.Store`, is read
    instead of Procore when given): opening the explorer costs a few requests, opening it
    again none.
    """

    def __init__(self, client: Any, *, store: Any = None) -> None:
        self._client = client
        self.lookups = Lookups(client, store)
        self.frame: Any = None
        self._inputs: dict[str, FilterInput] = {}
        self._projects: list[Choice] | None = None
        entries = sorted(registry().values(), key=lambda e: e.title.casefold())
        self.resource = ipywidgets.Dropdown(
            options=[(f"{e.title} ({e.name})", e.name) for e in entries],
            value="rfis" if "rfis" in registry() else entries[0].name,
            description="Resource",
            layout=ipywidgets.Layout(width="420px"),
        )
        self.project_search = ipywidgets.Text(
            placeholder="Search projects by name, number or city",
            layout=ipywidgets.Layout(width="420px"),
        )
        self.project = ipywidgets.Select(
            options=[(_ALL_ACTIVE, "active")], rows=6, layout=ipywidgets.Layout(width="420px")
        )
        self.project_note = ipywidgets.HTML()
        self.filters = ipywidgets.GridBox(
            layout=ipywidgets.Layout(
                grid_template_columns="max-content auto", grid_gap="4px 12px", align_items="center"
            )
        )
        self.load = ipywidgets.Button(description="Load", button_style="primary", icon="download")
        self.copy_python = ipywidgets.Button(description="Copy as Python", icon="code")
        self.copy_curl = ipywidgets.Button(description="Copy as curl", icon="terminal")
        self.copied = ipywidgets.HTML()
        self.clipboard = ipywidgets.Output()
        self.count = ipywidgets.HTML()
        self.rows = ipywidgets.HTML()
        self.code = ipywidgets.Textarea(
            value="", layout=ipywidgets.Layout(width="100%", height="160px")
        )
        self.resource.observe(self._resource_changed, names="value")
        self.project.observe(self._project_changed, names="value")
        self.project_search.observe(self._search_changed, names="value")
        self.load.on_click(lambda _button: self.read())
        self.copy_python.on_click(lambda _button: self._copy(self.python()))
        self.copy_curl.on_click(lambda _button: self._copy(self.curl()))
        projects = ipywidgets.VBox([self.project_search, self.project, self.project_note])
        super().__init__(
            [
                self.resource,
                ipywidgets.HBox([ipywidgets.Label("Projects", layout={"width": "90px"}), projects]),
                self.filters,
                ipywidgets.HBox([self.load, self.copy_python, self.copy_curl, self.copied]),
                self.count,
                self.code,
                self.clipboard,
                self.rows,
            ]
        )
        self._resource_changed()

    def __repr__(self) -> str:
        return f"Explorer(resource={self.resource.value!r}, project={self.project.value!r})"

    # what the widgets say -------------------------------------------------------------

    @property
    def _entry(self) -> Resource:
        return registry()[self.resource.value]

    @property
    def _scoped(self) -> bool:
        return self._entry.scope in PROJECT_SCOPES

    def _active(self) -> list[Choice]:
        """The active projects as ("name · #number · city", id), sorted by name, read once."""
        if self._projects is None:
            self._projects = self.lookups.projects()
        return self._projects

    def _resource_changed(self, _change: object = None) -> None:
        scoped = self._scoped
        self.project.disabled = self.project_search.disabled = not scoped
        if scoped and self._projects is None:
            try:
                self._active()
            except ProcoreError as exc:
                self._say(f"Could not list the projects: {exc}", error=True)
            self._search_changed()  # fills the list; builds the filters if the pick changed
        self._build_filters(keep=False)
        self.code.value = self.copied.value = ""

    def _search_changed(self, _change: object = None) -> None:
        """Narrow the project list to the names, numbers and cities holding every word typed."""
        words = self.project_search.value.casefold().split()
        known = self._projects or []
        found = [c for c in known if all(w in c[0].casefold() for w in words)]
        self.project.options = [(_ALL_ACTIVE, "active"), *found]
        shown = f"{len(found):,} of {len(known):,} active projects" if words else ""
        self.project_note.value = f"<small>{shown}</small>" if shown else ""

    def _project_changed(self, _change: object = None) -> None:
        if self._scoped:
            self._build_filters(keep=True)

    def _build_filters(self, *, keep: bool) -> None:
        """One input per filter of the resource; names for id filters where a list says them."""
        entry = self._entry
        project = self.project.value if self._scoped else None
        project = project if isinstance(project, int) else None
        old = self._inputs if keep else {}
        self._inputs = {}
        for name, spec in entry.filters.items():
            choices, hint = self._choices(name, spec.type, project)
            field = FilterInput(spec, choices, hint=hint)
            if name in old:
                with contextlib.suppress(ProcoreError, TraitError):
                    value = old[name].value()
                    if value is not None:
                        field.set(value)
            self._inputs[name] = field
        cells: list[Any] = []
        for field in self._inputs.values():
            cells += [ipywidgets.Label(field.label, layout={"width": "max-content"}), field.widget]
        self.filters.children = cells

    def _choices(self, name: str, kind: str, project: int | None) -> tuple[list[Choice], str]:
        """The names filter ``name`` offers, or why there are none (its text box's hint)."""
        source = source_of(name, kind)
        if source is None:
            return self._seen(name, kind, project)
        lister = registry()[source]
        what = lister.title.lower()
        per_project = lister.scope in PROJECT_SCOPES
        if per_project and project is None:
            return [], f"ids: pick one project to choose {what} by name"
        try:
            choices = self.lookups.choices(source, project if per_project else None)
        except ProcoreError:
            return [], f"ids: {what} could not be listed"
        return choices, "" if choices else f"ids: no {what} listed"

    def _seen(self, name: str, kind: str, project: int | None) -> tuple[list[Choice], str]:
        """The names of filter ``name``'s values that the picked project's own rows carry."""
        entry = self._entry
        stem = seen_in(entry.name, name, kind)
        if stem is None:
            return [], ""
        if project is None:
            return [], "ids: pick one project to choose by name"
        try:
            choices = self.lookups.seen(entry.name, project, stem)
        except ProcoreError:
            return [], f"ids: the project's {entry.title} could not be read"
        return choices, "" if choices else f"ids: none named in the project's {entry.title}"

    def filter_widget(self, name: str) -> Any:
        """The input of one filter of the picked resource (an HBox of two pickers for ranges)."""
        return self._inputs[name].widget

    def filter_input(self, name: str) -> FilterInput:
        """One filter's :class:`FilterInput`: its label, its widget and the value it sends."""
        return self._inputs[name]

    def set_filter(self, name: str, value: Any) -> None:
        """Set one filter from a keyword value (ids for pickers; ``("2025-01-01", None)``)."""
        self._inputs[name].set(value)

    def pick(self) -> Pick:
        """What is picked now, as a :class:`~procore_nb.explorer.Pick`."""
        scoped = self._scoped
        filters = {}
        for name, field in self._inputs.items():
            value = field.value()
            if value is not None:
                filters[name] = value
        projects = self.project.value if scoped else None
        ids = [pid for _, pid in self._active()] if scoped and projects == "active" else []
        return Pick(self.resource.value, projects, filters, ids)

    def python(self) -> str:
        """The line of Python that reads the picked frame."""
        try:
            return python_line(self.pick())
        except ProcoreError as exc:
            return f"# {exc}"

    def curl(self) -> str:
        """The curl command of the pick: every page (token as ``$PROCORE_TOKEN``)."""
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

    def _copy(self, code: str) -> None:
        """Put ``code`` in the text box and, unless it says what is wrong, on the clipboard."""
        self.code.value = code
        if code.startswith("# "):
            self.copied.value = ""
            self.clipboard.outputs = ()
            return
        display_copy(self.clipboard, code)
        self.copied.value = f"<small>{_COPIED}</small>"
