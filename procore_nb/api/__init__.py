"""The API client: one connection to Procore's REST API.

Settings and the checks of every value that enters (``_config``, ``_checks``), sign-in
and the token cache (``_auth``, ``_grants``, ``_token``, ``_tokens``, ``_cachefiles``),
HTTP with retries, the deadline of a call, redirects and pacing (``_transport``,
``_failures``, ``_retry``, ``_redirects``, ``_pacing``), stopping a pull's waits at once on
Ctrl-C (``_cancel``), authenticated calls (``_session``), paging (``_paging``), lists to
frames from the pages' bytes (``_pull``), Procore's answers and errors (``_responses``,
``_redaction``) and paths (``_paths``), composed by :class:`Client` (``_client``, with its
list calls in ``_lists``). Registry resources by name (``_reader``), their keyword filters
(``_filters``), pulls across projects (``_fanout``, ``_projects``), ``client.resources()``
and ``client.r`` (``_catalog``) and ``docs/resources.md`` (``_docs``).

May import: :mod:`procore_nb.frames` and the shared modules (``_constants``, ``_registry``,
``_exceptions``). Never: sign-in for people, maps, reports, the sandbox, the command line.
"""
