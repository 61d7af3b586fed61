"""Generators of the sandbox's records, one per registry resource, registered by name.

Each ``_gen_*`` module registers its generators with :func:`._base.register`; every such
module in this folder is imported here, so adding a resource is one registry entry and one
generator, with no other file touched.
"""

from __future__ import annotations

import importlib
import pkgutil

from ._base import GENERATORS, Generator, Record
from ._context import CompanyContext, ProjectContext, company_context, project_context

for _module in pkgutil.iter_modules(__path__):
    if _module.name.startswith("_gen_"):
        importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "GENERATORS",
    "CompanyContext",
    "Generator",
    "ProjectContext",
    "Record",
    "company_context",
    "project_context",
]
