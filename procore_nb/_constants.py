"""Plain facts about Procore's API, shared by the client and the sandbox.

This module holds data only (no behaviour), so that the sandbox and the client agree on
names and limits without sharing code. The facts come from Procore's public developer
documentation; see ``../shared/procore-api.md`` in the project's working notes.
"""

from __future__ import annotations

from typing import Final

#: Redirect URI for the out-of-band code flow: Procore shows the code on a page of its own.
OOB_REDIRECT_URI: Final = "urn:ietf:wg:oauth:2.0:oob"

#: ``name -> (login/OAuth host, API host)`` for each Procore environment.
ENVIRONMENTS: Final[dict[str, tuple[str, str]]] = {
    "production": ("https://login.procore.com", "https://api.procore.com"),
    "sandbox": ("https://login-sandbox.procore.com", "https://sandbox.procore.com"),
    "monthly": ("https://login-sandbox-monthly.procore.com", "https://api-monthly.procore.com"),
    "fedramp": ("https://login.procoregov.com", "https://api.procoregov.com"),
}

COMPANY_HEADER: Final = "Procore-Company-Id"
REQUEST_ID_HEADER: Final = "X-Request-Id"

RATE_LIMIT_HEADER: Final = "X-Rate-Limit-Limit"
RATE_REMAINING_HEADER: Final = "X-Rate-Limit-Remaining"
RATE_RESET_HEADER: Final = "X-Rate-Limit-Reset"

TOTAL_HEADER: Final = "Total"
PER_PAGE_HEADER: Final = "Per-Page"

#: Access-token lifetime Procore announces today; always honour ``expires_in`` instead.
DEFAULT_TOKEN_LIFETIME: Final = 5400
#: An authorization code is single-use and valid for ten minutes.
CODE_LIFETIME: Final = 600

#: Procore's plain-text 429 body (API v1).
RATE_LIMIT_BODY: Final = (
    "You have surpassed the max number of requests for an hour. "
    "Please wait until your limit resets."
)

#: Largest ``per_page`` each API version accepts (larger values are clamped).
#: v1.0's maximum is not documented; Procore recommends 2,000 or less, and we use 1,000.
MAX_PER_PAGE: Final[dict[str, int]] = {"v1.0": 1000, "v1.1": 300, "v2.0": 100, "vapid": 1000}
#: ``per_page`` used when a request names none.
DEFAULT_PER_PAGE: Final = 100

#: Paths (after the version prefix) that answer without ``Procore-Company-Id`` for users.
COMPANY_HEADER_EXEMPT: Final = frozenset({"me", "companies"})

#: Procore's default project stages, in the order a project moves through them.
DEFAULT_STAGES: Final = (
    "Bidding",
    "Pre-Construction",
    "Course of Construction",
    "Post-Construction",
    "Warranty",
    "Completed",
    "Not Awarded",
    "Canceled",
)

#: The demo user of Procore's "Making your first call" guide.
DEMO_USER: Final = {"id": 1234567, "login": "joe.builder@acme.com", "name": "Joe Builder"}

#: Set (to ``1``) in the kernels of unattended runs (``procore-nb run``, ``make demo``): no
#: person is there to paste a code, and reports need static pictures instead of live widgets.
UNATTENDED_VARIABLE: Final = "PROCORE_NB_UNATTENDED"

#: The names Procore's web app gives its tools, by the engine name the registry's ``tool``
#: holds (what a 403 names); the others read as their engine name in title case.
TOOL_NAMES: Final = {
    "rfi": "RFIs",
    "submittal_log": "Submittals",
    "punch_list": "Punch List",
    "checklists": "Inspections",
    "drawing_log": "Drawings",
    "daily_log": "Daily Log",
    "specification_sections": "Specifications",
}


def tool_name(tool: str) -> str:
    """Procore's name of a tool: ``'change_orders'`` reads ``'Change Orders'``."""
    return TOOL_NAMES.get(tool) or tool.replace("_", " ").title()
