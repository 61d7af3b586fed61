"""The HTML of the sign-in and consent flow: small, unstyled, and easy for tests to read."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

_LAYOUT = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} - Procore sandbox</title></head>
<body>
<h1>{title}</h1>
{body}
<p><small>procore_nb sandbox: a local stand-in for Procore.</small></p>
</body>
</html>
"""


def page(title: str, body: str) -> str:
    """A whole page; ``body`` is trusted HTML, ``title`` is escaped."""
    return _LAYOUT.format(title=escape(title), body=body)


def sign_in(
    *,
    app_name: str,
    action: str,
    login: str = "",
    error: str | None = None,
    accounts: Sequence[tuple[str, str]] = (),
) -> str:
    """The sign-in and consent form; it posts ``login``, ``password`` and ``decision``.

    ``accounts`` are the sandbox's demo ``(login, password)`` pairs, listed under the form
    so that someone trying the sandbox in a browser knows what to type.
    """
    alert = f'<p id="error" role="alert">{escape(error)}</p>\n' if error else ""
    listed = "".join(
        f"<li><code>{escape(name)}</code> / <code>{escape(secret)}</code></li>"
        for name, secret in accounts
    )
    hint = (
        f'\n<details id="demo_accounts"><summary>Demo accounts of this sandbox</summary>'
        f"<ul>{listed}</ul></details>"
        if listed
        else ""
    )
    return page(
        "Sign in to Procore",
        f"""{alert}<p><strong>{escape(app_name)}</strong> asks to use your Procore account.</p>
<form id="authorize" method="post" action="{escape(action)}">
<label>Email <input type="email" name="login" value="{escape(login)}"></label>
<label>Password <input type="password" name="password"></label>
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>{hint}""",
    )


def show_code(code: str) -> str:
    """The out-of-band page: the code to copy, in ``id="authorization_code"``."""
    return page(
        "Authorization code",
        f"""<p>Copy this code into your application. It works once, within 10 minutes.</p>
<code id="authorization_code">{escape(code)}</code>""",
    )


def error(code: str, description: str) -> str:
    """An OAuth error page (never a redirect)."""
    return page(
        "An error has occurred",
        f"""<p id="error" data-error="{escape(code)}"><strong>{escape(code)}</strong></p>
<p id="error_description">{escape(description)}</p>""",
    )
