"""``procore-nb run``: notebooks executed unattended against the configured Procore."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from sandboxed import TODAY, sandbox_client

import procore_nb
from procore_nb import ConfigurationError
from procore_nb.cli._main import main
from procore_nb.cli._runner import inject_parameters, parse_parameter, run_notebooks
from procore_nb.demo import sandbox_environment
from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
STAGES = ROOT / "notebooks" / "03_stage_summary.ipynb"


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A small sandbox for the runs of this module."""
    procore_nb.set_testing(True)
    with Sandbox(seed=5, projects=60, today=TODAY) as sandbox:
        yield sandbox
    procore_nb.set_testing(False)


@pytest.fixture
def service_account(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Configure the sandbox's service account in PROCORE_*, as a scheduler's job would."""
    for name, value in sandbox_environment(sb, service_account=True).items():
        monkeypatch.setenv(name, value)


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_run_writes_the_report_with_parameters(
    sb: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run signs in as the service account, applies -p and writes the HTML and figures."""
    ids = [int(i) for i in sandbox_client(sb).projects(status="all")["id"].iloc[3:10]]
    out = tmp_path / "reports"
    code = main(
        [
            "run",
            str(STAGES),
            "--out",
            str(out),
            "-p",
            f"company_id={sb.company_id}",
            "-p",
            "project_ids=" + ",".join(map(str, ids)),
        ]
    )
    said = capsys.readouterr()
    assert code == 0, said.err
    assert said.out.startswith(
        "Signed in as Sandbox Service Account (sandbox-service@acme.com) · service account"
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "03_stage_summary.html",
        "stage-summary.xlsx",
        "stages.png",
    ]
    html = (out / "03_stage_summary.html").read_text(encoding="utf-8")
    assert "Traceback" not in html
    assert "<title>03_stage_summary</title>" in html
    assert "Parameters of this run" in html
    # the parameter reached the notebook: the workbook holds exactly those projects
    workbook = pd.read_excel(out / "stage-summary.xlsx", sheet_name=None)
    assert sorted(workbook["Projects"]["id"]) == sorted(ids)
    assert int(workbook["By stage"]["projects"].sum()) == len(ids)


@pytest.mark.xdist_group("notebooks")
def test_run_without_unattended_sign_in_says_how(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With nothing configured, run exits 2 before starting a kernel and says what to set."""
    out = tmp_path / "reports"
    code = main(["run", str(STAGES), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot wait for someone to paste a code" in err
    assert "PROCORE_GRANT=client_credentials" in err
    assert "procore-nb login" in err
    assert not out.exists()  # nothing ran


@pytest.mark.xdist_group("notebooks")
def test_run_with_a_cached_sign_in(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A person's sign-in cached by an earlier session runs the notebook unattended."""
    for name, value in sandbox_environment(sb, service_account=False).items():
        monkeypatch.setenv(name, value)
    earlier = procore_nb.Client()
    earlier.exchange_code(sb.authorize())  # as `procore-nb login` would, into the cache
    notebook = new_notebook(
        cells=[new_code_cell("import procore_nb as pnb\nclient = pnb.login()\nclient.me()['name']")]
    )
    path = tmp_path / "who.ipynb"
    nbformat.write(notebook, path)
    assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    html = (tmp_path / "out" / "who.html").read_text(encoding="utf-8")
    assert "Signed in as Joe Builder (joe.builder@acme.com) · cached sign-in" in html
    assert "<pre>'Joe Builder'</pre>" in html


@pytest.mark.xdist_group("notebooks")
def test_login_cell_fails_fast_when_headless(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run headless without a usable sign-in, the login cell raises; nothing waits for a code."""
    env = sandbox_environment(sb, service_account=False)
    notebook = new_notebook(
        cells=[
            new_code_cell("import procore_nb as pnb\nclient = pnb.login()"),
            new_code_cell("print('after the login cell')"),
        ]
    )
    path = tmp_path / "login.ipynb"
    nbformat.write(notebook, path)
    run = run_notebooks([path], tmp_path / "out", env=env, timeout=120)
    assert list(run.failed) == ["login.ipynb"]
    assert run.failed["login.ipynb"].startswith("NotSignedInError: No sign-in that works")
    html = (tmp_path / "out" / "login.html").read_text(encoding="utf-8")
    assert "procore-nb login" in html  # the report shows the error
    assert "<pre>after the login cell" not in html  # the next cell did not run
    assert "/oauth/authorize" not in html  # no link to follow: nobody is there


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_unknown_parameter_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A parameter the notebook does not declare stops the run and lists the ones it has."""
    code = main(["run", str(STAGES), "--out", str(tmp_path), "-p", "compnay_id=1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "has no parameter 'compnay_id'; its parameters are company_id, project_ids" in err
    assert not list(tmp_path.glob("*.html"))


def test_missing_notebook_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A notebook path that does not exist is named in the error (exit 2)."""
    assert main(["run", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path)]) == 2
    assert "No such notebook" in capsys.readouterr().err


def test_two_notebooks_with_one_name_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notebooks whose reports would overwrite each other are refused before running."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        nbformat.write(new_notebook(), tmp_path / folder / "weekly.ipynb")
    paths = [str(tmp_path / "a" / "weekly.ipynb"), str(tmp_path / "b" / "weekly.ipynb")]
    assert main(["run", *paths, "--out", str(tmp_path / "out")]) == 2
    assert "Two notebooks would write the same report (weekly.html)" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("company_id=123", ("company_id", 123)),
        ("project_ids=1,2,3", ("project_ids", [1, 2, 3])),
        ("project_ids=[4]", ("project_ids", [4])),
        ("title=Weekly report", ("title", "Weekly report")),
        ("title='x=y'", ("title", "x=y")),
        ("flag=None", ("flag", None)),
    ],
)
def test_parameters_are_read_as_literals(text: str, expected: tuple[str, object]) -> None:
    """-p values are Python literals when they parse, text otherwise; a,b,c is a list."""
    assert parse_parameter(text) == expected


@pytest.mark.parametrize("text", ["company_id", "=3", "1x=2", "a b=1"])
def test_bad_parameter_is_refused(text: str) -> None:
    """A -p that is not NAME=VALUE is a configuration error that shows the form."""
    with pytest.raises(ConfigurationError, match="NAME=VALUE"):
        parse_parameter(text)


def test_parameters_go_after_the_parameters_cell() -> None:
    """The injected cell follows the cell tagged 'parameters', as papermill puts it."""
    notebook = nbformat.read(STAGES, as_version=4)
    inject_parameters(notebook, {"company_id": 7}, name=STAGES.name)
    tags = [cell.metadata.get("tags", []) for cell in notebook.cells]
    position = tags.index(["parameters"])
    assert tags[position + 1] == ["injected-parameters"]
    assert notebook.cells[position + 1].source.endswith("company_id = 7")


def test_notebook_without_parameters_cell_takes_none() -> None:
    """Parameters for a notebook without a 'parameters' cell are refused, not lost."""
    notebook = new_notebook(cells=[new_code_cell("x = 1")])
    with pytest.raises(ConfigurationError, match="no cell tagged 'parameters'"):
        inject_parameters(notebook, {"x": 2}, name="plain.ipynb")
    inject_parameters(notebook, {}, name="plain.ipynb")  # no parameters: nothing to check
    assert len(notebook.cells) == 1
