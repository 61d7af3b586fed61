"""The login cell and the project map, used as a person uses them: JupyterLab in Chromium.

One walk through issue 7's steps, against a JupyterLab server and the sandbox on 127.0.0.1:
sign in through the login widget with a code read from the sandbox's authorize page, pick a
company, list projects, draw the map in a second notebook signed in by the cached token,
open the explorer and pick projects, people and vendors by name (copying the call onto the
clipboard), reject a wrong code without hanging, and save notebooks that hold none of the
secrets.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import re
import secrets
import struct
from pathlib import Path
from typing import Any

import pytest

# Without Playwright the chromium_path fixture skips the test, or fails it when CI requires it.
with contextlib.suppress(ImportError):
    from playwright.sync_api import Locator, Page, expect

from procore_nb.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
#: Where the screenshots go: a gitignored folder, never reports/ (what an analyst sends).
SCREENSHOTS = ROOT / "build" / "screenshots"
FIRST_CALL, PROJECT_MAP = "01_first_call.ipynb", "02_project_map.ipynb"
# Running a cell: the kernel may start, import pandas and call the sandbox several times.
CELL_TIMEOUT = 60_000
# Anything else a person waits for (a sign-in, a saved file): generous, on a busy 2-core machine.
STEP_TIMEOUT = 30_000
EXECUTED = re.compile(r"^\[\d+\]:$")
KERNEL_IDLE = re.compile(r"\| Idle$")  # "Python 3 (ipykernel) | Idle"
REJECTED = "codes are single-use and expire after 10 minutes"


# --- driving JupyterLab ------------------------------------------------------------------------


def notebook_panel(page: Page, name: str) -> Locator:
    """The tab panel of the open notebook ``name`` (its accessible name is the tab's label)."""
    return page.get_by_role("tabpanel", name=name)


def notebook_tab(page: Page, name: str) -> Locator:
    """The tab of the open notebook ``name`` in the main dock area."""
    return page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=name)


def code_cell(panel: Locator, source: str) -> Locator:
    """The code cell whose source contains ``source``."""
    editor = panel.page.locator(".jp-InputArea-editor", has_text=source)
    return panel.locator(".jp-CodeCell").filter(has=editor)


def wait_for_idle_kernel(page: Page) -> None:
    """Wait until the active notebook's kernel says Idle in the status bar (not Busy/Starting)."""
    kernel = page.locator("#jp-main-statusbar").get_by_role("button", name=KERNEL_IDLE)
    expect(kernel).to_be_visible(timeout=CELL_TIMEOUT)


def run_cell(page: Page, cell: Locator) -> None:
    """Select ``cell``, press Shift+Enter, and wait until it has run and the kernel is idle."""
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Shift+Enter")
    expect(cell.locator(".jp-InputPrompt")).to_have_text(EXECUTED, timeout=CELL_TIMEOUT)
    wait_for_idle_kernel(page)
    expect(cell.locator(".jp-OutputArea-output", has_text="Traceback")).to_have_count(0)


def open_from_file_browser(page: Page, name: str) -> Locator:
    """Double-click ``name`` in the file browser; return its panel once its kernel is idle."""
    page.locator(".jp-DirListing-item", has_text=name).dblclick()
    panel = notebook_panel(page, name)
    panel.locator(".jp-CodeCell").first.wait_for()
    expect(page.locator("#jp-main-statusbar")).to_contain_text(name)
    wait_for_idle_kernel(page)
    return panel


def save(page: Page, name: str, folder: Path) -> dict[str, Any]:
    """Press Ctrl+S in notebook ``name``, wait until the tab is clean, and read the file."""
    notebook_tab(page, name).click()
    # A code cell's prompt: a markdown heading's prompt holds a collapse button.
    notebook_panel(page, name).locator(".jp-CodeCell .jp-InputPrompt").first.click()
    page.keyboard.press("Control+s")
    expect(notebook_tab(page, name)).not_to_have_class(re.compile(r"\bjp-mod-dirty\b"))
    saved: dict[str, Any] = json.loads((folder / name).read_text(encoding="utf-8"))
    return saved


def add_cell(page: Page, panel: Locator, source: str) -> Locator:
    """Type ``source`` into a new code cell below the last one of ``panel``; return the cell."""
    panel.locator(".jp-CodeCell .jp-InputPrompt").last.click()
    page.keyboard.press("Escape")
    page.keyboard.press("b")
    page.keyboard.press("Enter")
    page.keyboard.type(source)
    return code_cell(panel, source)


def filter_input(explorer: Locator, label: str) -> Locator:
    """The input beside the explorer's filter label ``label`` (the next cell of its grid)."""
    xpath = f'//*[contains(@class, "widget-label") and text()="{label}"]/following-sibling::*[1]'
    return explorer.locator(".widget-gridbox").locator(f"xpath=.{xpath}")


def explore_in_lab(page: Page, panel: Locator) -> None:
    """Open the explorer; search a project by city; pick people and vendors by name; copy."""
    cell = add_cell(page, panel, "pnb.explore(client)")
    run_cell(page, cell)
    out = cell.locator(".jp-Cell-outputArea")
    projects = out.locator('select[size="6"] option')
    expect(projects).not_to_have_count(1)
    every = projects.count()
    city = projects.nth(1).inner_text().rsplit(" · ", 1)[-1]
    out.get_by_placeholder("Search projects by name, number or city").fill(city)
    expect(out).to_contain_text(f" of {every - 1} active projects")
    assert 1 < projects.count() < every
    assert all(city in text for text in projects.all_inner_texts()[1:])
    court = filter_input(out, "Ball in court")
    person = court.locator("datalist option").first.get_attribute("value") or ""
    assert person
    court.locator("input").fill(person)
    court.locator("input").press("Enter")
    contractor = filter_input(out, "Responsible contractor")
    vendor = contractor.locator("datalist option").first.get_attribute("value") or ""
    contractor.locator("input").fill(vendor)
    contractor.locator("input").press("Tab")  # leaving the box adds the tag
    expect(contractor).to_contain_text(vendor)
    expect(out.get_by_text("Click to show javascript error")).to_have_count(0)
    labels = out.locator(".widget-gridbox > .widget-label")
    expect(labels.filter(has_text="Ball in court")).to_have_count(1)
    cut = labels.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth).length")
    assert cut == 0, "a filter's label is cut off"
    out.get_by_role("button", name="Copy as Python").click()
    code = out.locator("textarea")
    expect(code).to_have_value(
        re.compile(r"ball_in_court_id=\d+, responsible_contractor_id=\[\d+\]")
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == code.input_value()
    page.mouse.move(0, 0)
    out.screenshot(path=str(SCREENSHOTS / "explorer-pickers.png"))


def png_from_data_url(url: str) -> bytes:
    """The bytes of a ``data:image/png;base64,...`` URL."""
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix), url[:60]
    return base64.b64decode(url.removeprefix(prefix))


def cached_tokens(config_home: Path) -> set[str]:
    """The access and refresh tokens in the token cache the kernels write to."""
    found: set[str] = set()
    for path in config_home.rglob("tokens/*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        found |= {data[key] for key in ("access_token", "refresh_token") if data.get(key)}
    return found


# --- the walk ----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.usefixtures("chromium_path")  # first: skip (or fail) before starting any server
def test_login_cell_and_map_in_jupyterlab(lab: Any, sandbox: Sandbox, context: Any) -> None:
    """Sign in, list projects, map them, reject a wrong code and save no secret, in JupyterLab."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=STEP_TIMEOUT)
    page = context.new_page()
    codes: list[str] = []

    # 1. Open the first-call notebook and run the setup and login cells.
    page.goto(lab.link(f"/lab/tree/{FIRST_CALL}"))
    first = notebook_panel(page, FIRST_CALL)
    first.locator(".jp-CodeCell").first.wait_for()
    wait_for_idle_kernel(page)
    run_cell(page, code_cell(first, "project_ids = None"))  # the parameters cell
    setup = code_cell(first, "use_sandbox_unless_configured()")
    run_cell(page, setup)
    expect(setup.locator(".jp-OutputArea")).to_contain_text(f"at {sandbox.url}")
    login = code_cell(first, "client = pnb.login(")
    run_cell(page, login)
    link = login.get_by_role("link", name="Procore's sign-in page")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    page.mouse.move(0, 0)
    login.screenshot(path=str(SCREENSHOTS / "login-widget.png"))

    # 2. The link opens the authorize page in a new tab: sign in as the demo user and allow.
    with context.expect_page() as opened:
        link.click()
    authorize = opened.value
    authorize.wait_for_load_state()
    assert authorize.url.startswith(f"{sandbox.url}/oauth/authorize?")
    authorize.locator('input[name="login"]').fill(sandbox.login)
    authorize.locator('input[name="password"]').fill(sandbox.password)
    authorize.locator("#allow").click()
    codes.append(authorize.locator("#authorization_code").inner_text().strip())
    authorize.close()
    assert codes[0]

    # 3. Paste the code and press Sign in: the card names the demo user.
    code_box = login.locator('input[type="password"]')
    code_box.fill(codes[0])
    login.get_by_role("button", name="Sign in").click()
    expect(login).to_contain_text("Signed in as Joe Builder (joe.builder@acme.com)")
    picker = login.locator("select")
    expect(picker.locator("option")).not_to_have_count(0)
    wait_for_idle_kernel(page)
    tokens = cached_tokens(lab.config_home)
    assert tokens, "signing in cached no token"
    page.mouse.move(0, 0)  # no hover highlight in the picture
    login.screenshot(path=str(SCREENSHOTS / "login-cell.png"))

    # 4. Pick another company than the configured one; the project list follows it.
    labels = picker.locator("option").all_inner_texts()
    chosen = picker.evaluate("select => select.options[select.selectedIndex].text")
    other = next(label for label in labels if label != chosen and "(inactive)" not in label)
    picker.select_option(label=other)
    wait_for_idle_kernel(page)
    me = code_cell(first, "client.me()")
    run_cell(page, me)
    expect(me.locator(".jp-OutputArea")).to_contain_text("Joe Builder")
    companies = code_cell(first, "companies = client.companies()")
    run_cell(page, companies)
    expect(companies.locator(".jp-OutputArea table")).to_contain_text(other)
    projects = code_cell(first, 'projects = client.projects(status="all"')
    run_cell(page, projects)
    printed = projects.locator(".jp-OutputArea").inner_text()
    counted = re.search(r"(\d+) projects \(Total said (\d+)\)", printed)
    assert counted, printed
    assert counted[1] == counted[2]
    assert int(counted[1]) != sandbox.options.projects, "the company picker changed nothing"
    expect(projects.locator(".jp-OutputArea table tbody tr")).not_to_have_count(0)
    expect(projects.locator(".jp-OutputArea table")).to_contain_text("project_stage.name")

    # 5. The map notebook signs in from the cache (no code box) and renders the map.
    second = open_from_file_browser(page, PROJECT_MAP)
    sources = ("project_ids = None", "use_sandbox_unless_configured()", "client = pnb.login(")
    for source in (*sources, "stages = list("):
        run_cell(page, code_cell(second, source))
    second_login = code_cell(second, "client = pnb.login(")
    expect(second_login).to_contain_text("Signed in as Joe Builder")
    expect(second_login.locator('input[type="password"]')).to_have_count(0)
    tokens |= cached_tokens(lab.config_home)
    drawing = code_cell(second, "maps.project_map(")
    run_cell(page, drawing)
    image = drawing.locator(".jp-OutputArea-output img").first
    expect(image).to_be_visible()
    png = png_from_data_url(image.get_attribute("src") or "")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 400
    assert height > 250
    from matplotlib import image as mpimg

    pixels = mpimg.imread(io.BytesIO(png), format="png")
    assert pixels.reshape(-1, pixels.shape[-1])[:, :3].std(axis=0).max() > 0.05, "a blank map"
    drawing.locator(".jp-OutputArea").screenshot(path=str(SCREENSHOTS / "map-in-lab.png"))

    # 5b. The explorer in the same notebook: projects by city, people and vendors by name.
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab.url)
    explore_in_lab(page, second)

    # 6. Back in the first notebook: switch account, paste a wrong code, read the rejection.
    notebook_tab(page, FIRST_CALL).click()
    expect(first).to_be_visible()
    login.get_by_role("button", name="Switch account").click()
    expect(login).to_contain_text("To sign in as someone else")
    codes.append(f"wrong-code-{secrets.token_hex(6)}")
    code_box.fill(codes[1])
    login.get_by_role("button", name="Sign in").click()
    expect(login).to_contain_text(REJECTED)
    wait_for_idle_kernel(page)
    expect(login.get_by_role("button", name="Sign in")).to_be_enabled()
    expect(code_box).to_have_value("")

    # 7. Save both notebooks: they hold outputs and widget state, and none of the secrets.
    saved = {name: save(page, name, lab.notebooks) for name in (FIRST_CALL, PROJECT_MAP)}
    state = saved[FIRST_CALL]["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]
    assert any(m["model_name"] == "PasswordModel" for m in state["state"].values())
    assert REJECTED in json.dumps(state, ensure_ascii=False)
    assert "image/png" in json.dumps(saved[PROJECT_MAP]["cells"])
    leaks = {
        "client secret": sandbox.client_secret,
        "password": sandbox.password,
        **{f"code {n}": code for n, code in enumerate(codes)},
        **{f"token {n}": token for n, token in enumerate(sorted(tokens))},
    }
    for name in saved:
        text = (lab.notebooks / name).read_text(encoding="utf-8")
        assert [what for what, secret in leaks.items() if secret in text] == [], name
