"""The login cell where widgets cannot be drawn: a notebook saved without widget state, its HTML."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook

from procore_nb import Client, LoginWidget
from procore_nb.sandbox import Sandbox


def test_widget_display_carries_its_status_as_html(
    sb: Sandbox, make_client: Callable[..., Client]
) -> None:
    """Signed in from the cache, the widget's display holds who is signed in as HTML."""
    make_client().exchange_code(sb.authorize())  # cached, as an earlier session left it
    widget = LoginWidget(make_client())
    widget.restore_or_ask()
    bundle = widget._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert (
        f"Signed in as Joe Builder (joe.builder@acme.com) · custom ({sb.url})"
        in (bundle["text/html"])
    )
    assert "LoginWidget(" not in bundle["text/html"]


@pytest.mark.slow
def test_exported_notebook_shows_who_signed_in(
    sb: Sandbox, make_client: Callable[..., Client], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notebook run without saving widget state exports the login cell's status, not a repr."""
    make_client().exchange_code(sb.authorize())
    monkeypatch.setenv("PROCORE_API_URL", sb.url)
    monkeypatch.setenv("PROCORE_CLIENT_ID", sb.client_id)
    monkeypatch.setenv("PROCORE_CLIENT_SECRET", sb.client_secret)
    notebook = new_notebook(cells=[new_code_cell("import procore_nb\nprocore_nb.login()")])
    NotebookClient(notebook, kernel_name="python3", timeout=120, store_widget_state=False).execute()
    nbformat.write(notebook, tmp_path / "login.ipynb")
    html, _ = HTMLExporter().from_notebook_node(notebook)
    assert "Signed in as Joe Builder (joe.builder@acme.com)" in html
    assert "LoginWidget(" not in html
