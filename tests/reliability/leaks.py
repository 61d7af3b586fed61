"""Finding secrets where they must never be: exceptions, logs, outputs.

:func:`harvest` collects every secret an in-process sandbox handled: the app's and the
service account's client secrets, the users' passwords, and every authorization code,
access token and refresh token it ever issued. :func:`exception_texts` renders an exception
every way a person could see it. :class:`Watch` checks a test's expected exceptions and its
DEBUG-level log records against those secrets when the test ends.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from procore_nb.sandbox import Sandbox

#: Loggers whose DEBUG output is searched: ours, the OAuth libraries' and urllib3's.
LOGGERS = ("procore_nb", "requests_oauthlib", "oauthlib", "urllib3")


def books(sb: Sandbox) -> Any:
    """The running in-process sandbox's state: the one place that knows every code and token.

    It stays readable after the sandbox stops.
    """
    runner = sb._runner  # test-only read of the sandbox's token store
    assert runner is not None, "start the sandbox first"
    return runner.running.state  # type: ignore[union-attr]  # in-process sandboxes only


def harvest(state: Any) -> dict[str, str]:
    """Every secret a sandbox's ``state`` (:func:`books`) handled, named for messages."""
    options = state.options
    found = {
        "client secret": options.client_secret,
        "service client secret": options.service_client_secret,
        "password": options.password,
        "other password": options.other_password,
    }
    store = state.tokens
    for kind, values in (
        ("code", store.codes),
        ("access token", store.access),
        ("refresh token", store.refresh),
    ):
        found |= {f"{kind} {i}": value for i, value in enumerate(list(values))}
    return found


def exception_texts(exc: BaseException) -> list[str]:
    """``exc`` as str, repr, attributes and formatted traceback, for it and its whole chain."""
    texts = ["".join(traceback.format_exception(exc))]
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(vars(current))]
        pending += [current.__cause__, current.__context__]
    return texts


def leaks(texts: Iterable[str], secrets: dict[str, str]) -> list[str]:
    """The names of the ``secrets`` that appear in any of ``texts``."""
    joined = "\n".join(texts)
    return sorted(name for name, value in secrets.items() if value and value in joined)


class Watch:
    """Collect a test's expected exceptions and check them and its DEBUG logs for secrets."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        self.caplog = caplog
        self.raised: list[BaseException] = []
        self.books: list[Any] = []
        self.secrets: dict[str, str] = {}
        for name in LOGGERS:
            caplog.set_level(logging.DEBUG, logger=name)

    def sandbox(self, sb: Sandbox) -> Sandbox:
        """Search for the secrets ``sb`` handles too (an in-process sandbox); returns ``sb``."""
        self.books.append(books(sb))
        return sb

    def secret(self, name: str, value: str) -> None:
        """Search for one more secret (a test's own token, say)."""
        self.secrets[name] = value

    @contextlib.contextmanager
    def raises(
        self, cls: type[BaseException], match: str | None = None
    ) -> Iterator[pytest.ExceptionInfo[BaseException]]:
        """``pytest.raises``, keeping the exception for the secret check."""
        with pytest.raises(cls, match=match) as info:
            yield info
        self.raised.append(info.value)

    def verify(self) -> None:
        """Fail if a secret is in an exception collected by :meth:`raises` or in the logs."""
        secrets = dict(self.secrets)
        for state in self.books:
            secrets |= harvest(state)
        for exc in self.raised:
            assert leaks(exception_texts(exc), secrets) == [], exc
        assert leaks([self.caplog.text], secrets) == []
