"""The README's Python snippets run as written, against a sandbox, so that they stay true.

Every fenced ``python`` block runs, in order, in one namespace (as a reader pastes them into
one notebook), except a block right after an ``<!-- illustration: ... -->`` comment (one that
talks to production Procore). The environment points ``procore_nb.login()`` at a sandbox's
service account, the way ``PROCORE_*`` variables would point it at Procore.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import procore_nb
from procore_nb.sandbox import Sandbox

README = Path(procore_nb.__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- illustration:[^>]*-->\n)?```python\n(.*?)```", re.DOTALL)


def _snippets() -> list[str]:
    """The python blocks meant to run, in order."""
    text = README.read_text(encoding="utf-8")
    return [code for illustration, code in BLOCK.findall(text) if not illustration]


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    """PROCORE_* variables naming a sandbox's service account and main company."""
    with Sandbox(seed=0, projects=40) as sb:
        monkeypatch.setenv("PROCORE_API_URL", sb.url)
        monkeypatch.setenv("PROCORE_CLIENT_ID", sb.service_client_id)
        monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.service_client_secret)
        monkeypatch.setenv("PROCORE_GRANT", "client_credentials")
        monkeypatch.setenv("PROCORE_COMPANY_ID", str(sb.company_id))
        yield sb


def test_the_readme_has_runnable_snippets() -> None:
    """At least the notebook and the sandbox snippets are run; the production one is not."""
    snippets = _snippets()
    assert len(snippets) >= 2
    assert any("Sandbox(" in code for code in snippets)
    assert not any('env="production"' in code for code in snippets)


def test_readme_snippets_run(
    configured: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each runnable snippet runs without error; the notebook one reads every project."""
    monkeypatch.chdir(tmp_path)  # what the snippets write (Parquet exports) lands here
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, code in enumerate(_snippets(), start=1):
        try:
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)  # noqa: S102  # the README's own code
        except Exception as exc:  # the block's number says which snippet broke
            pytest.fail(f"README python block {number} failed: {exc!r}\n{code}")
    projects = namespace["projects"]
    assert len(projects) == 40  # type: ignore[arg-type]  # the first block's DataFrame
