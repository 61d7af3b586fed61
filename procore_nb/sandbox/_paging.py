"""Pagination as Procore documents it: ``page``, ``per_page``, ``Total``, ``Per-Page``, ``Link``."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from procore_nb._constants import DEFAULT_PER_PAGE, PER_PAGE_HEADER, TOTAL_HEADER

from ._incoming import Params

T = TypeVar("T")


class ParamError(Exception):
    """A query parameter Procore would reject: ``status`` with ``{"errors": {name: [message]}}``."""

    def __init__(self, name: str, message: str, status: int = 400) -> None:
        super().__init__(f"{name} {message}")
        self.name = name
        self.message = message
        self.status = status


@dataclass
class Page:
    page: int
    per_page: int


def parse_page(params: Params, *, maximum: int, default: int = DEFAULT_PER_PAGE) -> Page:
    """``page`` and ``per_page`` from the query; ``per_page`` is clamped to ``maximum``."""
    page = _positive(params, "page", 1)
    per_page = min(_positive(params, "per_page", default or DEFAULT_PER_PAGE), maximum)
    return Page(page, per_page)


def _positive(params: Params, name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ParamError(name, "is invalid") from None
    if value < 1:
        raise ParamError(name, "must be greater than or equal to 1")
    return value


def paginate(
    items: Sequence[T], page: Page, link_base: Callable[[], str]
) -> tuple[Sequence[T], dict[str, str]]:
    """The slice for ``page`` and the ``Total``/``Per-Page``/``Link`` headers.

    ``link_base()`` gives the request's absolute URL without ``page``, ending in ``?`` or ``&``.
    """
    total = len(items)
    start = (page.page - 1) * page.per_page
    last = max(1, math.ceil(total / page.per_page))
    headers = {TOTAL_HEADER: str(total), PER_PAGE_HEADER: str(page.per_page)}
    rels: list[tuple[str, int]] = []
    if page.page > 1:
        rels += [("first", 1), ("prev", min(page.page - 1, last))]
    if page.page < last:
        rels += [("next", page.page + 1), ("last", last)]
    elif page.page > last:
        rels.append(("last", last))
    if rels:
        base = link_base()
        headers["Link"] = ", ".join(f'<{base}page={n}>; rel="{rel}"' for rel, n in rels)
    return items[start : start + page.per_page], headers
