"""The one place that maps a field kind of a form to its widget (like ipywidgets' widget_from_annotation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..i18n import _

NOT_RATED = ""


def _rating(value: Any, label: str, options: list[tuple[str, str]], placeholder: str) -> w.Widget:
    choices = [(_("offen"), NOT_RATED), *options]
    return w.ToggleButtons(
        options=choices,
        value=value if value in {v for _l, v in choices} else NOT_RATED,
        style={"button_width": "auto"},
        tooltips=[_("noch nicht bewertet")] + [lbl for lbl, _v in options],
    )


def _text(value: Any, label: str, options: list[tuple[str, str]], placeholder: str) -> w.Widget:
    return w.Textarea(
        value=value or "",
        placeholder=placeholder,
        continuous_update=True,
        layout=w.Layout(width="100%", height="5.5em"),
    )


def _line(value: Any, label: str, options: list[tuple[str, str]], placeholder: str) -> w.Widget:
    return w.Text(
        value=value or "",
        placeholder=placeholder or label,
        continuous_update=True,
        layout=w.Layout(width="100%"),
    )


def _flag(value: Any, label: str, options: list[tuple[str, str]], placeholder: str) -> w.Widget:
    return w.Checkbox(value=bool(value), description=label, indent=False, layout=w.Layout(width="auto"))


FIELD_WIDGETS: dict[str, Callable[[Any, str, list[tuple[str, str]], str], w.Widget]] = {
    "rating": _rating,
    "text": _text,
    "line": _line,
    "flag": _flag,
}


def widget_for(
    kind: str,
    value: Any = None,
    *,
    label: str = "",
    options: list[tuple[str, str]] | None = None,
    placeholder: str = "",
) -> w.Widget:
    """A widget for a form field of ``kind`` ("rating", "text", "line", "flag") showing ``value``."""
    try:
        factory = FIELD_WIDGETS[kind]
    except KeyError:
        raise ValueError(f"no widget for field kind {kind!r}") from None
    return factory(value, label, options or [], placeholder)


def widget_value_to_store(kind: str, value: Any) -> Any:
    """What the store receives for a widget value (an unrated rating becomes ``None``)."""
    if kind == "rating":
        return None if value == NOT_RATED else value
    return value
