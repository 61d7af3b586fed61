"""A Procore-compatible server on 127.0.0.1 for tests, notebooks, benchmarks and demos.

Start it with ``procore-nb sandbox`` or, from Python, as a context manager::

    from procore_nb.sandbox import Sandbox

    with Sandbox(seed=0, projects=400) as sb:
        code = sb.authorize()          # signs in as the demo user, returns the OAuth code
        ...                            # sb.url, sb.client_id, sb.client_secret, sb.company_id

See ``docs/sandbox.md`` for options, endpoints and the behaviours it reproduces. Every
resource of the registry is served (``_resources``) with records from its generator
(``generators/``), made per project on first request; ``Sandbox.mutate`` changes them over time.
This package is never imported by ``import procore_nb``, and it imports nothing of the
client: only the plain facts of ``procore_nb._constants`` and ``procore_nb._registry``.
"""

from __future__ import annotations

from ._options import Options
from ._sandbox import Sandbox, SandboxError

__all__ = ["Options", "Sandbox", "SandboxError"]
