"""Ctrl-C means stop now: no request leaves after it, and the rows read are kept.

A real SIGINT reaches the main thread while the workers of a pull across projects wait for
the rate window or sit out a retry's backoff; the sandbox's request counter proves that not
one request arrives afterwards, and the caller gets :class:`procore_nb.Interrupted` within a
second, carrying the projects read whole.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from sandboxed import sandbox_client

import procore_nb
from procore_nb import Client, Interrupted
from procore_nb.sandbox import Sandbox

WINDOW = 3.0  # seconds of the sandbox's spike window in these tests


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox of 40 projects, its rate limits loose until a test tightens them."""
    with Sandbox(seed=2, projects=40, rate_limit_spike=100_000) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb: Sandbox) -> Iterator[Client]:
    """A signed-in client; the sandbox's options are put back afterwards."""
    yield sandbox_client(sb)
    sb.configure(rate_limit_spike=100_000, spike_window=10.0, error_rate=0.0, latency=0.0)


def _sent(sb: Sandbox) -> int:
    return int(sb.counters()["requests"])


def _quiet(sb: Sandbox, *, least: int, quiet: float = 0.6, most: float = 20.0) -> None:
    """Wait until ``least`` requests arrived and then none for ``quiet`` seconds."""
    give_up = time.monotonic() + most
    count, since = _sent(sb), time.monotonic()
    while time.monotonic() < give_up:
        time.sleep(0.05)
        now = _sent(sb)
        if now != count:
            count, since = now, time.monotonic()
        elif count >= least and time.monotonic() - since >= quiet:
            return
    raise AssertionError(f"the pull never settled into a wait ({count} requests)")


def _workers_gone(within: float) -> bool:
    """Whether every worker thread of the pull has ended within ``within`` seconds."""
    give_up = time.monotonic() + within
    while time.monotonic() < give_up:
        names = [t.name for t in threading.enumerate()]
        workers = ("procore_nb-project", "procore_nb-page", "procore_nb-pull")
        if not any(n.startswith(workers) for n in names):
            return True
        time.sleep(0.02)
    return False


def _interrupt_when(ready: Callable[[], None], marks: dict[str, float]) -> threading.Thread:
    """A thread that sends SIGINT to the main thread once ``ready()`` returns."""
    main = threading.get_ident()

    def run() -> None:
        ready()
        marks["at"] = time.monotonic()
        signal.pthread_kill(main, signal.SIGINT)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_no_request_after_ctrl_c_while_waiting_for_the_rate_window(
    client: Client, sb: Sandbox
) -> None:
    """Workers waiting on the rate gate give up at once; zero requests arrive after Ctrl-C."""
    ids = [int(i) for i in client.projects(status="all")["id"]]
    sb.configure(rate_limit_spike=6, spike_window=WINDOW)
    time.sleep(WINDOW)  # a fresh window: the pull spends it, then waits
    sb.reset_counters()
    marks: dict[str, float] = {}
    counted: dict[str, int] = {}

    def ready() -> None:
        _quiet(sb, least=4)  # the window is spent: every worker waits at the gate
        counted["before"] = _sent(sb)

    interrupter = _interrupt_when(ready, marks)
    with pytest.raises(Interrupted) as info:
        client.frame("rfis", projects=ids)
    reached = time.monotonic() - marks["at"]
    assert _workers_gone(within=1.0)  # none sat out the window
    interrupter.join()
    time.sleep(WINDOW + 1.0)  # past the next window: a worker still waiting would send now
    assert _sent(sb) == counted["before"]
    assert reached < 1.0
    assert isinstance(info.value, KeyboardInterrupt)
    partial = info.value.partial
    assert partial is not None
    answered = partial.attrs["answered"]
    assert 1 <= len(answered) < len(ids)
    assert set(partial["project_id"].unique()) <= set(answered)
    assert partial.attrs["projects"] == len(ids)


def test_no_request_after_ctrl_c_during_a_retry_backoff(client: Client, sb: Sandbox) -> None:
    """Workers sitting out a backoff (every answer a 5xx) give up at once on Ctrl-C."""
    projects = client.projects(status="all")  # a frame: its names need no request later
    procore_nb.set_testing(False)  # real backoff waits: the workers must be in one
    sb.configure(error_rate=1.0)
    sb.reset_counters()
    marks: dict[str, float] = {}

    def ready() -> None:
        give_up = time.monotonic() + 20
        while _sent(sb) < 16 and time.monotonic() < give_up:
            time.sleep(0.02)  # every worker has failed at least once: they back off

    interrupter = _interrupt_when(ready, marks)
    with pytest.raises(Interrupted):
        client.frame("rfis", projects=projects)
    reached = time.monotonic() - marks["at"]
    settled = _sent(sb)  # counted once Ctrl-C reached the caller
    assert _workers_gone(within=1.0)  # none sat out its backoff
    interrupter.join()
    time.sleep(3.0)  # longer than the next backoffs (0.5 s doubling, jittered)
    assert _sent(sb) == settled
    assert reached < 1.0


def test_no_request_after_ctrl_c_in_a_company_list(client: Client, sb: Sandbox) -> None:
    """The pages of one list waiting for the rate window give up too; none is sent after Ctrl-C."""
    sb.configure(rate_limit_spike=6, spike_window=WINDOW)
    time.sleep(WINDOW)
    sb.reset_counters()
    marks: dict[str, float] = {}
    counted: dict[str, int] = {}

    def ready() -> None:
        _quiet(sb, least=4)
        counted["before"] = _sent(sb)

    interrupter = _interrupt_when(ready, marks)
    with pytest.raises(KeyboardInterrupt):
        client.projects(status="all", per_page=2)  # 20 pages against 6 per window
    reached = time.monotonic() - marks["at"]
    assert _workers_gone(within=1.0)
    interrupter.join()
    time.sleep(WINDOW + 1.0)
    assert _sent(sb) == counted["before"]
    assert reached < 1.0


def test_the_client_pulls_again_after_ctrl_c(client: Client, sb: Sandbox) -> None:
    """After an interrupted pull the same client reads a whole pull, nothing left waiting."""
    ids = [int(i) for i in client.projects(status="all")["id"]]
    sb.configure(rate_limit_spike=4, spike_window=WINDOW)
    time.sleep(WINDOW)
    sb.reset_counters()
    marks: dict[str, float] = {}
    interrupter = _interrupt_when(lambda: _quiet(sb, least=3), marks)
    with pytest.raises(KeyboardInterrupt):
        client.frame("rfis", projects=ids)
    interrupter.join()
    sb.configure(rate_limit_spike=100_000, spike_window=10.0)
    time.sleep(WINDOW)
    df = client.frame("rfis", projects=ids[:3])
    assert df.attrs["answered"] == ids[:3]
