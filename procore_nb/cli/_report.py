"""An executed notebook as a document: what ``run`` and ``demo`` write for a reader.

The reader is not the author: no code or prompts (unless asked), nothing fetched from the
network (the template drops require.js, MathJax and widget scripts; images are inlined by
the kernel's outputs), a header saying what the report is about, and nothing a reader
should not see. :func:`tidy` filters the outputs: stderr (progress bars drawn as text,
Python warnings) goes, a skipped-projects warning becomes a sentence, widgets keep only
their picture, dict and list reprs become tables, local paths become file names, and printed
prose becomes a paragraph in the report's font (printed columns keep the fixed-width one).
:data:`FACTS_SOURCE` is run in the kernel after the notebook to learn the facts of the
header (company, the day the data is measured at, how fresh the store's copy was).
"""

from __future__ import annotations

import ast
import html
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from procore_nb._registry import registry

__all__ = [
    "FACTS_MIME",
    "FACTS_SOURCE",
    "Facts",
    "chromium",
    "kernel_facts",
    "print_pdf",
    "tidy",
    "title_of",
    "write_report",
]

#: The mimetype of the facts the kernel reports for the header.
FACTS_MIME = "application/x-procore-nb-facts+json"

#: Run in the notebook's kernel after its cells: the header's facts, read without a request.
FACTS_SOURCE = f"""\
def _procore_nb_report_facts():
    from IPython.display import display

    space = globals()
    facts, synced, live = {{}}, [], False
    client = space.get("client")
    if client is not None and hasattr(client, "company_id"):
        facts["company_id"] = client.company_id
    for value in list(space.values()):
        attrs = getattr(value, "attrs", None)
        if not isinstance(attrs, dict) or not attrs.get("resource"):
            continue
        if attrs.get("synced_at"):
            synced.append(str(attrs["synced_at"]))
        else:
            live = True
    for value in list(space.values()):
        columns = getattr(value, "columns", None)
        if columns is not None and "company.name" in columns:
            names = value["company.name"].dropna()
            if len(names):
                facts["company"] = str(names.iloc[0])
                break
    day = space.get("day")
    if hasattr(day, "strftime"):
        # A day, or the moment of the latest change (say it: an earlier date than the
        # report's is then not mistaken for a stale copy).
        timed = any((day.hour, day.minute, day.second))
        shape = "%Y-%m-%d %H:%M UTC (the latest change)" if timed else "%Y-%m-%d"
        facts["as_of"] = day.strftime(shape)
    facts["synced_at"] = min(synced) if synced else None
    facts["live"] = live
    display({{"{FACTS_MIME}": facts}}, raw=True)


_procore_nb_report_facts()
del _procore_nb_report_facts
"""

_TEMPLATE_DIR = Path(__file__).resolve().parent
#: Lines of the setup and login cells that the header says instead.
_LIFTED = re.compile(
    r"^(Signed in as |Signed in · |Using Procore |No Procore credentials are configured).*\n?",
    re.MULTILINE,
)
_SKIPPED = re.compile(r"SkippedProjectsWarning: (.+)")
#: The parts of procore_nb.api._projects.skipped_message that a reader needs.
_SKIPPED_PARTS = re.compile(
    r"(?P<count>\d+ of \d+) projects were skipped for (?P<name>\w+) \((?P<causes>[^)]*)\): "
    r"(?P<why>.*?)\. Every other project's rows"
)
#: An absolute path of two parts or more, not inside a URL.
_PATH = re.compile(r"(?<![\w:/.~-])/(?:[\w.+@-]+/)+([\w.+@-]+)")
_WIDGET = "application/vnd.jupyter.widget-view+json"
#: Printed text laid out in columns (two spaces or a tab inside a line), not prose.
_ALIGNED = re.compile(r"\S(?: {2,}|\t)\S|^[ \t]+\S", re.MULTILINE)
#: A dict or list printed on one line, without nesting.
_REPR = re.compile(r"\{[^{}\n]*\}|\[[^\[\]\n]*\]")


@dataclass
class Facts:
    """What the header of a report says."""

    title: str
    signed_in: str | None = None
    company: str | None = None
    company_id: int | str | None = None
    as_of: str | None = None
    synced_at: str | None = None
    live: bool = False
    generated: datetime = field(default_factory=lambda: datetime.now(UTC))
    failed: str | None = None

    def learn(self, kernel_facts: dict[str, Any]) -> None:
        """Take what the kernel reported (:data:`FACTS_SOURCE`)."""
        self.company = kernel_facts.get("company") or self.company
        self.company_id = kernel_facts.get("company_id") or self.company_id
        self.as_of = kernel_facts.get("as_of") or self.as_of
        self.synced_at = kernel_facts.get("synced_at") or self.synced_at
        self.live = bool(kernel_facts.get("live")) or self.live

    def fields(self) -> list[tuple[str, str]]:
        """The header's lines, in order: (name, value)."""
        at = f"{self.generated:%Y-%m-%d %H:%M} UTC"
        company = self.company or (f"company {self.company_id}" if self.company_id else None)
        if company and self.company and self.company_id:
            company = f"{self.company} (id {self.company_id})"
        if self.synced_at:
            synced = datetime.fromisoformat(self.synced_at)
            if synced.tzinfo is None:
                synced = synced.replace(tzinfo=UTC)
            minutes = max(0, round((self.generated - synced).total_seconds() / 60))
            store = f"synced {synced.astimezone(UTC):%Y-%m-%d %H:%M} UTC ({_ago(minutes)})"
            if self.live:
                store += "; some lists read live from Procore"
        elif self.live:
            store = f"read live from Procore at {at}"
        else:
            store = None
        rows = [
            ("Company", company),
            ("Data as of", self.as_of or (f"{at} (when it was read)" if store else None)),
            ("Store", store),
            ("Signed in", _who(self.signed_in)),
            ("Generated", at),
        ]
        return [(name, value) for name, value in rows if value]


def _who(line: str | None) -> str | None:
    """``"Signed in as X · how · where"`` without its first words (the header names them)."""
    if line is None:
        return None
    for prefix in ("Signed in as ", "Signed in · "):
        if line.startswith(prefix):
            return line[len(prefix) :]
    return line


def _ago(minutes: int) -> str:
    if minutes < 1:
        return "just before this report"
    if minutes < 120:
        return f"{minutes} min before this report"
    hours = minutes / 60
    if hours < 48:
        return f"{hours:.0f} h before this report"
    return f"{hours / 24:.0f} days before this report"


def _clean(text: str) -> str:
    return _PATH.sub(r"\1", text)


def _plain_repr(match: re.Match[str]) -> str:
    """A printed dict or list as words: ``{'a': 1}`` -> ``a: 1``; else unchanged."""
    value = _literal(match.group(0))
    if isinstance(value, dict) and value:
        return ", ".join(f"{key}: {item}" for key, item in value.items())
    if isinstance(value, list) and value:
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict | list):
        return "none"
    return match.group(0)


def _literal(text: str) -> Any:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None


def _as_html(value: Any) -> str:
    """A dict as a two-column table, a list as text; nested the same way."""
    if isinstance(value, dict):
        rows = "".join(
            f"<tr><th>{html.escape(str(key))}</th><td>{_as_html(item)}</td></tr>"
            for key, item in value.items()
        )
        return f'<table class="report-facts">{rows}</table>'
    if isinstance(value, list | tuple | set):
        return html.escape(", ".join(str(item) for item in value))
    return html.escape("" if value is None else str(value))


def _skipped_note(message: str) -> str:
    """A skipped-projects warning as a reader's sentence: the resource's title, no advice.

    ``"3 of 313 projects are left out of the commitment change orders below (3 answered
    403): the Change Orders tool is disabled there, ..."``.
    """
    found = _SKIPPED_PARTS.match(message)
    if found is None:
        return re.split(r" Every other project's rows| df\.attrs\[", message)[0].strip()
    name = found["name"]
    title = registry()[name].title if name in registry() else name.replace("_", " ")
    if len(title) > 1 and not title[1].isupper():  # "RFIs" stays, "Punch items" lowers
        title = title[0].lower() + title[1:]
    return (
        f"{found['count']} projects are left out of the {title} below ({found['causes']}): "
        f"{found['why']}."
    )


def _tidy_stream(output: Any, notes: list[str]) -> Any | None:
    text = "".join(output.get("text", ""))
    if output.get("name") == "stderr":  # progress bars as text, warnings, logs
        notes.extend(_skipped_note(message) for message in _SKIPPED.findall(text))
        return None
    text = _REPR.sub(_plain_repr, _clean(_LIFTED.sub("", text)))
    if not text.strip():
        return None
    output["text"] = text
    if _ALIGNED.search(text):  # columns lined up with spaces: keep the fixed-width font
        return output
    from nbformat.v4 import new_output

    lines = "<br>".join(html.escape(line) for line in text.strip("\n").split("\n"))
    return new_output(  # type: ignore[no-untyped-call]
        "display_data",
        data={"text/html": f'<p class="report-text">{lines}</p>', "text/plain": text},
    )


def _tidy_display(output: Any) -> Any | None:
    data = output.get("data", {})
    if FACTS_MIME in data:
        return None
    if _WIDGET in data:  # a report has no kernel to draw it: keep its picture, if any
        pictures = {k: v for k, v in data.items() if k.startswith("image/")}
        output["data"] = pictures
        return output if pictures else None
    plain = data.get("text/plain")
    if isinstance(plain, list):
        plain = "".join(plain)
    if set(data) == {"text/plain"} and isinstance(plain, str):
        value = _literal(plain)
        output["data"] = {"text/plain": _clean(plain)}
        if isinstance(value, dict | list) and value:
            output["data"]["text/html"] = _as_html(value)
    elif isinstance(data.get("text/html"), str):
        data["text/html"] = _clean(data["text/html"])
    return output


def _tidy_output(output: Any, notes: list[str], *, keep_errors: bool) -> Any | None:
    """The output as a reader should see it, or None to drop it."""
    kind = output.get("output_type")
    if kind == "stream":
        return _tidy_stream(output, notes)
    if kind in {"display_data", "execute_result"}:
        return _tidy_display(output)
    if kind == "error" and not keep_errors:
        return None
    return output


def tidy(notebook: Any, *, failed: bool) -> None:
    """Filter every output of ``notebook`` (in place) for a reader; see the module's doc.

    Printed prose becomes a paragraph in the report's font; printed columns keep theirs.
    """
    from nbformat.v4 import new_output

    for cell in notebook.cells:
        if cell.get("cell_type") != "code":
            continue
        notes: list[str] = []
        kept = [_tidy_output(output, notes, keep_errors=failed) for output in cell.outputs]
        cell.outputs = [output for output in kept if output is not None]
        for note in dict.fromkeys(notes):  # once each, in the order said
            cell.outputs.append(
                new_output(  # type: ignore[no-untyped-call]
                    "display_data",
                    data={
                        "text/html": f'<div class="report-note">{html.escape(note)}</div>',
                        "text/plain": note,
                    },
                )
            )


def kernel_facts(notebook: Any) -> dict[str, Any]:
    """The facts :data:`FACTS_SOURCE` displayed, found in any cell's outputs."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if FACTS_MIME in data:
                found = data[FACTS_MIME]
                return dict(json.loads(found) if isinstance(found, str) else found)
    return {}


def title_of(notebook: Any, default: str) -> str:
    """The notebook's first ``# heading`` (taken out of its cell, the header shows it)."""
    for cell in notebook.cells:
        if cell.get("cell_type") != "markdown":
            continue
        match = re.match(r"\s*#\s+(.+)\n?", cell.source)
        if match:
            cell.source = cell.source[match.end() :].lstrip("\n")
            return match.group(1).strip()
        return default
    return default


#: Cells tagged so speak to the notebook's analyst (how it reads, what to change): a report
#: leaves them out unless ``--show-code``.
ANALYST_TAG = "analyst"


def write_report(notebook: Any, path: Path, facts: Facts, *, show_code: bool) -> Path:
    """Write ``notebook`` as one self-contained HTML document to ``path``.

    Cells tagged :data:`ANALYST_TAG` are left out unless ``show_code``.
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name="lab",
        template_file=str(_TEMPLATE_DIR / "report.html.j2"),
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
        exclude_anchor_links=True,
    )
    resources = {
        "metadata": {"name": facts.title},
        "report": {"title": facts.title, "fields": facts.fields(), "failed": facts.failed},
    }
    notebook.metadata.pop("widgets", None)
    notebook.metadata["title"] = facts.title
    if not show_code:  # notes for whoever edits the notebook, not for its reader
        notebook.cells = [
            cell
            for cell in notebook.cells
            if ANALYST_TAG not in cell.get("metadata", {}).get("tags", [])
        ]
    text, _ = exporter.from_notebook_node(notebook, resources=resources)
    path.write_text(text, encoding="utf-8")
    return path


def chromium() -> str | None:
    """The Chromium (or Chrome) on this machine, if any."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(report: Path, *, browser: str | None = None, timeout: float = 60) -> Path | None:
    """Print ``report`` to a PDF beside it with headless Chromium; None without Chromium."""
    browser = browser or chromium()
    if browser is None:
        return None
    pdf = report.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="procore-nb-pdf-") as profile:
        command: Sequence[str] = [
            browser,
            "--headless",
            "--no-sandbox",  # as root in containers Chromium refuses to start otherwise
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            report.resolve().as_uri(),
        ]
        subprocess.run(  # noqa: S603 (a browser found on PATH, our own file)
            command, capture_output=True, timeout=timeout, check=False
        )
    return pdf if pdf.is_file() and pdf.stat().st_size > 0 else None
