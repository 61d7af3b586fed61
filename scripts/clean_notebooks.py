"""Strip outputs, execution counts and widget state from the notebooks under notebooks/.

Notebooks are committed clean: outputs and saved widget state are where secrets hide.

    python scripts/clean_notebooks.py          # clean in place
    python scripts/clean_notebooks.py --check  # exit 1 and list the notebooks that are not clean
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

VOLATILE_METADATA = ("widgets", "execution")


def clean(notebook: dict[str, object]) -> dict[str, object]:
    """Return ``notebook`` without outputs, execution counts or widget state."""
    cells = notebook.get("cells", [])
    assert isinstance(cells, list)
    for cell in cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        for key in VOLATILE_METADATA:
            cell.get("metadata", {}).pop(key, None)
    metadata = notebook.get("metadata", {})
    assert isinstance(metadata, dict)
    for key in VOLATILE_METADATA:
        metadata.pop(key, None)
    return notebook


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report, do not change")
    parser.add_argument("paths", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.paths or sorted(Path("notebooks").glob("*.ipynb"))
    dirty = []
    for path in paths:
        text = path.read_text(encoding="utf-8")
        cleaned = json.dumps(clean(json.loads(text)), indent=1, ensure_ascii=False) + "\n"
        if cleaned != text:
            dirty.append(path)
            if not args.check:
                path.write_text(cleaned, encoding="utf-8")
    for path in dirty:
        print(f"{path}: {'not clean' if args.check else 'cleaned'}")
    return 1 if (dirty and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
