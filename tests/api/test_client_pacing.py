"""The rate gate and the retry policy's reading of rate-limit headers. No HTTP.

The gate's waits are driven by headers and a monotonic clock; these tests feed it headers
directly and check who may start, never how long anything took.
"""

from __future__ import annotations

import threading
import time

from urllib3.response import HTTPResponse

import procore_nb
from procore_nb.api._pacing import RateGate, seconds_until_reset
from procore_nb.api._transport import ProcoreRetry


def _headers(remaining: int, reset_in: float, limit: int = 25) -> dict[str, str]:
    return {
        "X-Rate-Limit-Limit": str(limit),
        "X-Rate-Limit-Remaining": str(remaining),
        "X-Rate-Limit-Reset": str(time.time() + reset_in),
    }


def test_unknown_budget_admits_requests() -> None:
    """Before any answer, requests start (the first answer tells the budget)."""
    gate = RateGate(max_wait=60)
    assert gate.acquire() is False
    assert gate.acquire() is False


def test_budget_counts_requests_in_flight() -> None:
    """With 2 left, two requests start and a third waits for an answer or the reset."""
    gate = RateGate(max_wait=60)
    gate.acquire()
    gate.release(_headers(remaining=2, reset_in=30))
    gate.acquire()
    gate.acquire()
    started = threading.Event()

    def third() -> None:
        gate.acquire()
        started.set()

    waiter = threading.Thread(target=third, daemon=True)
    waiter.start()
    assert not started.wait(0.3)  # budget spent by the two in flight
    gate.release(_headers(remaining=5, reset_in=60))  # a new window with room
    assert started.wait(5)
    waiter.join(5)


def test_far_reset_sends_one_probe_at_a_time() -> None:
    """A reset beyond max_wait lets exactly one probe through; the rest wait for its answer."""
    gate = RateGate(max_wait=1)
    gate.acquire()
    gate.release(_headers(remaining=0, reset_in=3600))
    assert gate.acquire() is True  # the probe
    second = threading.Event()

    def other() -> None:
        gate.acquire()
        second.set()

    waiter = threading.Thread(target=other, daemon=True)
    waiter.start()
    assert not second.wait(0.3)
    gate.release(_headers(remaining=10, reset_in=3600), probe=True)  # Procore answered it
    assert second.wait(5)
    waiter.join(5)


def test_pause_holds_everyone() -> None:
    """A Retry-After pause holds new requests until it ends."""
    gate = RateGate(max_wait=60)
    gate.pause(1.0)
    started = threading.Event()
    waiter = threading.Thread(target=lambda: (gate.acquire(), started.set()), daemon=True)
    waiter.start()
    assert not started.wait(0.1)
    assert started.wait(5)


def test_reset_measured_against_the_server_clock() -> None:
    """A server whose Date is an hour ahead gets its reset read in its own time."""
    ahead = time.time() + 3600
    headers = {
        "X-Rate-Limit-Reset": str(ahead + 10),
        "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(ahead)),
    }
    wait = seconds_until_reset(headers)
    assert wait is not None
    assert 8 <= wait <= 12


def test_retry_after_first_then_rate_limit_reset() -> None:
    """The retry policy reads Retry-After first, else X-Rate-Limit-Reset."""
    retry = ProcoreRetry(total=3, status_forcelist={429})
    with_both = HTTPResponse(
        status=429, headers={"Retry-After": "7", **_headers(remaining=0, reset_in=30)}
    )
    assert retry.get_retry_after(with_both) == 7
    reset_only = HTTPResponse(status=429, headers=_headers(remaining=0, reset_in=30))
    wait = retry.get_retry_after(reset_only)
    assert wait is not None
    assert 28 <= wait <= 31


def test_retry_keeps_its_settings_when_copied() -> None:
    """urllib3 copies the policy on every retry; max_wait and the gate survive."""
    gate = RateGate(max_wait=5)
    retry = ProcoreRetry(total=3, max_wait=5, gate=gate).increment(method="GET", url="/x")
    assert retry.max_wait == 5
    assert retry.gate is gate
    assert retry.total == 2


def test_backoff_is_off_under_set_testing() -> None:
    """set_testing(True) makes backoff zero; set_testing(False) brings it back."""
    retry = ProcoreRetry(total=5, backoff_factor=1.0)
    for _ in range(3):
        retry = retry.increment(method="GET", url="/x")
    procore_nb.set_testing(True)
    assert retry.get_backoff_time() == 0
    procore_nb.set_testing(False)
    assert retry.get_backoff_time() > 0


def test_spike_window_binds_after_the_hourly_one() -> None:
    """Answers switching from the hourly window to a nearer spike window with fewer left bind."""
    gate = RateGate(max_wait=60)
    gate.acquire()
    gate.release(_headers(remaining=3599, reset_in=3600, limit=3600))
    gate.acquire()
    gate.release(_headers(remaining=1, reset_in=8))  # the 10 s window: one request left
    gate.acquire()  # that one starts
    started = threading.Event()

    def second() -> None:
        gate.acquire()
        started.set()

    waiter = threading.Thread(target=second, daemon=True)
    waiter.start()
    assert not started.wait(0.3)  # the spike window is spent: it waits, whatever the hour says
    gate.release(_headers(remaining=24, reset_in=10))  # a new spike window
    assert started.wait(5)
    waiter.join(5)
