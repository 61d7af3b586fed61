"""Background imports: pandas and pyarrow load while the user signs in, off a first pull's path.

:func:`warm_up` (called when a :class:`~procore_nb.Client` is made) imports the page parser
(pyarrow) and then pandas and the conversion in a daemon thread, once per process; the pull
(:mod:`~procore_nb.api._pull`) waits for the parser before its first page and for pandas
before its last step only.
"""

from __future__ import annotations

import contextlib
import importlib.util
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from procore_nb.frames._pages import PageParser

__all__ = ["Background", "fast_route", "frames_imported", "warm_up"]


def fast_route() -> bool:
    """Whether pyarrow, which the fast route parses pages with, is installed (no import)."""
    try:
        return importlib.util.find_spec("pyarrow") is not None
    except (ImportError, ValueError):  # ValueError: a module entry set to None (tests do)
        return False


class Background:
    """Run ``work`` in a daemon thread; :meth:`result` joins it and re-raises its error."""

    def __init__(self, work: Callable[[], Any], name: str) -> None:
        self._work = work
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._value = self._work()
        except BaseException as exc:  # handed to the caller in result()
            self._error = exc

    def wait(self) -> None:
        """Wait for the work to end, whatever its outcome."""
        self._thread.join()

    def result(self) -> Any:
        """The work's result, once it ended; its exception is raised here."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _import_parser() -> Callable[[str | None], PageParser] | None:
    """Import the page parser (pyarrow only, no pandas): what the first page waits for."""
    if not fast_route():
        return None
    try:
        from procore_nb.frames._pages import PageParser
    except ImportError:  # a broken pyarrow install: the ordinary route still works
        return None
    return PageParser


def _import_frames(parser: Background) -> None:
    """Import pandas and the conversion, once the parser is in (one import at a time)."""
    parser.wait()
    import procore_nb.frames._convert  # imported for its cost, paid here

    if fast_route():
        with contextlib.suppress(ImportError):  # a broken pyarrow: the ordinary route works
            import procore_nb.frames._arrow  # noqa: F401  # likewise


_WARM: dict[str, Background] = {}
_WARM_LOCK = threading.Lock()


def warm_up() -> Background:
    """Start importing the conversion in the background, once per process.

    :class:`~procore_nb.Client` calls this when it is made, so that a notebook's first
    pull does not wait for pandas and pyarrow to import: the sign-in runs meanwhile.
    The page parser (pyarrow) comes first, so that pages are parsed as they arrive while
    pandas, which only the last step needs, is still importing. Answers the parser's import.
    """
    with _WARM_LOCK:
        if "parser" not in _WARM:
            parser = Background(_import_parser, "procore_nb-import")
            _WARM["parser"] = parser
            _WARM["frames"] = Background(lambda: _import_frames(parser), "procore_nb-import")
        return _WARM["parser"]


def frames_imported() -> None:
    """Wait for the background import of pandas and the conversion (if one was started)."""
    with _WARM_LOCK:
        frames = _WARM.get("frames")
    if frames is not None:
        frames.wait()
