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
from procore_nb.cli._demo import sandbox_environment
from procore_nb.cli._main import main
from procore_nb.cli._runner import inject_parameters, parse_parameter, run_notebooks
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
    assert "<title>What stage is each project in?</title>" in html
    assert "Parameters of this run" not in html  # a report shows no code
    # the parameter reached the notebook: the workbook holds exactly those projects
    workbook = pd.read_excel(out / "stage-summary.xlsx", sheet_name=None)
    assert sorted(workbook["Projects"]["ID"]) == sorted(ids)  # headers for readers
    assert int(workbook["By stage"]["Projects"].sum()) == len(ids)


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
    assert "<dt>Signed in</dt><dd>Joe Builder (joe.builder@acme.com) · cached sign-in" in html
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
    assert run.failed["login.ipynb"].startswith("cell 1 failed: NotSignedInError: No sign-in")
    html = (tmp_path / "out" / "login.html").read_text(encoding="utf-8")
    assert "procore-nb login" in html  # the report shows the error
    assert "after the login cell" not in html  # the next cell did not run
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


def _notebook(path: Path, *sources: str) -> Path:
    nbformat.write(new_notebook(cells=[new_code_cell(source) for source in sources]), path)
    return path


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_every_notebook_gets_a_report_whatever_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not JSON, a silent cell past --timeout, a dead kernel: each is reported, the run goes on."""
    broken = tmp_path / "b_broken.ipynb"
    broken.write_text("this is not JSON", encoding="utf-8")
    paths = [
        _notebook(tmp_path / "a_first.ipynb", "print('first ran')"),
        broken,
        _notebook(tmp_path / "c_silent.ipynb", "import time\ntime.sleep(60)", "print('after')"),
        _notebook(
            tmp_path / "d_dies.ipynb", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
        ),
        _notebook(tmp_path / "e_last.ipynb", "print('last ran')"),
    ]
    out = tmp_path / "out"
    code = main(["run", *map(str, paths), "--out", str(out), "--timeout", "3"])
    said = capsys.readouterr()
    assert code == 1  # as the README says: a notebook failed, its report says what
    assert sorted(p.name for p in out.glob("*.html")) == [
        "a_first.html",
        "b_broken.html",
        "c_silent.html",
        "d_dies.html",
        "e_last.html",
    ]
    assert "Traceback" not in said.out + said.err
    assert "procore-nb run: 3 notebook(s) failed." in said.err
    assert "first ran" in (out / "a_first.html").read_text(encoding="utf-8")
    assert "last ran" in (out / "e_last.html").read_text(encoding="utf-8")
    reports = {p.stem: p.read_text(encoding="utf-8") for p in out.glob("*.html")}
    assert "This report is incomplete." in reports["b_broken"]
    assert "b_broken.ipynb is not a notebook that can be read" in reports["b_broken"]
    assert "cell 1 showed nothing (no output, no progress) for 3 s" in reports["c_silent"]
    assert "after" not in reports["c_silent"].split("</header>")[1]
    assert "the kernel died in cell 1" in reports["d_dies"]
    for stem in ("a_first", "e_last"):
        assert "This report is incomplete." not in reports[stem]


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_a_busy_cell_outlives_the_timeout(tmp_path: Path) -> None:
    """A cell that keeps showing progress runs past --timeout: only silence stops a cell."""
    path = _notebook(
        tmp_path / "busy.ipynb",
        "import time\nfor step in range(8):\n    print(step, flush=True)\n    time.sleep(0.5)",
    )
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--timeout", "2"]) == 0


@pytest.mark.parametrize("make", ["file", "under-a-file"])
def test_bad_out_is_refused_before_anything_runs(
    tmp_path: Path, make: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An --out that is a file, or lies under one, is refused (exit 2) before any sign-in."""
    target = tmp_path / "taken"
    target.write_text("a file", encoding="utf-8")
    out = target if make == "file" else target / "reports"
    assert main(["run", str(STAGES), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--out {out}" in err
    assert "name a folder" in err.lower()
    assert "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "a file"


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_a_cached_sign_in_costs_no_request(sb: Sandbox, tmp_path: Path) -> None:
    """The second run's sign-in check asks Procore nothing: the token and whose it is are kept."""
    path = _notebook(tmp_path / "nothing.ipynb", "1 + 1")
    assert main(["run", str(path), "--out", str(tmp_path / "first")]) == 0
    before = sb.counters()["by_path"].get("/rest/v1.0/me", 0)
    grants = sb.counters()["grants"]["client_credentials"]
    assert main(["run", str(path), "--out", str(tmp_path / "second")]) == 0
    assert sb.counters()["by_path"].get("/rest/v1.0/me", 0) == before
    assert sb.counters()["grants"]["client_credentials"] == grants
    html = (tmp_path / "second" / "nothing.html").read_text(encoding="utf-8")
    assert "<dt>Signed in</dt><dd>Sandbox Service Account (sandbox-service@acme.com)" in html


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_show_code_keeps_the_code(tmp_path: Path) -> None:
    """--show-code writes the code cells into the report; by default they are left out."""
    path = _notebook(tmp_path / "code.ipynb", "answer = 6 * 7\nanswer")
    assert main(["run", str(path), "--out", str(tmp_path / "plain")]) == 0
    assert main(["run", str(path), "--out", str(tmp_path / "code"), "--show-code"]) == 0
    plain = (tmp_path / "plain" / "code.html").read_text(encoding="utf-8")
    shown = (tmp_path / "code" / "code.html").read_text(encoding="utf-8")
    assert "<pre>42</pre>" in plain
    assert "answer" not in plain
    assert "answer" in shown


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_skipped_projects_are_a_sentence_in_the_report(sb: Sandbox, tmp_path: Path) -> None:
    """A pull that skips a project with its tool disabled says so in words, not as a warning."""
    listed = [int(i) for i in sandbox_client(sb).projects()["id"]]
    ids, disabled = listed[:2], listed[-1]
    sb.set_tool(disabled, "rfi", enabled=False)
    path = _notebook(
        tmp_path / "skips.ipynb",
        "import procore_nb as pnb\nclient = pnb.login()\n"
        f"rfis = client.frame('rfis', projects={[*ids, disabled]})\n"
        "print(f'{len(rfis):,} RFIs')",
    )
    try:
        assert main(["run", str(path), "--out", str(tmp_path / "out")]) == 0
    finally:
        sb.set_tool(disabled, "rfi", enabled=True)
    html = (tmp_path / "out" / "skips.html").read_text(encoding="utf-8")
    body = html.split("</head>", 1)[1]
    assert '<div class="report-note">1 of 3 projects are left out of the RFIs below' in body
    assert "Warning" not in body
    assert "df.attrs" not in body
    assert "Store</dt><dd>read live from Procore at " in body


RFIS = ROOT / "notebooks" / "04_rfis_and_submittals.ipynb"


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_a_spent_budget_does_not_stop_a_run_the_store_can_answer(
    sb: Sandbox, tmp_path: Path
) -> None:
    """With the store fresh and the hourly budget spent, the rerun still writes its report."""
    ids = [int(i) for i in sandbox_client(sb).projects()["id"].iloc[:3]]
    args = ["run", str(RFIS), "-p", "project_ids=" + ",".join(map(str, ids))]
    assert main([*args, "--out", str(tmp_path / "first")]) == 0
    used = sb.counters()["requests"]
    sb.configure(rate_limit_hourly=1)  # every request from now on answers 429 for the hour
    try:
        assert main([*args, "--out", str(tmp_path / "second")]) == 0
    finally:
        sb.configure(rate_limit_hourly=3600 * 1000)
    html = (tmp_path / "second" / "04_rfis_and_submittals.html").read_text(encoding="utf-8")
    assert "This report is incomplete" not in html
    assert sb.counters()["requests"] - used < 5


@pytest.mark.xdist_group("notebooks")
@pytest.mark.usefixtures("service_account")
def test_an_old_answer_serves_when_procore_says_429(sb: Sandbox, tmp_path: Path) -> None:
    """Past 12 hours who signed in is asked again; a 429 then falls back to the kept answer."""
    import json
    import os

    path = _notebook(tmp_path / "nothing.ipynb", "1 + 1")
    assert main(["run", str(path), "--out", str(tmp_path / "first")]) == 0
    kept = Path(os.environ["XDG_CACHE_HOME"]) / "procore_nb" / "signed-in.json"
    answers = json.loads(kept.read_text(encoding="utf-8"))
    for answer in answers.values():
        answer["at"] -= 13 * 3600
    kept.write_text(json.dumps(answers), encoding="utf-8")
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    sb.configure(rate_limit_hourly=1)
    try:
        assert main(["run", str(path), "--out", str(tmp_path / "second")]) == 0
    finally:
        sb.configure(rate_limit_hourly=3600 * 1000)
    html = (tmp_path / "second" / "nothing.html").read_text(encoding="utf-8")
    assert "<dt>Signed in</dt><dd>Sandbox Service Account (sandbox-service@acme.com)" in html


@pytest.mark.parametrize("value", ["0", "-5"])
def test_timeout_must_be_positive(
    tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --timeout of zero or less is refused (exit 2) before any sign-in."""
    assert main(["run", str(STAGES), "--out", str(tmp_path), "--timeout", value]) == 2
    assert "--timeout must be a positive number of seconds" in capsys.readouterr().err
