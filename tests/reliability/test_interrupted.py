"""Interrupted: Ctrl-C in the middle of a pull, and a process killed while it writes the cache.

Both leave the token cache valid and the client usable: the next pull is complete.
"""

from __future__ import annotations

import json
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from badserver import TOKEN, Answer, bad_server
from processes import spawn
from sandboxed import sandbox_client

import procore_nb
from procore_nb import Client, FileTokenCache
from procore_nb.api._tokens import CACHE_VERSION
from procore_nb.sandbox import Sandbox

PROJECTS = 300
PER_PAGE = 5  # 60 pages: a pull long enough to interrupt in its middle

PULLER = """
    import json, os, sys
    import procore_nb

    procore_nb.set_testing(True)
    settings = json.loads(sys.argv[1])
    client = procore_nb.Client(
        api_url=settings["url"],
        client_id=settings["client_id"],
        client_secret=settings["client_secret"],
        company_id=settings["company_id"],
        progress=False,
        config=procore_nb.ClientConfig(max_workers=2),
    )
    assert client.restore()
    print("pulling", flush=True)
    try:
        client.projects(status="all", per_page=settings["per_page"])
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    else:
        print("finished before the interrupt", flush=True)
        sys.exit(1)
    sys.stdin.readline()  # the test turns the latency off, then says go
    again = client.projects(status="all", per_page=settings["per_page"])
    restored = procore_nb.Client(
        api_url=settings["url"], client_id=settings["client_id"],
        client_secret=settings["client_secret"], progress=False,
    ).restore()
    print(json.dumps({"rows": len(again), "unique": int(again["id"].is_unique),
                      "restored": restored}), flush=True)
"""


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    """A sandbox whose answers take a while, so that a pull can be stopped half-way."""
    with Sandbox(seed=4, projects=PROJECTS, latency=0.05, rate_limit_spike=1_000_000) as sandbox:
        yield sandbox


def _project_pages(sb: Sandbox) -> int:
    return int(sb.counters()["by_path"].get("/rest/v1.0/projects", 0))


@pytest.mark.slow
def test_ctrl_c_in_the_middle_of_a_pull(sb: Sandbox) -> None:
    """SIGINT half-way through a pull: KeyboardInterrupt; then the same client pulls every row."""
    Client(api_url=sb.url, client_id=sb.client_id, client_secret=sb.client_secret).exchange_code(
        sb.authorize()
    )
    settings = {
        "url": sb.url,
        "client_id": sb.client_id,
        "client_secret": sb.client_secret,
        "company_id": sb.company_id,
        "per_page": PER_PAGE,
    }
    sb.reset_counters()
    child = spawn(PULLER, json.dumps(settings))
    try:
        assert child.stdout is not None
        assert child.stdin is not None
        assert child.stdout.readline().strip() == "pulling"
        deadline = time.monotonic() + 30
        while _project_pages(sb) < 10 and time.monotonic() < deadline:
            time.sleep(0.01)
        child.send_signal(signal.SIGINT)  # what Jupyter's "interrupt kernel" sends
        assert child.stdout.readline().strip() == "interrupted", child.stderr
        stopped_at = _project_pages(sb)
        sb.configure(latency=0.0)
        child.stdin.write("go\n")
        child.stdin.flush()
        out, err = child.communicate(timeout=30)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0, err
    assert json.loads(out) == {"rows": PROJECTS, "unique": 1, "restored": True}
    # The first pull really stopped in its middle: it did not fetch its 60 pages.
    assert 10 <= stopped_at < PROJECTS // PER_PAGE
    assert sb.counters()["refresh_reuse"] == 0


WRITER = """
    import dataclasses, os, sys, time
    from procore_nb import FileTokenCache

    directory, key, point, nth = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    cache = FileTokenCache(directory)
    token = cache.load(key)
    assert token is not None
    real, calls = getattr(os, point, None), [0]

    def pause(*args, **kwargs):
        calls[0] += 1
        if calls[0] == nth:
            print("paused", flush=True)
            time.sleep(60)  # SIGKILL lands here, in the middle of the write
        return real(*args, **kwargs)

    if real is not None:
        setattr(os, point, pause)
    print("writing", flush=True)
    n = 0
    while True:  # with no pause point: write until killed at a random moment
        n += 1
        with cache.lock(key):
            cache.save(key, dataclasses.replace(token, created_at=float(n)))
"""

#: Where a write can be cut short: (os function, which call of it), in the order save() runs.
CRASH_POINTS = [
    ("fdopen", 1),  # the temporary file exists, empty
    ("fsync", 1),  # written, not yet flushed to disk
    ("chmod", 1),  # flushed, not yet private
    ("replace", 1),  # complete, not yet renamed over the cache file
    ("fsync", 2),  # renamed, the folder not yet flushed
]


def _key(sb: Sandbox) -> str:
    """The cache slot of the sandbox's app (environment 'custom', its host, the client id)."""
    return f"custom-{sb.url.removeprefix('http://')}-{sb.client_id}"


def _check_cache(directory: Path, key: str, sb: Sandbox) -> None:
    """The cache file is whole (old or new token, right version), and the sign-in works."""
    cache = FileTokenCache(directory, lock_timeout=5)
    data = json.loads(cache.path(key).read_text())
    assert data["version"] == CACHE_VERSION
    leftovers = [p.name for p in cache.directory.iterdir() if p.name.startswith(".tmp-")]
    assert len(leftovers) <= 1  # at most the write that was cut short
    with cache.lock(key):  # the dead writer's lock was released with it
        pass
    client = sandbox_client(sb, signed_in=False, cache=cache)
    assert client.restore()
    assert len(client.projects(status="all")) == PROJECTS


def _signed_in_copy(tmp_path: Path, name: str, signed_in: Path) -> Path:
    """A cache folder of its own holding a copy of the signed-in cache."""
    directory = tmp_path / name
    (directory / "tokens").mkdir(parents=True, mode=0o700)
    for path in signed_in.iterdir():
        (directory / "tokens" / path.name).write_bytes(path.read_bytes())
    return directory


@pytest.mark.slow
def test_killed_while_writing_the_cache(sb: Sandbox, tmp_path: Path) -> None:
    """SIGKILL at each step of a cache write, and at random moments: the cache stays whole."""
    sb.configure(latency=0.0)
    first = tmp_path / "first"
    Client(
        api_url=sb.url,
        client_id=sb.client_id,
        client_secret=sb.client_secret,
        cache=FileTokenCache(first),
    ).exchange_code(sb.authorize())
    key = _key(sb)
    assert FileTokenCache(first).path(key).is_file()
    # Each crash point once, then writers looping until killed after various delays.
    cases = [(point, nth, 0.0) for point, nth in CRASH_POINTS]
    cases += [("", 0, delay) for delay in (0.0, 0.01, 0.02, 0.035, 0.05)]
    writers = []
    for i, (point, nth, delay) in enumerate(cases):
        directory = _signed_in_copy(tmp_path, f"writer-{i}", first / "tokens")
        child = spawn(WRITER, str(directory), key, point, str(nth))
        writers.append((directory, point, delay, child))
    try:
        for directory, point, delay, child in writers:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "writing", child.stderr
            if point:
                assert child.stdout.readline().strip() == "paused"
            time.sleep(delay)
            child.kill()  # SIGKILL: no cleanup runs
            child.wait()
            assert child.returncode == -signal.SIGKILL
            _check_cache(directory, key, sb)
    finally:
        for _, _, _, child in writers:
            child.kill()
            child.wait()


REFRESHER = """
    import json, sys, time
    import procore_nb

    settings = json.loads(sys.argv[1])
    client = procore_nb.Client(
        api_url=settings["url"], client_id="bad-server-app", client_secret="bad-server-secret",
        company_id=1, progress=False,
    )
    client.exchange_code("bad-server-code")
    time.sleep(1.0)  # the token lives one second: the next call refreshes it
    print("signed in", flush=True)
    try:
        client.me()
    except KeyboardInterrupt:
        token = client.token
        print(json.dumps({"interrupted": True, "refresh": token and token.refresh_token}))
    else:
        print(json.dumps({"interrupted": False}))
"""


@pytest.mark.slow
def test_ctrl_c_during_a_refresh_keeps_the_new_token() -> None:
    """SIGINT while Procore answers a refresh: the new pair is saved first, then the interrupt."""
    with bad_server() as server:
        refreshing = threading.Event()

        def token(form: dict[str, str]) -> Answer:
            if form.get("grant_type") != "refresh_token":
                return Answer({**TOKEN, "expires_in": 1})
            refreshing.set()
            time.sleep(1.0)  # Procore has spent the old refresh token; its answer is on its way
            return Answer({**TOKEN, "access_token": "access-2", "refresh_token": "refresh-2"})

        server.token = token
        server.routes["/rest/v1.0/me"] = lambda q, u: Answer({"id": 1, "login": "x", "name": "X"})
        child = spawn(REFRESHER, json.dumps({"url": server.url}))
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "signed in", child.stderr
            assert refreshing.wait(30)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=30)
        finally:
            child.kill()
            child.wait()
    assert json.loads(out) == {"interrupted": True, "refresh": "refresh-2"}, err
    [cache_file] = (procore_nb.config_file().parent / "tokens").glob("*.json")
    assert json.loads(cache_file.read_text())["refresh_token"] == "refresh-2"


EXCHANGER = """
    import json, sys
    import procore_nb

    settings = json.loads(sys.argv[1])
    client = procore_nb.Client(
        api_url=settings["url"], client_id="bad-server-app", client_secret="bad-server-secret",
        company_id=1, progress=False,
    )
    print("ready", flush=True)
    try:
        client.exchange_code("bad-server-code")
    except KeyboardInterrupt:
        token = client.token
        print(json.dumps({"interrupted": True, "refresh": token and token.refresh_token}))
    else:
        print(json.dumps({"interrupted": False}))
"""


@pytest.mark.slow
def test_ctrl_c_during_the_code_exchange_keeps_the_token() -> None:
    """SIGINT while Procore answers the code exchange: the token is saved, then the interrupt."""
    with bad_server() as server:
        exchanging = threading.Event()

        def token(form: dict[str, str]) -> Answer:
            exchanging.set()
            time.sleep(1.0)  # Procore has spent the code; its answer is on its way
            return Answer({**TOKEN, "refresh_token": "refresh-1"})

        server.token = token
        child = spawn(EXCHANGER, json.dumps({"url": server.url}))
        try:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready", child.stderr
            assert exchanging.wait(30)
            child.send_signal(signal.SIGINT)
            out, err = child.communicate(timeout=30)
        finally:
            child.kill()
            child.wait()
    assert json.loads(out) == {"interrupted": True, "refresh": "refresh-1"}, err
    [cache_file] = (procore_nb.config_file().parent / "tokens").glob("*.json")
    assert json.loads(cache_file.read_text())["refresh_token"] == "refresh-1"
