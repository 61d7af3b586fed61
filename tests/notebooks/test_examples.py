"""The example notebooks: executed against the sandbox, committed clean, generated from source."""

from __future__ import annotations

import base64
import io
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from procore_nb import tables
from procore_nb.demo import EXAMPLES, run_examples, use_sandbox_unless_configured

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"


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
    written = run_examples(out, sandbox_options={"projects": 300, "seed": 3})
    (out / "written.txt").write_text("\n".join(sorted(p.name for p in written)))
    return out


@pytest.mark.xdist_group("notebooks")
def test_run_lists_exactly_what_it_wrote(reports: Path) -> None:
    """The demo names its reports and the notebooks' files, not what was already there."""
    assert (reports / "written.txt").read_text().split("\n") == [
        "01_first_call.html",
        "02_project_map.html",
        "03_stage_summary.html",
        "project-map.png",
        "stage-summary.xlsx",
        "stages.png",
    ]


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
@pytest.mark.parametrize("name", ["project-map.png", "stages.png"])
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
