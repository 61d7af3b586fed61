"""Checks of setting values: URLs (HTTPS, or plain HTTP to loopback only), seconds, counts."""

from __future__ import annotations

import ipaddress
import math
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from procore_nb._exceptions import ConfigurationError, InsecureURLError

__all__ = ["check_ca_file", "check_seconds", "check_url", "is_loopback_http", "whole"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_loopback_http(url: str) -> bool:
    """Whether ``url`` is plain HTTP to this machine (the embedded sandbox)."""
    parts = urlsplit(url)
    return parts.scheme == "http" and _is_loopback(parts.hostname or "")


def check_url(url: str, *, what: str = "URL") -> str:
    """Return ``url`` without a trailing slash, or refuse it.

    Procore requires HTTPS on every call; plain HTTP is accepted only for a loopback
    host (the embedded sandbox on 127.0.0.1).

    Examples
    --------
    >>> check_url("https://api.procore.com/")
    'https://api.procore.com'
    >>> check_url("http://example.com")
    Traceback (most recent call last):
    ...
    procore_nb._exceptions.InsecureURLError: ...
    """
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  # reading .port validates it (raises on a bad one)
    except (AttributeError, ValueError) as exc:
        raise ConfigurationError(f"The {what} {url!r} is not a valid URL.") from exc
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ConfigurationError(
            f"The {what} {url!r} is not an http(s) URL with a host: give it as https://host[:port]."
        )
    if parts.username or parts.password:
        raise ConfigurationError(
            f"The {what} contains credentials; remove them: procore_nb sends credentials "
            "only in request bodies and headers."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"The {what} {url!r} must not have a query or fragment.")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise InsecureURLError(
            f"Refusing the {what} {url!r}: Procore requires HTTPS (TLS 1.2+) for every call. "
            "Use https://; plain http:// is allowed only for a loopback host such as the "
            "embedded sandbox on 127.0.0.1."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")


def whole(name: str, value: object, *, least: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigurationError(f"{name} must be a whole number, not {value!r}.")
    if value < least:
        raise ConfigurationError(f"{name} must be at least {least}, not {value!r}.")


def check_seconds(name: str, value: object, *, zero: bool = False, source: str = "") -> float:
    """``value`` as a finite number of seconds (positive, or ``>= 0`` with ``zero``), or refuse.

    ``source`` says where the value came from, for the message.

    Examples
    --------
    >>> check_seconds("timeout", 5)
    5.0
    """
    where = f" (from {source})" if source else ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigurationError(f"{name} must be a number of seconds, not {value!r}{where}.")
    seconds = float(value)
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not zero):
        least = "zero or more" if zero else "more than zero"
        raise ConfigurationError(
            f"{name} must be a finite number of seconds, {least}, not {value!r}{where}."
        )
    return seconds


def check_ca_file(path: str) -> None:
    """Refuse a CA file that does not exist or holds no PEM certificate.

    Checked when the client is built: a bad file would otherwise surface at the first call
    as a TLS failure that blames the server's certificate.
    """
    if not Path(path).is_file():
        raise ConfigurationError(f"The CA file {path!r} does not exist; give a PEM file.")
    try:
        ssl.create_default_context(cafile=path)
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ConfigurationError(
            f"The CA file {path!r} holds no certificate that can be read ({type(exc).__name__}): "
            "give the PEM file of the certificate authority, such as the sandbox's ca.pem."
        ) from None
