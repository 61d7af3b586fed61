"""Checks of the values that enter procore_nb: URLs, seconds, counts, ids, flags, moments.

One rule for every public argument, in every room (client, fan-out, store, explorer,
export, command line): Python integers and numpy's (a number taken from a frame) are
accepted wherever a whole number is; ``bool``, floats (even ``3.0``), NaN, infinities,
``NaT``, ``Decimal`` and text that is not digits are refused with a
:class:`~procore_nb.ConfigurationError` naming the argument, before any request is sent.

- :func:`check_count` a whole number of at least ``least``, and :func:`check_limit` a row
  count (``limit``, never a filter);
- :func:`check_id` a positive id, also given as its digits (``projects=``, ``company_id``);
- :func:`check_flag` ``True`` or ``False`` (numpy's too);
- :func:`check_seconds` a finite number of seconds;
- :func:`check_moment` a date or time that is not ``NaT``;
- :func:`check_choice` one of a few words.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
import numbers
import operator
import ssl
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from procore_nb._exceptions import ConfigurationError, InsecureURLError

__all__ = [
    "check_ca_file",
    "check_choice",
    "check_count",
    "check_flag",
    "check_id",
    "check_limit",
    "check_moment",
    "check_seconds",
    "check_url",
    "is_loopback_http",
    "parse_company_id",
    "whole",
]

_NOTHING_SENT = " Nothing was sent."


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


def _is_flag(value: object) -> bool:
    """Whether ``value`` is ``True``/``False``: Python's, or numpy's ``bool_``."""
    return isinstance(value, bool) or type(value).__name__ in {"bool_", "bool"}


def _shown(value: object) -> str:
    """``value``'s repr, with its type when the repr hides it (``3.0 (numpy.float32)``)."""
    kind = type(value)
    plain = kind in {int, float, str, bool, type(None)}
    return repr(value) if plain else f"{value!r} ({kind.__module__}.{kind.__qualname__})"


def _whole(value: object) -> int | None:
    """``value`` as a Python int if it is an integer (numpy's too) and not a bool; else None."""
    if _is_flag(value) or not hasattr(value, "__index__"):
        return None
    try:
        return operator.index(value)
    except TypeError:
        return None


def check_count(name: str, value: object, *, least: int = 1) -> int:
    """``value`` as a Python int of at least ``least``, or ConfigurationError naming ``name``.

    Examples
    --------
    >>> import numpy as np
    >>> check_count("limit", np.int64(3))
    3
    >>> check_count("limit", 3.0)
    Traceback (most recent call last):
    ...
    procore_nb._exceptions.ConfigurationError: limit must be a whole number ...
    """
    number = _whole(value)
    if number is None:
        raise ConfigurationError(
            f"{name} must be a whole number (an int), not {_shown(value)}: numbers are never "
            f"rounded; pass int(...) if that is what you meant.{_NOTHING_SENT}"
        )
    if number < least:
        raise ConfigurationError(f"{name} must be at least {least}, not {value!r}.{_NOTHING_SENT}")
    return number


def check_limit(limit: object) -> int | None:
    """``limit`` as a row count, or ConfigurationError: it is never a filter."""
    if limit is None:
        return None
    try:
        return check_count("limit", limit)
    except ConfigurationError:
        raise ConfigurationError(
            f"limit must be a positive number of rows (a whole number; numpy's integers "
            f"too), not {limit!r}. Nothing was sent."
        ) from None


def check_id(name: str, value: object) -> int:
    """``value`` as a positive id (an int, numpy's, or its digits as text), or refuse it.

    Examples
    --------
    >>> check_id("projects=", "5000000001")
    5000000001
    >>> check_id("projects=", 5000000001.7)
    Traceback (most recent call last):
    ...
    procore_nb._exceptions.ConfigurationError: projects= takes positive integer ids ...
    """
    number = _whole(value)
    if number is None and isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    if number is None or number <= 0:
        raise ConfigurationError(
            f"{name} takes positive integer ids (or their digits as text), and "
            f"{_shown(value)} is not one: ids are never rounded.{_NOTHING_SENT}"
        )
    return number


def check_flag(name: str, value: object) -> bool:
    """``value`` as ``True`` or ``False`` (numpy's too), or ConfigurationError naming ``name``."""
    if not _is_flag(value):
        raise ConfigurationError(
            f"{name} must be True or False, not {_shown(value)}.{_NOTHING_SENT}"
        )
    return bool(value)


def check_choice(name: str, value: object, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices`` (text), or ConfigurationError listing them."""
    if not isinstance(value, str) or value not in choices:
        names = [repr(c) for c in choices]
        words = " or ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]
        raise ConfigurationError(f"{name} must be {words}, not {_shown(value)}.{_NOTHING_SENT}")
    return str(value)


def check_moment(name: str, value: object) -> dt.date | str:
    """A date, datetime or text as given; numpy's ``datetime64`` as a datetime; never ``NaT``.

    ``NaT`` (pandas' or numpy's), NaN and None are refused: a range needs real ends.
    """
    if type(value).__name__ == "datetime64" and value == value:  # noqa: PLR0124  # NaT != NaT
        moment = value.astype("datetime64[us]").item()  # type: ignore[attr-defined]  # numpy
        if isinstance(moment, dt.date):
            return moment
    if isinstance(value, dt.date | str) and value == value:  # noqa: PLR0124  # NaT != NaT
        return value
    raise ConfigurationError(
        f"{name} must be a date or datetime (or 'YYYY-MM-DD'), not {_shown(value)}: "
        f"NaT, NaN and None mark a missing time, which a filter cannot use.{_NOTHING_SENT}"
    )


def check_seconds(name: str, value: object, *, zero: bool = False, source: str = "") -> float:
    """``value`` as a finite number of seconds (positive, or ``>= 0`` with ``zero``), or refuse.

    ``source`` says where the value came from, for the message.

    Examples
    --------
    >>> check_seconds("timeout", 5)
    5.0
    """
    where = f" (from {source})" if source else ""
    if _is_flag(value) or not isinstance(value, numbers.Real):
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


def parse_company_id(value: object) -> int | None:
    """Return a company id as a positive ``int`` (``None`` stays ``None``), or refuse it.

    Examples
    --------
    >>> parse_company_id("4264807")
    4264807
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise ConfigurationError(f"company_id must be a positive integer, not {value!r}.")
    if hasattr(value, "__index__"):
        # int, and the integers of numpy and pandas: an id picked out of a DataFrame.
        number = operator.index(value)
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise ConfigurationError(
            f"company_id must be a positive integer (or its digits as text), not {value!r}."
        )
    if number <= 0:
        raise ConfigurationError(f"company_id must be a positive integer, not {value!r}.")
    return number
