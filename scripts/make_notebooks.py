"""Write the example notebooks under notebooks/ from the cell sources below.

The notebooks are generated so that their sources stay reviewable as plain Python; run
``python scripts/make_notebooks.py`` after editing a cell here.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

SETUP = """\
import procore_nb as pnb
from procore_nb.demo import use_sandbox_unless_configured

use_sandbox_unless_configured()"""


def parameters() -> nbformat.NotebookNode:
    """The cell ``procore-nb run -p NAME=VALUE`` (or papermill) overrides, tagged for them."""
    return new_code_cell(
        "# Parameters: `procore-nb run NOTEBOOK -p company_id=123 -p project_ids=1,2` sets these.\n"
        "company_id = None  # None: the configured company (PROCORE_COMPANY_ID or config file)\n"
        "project_ids = None  # a list of project ids; None: every project of the company",
        metadata={"tags": ["parameters"]},
    )


LOGIN = "client = pnb.login(company_id=company_id)"

PROJECTS = 'projects = client.projects(status="all", id=project_ids)'

REPORTS = """\
import os
from pathlib import Path

reports = Path(os.environ.get("PROCORE_NB_REPORTS", "../reports"))
reports.mkdir(parents=True, exist_ok=True)"""

FIRST_CALL = [
    new_markdown_cell(
        "# Your first call to Procore, in Python\n\n"
        "Procore's *Making your first call* guide builds an authorize URL by hand, copies a "
        "code from a Procore page and `curl`s it to the token endpoint. Here each step is one "
        "line. With no Procore credentials configured, the notebook runs against the embedded "
        "sandbox, a local stand-in for Procore with demo data; the first output says which."
    ),
    parameters(),
    new_code_cell(SETUP),
    new_markdown_cell(
        "## 1. Sign in\n\n"
        "`pnb.login()` runs OAuth 2.0's *authorization code* grant with the out-of-band "
        "redirect URI `urn:ietf:wg:oauth:2.0:oob`: open the link, sign in to Procore, copy "
        "the code Procore shows and paste it into the box. The code is single-use and "
        "expires after 10 minutes; procore_nb trades it for an access token (valid for "
        "`expires_in` seconds) and a refresh token, caches both in a file only you can read, "
        "and refreshes the access token before it expires. A service account "
        "(`PROCORE_GRANT=client_credentials`) signs in with the *client credentials* grant and "
        "no widget; a cached sign-in is reused without asking. Run unattended "
        "(`procore-nb run`), the cell never waits for a code: it signs in as the service "
        "account or with the cached sign-in, says which, or stops with an error saying how to "
        "set one up."
    ),
    new_code_cell(LOGIN),
    new_markdown_cell(
        "## 2. Who am I?\n\n"
        "`GET /rest/v1.0/me` with the header `Authorization: Bearer <access token>`: the first "
        "call of Procore's guide."
    ),
    new_code_cell("client.me()"),
    new_markdown_cell(
        "## 3. Companies\n\n"
        "`GET /rest/v1.0/companies` lists the companies this user (or service account) can "
        "see, as a DataFrame with proper dtypes."
    ),
    new_code_cell("companies = client.companies()\ncompanies"),
    new_markdown_cell(
        "## 4. Every project of the company\n\n"
        "`GET /rest/v1.0/projects?company_id=…` with the `Procore-Company-Id` header. Procore "
        "answers one page at a time; procore_nb asks for the largest page allowed, reads "
        "`Total` from the first, fetches the rest concurrently within the rate limits, checks "
        "the count and flattens nested fields such as `project_stage.name`."
    ),
    new_code_cell(
        PROJECTS + "\n"
        "print(f\"{len(projects)} projects (Total said {projects.attrs['rows']})\")\n"
        'projects[["id", "name", "project_number", "city", "state_code", '
        '"project_stage.name", "active"]].head(10)'
    ),
    new_code_cell("projects.dtypes.head(20)"),
    new_markdown_cell(
        "## What happened, in OAuth terms\n\n"
        "1. **Authorization request**: the link is Procore's `/oauth/authorize` with "
        "`response_type=code`, your app's `client_id`, the out-of-band `redirect_uri` and a "
        "random `state`.\n"
        "2. **Authorization grant**: Procore showed a code instead of redirecting, because a "
        "notebook has no web server to redirect to.\n"
        "3. **Token request**: `POST /oauth/token` with `grant_type=authorization_code`, the "
        "code, and the app's id and secret (read from `PROCORE_CLIENT_SECRET` or the config "
        "file, never typed into the notebook).\n"
        "4. **API calls** carry `Authorization: Bearer …`; when the access token nears expiry "
        "procore_nb trades the refresh token for a new pair (refresh tokens are single-use), "
        "one refresh at a time even across kernels."
    ),
]

PROJECT_MAP = [
    new_markdown_cell(
        "# Where are our projects?\n\n"
        "A static map for reports (no internet needed: the state and country outlines ship "
        "with procore_nb) and an interactive one for exploring."
    ),
    parameters(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    new_code_cell(
        PROJECTS + "\n"
        'stages = list(client.project_stages()["name"])\n'
        'print(f"{len(projects)} projects; stages: {stages}")'
    ),
    new_markdown_cell(
        "## The static map\n\n"
        "Contiguous U.S. in an equal-area projection with Alaska and Hawaii insets, points "
        "coloured by stage and sized by total value. The legend counts the projects on the "
        "map; the footnote says how many could not be placed and why."
    ),
    new_code_cell(
        REPORTS + "\n\n"
        "from procore_nb import maps\n\n"
        'fig = maps.project_map(projects, stages=stages, size_by="total_value")\n'
        'fig.savefig(reports / "project-map.png", dpi=150, bbox_inches="tight")\n'
        "fig"
    ),
    new_markdown_cell(
        "## Projects the map left off\n\n"
        "No coordinates, coordinates that cannot be right, or places outside the map: the "
        "addresses to fix in Procore."
    ),
    new_code_cell(
        'maps.unplaced(projects)[["reason", "id", "name", "address", "city", "state_code", '
        '"country_code", "latitude", "longitude"]]'
    ),
    new_markdown_cell(
        "## The interactive map\n\n"
        "Hover a point for its name, number, stage and city. `tiles=True` adds a street "
        "basemap when you are online; here the vendored outlines are the base layer. A report "
        "written by `procore-nb run` shows a picture of the same projects in its place."
    ),
    new_code_cell("maps.interactive_map(projects, stages=stages, tiles=False)"),
]

STAGE_SUMMARY = [
    new_markdown_cell(
        "# What stage is each project in?\n\n"
        "Counts, shares, values and ages by stage; stages by state; starts per quarter; and "
        "an Excel workbook with every table."
    ),
    parameters(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    new_code_cell(PROJECTS + '\nstages = list(client.project_stages()["name"])'),
    new_markdown_cell(
        "## Projects by stage\n\n"
        "Shares of all projects, values summed (no cents), the median age (days since the "
        "start, or since creation for projects without a start date) and the median planned "
        "duration, in whole days. `tables.readable` formats the table for reading; "
        "`by_stage` keeps the numbers, for the workbook below."
    ),
    new_code_cell(
        "from procore_nb import summaries, tables\n\n"
        "by_stage = summaries.stage_summary(projects, stages)\n"
        "tables.readable(by_stage)"
    ),
    new_code_cell(
        REPORTS + "\n\n"
        "chart = summaries.plot_stages(projects, stages=stages)\n"
        'chart.savefig(reports / "stages.png", dpi=150, bbox_inches="tight")\n'
        "chart"
    ),
    new_markdown_cell("## Stages by state"),
    new_code_cell(
        "by_state = summaries.state_by_stage(projects, stages)\n"
        "summaries.plot_state_by_stage(projects, stages=stages)"
    ),
    new_markdown_cell("## Projects started per quarter"),
    new_code_cell(
        "per_quarter = summaries.starts_per_quarter(projects, stages)\n"
        "summaries.plot_timeline(projects, stages=stages)"
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        "from procore_nb import export\n\n"
        "workbook = export.to_excel(\n"
        '    {"By stage": by_stage, "By state": by_state, "Per quarter": per_quarter,\n'
        '     "Projects": projects},\n'
        '    reports / "stage-summary.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]

NOTEBOOKS = {
    "01_first_call.ipynb": FIRST_CALL,
    "02_project_map.ipynb": PROJECT_MAP,
    "03_stage_summary.ipynb": STAGE_SUMMARY,
}


def main() -> None:
    folder = Path(__file__).resolve().parent.parent / "notebooks"
    for name, cells in NOTEBOOKS.items():
        notebook = new_notebook(cells=cells)
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        }
        notebook.metadata["language_info"] = {"name": "python"}
        for index, cell in enumerate(notebook.cells):
            cell["id"] = f"{Path(name).stem[:2]}-{index:02d}"
        nbformat.write(notebook, folder / name)


if __name__ == "__main__":
    main()
