"""The example notebooks: executed against the sandbox, committed clean, generated from source."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

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
