"""Which stage each project is in, the order stages are shown in, and their colours.

Maps, summaries and charts agree through this module: the same stage gets the same place
in every legend and table, and the same colour on the map and on the bar charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from procore_nb._constants import DEFAULT_STAGES
from procore_nb._exceptions import ConfigurationError

__all__ = [
    "NO_STAGE",
    "StageOrder",
    "Stages",
    "require_columns",
    "stage_colours",
    "stage_order",
    "stage_values",
]

#: The label of projects whose stage is missing.
NO_STAGE = "(no stage)"

#: Stage columns in order of preference: Procore's configurable stage, then the legacy one.
STAGE_COLUMNS = ("project_stage.name", "stage")

#: Okabe & Ito's colour-blind-safe palette, yellow last because it is faint on white,
#: then Paul Tol's "muted" colours for companies with more than eight stages.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#000000",
    "#F0E442",
    "#332288",
    "#117733",
    "#999933",
    "#882255",
    "#44AA99",
    "#DDCC77",
    "#AA4499",
    "#88CCEE",
)
NO_STAGE_COLOUR = "#9E9E9E"

StageOrder = list[str]
Stages = Iterable[str] | pd.DataFrame | None


def require_columns(projects: pd.DataFrame, columns: Iterable[str], *, purpose: str) -> None:
    """Raise :class:`ConfigurationError` naming the columns ``purpose`` needs and lacks."""
    if not isinstance(projects, pd.DataFrame):
        raise ConfigurationError(
            f"{purpose} takes a DataFrame of projects (such as client.projects()), "
            f"not {type(projects).__name__}"
        )
    missing = [column for column in columns if column not in projects.columns]
    if missing:
        raise ConfigurationError(
            f"{purpose} needs the column(s) {', '.join(missing)}, which the DataFrame lacks; "
            "pass the projects as the client returns them (columns present: "
            f"{', '.join(map(str, projects.columns[:12]))}"
            f"{', ...' if len(projects.columns) > 12 else ''})"
        )


def _stage_column(projects: pd.DataFrame, purpose: str) -> str:
    for column in STAGE_COLUMNS:
        if column in projects.columns:
            return column
    require_columns(projects, STAGE_COLUMNS[:1], purpose=f"{purpose} (or the legacy 'stage')")
    raise AssertionError("unreachable")  # pragma: no cover


def stage_values(projects: pd.DataFrame, *, purpose: str) -> pd.Series:
    """Each project's stage name as strings, :data:`NO_STAGE` where it is missing.

    ``project_stage.name`` is preferred; where it is missing on a row the legacy ``stage``
    field fills in, since older projects may carry only that one.
    """
    column = _stage_column(projects, purpose)
    values = projects[column].astype("string")
    if column != "stage" and "stage" in projects.columns:
        values = values.fillna(projects["stage"].astype("string"))
    values = values.str.strip()
    return values.mask(values.isna() | (values == ""), NO_STAGE).astype("string")


def stage_order(
    projects: pd.DataFrame, *, stages: Stages = None, purpose: str
) -> tuple[pd.Series, StageOrder]:
    """Return each project's stage and the order to show stages in.

    The order is ``stages`` when given (for example ``client.project_stages()["name"]``,
    or the DataFrame ``client.project_stages()`` itself),
    else the order of an ordered categorical stage column, else Procore's default stages;
    stages found in the data but missing from that list follow in alphabetical order, and
    :data:`NO_STAGE` comes last. Stages from ``stages`` or the categories are kept even
    when no project is in them; default stages are kept only when used.
    """
    values = stage_values(projects, purpose=purpose)
    present = set(values.dropna())
    if isinstance(stages, pd.DataFrame):
        # client.project_stages() itself: its names are what is meant
        if "name" not in stages.columns:
            raise ConfigurationError(
                "stages takes stage names, such as client.project_stages()['name']; "
                "the DataFrame given has no 'name' column"
            )
        stages = stages["name"]
    if stages is not None:
        if isinstance(stages, str):
            raise ConfigurationError(
                "stages takes a list of stage names, not one string; "
                f"did you mean stages=[{stages!r}]?"
            )
        listed = _unique(str(s).strip() for s in stages if isinstance(s, str) and s.strip())
    else:
        column = _stage_column(projects, purpose)
        dtype = projects[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            listed = _unique(str(c) for c in dtype.categories)
        else:
            listed = [s for s in DEFAULT_STAGES if s in present]
    extra = sorted(present - set(listed) - {NO_STAGE}, key=str.casefold)
    order = listed + extra + ([NO_STAGE] if NO_STAGE in present else [])
    return values, order


def stage_colours(order: Sequence[str]) -> dict[str, str]:
    """A colour per stage, by its place in ``order`` (grey for :data:`NO_STAGE`)."""
    colours: dict[str, str] = {}
    named = [stage for stage in order if stage != NO_STAGE]
    for i, stage in enumerate(named):
        colours[stage] = PALETTE[i % len(PALETTE)]
    if NO_STAGE in order:
        colours[NO_STAGE] = NO_STAGE_COLOUR
    return colours


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))
