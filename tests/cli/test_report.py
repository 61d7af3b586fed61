"""Executed notebooks as documents: outputs tidied for a reader, the header, the template."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from procore_nb.cli._report import (
    FACTS_MIME,
    Facts,
    chromium,
    kernel_facts,
    print_pdf,
    tidy,
    title_of,
    write_report,
)

WARNING = (
    "/srv/venv/lib/python3.11/site-packages/procore_nb/api/_reader.py:323: "
    "SkippedProjectsWarning: 3 of 313 projects were skipped for commitment_change_orders (2 "
    "answered 403, 1 answered 500): the Change Orders tool is disabled there, the user may not "
    "see it, or the project does not exist; Procore still failed after the retries (5xx, no "
    "answer in time, a dropped connection): read those projects again later. Every other "
    "project's rows are in the frame; df.attrs['skipped'] lists each skipped project, its "
    "status, reason and request id; pass errors='raise' to stop at the first one instead.\n"
    "  warnings.warn(\n"
)


def _cell(*outputs: object) -> object:
    cell = new_code_cell("x")
    cell.outputs = list(outputs)
    return cell


def test_stderr_goes_and_a_skipped_warning_becomes_a_sentence() -> None:
    """Progress text and warnings on stderr go; the skipped projects are said once, plainly."""
    notebook = new_notebook(
        cells=[
            _cell(
                new_output("stream", name="stderr", text="  3%|▎  | 10/313 [00:01<00:30]\r"),
                new_output("stream", name="stderr", text=WARNING),
                new_output("stream", name="stderr", text=WARNING),
                new_output("stream", name="stdout", text="6,534 RFIs read\n"),
            )
        ]
    )
    tidy(notebook, failed=False)
    outputs = notebook.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "display_data"]
    assert outputs[0].data["text/plain"] == "6,534 RFIs read\n"
    note = outputs[1].data["text/plain"]
    assert note == (
        "3 of 313 projects are left out of the commitment change orders below (2 answered 403, "
        "1 answered 500): the Change Orders tool is disabled there, the user may not see it, or "
        "the project does not exist; Procore still failed after the retries (5xx, no answer in "
        "time, a dropped connection): read those projects again later."
    )


def test_printed_prose_is_a_paragraph_and_printed_columns_stay_fixed_width() -> None:
    """Printed sentences read in the report's font; text lined up in columns keeps its font."""
    prose = new_output("stream", name="stdout", text="Budget $2,806,821,580\nWrote cost.xlsx\n")
    columns = new_output("stream", name="stdout", text="id    name\n12    Tower <B>\n")
    notebook = new_notebook(cells=[_cell(prose, columns)])
    tidy(notebook, failed=False)
    paragraph, kept = notebook.cells[0].outputs
    assert paragraph.data["text/html"] == (
        '<p class="report-text">Budget $2,806,821,580<br>Wrote cost.xlsx</p>'
    )
    assert kept.output_type == "stream"
    assert kept.text == "id    name\n12    Tower <B>\n"


def test_widgets_keep_only_their_picture() -> None:
    """A progress bar widget goes; a map widget with a picture keeps the picture alone."""
    widget = "application/vnd.jupyter.widget-view+json"
    bar = new_output("display_data", data={widget: {"model_id": "a"}, "text/plain": "  0%|"})
    picture = new_output(
        "display_data", data={widget: {"model_id": "b"}, "image/png": "iVBOR", "text/plain": "Map("}
    )
    notebook = new_notebook(cells=[_cell(bar, picture)])
    tidy(notebook, failed=False)
    assert [dict(o.data) for o in notebook.cells[0].outputs] == [{"image/png": "iVBOR"}]


def test_reprs_and_paths_are_made_readable() -> None:
    """A dict result becomes a table, a printed list words, an absolute path its file name."""
    notebook = new_notebook(
        cells=[
            _cell(
                new_output("execute_result", data={"text/plain": "{'id': 7, 'name': 'Joe'}"}),
                new_output(
                    "stream",
                    name="stdout",
                    text="Wrote /tmp/x/reports/cost.xlsx\nstages: ['Bidding', 'Closed']\n"
                    "0 projects have no budget: []\n"
                    "Using Procore (custom) at http://127.0.0.1:8765.\n",
                ),
            )
        ]
    )
    tidy(notebook, failed=False)
    result, printed = notebook.cells[0].outputs
    assert result.data["text/html"] == (
        '<table class="report-facts"><tr><th>id</th><td>7</td></tr>'
        "<tr><th>name</th><td>Joe</td></tr></table>"
    )
    assert printed.data["text/plain"] == (
        "Wrote cost.xlsx\nstages: Bidding, Closed\n0 projects have no budget: none\n"
    )


def test_errors_show_only_when_the_notebook_failed() -> None:
    """An error output stays in a failed notebook's report and goes otherwise."""
    error = new_output("error", ename="ValueError", evalue="bad", traceback=["Traceback ..."])
    for failed, expected in ((True, 1), (False, 0)):
        notebook = new_notebook(cells=[_cell(error)])
        tidy(notebook, failed=failed)
        assert len(notebook.cells[0].outputs) == expected


def test_kernel_facts_fill_the_header() -> None:
    """The facts the kernel displayed are found, and the header says them in words."""
    facts_output = new_output(
        "display_data",
        data={
            FACTS_MIME: json.dumps(
                {
                    "company_id": 42,
                    "as_of": "2025-12-31",
                    "live": False,
                    "synced_at": "2026-01-01T06:00:00+00:00",
                }
            )
        },
    )
    notebook = new_notebook(cells=[_cell(facts_output)])
    facts = Facts(
        title="Cost",
        signed_in="Signed in as Ann (ann@acme.com) · service account · production",
        company="Acme",
        generated=datetime(2026, 1, 1, 6, 30, tzinfo=UTC),
    )
    facts.learn(kernel_facts(notebook))
    assert facts.fields() == [
        ("Company", "Acme (id 42)"),
        ("Data as of", "2025-12-31"),
        ("Store", "synced 2026-01-01 06:00 UTC (30 min before this report)"),
        ("Signed in", "Ann (ann@acme.com) · service account · production"),
        ("Generated", "2026-01-01 06:30 UTC"),
    ]


def test_title_comes_from_the_first_heading() -> None:
    """The first markdown heading is the report's title, taken out of its cell."""
    notebook = new_notebook(cells=[new_markdown_cell("# Cost: budget\n\nText below.")])
    assert title_of(notebook, "05_cost") == "Cost: budget"
    assert notebook.cells[0].source == "Text below."
    assert title_of(new_notebook(cells=[new_code_cell("1")]), "plain") == "plain"


def test_the_document_fetches_nothing(tmp_path: Path) -> None:
    """The written HTML has the header, no code and no script or style from the network."""
    notebook = new_notebook(cells=[new_code_cell("secret_code = 1")])
    facts = Facts(title="A <report>", failed="cell 1 failed: ValueError: bad.")
    html = write_report(notebook, tmp_path / "r.html", facts, show_code=False).read_text()
    assert "<h1>A &lt;report&gt;</h1>" in html
    assert "This report is incomplete.</strong> cell 1 failed: ValueError: bad." in html
    assert "secret_code" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_pdf_beside_the_report(tmp_path: Path) -> None:
    """With Chromium installed, --pdf prints the report to a PDF beside it; without, None."""
    facts = Facts(title="Weekly")
    report = write_report(new_notebook(), tmp_path / "weekly.html", facts, show_code=False)
    if chromium() is None:
        pytest.skip("no Chromium on this machine: nothing to print with")
    pdf = print_pdf(report)
    assert pdf == tmp_path / "weekly.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize("show_code", [False, True])
def test_notes_for_the_analyst_stay_out_of_the_report(tmp_path: Path, show_code: bool) -> None:
    """Markdown tagged 'analyst' is left out of a report, and kept with --show-code."""
    notebook = new_notebook(
        cells=[
            new_markdown_cell(
                "How to edit: `projects=` takes ids.", metadata={"tags": ["analyst"]}
            ),
            new_markdown_cell("What the numbers mean."),
        ]
    )
    html = write_report(notebook, tmp_path / "r.html", Facts(title="T"), show_code=show_code)
    text = html.read_text()
    assert "What the numbers mean." in text
    assert ("How to edit" in text) == show_code
