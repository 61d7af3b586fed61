"""The API client: one connection to Procore's REST API.

Settings (``_config``), sign-in and the token cache (``_auth``, ``_grants``, ``_tokens``),
HTTP with retries and pacing (``_transport``, ``_pacing``), authenticated calls
(``_session``), paging (``_paging``), lists to frames (``_pull``), Procore's answers and
errors (``_responses``, ``_redaction``) and paths (``_paths``), composed by :class:`Client`
(``_client``).

May import: :mod:`procore_nb.frames` and the shared modules (``_constants``,
``_exceptions``). Never: sign-in for people, maps, reports, the sandbox, the command line.
"""
