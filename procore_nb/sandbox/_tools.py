"""Project tools switched off: on a few projects one tool is disabled, and its endpoints
answer 403 to everyone, as Procore does when a tool is not enabled on a project.

Which projects is deterministic from the seed; tests and demos can switch tools off and on
with ``POST /_sandbox/tools`` (``Sandbox.set_tool``).
"""

from __future__ import annotations

import random

from procore_nb._registry import registry

from ._data import MAIN_COMPANY_ID, World

#: Share of the main company's projects with one tool switched off (at least three).
DISABLED_SHARE = 0.02


def tools() -> list[str]:
    """The project tools of the registry, in its order."""
    return list(dict.fromkeys(r.tool for r in registry().values() if r.tool and r.project_scoped))


def message(tool: str) -> str:
    """The 403 message for a disabled tool."""
    return f"The {tool} tool is not enabled on this project: you do not have permission to use it."


class Tools:
    """Which (project, tool) pairs are switched off."""

    def __init__(self, world: World, seed: int) -> None:
        rng = random.Random(f"{seed}/tools")
        projects = [p["id"] for p in world.companies[MAIN_COMPANY_ID].projects if p["active"]]
        names = tools()
        count = min(len(projects), max(3, int(len(projects) * DISABLED_SHARE)))
        chosen = (
            rng.sample(projects[1:], min(count, len(projects) - 1)) if len(projects) > 1 else []
        )
        self.disabled: set[tuple[int, str]] = {(pid, rng.choice(names)) for pid in chosen}

    def allows(self, project_id: int, tool: str) -> bool:
        return (project_id, tool) not in self.disabled

    def set(self, project_id: int, tool: str, *, enabled: bool) -> None:
        if tool not in tools():
            raise ValueError(f"unknown tool {tool!r}: the tools are {', '.join(tools())}")
        if enabled:
            self.disabled.discard((project_id, tool))
        else:
            self.disabled.add((project_id, tool))

    def listing(self) -> list[dict[str, object]]:
        """The switched-off tools, with the resources that answer 403 because of them."""
        by_tool: dict[str, list[str]] = {}
        for entry in registry().values():
            if entry.tool and entry.project_scoped:
                by_tool.setdefault(entry.tool, []).append(entry.name)
        return [
            {"project_id": pid, "tool": tool, "resources": by_tool.get(tool, [])}
            for pid, tool in sorted(self.disabled)
        ]
