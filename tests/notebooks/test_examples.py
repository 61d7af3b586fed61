"""The example notebooks: executed against the sandbox, committed clean, generated from source."""

from __future__ import annotations

import base64
import io
import os
import re
import struct
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles.numbers import is_date_format
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb.cli._demo import DEMO_LIMITS, EXAMPLES, run_examples, use_sandbox_unless_configured
from procore_nb.reports import analysis, tables
from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
#: Projects of the reports' sandbox: more than a page of projects, few enough to run in minutes.
PROJECTS = 150
#: The first test of the module waits for every notebook to run (on a busy 2-core machine).
pytestmark = pytest.mark.timeout(900)
#: The figures notebooks 04-08 write.
FIGURES = (
    "cost-variance.png",
    "hours-by-vendor.png",
    "largest-vendors.png",
    "manpower-per-week.png",
    "overdue-by-project.png",
    "overdue-over-time.png",
    "portfolio-health-map.png",
    "punch-by-trade.png",
)


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run every example notebook once against a fresh sandbox."""
    out = tmp_path_factory.mktemp("reports")
    (out / "earlier.png").write_bytes(b"left by an earlier run")
    written = run_examples(out, sandbox_options={"projects": PROJECTS, "seed": 3, "today": TODAY})
    (out / "written.txt").write_text("\n".join(sorted(p.name for p in written)))
    return out


@pytest.mark.xdist_group("notebooks")
def test_run_lists_exactly_what_it_wrote(reports: Path) -> None:
    """The demo names its reports and the notebooks' files, not what was already there."""
    assert (reports / "written.txt").read_text().split("\n") == sorted(
        [
            "01_first_call.html",
            "02_project_map.html",
            "03_stage_summary.html",
            "04_rfis_and_submittals.html",
            "05_cost.html",
            "06_field.html",
            "07_portfolio_map.html",
            "08_site_and_billing.html",
            *sorted(FIGURES),
            "cost.xlsx",
            "field.xlsx",
            "portfolio-health.xlsx",
            "project-map.png",
            "rfis-and-submittals.xlsx",
            "site-and-billing.xlsx",
            "stage-summary.xlsx",
            "stages.png",
        ]
    )


@pytest.mark.xdist_group("notebooks")
def test_every_example_writes_its_report(reports: Path) -> None:
    """Each notebook runs without error and leaves an HTML report."""
    for name in EXAMPLES:
        html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
        assert "Traceback" not in html
        assert "This report is incomplete" not in html


def _body(html: str) -> str:
    """What a reader sees: the document after its head (styles and title)."""
    return html.split("</head>", 1)[1]


#: Text that betrays a notebook's machinery: progress bars, warnings, local paths, reprs.
MACHINERY = re.compile(
    r"\d+%\||it/s\]|Warning\b|warnings\.warn|Traceback|/tmp/|/home/|/root/|site-packages"
    r"|In&nbsp;\[|\{'|\['|use_sandbox_unless_configured|Using Procore \("
)


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", EXAMPLES)
def test_reports_read_as_documents(reports: Path, name: str) -> None:
    """No code, prompts, progress bars, warnings, paths or reprs; a header says what it is."""
    html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
    body = _body(html)
    assert "jp-InputArea-editor" not in body  # no code cell
    assert "jp-InputPrompt" not in body
    assert "jp-OutputPrompt" not in body
    assert not MACHINERY.search(body), MACHINERY.search(body)
    header = body.split('<header class="report-header">', 1)[1].split("</header>", 1)[0]
    for field in ("Company", "Data as of", "Store", "Signed in", "Generated"):
        assert f"<dt>{field}</dt><dd>" in header, field
    assert "<dt>Company</dt><dd>Acme Construction (id " in header


#: Anything the browser would fetch from the network.
EXTERNAL = re.compile(
    r"""(src|href)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?(https?:)?//|@import"""
)


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", EXAMPLES)
def test_reports_open_offline(reports: Path, name: str) -> None:
    """Not one external URL: no scripts, styles, fonts or images fetched (it opens offline)."""
    html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "<script src" not in html
    assert "require.js" not in html
    assert "MathJax.js" not in html


#: How a widget shows when a report cannot draw it: its Python repr.
WIDGET_REPRS = re.compile(
    r"\b(Map|LoginWidget|VBox|HBox|HTML|Dropdown|Output)\((center=|env=|children=)"
)


def _pngs(html: str) -> list[bytes]:
    """The pictures of the report's outputs (not the small ones in its style sheet)."""
    found = re.findall(r'<img[^>]*src="data:image/png;base64,([^"]+)"', html)
    return [base64.b64decode(data) for data in found]


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", EXAMPLES)
def test_reports_hold_no_widget_repr(reports: Path, name: str) -> None:
    """No report shows a widget as its repr text (``Map(center=[...], ...)``)."""
    html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
    assert not WIDGET_REPRS.search(html), WIDGET_REPRS.search(html)
    assert "application/vnd.jupyter.widget-view+json" not in html


@pytest.mark.xdist_group("notebooks")
def test_interactive_map_shows_as_a_picture(reports: Path) -> None:
    """The map report holds the static map and a picture in the interactive map's place."""
    html = (reports / "02_project_map.html").read_text(encoding="utf-8")
    pictures = _pngs(html)
    assert len(pictures) == 2  # the static map, then the interactive map's picture
    from matplotlib import image

    snapshot = image.imread(io.BytesIO(pictures[-1]), format="png")
    assert snapshot.shape[1] > 800
    assert snapshot.reshape(-1, snapshot.shape[-1]).std(axis=0).max() > 0.05
    # the picture comes after the heading of the interactive map, where the widget would be
    assert html.rindex("The interactive map") < html.rindex("data:image/png;base64,")


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", EXAMPLES)
def test_header_says_who_signed_in_and_how(reports: Path, name: str) -> None:
    """Each report's header names the service account, how it signed in, and where."""
    html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
    assert (
        "<dt>Signed in</dt><dd>Sandbox Service Account (sandbox-service@acme.com) · service "
        "account · the embedded sandbox (demo data)</dd>"
    ) in html


@pytest.mark.xdist_group("notebooks")
def test_stage_table_is_formatted_for_reading(reports: Path) -> None:
    """The stage table shows percentages, money without cents and whole days."""
    html = (reports / "03_stage_summary.html").read_text(encoding="utf-8")
    by_stage = pd.read_excel(reports / "stage-summary.xlsx", sheet_name="By stage")
    for row in by_stage.to_dict("records"):
        for text in (
            tables.percent(row["Share"]),
            tables.money(row["Total value"]),
            tables.days(row["Median age (days)"]),
            tables.days(row["Median duration (days)"]),
        ):
            assert f">{text}</td>" in html, text
    assert ">Median age (days)</th>" in html
    assert f">{by_stage['Share'].iloc[0]}</td>" not in html  # not the raw fraction


#: A number with three or more decimals in a table cell of a report.
LONG_DECIMALS = re.compile(r"<td[^>]*>\s*-?[\d,]*\.\d{3,}\s*</td>")


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", [Path(n).stem for n in EXAMPLES])
def test_no_table_shows_more_than_two_decimals(reports: Path, name: str) -> None:
    """No table cell of any report holds a number with more than two decimals."""
    html = (reports / f"{name}.html").read_text(encoding="utf-8")
    assert LONG_DECIMALS.findall(html) == []


@pytest.mark.xdist_group("notebooks")
def test_workbooks_have_number_formats_by_kind(reports: Path) -> None:
    """Money is currency, shares percent, dates dates, in the workbooks the demo wrote."""
    cost = openpyxl.load_workbook(reports / "cost.xlsx")["By project"]
    heads = [cell.value for cell in cost[1]]
    assert heads[:3] == ["Project", "Budget", "Committed"]
    budget = cost.cell(2, heads.index("Budget") + 1)
    share = cost.cell(2, heads.index("Variance share") + 1)
    assert budget.number_format.startswith('"$"#,##0')
    assert share.number_format == "0.0%"
    assert cost.freeze_panes == "A2"
    assert cost.auto_filter.ref
    projects = openpyxl.load_workbook(reports / "stage-summary.xlsx")["Projects"]
    heads = [cell.value for cell in projects[1]]
    start = projects.cell(2, heads.index("Start date") + 1)
    assert is_date_format(start.number_format)
    health = openpyxl.load_workbook(reports / "portfolio-health.xlsx")
    for sheet in health.worksheets:  # every sheet that lists projects names them
        assert "Project" in [cell.value for cell in sheet[1]], sheet.title


@pytest.mark.xdist_group("notebooks")
def test_first_call_shows_every_project(reports: Path) -> None:
    """The first-call notebook reports every project of the company, not one page."""
    html = (reports / "01_first_call.html").read_text(encoding="utf-8")
    assert f"{PROJECTS} projects (Total said {PROJECTS})" in html


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", ["project-map.png", "stages.png", *FIGURES])
def test_images_are_real_pictures(reports: Path, name: str) -> None:
    """The map and the stage chart are large PNGs whose pixels are not all one colour."""
    path = reports / name
    width, height = _png_size(path)
    assert width > 800
    assert height > 400
    from matplotlib import image

    pixels = image.imread(path)
    assert pixels.reshape(-1, pixels.shape[-1]).std(axis=0).max() > 0.05


@pytest.mark.xdist_group("notebooks")
def test_excel_export_has_every_table(reports: Path) -> None:
    """The stage workbook has one sheet per table, with every project on its sheet."""
    sheets = pd.read_excel(reports / "stage-summary.xlsx", sheet_name=None)
    assert {"By stage", "By state", "Per quarter", "Projects"} <= set(sheets)
    assert len(sheets["Projects"]) == PROJECTS


@pytest.mark.xdist_group("notebooks")
def test_reports_hold_no_secret(reports: Path) -> None:
    """No report contains the sandbox's client secrets or an access token."""
    from procore_nb.sandbox import Sandbox

    defaults = Sandbox()
    secrets = {defaults.client_secret, defaults.service_client_secret, defaults.password}
    for path in reports.iterdir():
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            continue  # zip-compressed: the projects table holds no credentials by construction
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {path.name}"


def test_notebooks_are_committed_clean() -> None:
    """Committed notebooks carry no outputs, execution counts or widget state."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "clean_notebooks.py"), "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_notebooks_match_their_generator(tmp_path: Path) -> None:
    """notebooks/*.ipynb are exactly what scripts/make_notebooks.py writes."""
    before = {p.name: p.read_text(encoding="utf-8") for p in NOTEBOOKS.glob("*.ipynb")}
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_notebooks.py")], check=True)
    after = {p.name: p.read_text(encoding="utf-8") for p in NOTEBOOKS.glob("*.ipynb")}
    assert before == after, "run `python scripts/make_notebooks.py` and commit the result"
    assert sorted(after) == sorted(EXAMPLES)


def test_unconfigured_notebook_falls_back_to_the_sandbox(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """With no credentials, the setup cell starts an embedded sandbox and says so."""
    use_sandbox_unless_configured()
    said = capsys.readouterr().out
    assert said.startswith("No Procore credentials are configured: using the embedded sandbox at")
    url = os.environ["PROCORE_API_URL"]
    assert url.startswith("http://127.0.0.1:")
    assert url in said
    import urllib.request

    with urllib.request.urlopen(f"{url}/_sandbox/health", timeout=5) as answer:
        assert answer.status == 200
    use_sandbox_unless_configured()  # a second run reuses the same sandbox
    assert os.environ["PROCORE_API_URL"] == url


# Notebooks 04-07: what they computed and drew agrees with the sandbox's own data. A second
# sandbox with the reports' seed serves the same records (made from the seed and the project
# alone); they are read here directly and counted without procore_nb.reports.analysis.


@dataclass
class Truth:
    """The sandbox's records, read directly."""

    projects: pd.DataFrame
    rfis: pd.DataFrame
    submittals: pd.DataFrame
    punch: pd.DataFrame
    checklists: pd.DataFrame
    budget: pd.DataFrame
    commitments: pd.DataFrame
    subcontracts: pd.DataFrame
    invoices: pd.DataFrame


@pytest.fixture(scope="module")
def truth() -> Iterator[Truth]:
    """The records of the active projects of a sandbox like the one the reports ran on."""
    procore_nb.set_testing(True)
    with Sandbox(projects=PROJECTS, seed=3, today=TODAY, **DEMO_LIMITS) as sb:
        client = sandbox_client(sb)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # projects with a tool disabled are skipped

            def read(name: str) -> pd.DataFrame:
                return client.frame(name, projects="active")

            subcontracts = read("work_order_contracts")
            yield Truth(
                projects=client.projects(status="all"),
                rfis=read("rfis"),
                submittals=read("submittals"),
                punch=read("punch_items"),
                checklists=read("checklists"),
                budget=read("budget_detail_rows"),
                commitments=pd.concat(
                    [subcontracts, read("purchase_order_contracts")], ignore_index=True
                ),
                subcontracts=subcontracts,
                invoices=read("requisitions"),
            )
    procore_nb.set_testing(False)


def _html(reports: Path, name: str) -> str:
    return (reports / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.xdist_group("notebooks")
def test_rfi_and_submittal_counts_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """The open counts printed and in the workbook are the sandbox's open RFIs and submittals."""
    html = _html(reports, "04_rfis_and_submittals")
    open_rfis = int((truth.rfis["status"] == "open").sum())  # drafts were never sent
    open_submittals = int((~truth.submittals["status.status"].isin(["Closed", "Draft"])).sum())
    assert f"RFIs: {open_rfis:,} open" in html
    assert f"Submittals: {open_submittals:,} open" in html
    assert f"{len(truth.rfis):,} RFIs and {len(truth.submittals):,} submittals" in html
    book = pd.read_excel(reports / "rfis-and-submittals.xlsx", sheet_name=None)
    assert int(book["RFIs by project"]["Items"].sum()) == len(truth.rfis)
    assert int(book["RFIs by project"]["Open"].sum()) == open_rfis
    assert int(book["Submittals by project"]["Open"].sum()) == open_submittals
    # ball-in-court ageing counts every open RFI once
    assert int(book["Ball in court"]["Total"].sum()) == open_rfis
    closed = truth.rfis["time_resolved"].notna().sum()
    assert int(book["RFI turnaround"]["Closed"].sum()) == closed
    assert len(book["Overdue over time"]) == 12


@pytest.mark.xdist_group("notebooks")
def test_cost_totals_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """Budget and commitments in the report add up to the sandbox's budget rows and contracts."""
    html = _html(reports, "05_cost")
    budget = (
        truth.budget["original_budget_amount"].fillna(0).sum()
        + truth.budget["budget_modifications"].fillna(0).sum()
    )
    assert f"Budget {tables.money(budget)}" in html
    book = pd.read_excel(reports / "cost.xlsx", sheet_name=None)
    assert book["By project"]["Budget"].sum() == pytest.approx(budget)
    assert book["By project"]["Committed"].sum() == pytest.approx(
        truth.commitments["grand_total"].sum()
    )
    vendors = book["Vendors"]
    assert int(vendors["Contracts"].sum()) == len(truth.commitments)
    largest = truth.commitments.groupby("vendor.company")["revised_contract"].sum().idxmax()
    assert vendors.iloc[0]["Vendor"] == largest


@pytest.mark.xdist_group("notebooks")
def test_field_counts_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """Punch items and inspections in the report are the sandbox's, every one counted once."""
    html = _html(reports, "06_field")
    assert f"{len(truth.punch):,} punch items" in html
    assert f"{len(truth.checklists):,} inspections" in html
    book = pd.read_excel(reports / "field.xlsx", sheet_name=None)
    by_trade = book["Punch by trade"].set_index("Trade")
    assert int(by_trade.loc["total", "Total"]) == int(truth.punch["trade.name"].notna().sum())
    inspections = book["Inspections by trade"]
    assert int(inspections["Inspections"].sum()) == len(truth.checklists)
    assert int(inspections["Deficient"].sum()) == int(
        truth.checklists["deficient_item_count"].fillna(0).sum()
    )
    assert len(book["Manpower per week"]) > 0


@pytest.mark.xdist_group("notebooks")
def test_portfolio_map_scores_every_project_read(reports: Path, truth: Truth) -> None:
    """Every active project read is scored once; the report shows both maps as pictures."""
    read = set(truth.rfis["project_id"]) | set(truth.budget["project_id"])
    book = pd.read_excel(reports / "portfolio-health.xlsx", sheet_name=None)
    health = book["Health"]
    assert sorted(health["ID"]) == sorted(read)
    counts = health["Health"].value_counts()
    html = _html(reports, "07_portfolio_map")
    said = ", ".join(
        f"{band}: {int(counts.get(band, 0)):,}" for band in ("At risk", "Watch", "Healthy")
    )
    assert said in html
    assert analysis.HEALTH_EXPLAINED in html
    scores = health["Health score"]
    assert scores.nunique() >= 50  # the score separates projects (it tied all the worst at 100)
    assert scores.nlargest(15).nunique() == 15  # the 15 worst are told apart, not tied
    assert len(_pngs(html)) == 2  # the static map, and the interactive map's picture
    # overdue items per project: open RFIs, submittals and punch items past due on the day of
    # the data (its latest update), every project counted whatever it lacks
    day = max(
        frame["updated_at"].max().tz_convert("UTC").tz_localize(None).normalize()
        for frame in (truth.rfis, truth.submittals, truth.punch)
    )
    open_rows = [
        truth.rfis[truth.rfis["status"] == "open"],
        truth.submittals[~truth.submittals["status.status"].isin(["Closed", "Draft"])],
        truth.punch[truth.punch["status"] != "Closed"],
    ]
    midnight = pd.Timestamp(day, tz="UTC")  # dates are midnight UTC
    late = pd.concat([rows[rows["due_date"] < midnight][["project_id"]] for rows in open_rows])
    expected = late["project_id"].value_counts()
    got = health.set_index("ID")["Overdue items"]
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()


@pytest.mark.xdist_group("notebooks")
def test_site_and_billing_totals_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """What every subcontract commits and has invoiced adds up to the sandbox's contracts and
    invoices; the incident rate is the portfolio's, with its sentence."""
    html = _html(reports, "08_site_and_billing")
    book = pd.read_excel(reports / "site-and-billing.xlsx", sheet_name=None)
    billed = book["Invoiced vs committed"]
    assert len(billed) == len(truth.subcontracts)
    committed = (
        truth.subcontracts["grand_total"].sum() + truth.subcontracts["approved_change_orders"].sum()
    )
    assert billed["Committed"].sum() == pytest.approx(committed, abs=len(billed) * 0.01)
    sent = truth.invoices[truth.invoices["status"] != "draft"]
    assert billed["Invoiced"].sum() == pytest.approx(sent["total_claimed_amount"].sum(), abs=1)
    assert f"Committed {tables.money(billed['Committed'].sum())}" in html
    rates = book["Incident rate"].set_index("Project")
    whole = rates.loc["(all)"]
    assert whole["Rate"] == pytest.approx(whole["Recordable"] * 200_000 / whole["Hours"])
    assert f"hours worked: a rate of {whole['Rate']:.2f}" in html
    assert int(book["Hours by vendor"]["Hours"].sum()) > 0
    items = book["Open meeting items"]
    said = f"{int(items['Open'].sum()):,} open and {int(items['On hold'].sum()):,} on hold items"
    assert said in html
    assert (items["Open"] + items["On hold"] <= items["Items"]).all()
