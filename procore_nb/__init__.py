"""procore_nb: Procore construction-management data in pandas, from Jupyter notebooks.

Examples
--------
>>> import procore_nb as pnb
>>> client = pnb.Client("sandbox")            # settings from arguments, PROCORE_*, config.toml
>>> client.authorization_url()                # doctest: +SKIP
>>> client.exchange_code("...")               # doctest: +SKIP
>>> client.projects(status="all")             # doctest: +SKIP

Everything public is imported here; the modules behind it are private. Optional parts are
imported only when asked for, so that ``import procore_nb`` stays fast: the rooms
``procore_nb.maps``, ``procore_nb.reports`` (``analysis``, ``summaries``, ``tables``,
``export``) and ``procore_nb.sandbox``, and the lazy names below (``from procore_nb import
analysis, tables`` works too, giving the reports room's modules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from procore_nb._exceptions import (
    AuthenticationError,
    CoercionWarning,
    CompanyRequiredError,
    ConfigurationError,
    DataIntegrityError,
    InsecureURLError,
    Interrupted,
    InvalidRequestError,
    MalformedResponseError,
    NotFoundError,
    NotSignedInError,
    PartialPullError,
    PermissionDeniedError,
    ProcoreError,
    ProcoreTimeout,
    RateLimitError,
    ReauthenticationRequired,
    RedirectRefusedError,
    ResponseError,
    ServerError,
    StoreBusyError,
    StoreError,
    TokenCacheError,
    TransportError,
)
from procore_nb.api._client import Client
from procore_nb.api._config import ClientConfig, config_file, set_testing
from procore_nb.api._fanout import SkippedProjectsWarning
from procore_nb.api._paging import DataIntegrityWarning
from procore_nb.api._tokens import (
    NOOP,
    READ_WRITE,
    REAUTH,
    FileTokenCache,
    NoopTokenCache,
    ReauthTokenCache,
    Token,
    TokenCache,
)
from procore_nb.signin._login import login
from procore_nb.store._report import SyncReport
from procore_nb.store._store import Store

Client.store_class = Store

if TYPE_CHECKING:
    from procore_nb.explorer import Explorer


def explore(client: Client, *, store: Store | None = None) -> Explorer:
    """An explorer cell for ``client``: a resource, projects and filters; rows; the call.

    Pick a resource of the registry, one project or all active projects, and filters (a
    widget per filter the resource takes); **Load** shows the row count and the first rows;
    **Copy as Python** writes the ``client.frame(...)`` line that reads the same frame and
    **Copy as curl** the equivalent curl command, its token written as ``$PROCORE_TOKEN``.
    Needs ipywidgets (the ``notebook`` extra), loaded only when this is called. Id filters
    are pickers of names (people, vendors, cost codes, ...), read once per session; with
    ``store=`` they are read from the local store instead, for no request at all.

    Examples
    --------
    >>> client = pnb.login()  # doctest: +SKIP
    >>> pnb.explore(client)  # doctest: +SKIP
    >>> pnb.explore(client, store=client.store())  # doctest: +SKIP
    """
    from procore_nb.explorer import Explorer

    return Explorer(client, store=store)


#: Names given on first use, so that `import procore_nb` loads none of what they need:
#: name -> (module, attribute; "" for the module itself).
_LAZY: dict[str, tuple[str, str]] = {
    "analysis": ("procore_nb.reports.analysis", ""),
    "export": ("procore_nb.reports.export", ""),
    "summaries": ("procore_nb.reports.summaries", ""),
    "tables": ("procore_nb.reports.tables", ""),
    "LoginWidget": ("procore_nb.signin._widget", "LoginWidget"),
    "procore_source": ("procore_nb.store._dlt", "procore_source"),
    "use_sandbox_unless_configured": ("procore_nb.cli._demo", "use_sandbox_unless_configured"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module_name, attribute = _LAZY[name]
        module = importlib.import_module(module_name)
        value = getattr(module, attribute) if attribute else module
        globals()[name] = value
        return value
    # The version is read from the installed package's metadata on first use only, so
    # that `import procore_nb` pays nothing for it.
    if name == "__version__":
        import importlib.metadata

        try:
            version = importlib.metadata.version("procore_nb")
        except importlib.metadata.PackageNotFoundError:
            version = "0+unknown"
        globals()["__version__"] = version
        return version
    raise AttributeError(f"module 'procore_nb' has no attribute {name!r}")


__all__ = [
    "NOOP",
    "READ_WRITE",
    "REAUTH",
    "AuthenticationError",
    "Client",
    "ClientConfig",
    "CoercionWarning",
    "CompanyRequiredError",
    "ConfigurationError",
    "DataIntegrityError",
    "DataIntegrityWarning",
    "FileTokenCache",
    "InsecureURLError",
    "Interrupted",
    "InvalidRequestError",
    "MalformedResponseError",
    "NoopTokenCache",
    "NotFoundError",
    "NotSignedInError",
    "PartialPullError",
    "PermissionDeniedError",
    "ProcoreError",
    "ProcoreTimeout",
    "RateLimitError",
    "ReauthTokenCache",
    "ReauthenticationRequired",
    "RedirectRefusedError",
    "ResponseError",
    "ServerError",
    "SkippedProjectsWarning",
    "Store",
    "StoreBusyError",
    "StoreError",
    "SyncReport",
    "Token",
    "TokenCache",
    "TokenCacheError",
    "TransportError",
    "config_file",
    "explore",
    "login",
    "set_testing",
]
