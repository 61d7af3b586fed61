"""The public API: one facade, a sorted __all__, and a fast import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import procore_nb
from procore_nb.api._paths import endpoint


def test_all_is_sorted_and_exported() -> None:
    """__all__ is sorted (isort style) and every name in it exists."""
    names = procore_nb.__all__
    constants = [n for n in names if n.isupper()]
    classes = [n for n in names if n[0].isupper() and not n.isupper()]
    functions = [n for n in names if n[0].islower()]
    assert names == sorted(constants) + sorted(classes) + sorted(functions)
    for name in names:
        assert hasattr(procore_nb, name), name


def test_public_names_come_from_private_modules() -> None:
    """Everything public is defined in a _private module behind the facade."""
    for name in ("Client", "ClientConfig", "Token", "TokenCache", "ProcoreError"):
        module = getattr(procore_nb, name).__module__
        assert module.startswith("procore_nb."), module
        assert module.rsplit(".", 1)[-1].startswith("_"), module


def test_import_is_light() -> None:
    """`import procore_nb` loads no pandas, plotting, widgets or server code."""
    heavy = [
        "pandas",
        "matplotlib",
        "ipywidgets",
        "ipyleaflet",
        "uvicorn",
        "starlette",
        "procore_nb.sandbox",
        "procore_nb.frames._convert",
        "procore_nb.signin._widget",
        "procore_nb.maps",
        "tqdm",
        "numpy",
        "pyarrow",
        "IPython",
    ]
    code = (
        "import json, sys, procore_nb\n"
        f"print(json.dumps([m for m in {heavy!r} if m in sys.modules]))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(procore_nb.__file__).parents[1])}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert json.loads(out) == []


def test_v2_bodies_are_unwrapped_from_data() -> None:
    """/rest/v2.x answers wrap records in `data`; the client hands back what is inside."""
    v2 = endpoint("/rest/v2.0/companies/1/projects", api_url="https://api.procore.com")
    assert v2.unwrap({"data": [{"id": "1"}]}) == [{"id": "1"}]
    v1 = endpoint("projects", api_url="https://api.procore.com")
    assert v1.unwrap({"data": [1]}) == {"data": [1]}
