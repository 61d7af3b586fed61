"""What every REST resource shares: the call, the reply, Procore's error answers, the company."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from procore_nb._constants import COMPANY_HEADER

from ._data import Company, User
from ._incoming import Incoming
from ._paging import ParamError
from ._state import State
from ._tokens import AccessToken

NOT_CONNECTED = "App is not connected to this company."


class RestError(Exception):
    """An error answer: ``status`` and a JSON ``body``."""

    def __init__(
        self,
        status: int,
        body: Any,
        headers: dict[str, str] | None = None,
        *,
        response: Response | None = None,
    ) -> None:
        super().__init__(status)
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.response = response  # a ready answer (429, injected faults) sent as it is


@dataclass
class Reply:
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    records: int = 1


@dataclass
class Call:
    """One authenticated call: who, through which app, and for which company (header)."""

    request: Incoming
    state: State
    user: User
    token: AccessToken
    version: str
    company: Company | None


def to_json(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode()


def not_found() -> RestError:
    return RestError(404, {"errors": "404 Not Found"})


def visible(state: State, user: User, company_id: int) -> Company:
    if company_id not in user.companies:
        raise RestError(403, {"errors": [NOT_CONNECTED]})
    return state.world.companies[company_id]


def to_int(raw: str, name: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ParamError(name, "is invalid") from None


def company_param(call: Call) -> Company:
    """The company named by ``company_id``; it must agree with the header when both are sent."""
    raw = call.request.params.get("company_id")
    if not raw:
        raise ParamError("company_id", "is missing")
    company = visible(call.state, call.user, to_int(raw, "company_id"))
    if call.company is not None and call.company.id != company.id:
        raise ParamError("company_id", f"does not match the {COMPANY_HEADER} header")
    return company
