"""A real kernel signs in through the widget, and the saved notebook holds no secret."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from sandboxed import execute_and_save

import procore_nb
from procore_nb.sandbox import Sandbox

NOTEBOOK = Path(__file__).with_name("sign_in.ipynb")
ROOT = Path(procore_nb.__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def sb() -> Iterator[Sandbox]:
    """A sandbox whose secrets are unique strings, so finding one in the file means a leak."""
    with Sandbox(
        seed=0,
        projects=20,
        client_secret=f"client-secret-{secrets.token_hex(8)}",
        password=f"password-{secrets.token_hex(8)}",
    ) as sandbox:
        yield sandbox


@pytest.mark.slow
def test_signed_in_notebook_keeps_no_secret(
    sb: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Executing the sign-in notebook signs in, and no secret lands in outputs or widget state."""
    code = sb.authorize()
    monkeypatch.setenv("PROCORE_API_URL", sb.url)
    monkeypatch.setenv("PROCORE_CLIENT_ID", sb.client_id)
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.client_secret)
    monkeypatch.setenv("PROCORE_NB_TEST_CODE", code)
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    )
    notebook = nbformat.read(NOTEBOOK, as_version=4)

    text = execute_and_save(notebook, tmp_path / "sign_in.executed.ipynb")
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells], ensure_ascii=False)
    assert f"Signed in as Joe Builder (joe.builder@acme.com) · custom ({sb.url})" in outputs
    assert f"company: {sb.company_id}" in outputs
    assert "Joe Builder True" in outputs
    widget_state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
    models = widget_state["state"].values()
    assert any(model["model_name"] == "PasswordModel" for model in models)
    assert any(
        "Signed in as Joe Builder" in json.dumps(model, ensure_ascii=False) for model in models
    )
    [token_file] = (tmp_path / "config").rglob("tokens/*.json")
    token = json.loads(token_file.read_text())
    leaks = {
        "client secret": sb.client_secret,
        "authorization code": code,
        "access token": token["access_token"],
        "refresh token": token["refresh_token"],
        "password": sb.password,
    }
    assert [name for name, secret in leaks.items() if secret in text] == []
