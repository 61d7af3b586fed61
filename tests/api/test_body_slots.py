"""Body slots: a thread inside ``body_slot`` reads a response body only once it holds a slot."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager
from typing import Any

import pytest

from procore_nb import Client, ClientConfig
from procore_nb.api._transport import body_slot
from procore_nb.sandbox import Sandbox

MakeClient = Callable[..., Client]


def _answered(sb: Sandbox, count: int) -> None:
    """Wait until the sandbox has answered ``count`` requests (since its counters were reset)."""
    for _ in range(500):
        if sb.counters()["requests"] >= count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the sandbox answered fewer than {count} requests")


def _hold(client: Client, slots: threading.Semaphore, until: threading.Event) -> Any:
    """Read one list inside a slot, then keep the slot until ``until`` is set."""
    with body_slot(slots):
        rows = client.get("projects", params={"company_id": client.company_id})
        assert until.wait(30)
        return rows


def _read(client: Client, slots: threading.Semaphore) -> Any:
    with body_slot(slots):
        return client.get("projects", params={"company_id": client.company_id})


@contextmanager
def _one_slot_held(
    sb: Sandbox, first: Client, second: Client
) -> Iterator[tuple[Future[Any], Future[Any], threading.Event, threading.Semaphore]]:
    """``first`` reads in the one slot and keeps it; ``second``'s request is answered meanwhile.

    Yields both calls, the event that lets ``first`` give its slot back, and the slots.
    """
    sb.reset_counters()
    slots, done = threading.Semaphore(1), threading.Event()
    with ThreadPoolExecutor(2) as pool:
        holder = pool.submit(_hold, first, slots, done)
        _answered(sb, 1)
        waiter = pool.submit(_read, second, slots)
        _answered(sb, 2)
        try:
            yield holder, waiter, done, slots
        finally:
            done.set()


def test_a_body_waits_until_a_slot_is_free(make_client: MakeClient, sb: Sandbox) -> None:
    """With one slot held, another thread's answer is sent but its body is not read."""
    first, second = make_client(company_id=sb.company_id), make_client(company_id=sb.company_id)
    with _one_slot_held(sb, first, second) as (holder, waiter, done, slots):
        with pytest.raises(FutureTimeout):
            waiter.result(timeout=0.5)  # answered by the server, body left in the network
        done.set()
        assert holder.result(timeout=30) == waiter.result(timeout=30)
    assert slots.acquire(blocking=False), "the slots were given back when the blocks ended"


def test_waiting_for_a_slot_is_not_charged_to_the_deadline(
    make_client: MakeClient, sb: Sandbox
) -> None:
    """A call with a 1 s deadline still succeeds after waiting 1.5 s for a slot."""
    first = make_client(company_id=sb.company_id)
    second = make_client(company_id=sb.company_id, config=ClientConfig(deadline=1.0))
    with _one_slot_held(sb, first, second) as (holder, waiter, done, _):
        time.sleep(1.5)  # longer than the second call's whole deadline
        done.set()
        assert len(waiter.result(timeout=30)) == len(holder.result(timeout=30)) > 0


def test_a_slot_is_taken_once_per_block(make_client: MakeClient, sb: Sandbox) -> None:
    """Several reads in one block take one slot: a second read never waits on its own slot."""
    client = make_client(company_id=sb.company_id)
    slots = threading.Semaphore(1)
    with body_slot(slots) as slot:
        client.get("me")
        client.get("projects", params={"company_id": client.company_id})
        assert slot.held
        assert not slots.acquire(blocking=False)
    assert not slot.held
    assert slots.acquire(blocking=False)
