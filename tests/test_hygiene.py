"""The tree stays linted, formatted and typed, and the built wheel carries what it needs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_ruff_finds_nothing() -> None:
    """ruff check passes on the whole tree."""
    result = _run(str(BIN / "ruff"), "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    """ruff format would change nothing."""
    result = _run(str(BIN / "ruff"), "format", "--check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_passes() -> None:
    """mypy --strict finds no error in the package."""
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_wheel_carries_data_and_types(tmp_path: Path) -> None:
    """The wheel holds py.typed, the vendored outlines and the sandbox, and no tests."""
    result = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), "."
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = tmp_path.glob("procore_nb-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "procore_nb/py.typed",
        "procore_nb/data/boundaries.json.gz",
        "procore_nb/sandbox/__init__.py",
        "procore_nb/signin/_widget.py",
    ):
        assert needed in names
    assert not any(name.startswith("tests/") for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    scripts = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "procore-nb = procore_nb.cli._main:main" in scripts
