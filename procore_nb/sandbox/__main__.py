"""``python -m procore_nb.sandbox``: the same as ``procore-nb sandbox``."""

from __future__ import annotations

import sys

from ._cli import main

sys.exit(main(sys.argv[1:]))
