"""The one place that maps a field kind of a form to its widget (like ipywidgets' widget_from_annotation)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as w

from qmkit.i18n import _
from qmkit.ui.widgets.common import make
from qmkit.ui.widgets.date_field import DateField

NOT_RATED = ""


@dataclass(frozen=True)
class FieldSpec:
    """How a field looks: its label, choices (for ratings), placeholder and width."""

    label: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    placeholder: str = ""
    width: str = "100%"


def _rating(value: Any, spec: FieldSpec) -> w.Widget:
    choices = [(_("offen"), NOT_RATED), *spec.options]
    return make(
        w.ToggleButtons,
        options=choices,
        value=value if value in {v for _l, v in choices} else NOT_RATED,
        style={"button_width": "auto"},
        tooltips=[_("noch nicht bewertet")] + [lbl for lbl, _v in spec.options],
    )


def _text(value: Any, spec: FieldSpec) -> w.Widget:
    return make(
        w.Textarea,
        value=value or "",
        placeholder=spec.placeholder,
        continuous_update=True,
        layout={"width": spec.width, "height": "5.5em"},
        name=spec.label,
    )


def _line(value: Any, spec: FieldSpec) -> w.Widget:
    return make(
        w.Text,
        value=value or "",
        placeholder=spec.placeholder or spec.label,
        continuous_update=True,
        layout={"width": spec.width},
        name=spec.label,
    )


def _flag(value: Any, spec: FieldSpec) -> w.Widget:
    return make(w.Checkbox, value=bool(value), description=spec.label, indent=False, layout={"width": "auto"})


def _date(value: Any, spec: FieldSpec) -> w.Widget:
    return make(DateField, value=value, layout={"width": "auto"}, name=spec.label)


def _choice(value: Any, spec: FieldSpec) -> w.Widget:
    values = [v for _l, v in spec.options]
    return make(
        w.Dropdown,
        options=spec.options,
        value=value if value in values else (values[0] if values else None),
        layout={"width": spec.width if spec.width != "100%" else "auto"},
        name=spec.label,
    )


def _tags(value: Any, spec: FieldSpec) -> w.Widget:
    """Several ids out of a fixed list (e.g. the requirements a goal or measure refers to)."""
    return make(
        w.TagsInput,
        value=list(value or ()),
        allowed_tags=[v for _l, v in spec.options],
        allow_duplicates=False,
        placeholder=spec.placeholder,
        layout={"width": spec.width},
        name=spec.label,
    )


FIELD_WIDGETS: dict[str, Callable[[Any, FieldSpec], w.Widget]] = {
    "rating": _rating,
    "text": _text,
    "line": _line,
    "flag": _flag,
    "date": _date,
    "choice": _choice,
    "tags": _tags,
}


def widget_for(kind: str, value: Any = None, spec: FieldSpec | None = None) -> w.Widget:
    """A widget for a form field of ``kind`` ("rating", "text", "line", "flag", "date", "choice", "tags")."""
    try:
        factory = FIELD_WIDGETS[kind]
    except KeyError:
        raise ValueError(f"no widget for field kind {kind!r}") from None
    return factory(value, spec or FieldSpec())


def widget_value(kind: str, value: Any) -> Any:
    """What a widget of ``kind`` shows for a stored value (a missing rating shows as "offen")."""
    if kind == "flag":
        return bool(value)
    if kind == "tags":
        return list(value or ())
    if kind in ("date", "choice"):
        return value
    return "" if value is None else value


def widget_value_to_store(kind: str, value: Any) -> Any:
    """What the store receives for a widget value (an unrated rating becomes ``None``)."""
    if kind == "rating":
        return None if value == NOT_RATED else value
    return value
