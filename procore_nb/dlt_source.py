"""The dlt source of ``procore_nb[dlt]``: Procore resources into any dlt destination.

Examples
--------
>>> import dlt
>>> from procore_nb.dlt_source import procore_source
>>> pipeline = dlt.pipeline("procore", destination="duckdb")      # doctest: +SKIP
>>> pipeline.run(procore_source(client, ["rfis", "submittals"]))  # doctest: +SKIP
"""

from __future__ import annotations

from procore_nb.store._dlt import procore_source, records

__all__ = ["procore_source", "records"]
