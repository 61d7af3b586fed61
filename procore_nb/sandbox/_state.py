"""Everything one running sandbox holds, in one object the endpoints share."""

from __future__ import annotations

from ._clock import Clock
from ._counters import Counters
from ._data import World
from ._faults import Faults
from ._limits import RateLimiter
from ._options import Options, today_of
from ._query import QueryCache
from ._store import Results, Store
from ._tokens import TokenStore
from ._tools import Tools


class State:
    """The options in force, the data, the tokens, the clock and the tallies of one sandbox."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.clock = Clock(today_of(options))
        self.world = World(options, today=self.clock.today)
        self.tokens = TokenStore(self.clock)
        self.limiter = RateLimiter(self.clock)
        self.counters = Counters()
        self.faults = Faults(options.seed)
        self.queries = QueryCache()
        self.store = Store(self.world, options.seed)
        self.tools = Tools(self.world, options.seed)
        self.results = Results()
