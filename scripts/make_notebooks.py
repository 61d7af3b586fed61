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

pnb.use_sandbox_unless_configured()"""


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
        "from procore_nb.reports import tables\n\n"
        'left_off = maps.unplaced(projects)[["reason", "id", "name", "address", "city", '
        '"state_code", "country_code", "latitude", "longitude"]]\n'
        'tables.readable(left_off.set_index("id"))'
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
        "start, or since creation for projects not started or without a start date) and the "
        "median planned "
        "duration, in whole days. `tables.readable` formats the table for reading; "
        "`by_stage` keeps the numbers, for the workbook below."
    ),
    new_code_cell(
        "from procore_nb.reports import summaries, tables\n\n"
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
        "from procore_nb.reports import export\n\n"
        "workbook = export.to_excel(\n"
        '    {"By stage": by_stage, "By state": by_state, "Per quarter": per_quarter,\n'
        '     "Projects": projects},\n'
        '    reports / "stage-summary.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]


def parameters_as_of() -> nbformat.NotebookNode:
    """The parameters cell of the notebooks 04-07: as 01-03, plus the day to measure ages at."""
    return new_code_cell(
        "# Parameters: `procore-nb run NOTEBOOK -p company_id=123 -p project_ids=1,2` sets these.\n"
        "company_id = None  # None: the configured company (PROCORE_COMPANY_ID or config file)\n"
        "project_ids = None  # a list of project ids; None: the active projects\n"
        'as_of = None  # "YYYY-MM-DD": the day to measure ages and overdue items at; '
        "None: the latest update\n"
        'max_age = "1h"  # reuse the local store\'s copy when it is younger than this',
        metadata={"tags": ["parameters"]},
    )


DATA_NOTE = new_markdown_cell(
    "## The data\n\n"
    'Every read is in this one cell. `projects=` takes a list of ids, `"active"` or `"all"`; '
    'projects whose tool is disabled are skipped (`df.attrs["skipped"]` says which).',
    metadata={"tags": ["analyst"]},  # for whoever edits the notebook: reports leave it out
)


def report_setup(modules: str, *, pandas: bool = False, maps: bool = False) -> str:
    """The imports of notebooks 04-07's analysis and their reports folder."""
    return (
        "import os\nfrom pathlib import Path\n\n"
        + ("import pandas as pd\n\n" if pandas else "")
        + ("from procore_nb import maps\n" if maps else "")
        + f"from procore_nb.reports import {modules}\n\n"
        + 'reports = Path(os.environ.get("PROCORE_NB_REPORTS", "../reports"))\n'
        + "reports.mkdir(parents=True, exist_ok=True)"
    )


AS_OF = (
    "day = pd.Timestamp(as_of) if as_of else analysis.as_of({frames})\n"
    'print(f"As of {{day:%Y-%m-%d}}: {counts}")'
)

RFIS_AND_SUBMITTALS = [
    new_markdown_cell(
        "# RFIs and submittals: what is open, what is late, who holds it\n\n"
        "Open and overdue RFIs and submittals per project, how long open RFIs have sat in "
        "each person's court, how fast each responsible contractor turns them around, and "
        "how the overdue count moved month by month; figures and a workbook are written "
        "beside this report."
    ),
    parameters_as_of(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    DATA_NOTE,
    new_code_cell(
        'scope = project_ids or "active"\n'
        "store = client.store()\n"
        'rfis = store.frame("rfis", projects=scope, max_age=max_age)\n'
        'submittals = store.frame("submittals", projects=scope, max_age=max_age)'
    ),
    new_code_cell(
        report_setup("analysis, export, tables", pandas=True)
        + "\n\n"
        + AS_OF.format(
            frames="rfis, submittals",
            counts="{len(rfis):,} RFIs and {len(submittals):,} submittals in "
            "{rfis['project_id'].nunique()} projects",
        )
    ),
    new_markdown_cell(
        "## Open and overdue, per project\n\n"
        "Open: sent and not yet closed (drafts, never sent, are not open). Overdue: open and "
        "past its due date on the day above; days late: how far past it, on average."
    ),
    new_code_cell(
        "rfi_status = analysis.open_and_overdue(rfis, as_of=day)\n"
        "submittal_status = analysis.open_and_overdue(submittals, as_of=day)\n"
        "print(f\"RFIs: {rfi_status['open'].sum():,} open, {rfi_status['overdue'].sum():,} "
        'overdue")\n'
        "print(f\"Submittals: {submittal_status['open'].sum():,} open, "
        "{submittal_status['overdue'].sum():,} overdue\")\n"
        "tables.readable(rfi_status.head(15), "
        'caption="RFIs: the 15 projects with the most overdue")'
    ),
    new_code_cell(
        "tables.readable(submittal_status.head(15), "
        'caption="Submittals: the 15 projects with the most overdue")'
    ),
    new_code_cell(
        "from matplotlib.ticker import MaxNLocator\n\n"
        "late = pd.DataFrame(\n"
        '    {"RFIs": rfi_status["overdue"], "Submittals": submittal_status["overdue"]}\n'
        ").fillna(0)\n"
        "late = late.loc[late.sum(axis=1).sort_values(ascending=False).index[:15]]\n"
        'ax = late[::-1].plot.barh(stacked=True, figsize=(9, 6), color=["#c62828", "#f9a825"])\n'
        'ax.set(title="Overdue RFIs and submittals: the 15 projects with the most", '
        'xlabel="overdue items", ylabel="")\n'
        "ax.xaxis.set_major_locator(MaxNLocator(integer=True))  "
        "# counts: whole numbers on the axis\n"
        'ax.figure.savefig(reports / "overdue-by-project.png", dpi=150, bbox_inches="tight")'
    ),
    new_markdown_cell(
        "## Ball-in-court ageing\n\n"
        "Open RFIs by the person whose court they are in and by age (days since created)."
    ),
    new_code_cell(
        'ball_in_court = analysis.ageing(rfis, as_of=day, by="ball_in_court.name")\n'
        "tables.readable(ball_in_court.head(15), "
        'caption="The 15 people holding the most open RFIs")'
    ),
    new_markdown_cell(
        "## Turnaround by responsible contractor\n\n"
        "Closed items only: days from created to answered (RFIs) or closed (submittals)."
    ),
    new_code_cell(
        'rfi_turnaround = analysis.turnaround(rfis, by="responsible_contractor.name")\n'
        "tables.readable(rfi_turnaround.head(15), "
        'caption="RFIs: the 15 slowest responsible contractors")'
    ),
    new_code_cell(
        'submittal_turnaround = analysis.turnaround(submittals, by="responsible_contractor.name")\n'
        "tables.readable(submittal_turnaround.head(15), "
        'caption="Submittals: the 15 slowest responsible contractors")'
    ),
    new_markdown_cell(
        "## Overdue over time\n\nItems overdue on the first day of each of the last 12 months."
    ),
    new_code_cell(
        "over_time = pd.DataFrame(\n"
        "    {\n"
        '        "RFIs": analysis.overdue_over_time(rfis, as_of=day),\n'
        '        "Submittals": analysis.overdue_over_time(submittals, as_of=day),\n'
        "    }\n"
        ")\n"
        'ax = over_time.plot(figsize=(9, 4), marker="o", color=["#c62828", "#f9a825"])\n'
        'ax.set(title="Overdue items at the start of each month", ylabel="overdue items", '
        'xlabel="")\n'
        'ax.figure.savefig(reports / "overdue-over-time.png", dpi=150, bbox_inches="tight")'
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        "workbook = export.to_excel(\n"
        "    {\n"
        '        "RFIs by project": rfi_status,\n'
        '        "Submittals by project": submittal_status,\n'
        '        "Ball in court": ball_in_court,\n'
        '        "RFI turnaround": rfi_turnaround,\n'
        '        "Submittal turnaround": submittal_turnaround,\n'
        '        "Overdue over time": over_time,\n'
        "    },\n"
        '    reports / "rfis-and-submittals.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]

COST = [
    new_markdown_cell(
        "# Cost: budget, commitments and change orders\n\n"
        "Budget against committed cost and approved and pending change orders per project and "
        "cost code; where change orders may still add cost; the largest vendors."
    ),
    parameters_as_of(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    DATA_NOTE,
    new_code_cell(
        "import pandas as pd\n\n"
        'scope = project_ids or "active"\n'
        "store = client.store()\n"
        'budget = store.frame("budget_detail_rows", projects=scope, max_age=max_age)\n'
        "commitments = pd.concat(\n"
        '    [store.frame("work_order_contracts", projects=scope, max_age=max_age),\n'
        '     store.frame("purchase_order_contracts", projects=scope, max_age=max_age)],\n'
        "    ignore_index=True,\n"
        ")\n"
        'change_orders = store.frame("commitment_change_orders", projects=scope, max_age=max_age)'
    ),
    new_code_cell(
        report_setup("analysis, export, tables")
        + "\n\n"
        + AS_OF.format(
            frames="budget, commitments, change_orders",
            counts="{len(budget):,} budget lines, {len(commitments):,} commitments and "
            "{len(change_orders):,} change orders in {budget['project_id'].nunique()} projects",
        )
    ),
    new_markdown_cell(
        "## Budget against commitments, per project\n\n"
        "Budget: original plus modifications. Exposure: committed plus approved and pending "
        "change orders. Variance: budget minus exposure (negative: over budget); worst first. "
        "Projects with commitments but no budget have no variance to compare: they are listed "
        "last, and counted above the table."
    ),
    new_code_cell(
        "by_project = analysis.cost_by_project(budget, commitments)\n"
        "totals = by_project.sum(numeric_only=True)\n"
        "print(f\"Budget {tables.money(totals['budget'])}, exposure "
        "{tables.money(totals['exposure'])}, variance {tables.money(totals['variance'])}\")\n"
        'unbudgeted = by_project.attrs["without_budget"]\n'
        "if unbudgeted:\n"
        '    print(f"{unbudgeted} of {len(by_project)} projects have commitments but no budget: "\n'
        '          "left out of the variance.")\n'
        "tables.readable(by_project.head(15))"
    ),
    new_code_cell(
        'budgeted = by_project[by_project["variance"].notna()]\n'
        'worst = budgeted.head(15)[["budget", "exposure"]][::-1] / 1e6\n'
        'worst.columns = ["Budget", "Exposure"]\n'
        'ax = worst.plot.barh(figsize=(9, 6), color=["#90a4ae", "#c62828"])\n'
        'ax.set(title="Budget and exposure of the 15 projects with the worst variance", '
        'xlabel="$ millions", ylabel="")\n'
        'ax.figure.savefig(reports / "cost-variance.png", dpi=150, bbox_inches="tight")'
    ),
    new_markdown_cell(
        "## Budget per cost code\n\nOriginal budget and modifications summed over the projects."
    ),
    new_code_cell(
        'budget["revised_budget"] = budget["original_budget_amount"].fillna(0) + budget[\n'
        '    "budget_modifications"\n'
        "].fillna(0)\n"
        "by_cost_code = (\n"
        '    budget.groupby("cost_code")[["original_budget_amount", "budget_modifications", '
        '"revised_budget"]]\n'
        "    .sum()\n"
        '    .sort_values("revised_budget", ascending=False)\n'
        ")\n"
        'money = dict.fromkeys(by_cost_code.columns, "money")\n'
        "by_cost_code = tables.declare(by_cost_code, money)\n"
        "tables.readable(by_cost_code.head(15))"
    ),
    new_markdown_cell(
        "## Change order exposure\n\n"
        "Commitment change orders per project and status; the open amount (pending plus draft) "
        "is what may still be added."
    ),
    new_code_cell(
        "exposure = analysis.change_order_exposure(change_orders)\n"
        "print(f\"Open change orders: {tables.money(exposure['open_amount'].sum())}\")\n"
        "tables.readable(exposure.head(15))"
    ),
    new_markdown_cell("## The largest vendors\n\nBy revised contract value across the projects."),
    new_code_cell(
        "vendors = (\n"
        '    commitments.groupby("vendor.company")\n'
        '    .agg(contracts=("id", "size"), projects=("project_id", "nunique"),\n'
        '         revised_contract=("revised_contract", "sum"))\n'
        '    .sort_values("revised_contract", ascending=False)\n'
        ")\n"
        'ax = (vendors.head(15)["revised_contract"][::-1] / 1e6).plot.barh(figsize=(9, 6), '
        'color="#1565c0")\n'
        'ax.set(title="The 15 largest vendors by revised contract value", xlabel="$ millions", '
        'ylabel="")\n'
        'ax.figure.savefig(reports / "largest-vendors.png", dpi=150, bbox_inches="tight")\n'
        'vendors = tables.declare(vendors, {"contracts": "count", "projects": "count", '
        '"revised_contract": "money"})\n'
        "tables.readable(vendors.head(15))"
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        "workbook = export.to_excel(\n"
        '    {"By project": by_project, "By cost code": by_cost_code, '
        '"Change orders": exposure,\n'
        '     "Vendors": vendors},\n'
        '    reports / "cost.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]

FIELD = [
    new_markdown_cell(
        "# In the field: punch items, observations, inspections and manpower\n\n"
        "Punch items and observations by trade, location and status; inspection outcomes; "
        "manpower per vendor per week over the last 12 weeks."
    ),
    parameters_as_of(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    new_markdown_cell(
        "## The data\n\n"
        "Every read is in this one cell, through the local store (`client.store()`: later runs "
        "pull only what changed, none within `max_age`). Daily logs (manpower) answer today "
        "only unless given a date range (Procore's rule): the store keeps them by day (90 days, "
        "the last week read again at each sync), and the 12 weeks before the data's latest "
        "update are taken from it.",
        metadata={"tags": ["analyst"]},
    ),
    new_code_cell(
        "import pandas as pd\n\n"
        "from procore_nb.reports import analysis\n\n"
        'scope = project_ids or "active"\n'
        "store = client.store()\n"
        'punch = store.frame("punch_items", projects=scope, max_age=max_age)\n'
        'observations = store.frame("observations", projects=scope, max_age=max_age)\n'
        'inspections = store.frame("checklists", projects=scope, max_age=max_age)\n'
        "day = pd.Timestamp(as_of) if as_of else analysis.as_of(punch, observations, inspections)\n"
        "# daily logs are kept by day: the 12 weeks before the day above\n"
        "manpower = store.frame(\n"
        '    "manpower_logs", projects=scope, max_age=max_age,\n'
        "    start_date=day - pd.Timedelta(weeks=12), end_date=day,\n"
        ")"
    ),
    new_code_cell(
        report_setup("export, tables")
        + "\n\n"
        + 'print(f"As of {day:%Y-%m-%d}: {len(punch):,} punch items, '
        '{len(observations):,} observations, {len(inspections):,} inspections, "\n'
        '      f"{len(manpower):,} manpower logs")'
    ),
    new_markdown_cell("## Punch items by trade and status"),
    new_code_cell(
        'punch_by_trade = pd.crosstab(punch["trade.name"], punch["status"], margins=True, '
        'margins_name="total")\n'
        'punch_by_trade = punch_by_trade.sort_values("total", ascending=False)\n'
        'open_punch = punch_by_trade.drop(index="total").drop(columns="total")\n'
        "ax = open_punch.head(15)[::-1].plot.barh(stacked=True, figsize=(9, 6))\n"
        'ax.set(title="Punch items by trade and status (the 15 trades with the most)", '
        'xlabel="punch items", ylabel="")\n'
        'ax.figure.savefig(reports / "punch-by-trade.png", dpi=150, bbox_inches="tight")\n'
        "tables.readable(punch_by_trade.head(16))"
    ),
    new_markdown_cell("## Open punch items by location"),
    new_code_cell(
        'punch_by_location = analysis.open_and_overdue(punch, as_of=day, by="location.name")\n'
        "tables.readable(punch_by_location.head(15))"
    ),
    new_markdown_cell("## Observations by type and status, and by trade"),
    new_code_cell(
        'observations_by_type = pd.crosstab(observations["type.category"], '
        'observations["status"], margins=True, margins_name="total")\n'
        'tables.readable(observations_by_type, caption="Observations by type and status")'
    ),
    new_code_cell(
        "observations_by_trade = analysis.open_and_overdue(\n"
        '    observations, as_of=day, by="trade.name"\n'
        ")\n"
        "tables.readable(observations_by_trade.head(15), "
        'caption="Open observations: the 15 trades with the most overdue")'
    ),
    new_markdown_cell(
        "## Inspection outcomes\n\n"
        "Items found conforming, deficient or not applicable, per trade; the deficient rate is "
        "deficient over conforming plus deficient."
    ),
    new_code_cell(
        "outcomes = analysis.inspection_outcomes(inspections)\n"
        'by_type = analysis.inspection_outcomes(inspections, by="inspection_type.name")\n'
        'tables.readable(by_type, caption="By inspection type")'
    ),
    new_code_cell(
        "tables.readable(outcomes.head(15), "
        'caption="By trade: the 15 with the highest deficient rate")'
    ),
    new_markdown_cell(
        "## Manpower per vendor per week\n\nMan-hours (workers times hours) from the daily logs."
    ),
    new_code_cell(
        "from matplotlib.dates import DateFormatter\n"
        "from matplotlib.ticker import StrMethodFormatter\n\n"
        "weekly = analysis.per_week(manpower)\n"
        "ax = weekly.head(10).T.plot.area(figsize=(10, 5), linewidth=0, x_compat=True)\n"
        'ax.xaxis.set_major_formatter(DateFormatter("%b %d"))\n'
        'ax.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))\n'
        'ax.set(title="Man-hours per week: the 10 vendors with the most", ylabel="man-hours", '
        'xlabel="week starting")\n'
        'ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)\n'
        'ax.figure.savefig(reports / "manpower-per-week.png", dpi=150, bbox_inches="tight")\n'
        "weekly_table = weekly.head(15).set_axis(\n"
        '    [f"{w:%b %d}" for w in weekly.columns], axis=1\n'
        ")\n"
        'tables.readable(weekly_table, kinds=dict.fromkeys(weekly_table.columns, "count"))'
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        "workbook = export.to_excel(\n"
        "    {\n"
        '        "Punch by trade": punch_by_trade,\n'
        '        "Punch by location": punch_by_location,\n'
        '        "Observations by type": observations_by_type,\n'
        '        "Observations by trade": observations_by_trade,\n'
        '        "Inspections by trade": outcomes,\n'
        '        "Inspections by type": by_type,\n'
        '        "Manpower per week": weekly_table,\n'
        "    },\n"
        '    reports / "field.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]

PORTFOLIO_MAP = [
    new_markdown_cell(
        "# Portfolio health on the map\n\n"
        "Each active project scored 0 (healthy) to 100 from its overdue RFIs, submittals and "
        "punch items, how late they are, and its cost variance (budget against committed cost "
        "and change orders), with the projects at risk drawn on top, "
        "on a static map for reports and an interactive one for exploring."
    ),
    parameters_as_of(),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    DATA_NOTE,
    new_code_cell(
        "import pandas as pd\n\n"
        'scope = project_ids or "active"\n'
        "store = client.store()\n"
        'projects = client.projects(status="all", id=project_ids)\n'
        'rfis = store.frame("rfis", projects=scope, max_age=max_age)\n'
        'submittals = store.frame("submittals", projects=scope, max_age=max_age)\n'
        'punch = store.frame("punch_items", projects=scope, max_age=max_age)\n'
        'budget = store.frame("budget_detail_rows", projects=scope, max_age=max_age)\n'
        "commitments = pd.concat(\n"
        '    [store.frame("work_order_contracts", projects=scope, max_age=max_age),\n'
        '     store.frame("purchase_order_contracts", projects=scope, max_age=max_age)],\n'
        "    ignore_index=True,\n"
        ")"
    ),
    new_code_cell(
        report_setup("analysis, export, tables", maps=True)
        + "\n\n"
        + AS_OF.format(
            frames="rfis, submittals, punch",
            counts="{rfis['project_id'].nunique()} projects with RFIs, "
            "{budget['project_id'].nunique()} with a budget",
        )
    ),
    new_markdown_cell(
        "## The health score\n\n"
        "Bands: Healthy up to 20, Watch to 40, At risk above. The sentence below the counts "
        "says how the score is made."
    ),
    new_code_cell(
        "from IPython.display import Markdown, display\n\n"
        "# overdue RFIs, submittals and punch items per project, and how late they are\n"
        "status = pd.concat(\n"
        '    [analysis.open_and_overdue(items, as_of=day, by="project_id") '
        "for items in (rfis, submittals, punch)]\n"
        ")\n"
        'overdue = status.groupby(level=0)["overdue"].sum()\n'
        'late_days = (status["days_late"] * status["overdue"]).groupby(level=0).sum()\n'
        "days_late = late_days / overdue.where(overdue > 0)\n"
        'cost = analysis.cost_by_project(budget, commitments, by="project_id")\n'
        'read = projects[projects["id"].isin(rfis["project_id"]) | '
        'projects["id"].isin(budget["project_id"])]\n'
        "scored = analysis.health(\n"
        '    read, overdue=overdue, days_late=days_late, variance_share=cost["variance_share"]\n'
        ")\n"
        'bands = scored["health"].value_counts().reindex(list(analysis.HEALTH_COLOURS), '
        "fill_value=0)\n"
        'print(", ".join(f"{band}: {count:,}" for band, count in bands.items()))\n'
        "display(Markdown(analysis.HEALTH_EXPLAINED))\n"
        'if cost.attrs["without_budget"]:\n'
        "    print(f\"{cost.attrs['without_budget']} projects have no budget: \"\n"
        '          "their score has no cost part.")\n'
        'columns = ["name", "city", "state_code", "health", "health_score", "overdue_items", '
        '"days_late", "cost_variance"]\n'
        'worst = scored.sort_values("health_score", ascending=False)[columns].head(15)\n'
        'tables.readable(worst.set_index("name"))'
    ),
    new_markdown_cell("## The map for reports"),
    new_code_cell(
        'colours = ("health", analysis.HEALTH_COLOURS)\n'
        'fig = maps.project_map(scored, colour_by=colours, title="Project health")\n'
        'fig.savefig(reports / "portfolio-health-map.png", dpi=150, bbox_inches="tight")\n'
        "fig"
    ),
    new_markdown_cell(
        "## The map for exploring\n\n"
        "Hover a project for its score, overdue items and cost variance; each band is a layer "
        "you can switch off. A report written by `procore-nb run` shows a picture in its place."
    ),
    new_code_cell(
        'scored["variance_text"] = scored["cost_variance"].map(tables.percent)\n'
        "tooltip = {\n"
        '    "health_score": "Health score",\n'
        '    "overdue_items": "Overdue items",\n'
        '    "variance_text": "Cost variance",\n'
        "}\n"
        "maps.interactive_map(scored, colour_by=colours, tooltip=tooltip, tiles=False)"
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        'names = projects.set_index("id")["name"]\n\n\n'
        "def named(table):\n"
        '    """The table with each project\'s name beside its id."""\n'
        "    return table.assign(project_name=table.index.map(names)).set_index(\n"
        '        "project_name", append=True\n'
        "    )\n\n\n"
        "per_project = tables.declare(\n"
        '    pd.DataFrame({"overdue": overdue, "days_late": days_late})\n'
        '    .rename_axis("project_id"),\n'
        '    {"overdue": "count", "days_late": "days"},\n'
        ")\n"
        "workbook = export.to_excel(\n"
        '    {"Health": scored[["id", *columns]].rename(columns={"name": "project_name"}),\n'
        '     "Overdue per project": named(per_project),\n'
        '     "Cost per project": named(cost)},\n'
        '    reports / "portfolio-health.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]

SITE_AND_BILLING = [
    new_markdown_cell(
        "# On site and in billing: hours, drawings, meetings, safety and invoices\n"
        "\n"
        "Hours worked per vendor and cost code from timecards, the drawings revised in the "
        "last 30 days, the meeting items still open per project, recordable incidents per "
        "200,000 hours worked (OSHA's rate), and what each subcontract has invoiced against "
        "what it commits; a workbook is written beside this report."
    ),
    new_code_cell(
        "# Parameters: `procore-nb run NOTEBOOK -p company_id=123 -p project_ids=1,2` sets "
        "these.\n"
        "company_id = None  # None: the configured company (PROCORE_COMPANY_ID or config "
        "file)\n"
        "project_ids = None  # a list of project ids; None: the active projects\n"
        'as_of = None  # "YYYY-MM-DD": the day the window ends; None: the latest update\n'
        "weeks = 12  # the window of timecards and incidents, in weeks before as_of\n"
        "meeting_weeks = 6  # the meetings whose items are read (one request each), in weeks\n"
        'max_age = "1h"  # reuse the local store\'s copy when it is younger than this',
        metadata={"tags": ["parameters"]},
    ),
    new_code_cell(SETUP),
    new_code_cell(LOGIN),
    new_markdown_cell(
        "## The data\n"
        "\n"
        "Every read is in this one cell, through the local store where Procore's filters "
        "allow it (`client.store()`: later runs pull only what changed, none within "
        "`max_age`). Timecards and daily logs (manpower) answer today only unless given a "
        "date range, so they are read live for the window. Meeting items come from each "
        "meeting (one request per meeting), so only the meetings of the last `meeting_weeks` "
        "weeks are read.",
        metadata={"tags": ["analyst"]},
    ),
    new_code_cell(
        "import pandas as pd\n"
        "\n"
        "from procore_nb.reports import analysis\n"
        "\n"
        'scope = project_ids or "active"\n'
        "store = client.store()\n"
        'revisions = store.frame("drawing_revisions", projects=scope, max_age=max_age)\n'
        'incidents = store.frame("incidents", projects=scope, max_age=max_age)\n'
        'invoices = store.frame("requisitions", projects=scope, max_age=max_age)\n'
        'subcontracts = store.frame("work_order_contracts", projects=scope, max_age=max_age)\n'
        'people = store.frame("project_users", projects=scope, max_age=max_age)\n'
        'meetings = store.frame("meetings", projects=scope, max_age=max_age)\n'
        "day = pd.Timestamp(as_of) if as_of else analysis.as_of(revisions, incidents, "
        "invoices)\n"
        "start = day.normalize() - pd.Timedelta(weeks=weeks)\n"
        "# timecards and daily logs need a date range, which the store's lists do not take: "
        "read them live\n"
        'window = {"start_date": start, "end_date": day.normalize()}\n'
        'timecards = client.frame("timecard_entries", projects=scope, **window)\n'
        'manpower = client.frame("manpower_logs", projects=scope, **window)\n'
        "# a meeting's items come with the meeting itself: read those of the recent meetings\n"
        'held = pd.to_datetime(meetings["starts_at"], utc=True).dt.tz_localize(None)\n'
        "recent = meetings[held >= day.normalize() - pd.Timedelta(weeks=meeting_weeks)]\n"
        "if len(recent):\n"
        "    topics = client.frame(\n"
        '        "meeting_topics",\n'
        '        projects=sorted(set(recent["project_id"])),\n'
        '        meeting_id=list(recent["id"]),\n'
        "    )\n"
        "else:  # no meeting in the window (or the Meetings tool is off everywhere)\n"
        '    topics = pd.DataFrame(columns=["project_name", "status", "due_date", "created_on"])'
    ),
    new_code_cell(
        "import os\n"
        "from pathlib import Path\n"
        "\n"
        "from matplotlib.ticker import StrMethodFormatter\n"
        "\n"
        "from procore_nb.reports import export, tables\n"
        "\n"
        'reports = Path(os.environ.get("PROCORE_NB_REPORTS", "../reports"))\n'
        "reports.mkdir(parents=True, exist_ok=True)\n"
        "\n"
        'print(f"{start:%b %d} to {day:%b %d, %Y} ({weeks} weeks): {len(timecards):,} '
        'timecard entries "\n'
        "      f\"and {len(manpower):,} manpower logs in {manpower['project_id'].nunique()} "
        'projects")'
    ),
    new_markdown_cell(
        "## Hours per vendor and cost code\n"
        "\n"
        "Hours from timecard entries, by the company each person works for (the builder's "
        "own people under its name) and the cost code they booked."
    ),
    new_code_cell(
        "hours = analysis.hours_by_vendor(timecards, people)\n"
        "per_vendor = "
        'hours.groupby(level="vendor")["hours"].sum().sort_values(ascending=False)\n'
        'ax = per_vendor.head(15)[::-1].plot.barh(figsize=(9, 6), color="#1565c0")\n'
        'ax.set(title=f"Hours worked: the 15 companies with the most ({weeks} weeks)", '
        'xlabel="hours", ylabel="")\n'
        'ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))\n'
        'ax.figure.savefig(reports / "hours-by-vendor.png", dpi=150, bbox_inches="tight")\n'
        'tables.readable(hours.head(15), caption="The 15 vendor and cost code pairs with the '
        'most hours")'
    ),
    new_markdown_cell(
        "## Drawings revised in the last 30 days\n"
        "\n"
        "A drawing counts when a revision after its first was received in the 30 days before "
        "the day above; its latest such revision is listed."
    ),
    new_code_cell(
        "revised = analysis.drawings_revised(revisions, days=30, as_of=day)\n"
        "print(f\"{len(revised):,} drawings revised in {revised['project_id'].nunique()} "
        'projects")\n'
        "per_project = "
        'revised.groupby("project_name").size().sort_values(ascending=False).rename("drawings")\n'
        "tables.readable(\n"
        '    tables.declare(per_project.to_frame(), {"drawings": "count"}).head(15),\n'
        '    caption="The 15 projects with the most drawings revised",\n'
        ")"
    ),
    new_code_cell(
        "tables.readable(\n"
        '    revised.head(15).drop(columns=["project_id", "drawing_id"]),\n'
        '    caption="The 15 latest revisions",\n'
        ")"
    ),
    new_markdown_cell(
        "## Open meeting items\n"
        "\n"
        "Items of the meetings held in the last weeks (see `meeting_weeks` above) still open or "
        "on hold, per project: how many are past their due date, and how many days the "
        "oldest has waited since it was raised."
    ),
    new_code_cell(
        "meeting_items = analysis.open_meeting_items(topics, as_of=day)\n"
        'waiting = meeting_items[["open", "on_hold", "overdue"]].sum()\n'
        "print(f\"{waiting['open']:,} open and {waiting['on_hold']:,} on hold items, \"\n"
        "      f\"{waiting['overdue']:,} past due, in the {len(recent):,} meetings of \"\n"
        "      f\"{recent['project_id'].nunique()} projects since \"\n"
        '      f"{day.normalize() - pd.Timedelta(weeks=meeting_weeks):%b %d}")\n'
        "tables.readable(\n"
        '    meeting_items.head(15), caption="The 15 projects with the most open items"\n'
        ")"
    ),
    new_markdown_cell(
        "## Safety: the incident rate\n"
        "\n"
        "Recordable incidents per 200,000 hours worked (100 full-time workers for a year: "
        "OSHA's rate) over the window, with the hours every crew logged in the daily "
        "manpower logs. A project's rate means little over a few thousand hours, so the "
        "table lists those with at least 10,000."
    ),
    new_code_cell(
        'happened = pd.to_datetime(incidents["event_date"], utc=True)\n'
        "end = day.normalize() + pd.Timedelta(days=1)\n"
        'recent = incidents[(happened >= start.tz_localize("UTC")) & (happened < '
        'end.tz_localize("UTC"))]\n'
        "rates = analysis.incident_rate(recent, manpower)\n"
        'whole = rates.loc["(all)"]\n'
        "print(f\"{whole['recordable']:,.0f} recordable of {whole['incidents']:,.0f} "
        'incidents in "\n'
        "      f\"{whole['hours']:,.0f} hours worked: a rate of {whole['rate']:.2f}\")\n"
        'projects_rates = rates.drop(index="(all)")\n'
        'worst = projects_rates[projects_rates["hours"] >= 10_000].sort_values("rate", '
        "ascending=False)\n"
        'tables.readable(worst.head(15), caption="The 15 projects with the highest rate '
        '(10,000 hours or more)")'
    ),
    new_markdown_cell(
        "## Invoiced against committed\n"
        "\n"
        "Each subcontract's invoices (every one but drafts) against its revised value (the "
        "contract plus approved change orders)."
    ),
    new_code_cell(
        "billed = analysis.invoiced_vs_committed(subcontracts, invoices)\n"
        'totals = billed[["committed", "invoiced", "approved"]].sum()\n'
        "print(f\"Committed {tables.money(totals['committed'])}, invoiced "
        "{tables.money(totals['invoiced'])} \"\n"
        "      f\"({totals['invoiced'] / totals['committed']:.0%}), approved "
        "{tables.money(totals['approved'])}\")\n"
        'over = billed[billed["remaining"] < 0]\n'
        'print(f"{len(over)} of {len(billed):,} subcontracts have invoiced more than they '
        'commit.")\n'
        'left = billed.sort_values("remaining", ascending=False, ignore_index=True)\n'
        "tables.readable(\n"
        '    left.head(15).drop(columns=["commitment_id"]),\n'
        '    caption="The 15 subcontracts with the most still to invoice",\n'
        ")"
    ),
    new_markdown_cell("## Export for the rest of the team"),
    new_code_cell(
        "workbook = export.to_excel(\n"
        "    {\n"
        '        "Hours by vendor": hours,\n'
        '        "Drawings revised": revised,\n'
        '        "Open meeting items": meeting_items,\n'
        '        "Incident rate": rates,\n'
        '        "Invoiced vs committed": billed,\n'
        "    },\n"
        '    reports / "site-and-billing.xlsx",\n'
        ")\n"
        'print(f"Wrote {workbook}")'
    ),
]


NOTEBOOKS = {
    "01_first_call.ipynb": FIRST_CALL,
    "02_project_map.ipynb": PROJECT_MAP,
    "03_stage_summary.ipynb": STAGE_SUMMARY,
    "04_rfis_and_submittals.ipynb": RFIS_AND_SUBMITTALS,
    "05_cost.ipynb": COST,
    "06_field.ipynb": FIELD,
    "07_portfolio_map.ipynb": PORTFOLIO_MAP,
    "08_site_and_billing.ipynb": SITE_AND_BILLING,
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
