"""The :class:`Sandbox` handle: start a sandbox, read its credentials, drive it from tests."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import ssl
import urllib.error
import urllib.request
from html import unescape
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from procore_nb._constants import OOB_REDIRECT_URI

from ._data import MAIN_COMPANY_ID
from ._options import Options, to_argv
from ._server import ChildProcess, InProcess

_CODE = re.compile(r'id="authorization_code"[^>]*>([^<]+)<')
_ACTION = re.compile(r'<form[^>]*id="authorize"[^>]*action="([^"]+)"')


class SandboxError(RuntimeError):
    """The sandbox refused a helper call (bad credentials, unknown option, not started)."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # keep the 302 so its Location can be read


class Sandbox:
    """A Procore-compatible server on 127.0.0.1, with demo credentials and test controls.

    Every option is keyword-only and matches a flag of ``procore-nb sandbox``; see
    ``docs/sandbox.md``. ``today`` (a :class:`datetime.date` or ``"YYYY-MM-DD"``) pins the day
    the data is as of, and the clock starts on it; by default it is the real date (UTC).
    ``process=True`` runs the server in a child process (for benchmarks and multi-process
    tests); by default it runs in a thread of this process.

    Examples
    --------
    >>> from procore_nb.sandbox import Sandbox
    >>> with Sandbox(seed=0, projects=50, today="2025-12-31") as sb:
    ...     code = sb.authorize()
    ...     sb.url.startswith("http://127.0.0.1:"), sb.today.isoformat()
    (True, '2025-12-31')
    """

    def __init__(self, *, process: bool = False, timeout: float = 60.0, **options: Any) -> None:
        unknown = set(options) - {f.name for f in dataclasses.fields(Options)}
        if unknown:
            raise TypeError(f"unknown sandbox option(s): {', '.join(sorted(unknown))}")
        self.options = Options(**options)
        self.process = process
        self.timeout = timeout
        self.client_id = self.options.client_id
        self.client_secret = self.options.client_secret
        self.login = self.options.login
        self.password = self.options.password
        self.other_login = self.options.other_login
        self.other_password = self.options.other_password
        self.service_client_id = self.options.service_client_id
        self.service_client_secret = self.options.service_client_secret
        self.redirect_uris = self.options.redirect_uri
        self.company_id: int = MAIN_COMPANY_ID
        #: The day the data is as of (known once started unless pinned).
        self.today: dt.date | None = (
            dt.date.fromisoformat(str(self.options.today)) if self.options.today else None
        )
        self.ca_file: str | None = None
        self._url: str | None = None
        self._runner: InProcess | ChildProcess | None = None
        self._ssl: ssl.SSLContext | None = None

    def __repr__(self) -> str:
        where = self._url or "not started"
        return f"<Sandbox {where} seed={self.options.seed} projects={self.options.projects}>"

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:8765``."""
        if self._url is None:
            raise SandboxError("the sandbox is not running: call start() or use it in a with block")
        return self._url

    def start(self) -> Sandbox:
        """Start serving; returns once ``/_sandbox/health`` answers."""
        if self._runner is not None:
            return self
        runner: InProcess | ChildProcess
        runner = ChildProcess(to_argv(self.options)) if self.process else InProcess(self.options)
        description = runner.start(self.timeout)
        self._runner = runner
        self._url = str(description["url"])
        self.ca_file = description["ca_file"]
        self.company_id = int(description["company_id"])
        self.today = dt.date.fromisoformat(description["today"])
        if self.ca_file:
            self._ssl = ssl.create_default_context(cafile=self.ca_file)
        try:
            self._call("GET", "/_sandbox/health")
        except Exception:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """Stop serving and remove the temporary files (the CA included)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            runner.stop()
        self._url = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- test controls ---------------------------------------------------------------------

    def counters(self) -> dict[str, Any]:
        """Requests by path and status, grants, reuse and faults (``/_sandbox`` not counted)."""
        data: dict[str, Any] = self._call("GET", "/_sandbox/counters")
        return data

    def reset_counters(self) -> None:
        """Zero every counter."""
        self._call("DELETE", "/_sandbox/counters")

    def configure(self, **options: Any) -> dict[str, Any]:
        """Change runtime options (faults, latency, limits, token lifetime); returns them all."""
        data: dict[str, Any] = self._call("POST", "/_sandbox/config", options)
        return data

    def now(self) -> float:
        """The sandbox clock's unix time (it starts on the sandbox's ``today``)."""
        return float(self._call("GET", "/_sandbox/clock")["now"])

    def advance(self, seconds: float) -> float:
        """Move the sandbox's clock forward; returns its new unix time."""
        data = self._call("POST", "/_sandbox/clock", {"advance": seconds})
        return float(data["now"])

    def mutate(
        self,
        resource: str,
        *,
        project_id: int | None = None,
        company_id: int | None = None,
        create: int = 0,
        update: int = 0,
        delete: int = 0,
        advance: float = 60.0,
    ) -> dict[str, Any]:
        """Create, update and delete records of ``resource``, with the clock advanced first.

        Returns the new time (``now``) and the ids ``created``, ``updated`` and ``deleted``.
        Project-level resources need ``project_id``; company-level ones default to the main
        company. See ``docs/sandbox.md``.
        """
        body: dict[str, Any] = {"resource": resource, "create": create, "update": update}
        body |= {"delete": delete, "advance": advance}
        if project_id is not None:
            body["project_id"] = project_id
        if company_id is not None:
            body["company_id"] = company_id
        data: dict[str, Any] = self._call("POST", "/_sandbox/mutate", body)
        return data

    def disabled_tools(self) -> list[dict[str, Any]]:
        """Projects with a tool switched off: ``project_id``, ``tool`` and its ``resources``."""
        data: list[dict[str, Any]] = self._call("GET", "/_sandbox/tools")["disabled"]
        return data

    def set_tool(self, project_id: int, tool: str, *, enabled: bool) -> None:
        """Switch a project's tool (a registry ``tool`` such as ``"rfi"``) on or off."""
        body = {"project_id": project_id, "tool": tool, "enabled": enabled}
        self._call("POST", "/_sandbox/tools", body)

    def authorize(
        self,
        *,
        login: str | None = None,
        password: str | None = None,
        client_id: str | None = None,
        redirect_uri: str = OOB_REDIRECT_URI,
        state: str = "state",
        decision: str = "allow",
    ) -> str:
        """Sign in on the authorize page over HTTP, as a browser would, and return the code."""
        query = {
            "response_type": "code",
            "client_id": client_id or self.client_id,
            "redirect_uri": redirect_uri,
            "state": state,
        }
        status, _, page = self._fetch("GET", f"/oauth/authorize?{urlencode(query)}")
        match = _ACTION.search(page)
        if status != 200 or match is None:
            raise SandboxError(f"the authorize page answered {status}: {_text(page)}")
        form = {
            "login": self.login if login is None else login,
            "password": self.password if password is None else password,
            "decision": decision,
        }
        status, location, page = self._fetch("POST", unescape(match.group(1)), form=form)
        if status == 302 and location:
            params = parse_qs(urlsplit(location).query)
            if "code" in params:
                return params["code"][0]
            raise SandboxError(
                f"the sandbox redirected without a code: {params.get('error', ['?'])[0]}"
            )
        found = _CODE.search(page)
        if status != 200 or found is None:
            raise SandboxError(f"signing in failed with {status}: {_text(page)}")
        return unescape(found.group(1))

    # --- plumbing (stdlib only: the sandbox shares no code with the client) -----------------

    def _fetch(
        self, method: str, path: str, *, form: dict[str, str] | None = None
    ) -> tuple[int, str | None, str]:
        data = urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)  # noqa: S310 - our own http(s) URL
        opener = urllib.request.build_opener(
            _NoRedirect(), urllib.request.HTTPSHandler(context=self._ssl)
        )
        try:
            with opener.open(request, timeout=30) as response:
                return response.status, None, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location"), error.read().decode(errors="replace")

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own http(s) URL
            self.url + path, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30, context=self._ssl) as response:  # noqa: S310 - same
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            body = error.read().decode(errors="replace")
            raise SandboxError(f"{method} {path} answered {error.code}: {body}") from error


def _text(page: str) -> str:
    """The error description of a sandbox page, for messages."""
    found = re.search(r'id="error(?:_description)?"[^>]*>(.*?)</p>', page, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else page[:200]
