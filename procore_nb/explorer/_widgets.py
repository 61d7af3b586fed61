"""A widget per filter of the registry, and the keyword value each one holds.

Filters whose values are another resource's ids get a searchable picker of names (given as
``choices``): a :class:`~ipywidgets.Combobox` for one id, a :class:`~ipywidgets.TagsInput`
for several. The browser completes what is typed from the names; the keyword value is ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ipywidgets

from procore_nb._exceptions import ConfigurationError
from procore_nb._registry import Filter
from procore_nb.explorer._labels import label

__all__ = ["FilterInput"]

_ANY = "(any)"
_WIDE = ipywidgets.Layout(width="420px")


class FilterInput:
    """One filter's input (``widget``), its label (``label``) and keyword value (``value()``).

    ``choices`` (name, id) turn an id filter into a picker of names; ``hint`` is the
    placeholder of a text box of ids (why no names are offered).
    """

    def __init__(
        self, spec: Filter, choices: Sequence[tuple[str, int]] = (), *, hint: str = ""
    ) -> None:
        self.spec = spec
        self.label = label(spec.name)
        self._ids = dict(choices)
        self._names = {i: n for n, i in choices}
        self._pickers: tuple[ipywidgets.DatePicker, ...] = ()
        self.widget: ipywidgets.Widget = self._build(hint)
        # the API's name on hover (on a range's first picker: a box's view fails with one)
        shown = self._pickers[0] if self._pickers else self.widget
        shown.tooltip = spec.name if spec.plain else spec.param

    @property
    def picks_names(self) -> bool:
        """Whether the widget offers names (and sends their ids)."""
        return bool(self._ids)

    def _picker(self) -> ipywidgets.Widget:
        """A box completing names as they are typed: one name, or several as tags."""
        names = list(self._ids)
        where = f"type to search {len(names):,} names"
        if self.spec.type == "int":
            return ipywidgets.Combobox(
                options=names, ensure_option=True, placeholder=where, layout=_WIDE
            )
        return ipywidgets.TagsInput(
            allowed_tags=names, allow_duplicates=False, placeholder=where, layout=_WIDE
        )

    def _build(self, hint: str) -> ipywidgets.Widget:
        kind = self.spec.type
        if self._ids:
            return self._picker()
        if kind in ("int", "str", "int_list", "str_list"):
            default = {"int": "an id", "str": "text", "int_list": "comma-separated ids"}
            placeholder = hint or default.get(kind, "comma-separated values")
            return ipywidgets.Text(value="", placeholder=placeholder, layout=_WIDE)
        if kind in ("bool", "enum"):
            values = [("true", True), ("false", False)] if kind == "bool" else self.spec.values
            options = [(v, v) for v in values] if kind == "enum" else values
            return ipywidgets.Dropdown(options=[(_ANY, None), *options], index=0)
        if kind == "enum_list":
            return ipywidgets.SelectMultiple(options=list(self.spec.values), value=(), rows=3)
        if kind == "date":
            self._pickers = (ipywidgets.DatePicker(),)
            return self._pickers[0]
        # date_range, datetime_range
        self._pickers = (
            ipywidgets.DatePicker(),
            ipywidgets.DatePicker(description="to", style={"description_width": "24px"}),
        )
        return ipywidgets.HBox(list(self._pickers))

    def set(self, value: Any) -> None:
        """Set the widget from a keyword value (what tests and notebooks drive it with)."""
        if self._pickers:
            values = value if isinstance(value, tuple | list) else (value,)
            for picker, one in zip(self._pickers, values, strict=False):
                picker.value = dt.date.fromisoformat(one) if isinstance(one, str) else one
            return
        if self._ids:
            ids = value if isinstance(value, list | tuple) else [] if value is None else [value]
            unknown = [str(i) for i in ids if i not in self._names]
            if unknown:
                raise ConfigurationError(
                    f"{self.label}: no name has the id {', '.join(unknown)}; pick from the list."
                )
            names = [self._names[i] for i in ids]
            self.widget.value = names if self.spec.type == "int_list" else "".join(names[:1])
            return
        if self.spec.type in ("int_list", "str_list") and isinstance(value, list | tuple):
            value = ", ".join(map(str, value))
        if self.spec.type == "enum_list" and isinstance(value, str):
            value = (value,)
        self.widget.value = value

    def value(self) -> Any:
        """The keyword value of the widget, or None when it is unset."""
        if self._pickers:
            return self._dates()
        raw = self.widget.value
        if self._ids:
            return self._picked([raw] if isinstance(raw, str) else list(raw))
        if self.spec.type == "enum_list":
            return list(raw) or None
        if self.spec.type in ("int", "str", "int_list", "str_list"):
            return self._typed(str(raw).strip())
        return raw

    def _picked(self, names: list[str]) -> Any:
        names = [n for n in names if n.strip()]
        unknown = [n for n in names if n not in self._ids]
        if unknown:
            raise ConfigurationError(
                f"{self.label}: {', '.join(unknown)} is not in the list; pick a name it offers."
            )
        ids = [self._ids[n] for n in names]
        if not ids:
            return None
        return ids if self.spec.type == "int_list" else ids[0]

    def _dates(self) -> Any:
        days = [p.value.isoformat() if p.value is not None else None for p in self._pickers]
        if self.spec.type == "date" or days == [None, None]:
            return days[0]
        if days[0] is None:
            raise ConfigurationError(f"{self.label}: pick a start date (the end may stay open).")
        return (days[0], days[1])

    def _typed(self, text: str) -> Any:
        kind = self.spec.type
        if not text:
            return None
        items = [t.strip() for t in text.split(",") if t.strip()]
        if not kind.startswith("int"):
            return items if kind == "str_list" else text
        bad = [t for t in items if not t.lstrip("-").isdigit()]
        if bad:
            raise ConfigurationError(
                f"{self.label}: {', '.join(bad)} is not an id; write whole numbers"
                + (", separated by commas." if kind == "int_list" else ".")
            )
        numbers = [int(t) for t in items]
        return numbers if kind == "int_list" else numbers[0]
