"""What a sync did, per resource: rows added, changed and deleted, what it cost, and which
scopes were refused or failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["SyncReport"]


@dataclass
class SyncReport:
    """What a sync did: per resource, rows added, changed and deleted, and what it cost.

    ``requests`` and ``bytes`` are measured (retries included); ``modes`` counts the scopes
    pulled whole, as changes, as changes and ids, or by days (daily logs: their rows dated
    within ``days``, first and last day included, were replaced); ``skipped`` names the
    scopes that were not read, with the reason: those Procore refused (403 or 404) and
    those in ``failed`` (no answer after the retries: a server error, a timeout, a dropped
    connection). Both keep their last good rows.
    """

    resource: str
    scopes: int = 0
    rows: int = 0
    added: int = 0
    changed: int = 0
    deleted: int = 0
    requests: int = 0
    bytes: int = 0
    seconds: float = 0.0
    modes: dict[str, int] = field(default_factory=dict)
    skipped: dict[int, str] = field(default_factory=dict)
    failed: set[int] = field(default_factory=set)
    days: tuple[date, date] | None = None

    def __str__(self) -> str:
        how = ", ".join(f"{n} {mode}" for mode, n in sorted(self.modes.items())) or "nothing"
        days = f" from {self.days[0]} to {self.days[1]}" if self.days is not None else ""
        text = (
            f"{self.resource}: {self.scopes} scope(s) ({how}){days}; {self.added} added, "
            f"{self.changed} changed, {self.deleted} deleted, {self.rows} rows held; "
            f"{self.requests} request(s), {self.bytes / 1e6:.2f} MB in {self.seconds:.1f} s"
        )
        refused = len(self.skipped) - len(self.failed)
        if refused:
            text += f"; {refused} scope(s) skipped (no access)"
        if self.failed:
            listed = ", ".join(str(s) for s in sorted(self.failed)[:10])
            more = "..." if len(self.failed) > 10 else ""
            text += (
                f"; {len(self.failed)} scope(s) failed ({listed}{more}): their last good "
                "rows are kept and the next sync asks again"
            )
        return text
