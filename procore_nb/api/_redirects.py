"""Which redirects a call may follow: none for OAuth, same origin only for a REST GET.

requests follows redirects by itself, re-sending a POST's body on a 307 or 308 (the
client secret and the code of a token request) and the ``Procore-Company-Id`` header to
any host. The transport turns that off and asks :func:`redirect_target` instead: OAuth
calls never follow a redirect; a GET follows one only to the same scheme, host and port;
everything else is refused with :class:`~procore_nb.RedirectRefusedError`, saying where
it pointed and why it was not followed.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from procore_nb._constants import REQUEST_ID_HEADER
from procore_nb._exceptions import RedirectRefusedError
from procore_nb.api._redaction import redact_url
from procore_nb.api._responses import Reply

__all__ = ["MAX_REDIRECTS", "redirect_target", "refused_redirect"]

#: Redirects one GET may follow on its own host.
MAX_REDIRECTS = 5


def redirect_target(reply: Reply, *, follow: bool) -> str:
    """The URL the redirect ``reply`` points at, if it is safe to follow; else raise.

    ``follow=False`` (OAuth calls) refuses every redirect.
    """
    response = reply.response
    location = response.headers.get("Location", "")
    try:
        target = urljoin(response.url, location.strip())
        here, there = urlsplit(response.url), urlsplit(target)
        same = (here.scheme, here.hostname, here.port) == (there.scheme, there.hostname, there.port)
    except ValueError:
        raise refused_redirect(reply, location, "its Location is not a valid URL") from None
    method = response.request.method or "GET"
    if not follow:
        why = "OAuth requests never follow redirects (they carry secrets)"
    elif method != "GET":
        why = f"a {method} is never re-sent to another address"
    elif not location.strip():
        why = "it names no Location"
    elif here.scheme == "https" and there.scheme != "https":
        why = "it leaves HTTPS for plain HTTP"
    elif not same:
        why = "it points at another host (the bearer token is not sent there)"
    else:
        return target
    raise refused_redirect(reply, target, why)


def refused_redirect(reply: Reply, location: str, why: str) -> RedirectRefusedError:
    """The error for a redirect not followed, naming where it pointed and why."""
    response = reply.response
    method = response.request.method or "GET"
    url = redact_url(response.url)
    request_id = response.headers.get(REQUEST_ID_HEADER)
    where = f" (request id {request_id})" if request_id else ""
    shown = redact_url(location) if location else "nowhere"
    return RedirectRefusedError(
        f"{method} {url} answered {response.status_code} redirecting to {shown}{where}: not "
        f"followed, because {why}. Check that the URL is Procore's own (https://, the right "
        "host); nothing was sent to the other address.",
        method=method,
        url=url,
        status=response.status_code,
        request_id=request_id,
        location=redact_url(location),
    )
