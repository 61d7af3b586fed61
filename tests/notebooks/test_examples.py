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

import pandas as pd
import pytest
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import tables
from procore_nb.demo import DEMO_LIMITS, EXAMPLES, run_examples, use_sandbox_unless_configured
from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
#: The figures notebooks 04-07 write.
FIGURES = (
    "cost-variance.png",
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
    written = run_examples(out, sandbox_options={"projects": 300, "seed": 3, "today": TODAY})
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
            *sorted(FIGURES),
            "cost.xlsx",
            "field.xlsx",
            "portfolio-health.xlsx",
            "project-map.png",
            "rfis-and-submittals.xlsx",
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
        assert "Using Procore (custom) at http://127.0.0.1:" in html


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
    # the picture comes after the code of the last cell, where the widget would be
    assert html.rindex("interactive_map") < html.rindex("data:image/png;base64,")


@pytest.mark.xdist_group("notebooks")
@pytest.mark.parametrize("name", EXAMPLES)
def test_login_cell_says_who_signed_in_and_how(reports: Path, name: str) -> None:
    """Each report's login cell shows the service account, how it signed in, and where."""
    html = (reports / name).with_suffix(".html").read_text(encoding="utf-8")
    assert (
        "Signed in as Sandbox Service Account (sandbox-service@acme.com) · service account · "
        "custom (http://127.0.0.1:"
    ) in html


@pytest.mark.xdist_group("notebooks")
def test_stage_table_is_formatted_for_reading(reports: Path) -> None:
    """The stage table shows percentages, money without cents and whole days."""
    html = (reports / "03_stage_summary.html").read_text(encoding="utf-8")
    by_stage = pd.read_excel(reports / "stage-summary.xlsx", sheet_name="By stage")
    for row in by_stage.itertuples():
        for text in (
            tables.percent(row.share),
            tables.money(row.total_value),
            tables.days(row.median_age_days),
            tables.days(row.median_duration_days),
        ):
            assert f">{text}</td>" in html, text
    assert ">Median age (days)</th>" in html
    assert f">{by_stage['share'].iloc[0]}</td>" not in html  # not the raw fraction


@pytest.mark.xdist_group("notebooks")
def test_first_call_shows_every_project(reports: Path) -> None:
    """The first-call notebook reports all 300 projects of the company, not one page."""
    html = (reports / "01_first_call.html").read_text(encoding="utf-8")
    assert "300 projects (Total said 300)" in html


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
    assert len(sheets["Projects"]) == 300


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
# alone); they are read here directly and counted without procore_nb.analysis.


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


@pytest.fixture(scope="module")
def truth() -> Iterator[Truth]:
    """The records of the active projects of a sandbox like the one the reports ran on."""
    procore_nb.set_testing(True)
    with Sandbox(projects=300, seed=3, today=TODAY, **DEMO_LIMITS) as sb:
        client = sandbox_client(sb)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # projects with a tool disabled are skipped

            def read(name: str) -> pd.DataFrame:
                return client.frame(name, projects="active")

            yield Truth(
                projects=client.projects(status="all"),
                rfis=read("rfis"),
                submittals=read("submittals"),
                punch=read("punch_items"),
                checklists=read("checklists"),
                budget=read("budget_detail_rows"),
                commitments=pd.concat(
                    [read("work_order_contracts"), read("purchase_order_contracts")],
                    ignore_index=True,
                ),
            )
    procore_nb.set_testing(False)


def _html(reports: Path, name: str) -> str:
    return (reports / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.xdist_group("notebooks")
def test_rfi_and_submittal_counts_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """The open counts printed and in the workbook are the sandbox's open RFIs and submittals."""
    html = _html(reports, "04_rfis_and_submittals")
    open_rfis = int(truth.rfis["status"].isin(["open", "draft"]).sum())
    open_submittals = int((truth.submittals["status.status"] != "Closed").sum())
    assert f"RFIs: {open_rfis:,} open" in html
    assert f"Submittals: {open_submittals:,} open" in html
    assert f"{len(truth.rfis):,} RFIs and {len(truth.submittals):,} submittals" in html
    book = pd.read_excel(reports / "rfis-and-submittals.xlsx", sheet_name=None)
    assert int(book["RFIs by project"]["items"].sum()) == len(truth.rfis)
    assert int(book["RFIs by project"]["open"].sum()) == open_rfis
    assert int(book["Submittals by project"]["open"].sum()) == open_submittals
    # ball-in-court ageing counts every open RFI once
    assert int(book["Ball in court"]["total"].sum()) == open_rfis
    closed = truth.rfis["time_resolved"].notna().sum()
    assert int(book["RFI turnaround"]["closed"].sum()) == closed
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
    assert book["By project"]["budget"].sum() == pytest.approx(budget)
    assert book["By project"]["committed"].sum() == pytest.approx(
        truth.commitments["grand_total"].sum()
    )
    vendors = book["Vendors"]
    assert int(vendors["contracts"].sum()) == len(truth.commitments)
    largest = truth.commitments.groupby("vendor.company")["revised_contract"].sum().idxmax()
    assert vendors.iloc[0]["vendor.company"] == largest


@pytest.mark.xdist_group("notebooks")
def test_field_counts_match_the_sandbox(reports: Path, truth: Truth) -> None:
    """Punch items and inspections in the report are the sandbox's, every one counted once."""
    html = _html(reports, "06_field")
    assert f"{len(truth.punch):,} punch items" in html
    assert f"{len(truth.checklists):,} inspections" in html
    book = pd.read_excel(reports / "field.xlsx", sheet_name=None)
    by_trade = book["Punch by trade"].set_index("trade.name")
    assert int(by_trade.loc["total", "total"]) == int(truth.punch["trade.name"].notna().sum())
    inspections = book["Inspections by trade"]
    assert int(inspections["inspections"].sum()) == len(truth.checklists)
    assert int(inspections["deficient"].sum()) == int(
        truth.checklists["deficient_item_count"].fillna(0).sum()
    )
    assert len(book["Manpower per week"]) > 0


@pytest.mark.xdist_group("notebooks")
def test_portfolio_map_scores_every_project_read(reports: Path, truth: Truth) -> None:
    """Every active project read is scored once; the report shows both maps as pictures."""
    read = set(truth.rfis["project_id"]) | set(truth.budget["project_id"])
    book = pd.read_excel(reports / "portfolio-health.xlsx", sheet_name=None)
    health = book["Health"]
    assert sorted(health["id"]) == sorted(read)
    counts = health["health"].value_counts()
    html = _html(reports, "07_portfolio_map")
    said = ", ".join(
        f"'{band}': {int(counts.get(band, 0))}" for band in ("At risk", "Watch", "Healthy")
    )
    assert "{" + said + "}" in html.replace("&#x27;", "'").replace("&#39;", "'")
    assert len(_pngs(html)) == 2  # the static map, and the interactive map's picture
    # overdue items per project: open RFIs, submittals and punch items past due on the day of
    # the data (its latest update), every project counted whatever it lacks
    day = max(
        frame["updated_at"].max().tz_convert("UTC").tz_localize(None).normalize()
        for frame in (truth.rfis, truth.submittals, truth.punch)
    )
    open_rows = [
        truth.rfis[truth.rfis["status"].isin(["open", "draft"])],
        truth.submittals[truth.submittals["status.status"] != "Closed"],
        truth.punch[truth.punch["status"] != "Closed"],
    ]
    late = pd.concat([rows[rows["due_date"] < day][["project_id"]] for rows in open_rows])
    expected = late["project_id"].value_counts()
    got = health.set_index("id")["overdue_items"]
    assert got[got > 0].sort_index().to_dict() == expected.sort_index().to_dict()
