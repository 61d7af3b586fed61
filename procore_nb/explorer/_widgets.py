"""A widget per filter type of the registry, and the keyword value each one holds."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ipywidgets

from procore_nb._exceptions import ConfigurationError
from procore_nb._registry import Filter

__all__ = ["FilterInput"]

_ANY = "(any)"
_STYLE = {"description_width": "160px"}
_WIDE = ipywidgets.Layout(width="420px")


def _text(spec: Filter, hint: str) -> ipywidgets.Text:
    return ipywidgets.Text(
        value="", placeholder=hint, description=spec.name, style=_STYLE, layout=_WIDE
    )


class FilterInput:
    """One filter's widget (``widget``) and its keyword value (``value()``; None when unset)."""

    def __init__(self, spec: Filter) -> None:
        self.spec = spec
        kind = spec.type
        self._pickers: tuple[ipywidgets.DatePicker, ...] = ()
        if kind in ("int", "str"):
            hint = "an id" if kind == "int" else "text"
            self.widget: ipywidgets.Widget = _text(spec, hint)
        elif kind in ("int_list", "str_list"):
            self.widget = _text(
                spec, "comma-separated " + ("ids" if kind == "int_list" else "values")
            )
        elif kind == "bool":
            self.widget = ipywidgets.Dropdown(
                options=[(_ANY, None), ("true", True), ("false", False)],
                value=None,
                description=spec.name,
                style=_STYLE,
            )
        elif kind == "enum":
            self.widget = ipywidgets.Dropdown(
                options=[(_ANY, None), *((v, v) for v in spec.values)],
                value=None,
                description=spec.name,
                style=_STYLE,
            )
        elif kind == "enum_list":
            self.widget = ipywidgets.SelectMultiple(
                options=list(spec.values), value=(), description=spec.name, style=_STYLE, rows=3
            )
        elif kind == "date":
            picker = ipywidgets.DatePicker(description=spec.name, style=_STYLE)
            self._pickers = (picker,)
            self.widget = picker
        else:  # date_range, datetime_range
            start = ipywidgets.DatePicker(description=spec.name, style=_STYLE)
            end = ipywidgets.DatePicker(description="to", style={"description_width": "24px"})
            self._pickers = (start, end)
            self.widget = ipywidgets.HBox([start, end])

    def set(self, value: Any) -> None:
        """Set the widget from a keyword value (what tests and notebooks drive it with)."""
        if self._pickers:
            values = value if isinstance(value, tuple | list) else (value,)
            for picker, one in zip(self._pickers, values, strict=False):
                picker.value = dt.date.fromisoformat(one) if isinstance(one, str) else one
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
        if self.spec.type == "enum_list":
            return list(raw) or None
        if self.spec.type in ("int", "str", "int_list", "str_list"):
            return self._typed(str(raw).strip())
        return raw

    def _dates(self) -> Any:
        days = [p.value.isoformat() if p.value is not None else None for p in self._pickers]
        if self.spec.type == "date" or days == [None, None]:
            return days[0]
        if days[0] is None:
            raise ConfigurationError(
                f"{self.spec.name}: pick a start date (the end may stay open)."
            )
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
                f"{self.spec.name}: {', '.join(bad)} is not an id; write whole numbers"
                + (", separated by commas." if kind == "int_list" else ".")
            )
        numbers = [int(t) for t in items]
        return numbers if kind == "int_list" else numbers[0]
