"""The login cell: an ipywidgets form for Procore's out-of-band code, and a signed-in card.

Optional module: ``import procore_nb`` never imports it (nor ipywidgets). ``procore_nb.login()``
shows a :class:`LoginWidget` in a notebook when no service account or cached token signs in.

Rules this widget keeps:

- Every callback catches every exception and writes it to the status line: in JupyterLab an
  exception in a callback is invisible otherwise, and the cell just seems to hang.
- Secrets never reach widget state (which Jupyter saves into the ``.ipynb``): the code box is
  cleared as soon as it is read (as huggingface_hub's login widget does), the client secret
  is never typed into a widget, and no token, code or secret is ever shown or logged.
- Double clicks, a second sign-in while one runs, and re-running the cell are harmless: the
  buttons are disabled while working and one lock serialises sign-ins in the kernel.
"""

from __future__ import annotations

import html
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

import ipywidgets as widgets
import pandas as pd

from procore_nb.signin._messages import (
    EMPTY_CODE,
    SIGN_IN_HINT,
    env_label,
    explain,
    missing_credentials,
    signed_in_text,
)

if TYPE_CHECKING:
    from procore_nb.api._client import Client

__all__ = ["LoginWidget"]

logger = logging.getLogger("procore_nb.login")

Tone = Literal["info", "ok", "error"]
_COLOURS: dict[Tone, str] = {"info": "#555", "ok": "#1b7a1b", "error": "#b00020"}

#: One sign-in at a time in this kernel, across every login widget.
_SIGN_IN_LOCK = threading.Lock()

# Notebook front ends restyle links inside widgets; keep this one looking like a link.
_LINK_STYLE = "color: var(--jp-content-link-color, #1976d2); text-decoration: underline"
# Click once to select the whole URL (for copying into another browser).
_URL_STYLE = "user-select: all; word-break: break-all; font-size: 0.85em"

_SIGNED_OUT = "Signed out: the token was revoked at Procore and removed from this computer."
_SWITCHING = (
    "Signed out. To sign in as someone else, sign out of Procore in the browser first "
    "(or open the link in a private window), then follow the steps again."
)
_RETRY = "paste the same code and press Sign in again"


class LoginWidget(widgets.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints
    """Sign a :class:`~procore_nb.Client` in from a notebook cell.

    Shows the environment, numbered steps, a link that opens Procore's authorize page in a
    new tab (with the URL as copyable text), a password-style box for the code, a **Sign in**
    button and a status line. Once signed in it shows "Signed in as NAME (LOGIN) · ENV", a
    company picker that sets ``client.company_id``, and **Switch account** / **Sign out**.

    Parameters
    ----------
    client : Client
        The client to sign in; ``procore_nb.login()`` makes one from the environment.

    Attributes
    ----------
    code_box, sign_in_button, company_picker, switch_button, sign_out_button, status
        The parts, for people who lay the widget out themselves (and for tests).

    Examples
    --------
    >>> from procore_nb import Client
    >>> from procore_nb import LoginWidget
    >>> widget = LoginWidget(Client("sandbox"))  # doctest: +SKIP
    >>> widget.restore_or_ask()  # doctest: +SKIP
    >>> widget  # doctest: +SKIP
    """

    def __init__(self, client: Client, **kwargs: Any) -> None:
        self.client = client
        self._view: Literal["new", "form", "card"] = "new"
        self._status_text = ""
        self._filling_companies = False
        self.header = widgets.HTML()
        self.steps = widgets.HTML()
        self.code_box = widgets.Password(
            description="Code", placeholder="paste the code from Procore here"
        )
        self.sign_in_button = widgets.Button(
            description="Sign in", button_style="primary", icon="sign-in"
        )
        self.company_picker = widgets.Dropdown(description="Company", options=[])
        self.switch_button = widgets.Button(description="Switch account", icon="exchange")
        self.sign_out_button = widgets.Button(description="Sign out", icon="sign-out")
        self.status = widgets.HTML()
        self._form = widgets.VBox([self.steps, widgets.HBox([self.code_box, self.sign_in_button])])
        self._card = widgets.VBox(
            [
                self.company_picker,
                widgets.HBox([self.switch_button, self.sign_out_button]),
            ]
        )
        self.sign_in_button.on_click(self._on_sign_in)
        self.switch_button.on_click(self._on_switch)
        self.sign_out_button.on_click(self._on_sign_out)
        self.company_picker.observe(self._on_company, names="value")
        super().__init__([self.header, self.status], **kwargs)
        self._set_header()

    def __repr__(self) -> str:
        state = {"new": "not started", "form": "waiting for a code", "card": "signed in"}
        return f"LoginWidget(env={env_label(self.client)!r}, state={state[self._view]!r})"

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        """The widget, plus its header and status line for pages that cannot draw widgets.

        A notebook saved without widget state, or its HTML export, would otherwise show
        ``LoginWidget(env=..., state=...)`` where the login cell was.
        """
        bundle: dict[str, Any] | None = super()._repr_mimebundle_(**kwargs)
        if bundle is not None:
            bundle["text/html"] = f"<div>{self.header.value}<br>{self.status.value}</div>"
        return bundle

    @property
    def status_text(self) -> str:
        """The status line as plain text (``status`` holds it as HTML)."""
        return self._status_text

    @property
    def signed_in(self) -> bool:
        """Whether the widget shows the signed-in card."""
        return self._view == "card"

    def restore_or_ask(self) -> None:
        """Show the signed-in card if a cached token works, else the sign-in form."""
        self.client.sign_in_hint = SIGN_IN_HINT
        self._guarded(self._restore_or_ask, on_failure=self._show_form_quietly)

    # --- the views -------------------------------------------------------------------------

    def _restore_or_ask(self) -> None:
        if missing_credentials(self.client, terminal=False) is None and self.client.restore():
            self._show_card()
        else:
            self._show_form()

    def _show_form(self, message: str = "", tone: Tone = "info") -> None:
        """Show the steps with a fresh authorize link (a new ``state`` each time)."""
        problem = missing_credentials(self.client, terminal=False)
        if problem:
            link = "Procore's sign-in page (the link appears once the client id is set)"
        else:
            url = html.escape(self.client.authorization_url(), quote=True)
            link = (
                f'<a href="{url}" target="_blank" rel="noopener" style="{_LINK_STYLE}">'
                "<b>Procore's sign-in page</b></a><br>or copy this address into a browser:<br>"
                f'<code style="{_URL_STYLE}">{url}</code>'
            )
        self.steps.value = (
            "<ol>"
            f"<li>Open {link}</li>"
            "<li>Sign in to Procore and press <b>Allow</b>: Procore shows a code.</li>"
            "<li>Copy the code, paste it into the box below and press <b>Sign in</b> "
            "(within 10 minutes: codes expire).</li>"
            "</ol>"
        )
        self.code_box.value = ""
        self._switch_to("form")
        if problem:
            self._say(problem, "error")
        else:
            self._say(message, tone)

    def _show_form_quietly(self) -> None:
        """After a failed start, offer the form if it can be drawn; the status keeps the error."""
        if self._view == "new":
            status = self._status_text
            try:
                self._show_form()
            except Exception:  # the failure is already on the status line
                self._switch_to("form")
            self._say(status, "error")

    def _show_card(self) -> None:
        """Say who is signed in, then fill the company picker from ``client.companies()``."""
        self._switch_to("card")
        self.client.sign_in_hint = ""
        self._say(f"Signed in · {env_label(self.client)}", "ok")
        who = signed_in_text(self.client)
        self._say(who, "ok")
        try:
            self._fill_companies()
        except (Exception, KeyboardInterrupt) as exc:
            problem = explain(exc, self.client, retry="run this cell again", terminal=False)
            self._say(f"{who}, but the companies could not be listed: {problem}", "error")

    def _fill_companies(self) -> None:
        frame = self.client.companies()
        count = len(frame)
        ids = [int(company_id) for company_id in frame["id"]]
        names = [str(name) for name in frame["name"]]
        active = _flags(frame, "is_active", default=True, count=count)
        mine = _flags(frame, "my_company", default=False, count=count)
        labels = [
            name if is_active else f"{name} (inactive)"
            for name, is_active in zip(names, active, strict=True)
        ]
        wanted = self.client.company_id
        if wanted not in ids:
            # Procore marks at most one company as the user's own; else take the first.
            own = [company for company, flag in zip(ids, mine, strict=True) if flag]
            wanted = (own or ids)[0] if ids else None
        self._filling_companies = True
        try:
            self.company_picker.options = list(zip(labels, ids, strict=True))
            self.company_picker.value = wanted
        finally:
            self._filling_companies = False
        if wanted is not None:
            self.client.company_id = wanted

    def _switch_to(self, view: Literal["form", "card"]) -> None:
        self._view = view
        # The status reads best under the Sign in button, and above the company picker.
        if view == "form":
            self.children = (self.header, self._form, self.status)
        else:
            self.children = (self.header, self.status, self._card)
        self._set_header()

    def _set_header(self) -> None:
        where = env_label(self.client)
        if self.client.env != "custom":
            where += f" ({self.client.login_url})"
        title = "Procore" if self._view == "card" else "Sign in to Procore"
        self.header.value = f"<b>{title}</b> · environment: <code>{html.escape(where)}</code>"

    def _say(self, message: str, tone: Tone = "info") -> None:
        self._status_text = message
        self.status.value = (
            f'<span style="color: {_COLOURS[tone]}">{html.escape(message)}</span>'
            if message
            else ""
        )

    # --- callbacks ---------------------------------------------------------------------------

    def _on_sign_in(self, _button: Any = None) -> None:
        self._guarded(self._sign_in)

    def _sign_in(self) -> None:
        if self._view != "form":
            return  # a click queued behind the one that signed in
        code = self.code_box.value.strip()
        self.code_box.value = ""  # first thing: the code must not linger in widget state
        problem = missing_credentials(self.client, terminal=False)
        if problem:
            self._say(problem, "error")
            return
        if not code:
            self._say(EMPTY_CODE, "error")
            return
        self._say("Signing in…")
        try:
            self.client.exchange_code(code)
        except (Exception, KeyboardInterrupt) as exc:
            self._fail(exc, hide=(code,))
            return
        self._show_card()

    def _on_switch(self, _button: Any = None) -> None:
        self._guarded(lambda: self._sign_out(_SWITCHING))

    def _on_sign_out(self, _button: Any = None) -> None:
        self._guarded(lambda: self._sign_out(_SIGNED_OUT))

    def _sign_out(self, message: str) -> None:
        if self._view != "card":
            return
        self.client.logout()
        self.company_picker.options = []
        self.client.sign_in_hint = SIGN_IN_HINT
        self._show_form(message, "ok")

    def _on_company(self, change: dict[str, Any]) -> None:
        if self._filling_companies or change["new"] is None:
            return
        try:
            self.client.company_id = change["new"]
        except (Exception, KeyboardInterrupt) as exc:
            self._fail(exc)

    def _guarded(
        self, action: Callable[[], None], *, on_failure: Callable[[], None] | None = None
    ) -> None:
        """Run ``action`` with the buttons disabled; any exception goes to the status line."""
        if not _SIGN_IN_LOCK.acquire(blocking=False):
            self._say("Another sign-in is running in this notebook: wait for it to finish.")
            return
        self._set_busy(True)
        try:
            action()
        except (Exception, KeyboardInterrupt) as exc:
            self._fail(exc)
            if on_failure is not None:
                on_failure()
        finally:
            self._set_busy(False)
            _SIGN_IN_LOCK.release()

    def _set_busy(self, busy: bool) -> None:
        for part in (self.sign_in_button, self.switch_button, self.sign_out_button, self.code_box):
            part.disabled = busy

    def _fail(self, exc: BaseException, *, hide: tuple[str, ...] = ()) -> None:
        message = explain(exc, self.client, retry=_RETRY, hide=hide, terminal=False)
        logger.info("sign-in step failed: %s", type(exc).__name__)
        self._say(message, "error")


def _flags(frame: Any, column: str, *, default: bool, count: int) -> list[bool]:
    """A boolean column as plain bools (missing column or values count as ``default``)."""
    if column not in frame:
        return [default] * count
    return [default if pd.isna(value) else bool(value) for value in frame[column]]
