"""A date field that shows and accepts TT.MM.JJJJ in every browser (an anywidget, JavaScript and CSS as files).

The browser's own date input writes the date in the browser's language (mm/dd/yyyy in an English Chrome); this field
always shows 31.12.2026, accepts 31.12.2026, 1.9.26 and 2026-12-31, and opens the browser's calendar from a button.
The text is read here, on the model: a date that cannot be read keeps ``value`` as it was and shows a German message
in the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import anywidget
import traitlets

from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.ui.widgets.common import ASSETS

FORMAT = "%d.%m.%Y"


def day_text(day: date | None) -> str:
    return day.strftime(FORMAT) if day else ""


def read_day(text: str) -> date | None:
    """A date from TT.MM.JJJJ (also 1.9.26, with or without a closing dot) or JJJJ-MM-TT; empty is ``None``."""
    raw = text.strip().rstrip(".")
    if not raw:
        return None
    try:
        if "-" in raw:
            return date.fromisoformat(raw)
        day, month, year = (int(part) for part in raw.split("."))
        return date(year + 2000 if year < 100 else year, month, day)
    except ValueError:
        raise InputError(_("Bitte ein Datum wie 31.12.2026 eingeben."), "date") from None


class DateField(anywidget.AnyWidget):
    """``value`` (a ``date`` or ``None``) like ipywidgets' DatePicker, shown as TT.MM.JJJJ."""

    _esm = ASSETS / "date_field.js"
    _css = ASSETS / "date_field.css"
    value = traitlets.Any(None)  # date | None; read and set in Python, the browser sees the text
    text = traitlets.Unicode("").tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    label_width = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    calendar_label = traitlets.Unicode("").tag(sync=True)

    def __init__(self, value: date | None = None, **kwargs: Any):
        self._reading = False
        kwargs.setdefault("placeholder", _("TT.MM.JJJJ"))
        kwargs.setdefault("calendar_label", _("Kalender öffnen"))
        super().__init__(**kwargs)
        self.value = value
        self.text = day_text(value)

    @traitlets.validate("value")
    def _valid_value(self, proposal: dict[str, Any]) -> date | None:
        found = proposal["value"]
        if found is not None and not isinstance(found, date):
            raise traitlets.TraitError(f"a date or None, not {found!r}")
        return found

    @traitlets.observe("text")
    def _read(self, change: dict[str, Any]) -> None:
        if self._reading:
            return
        try:
            day = read_day(change["new"])
        except InputError as exc:
            self.error = str(exc)
            return
        self.error = ""
        self._reading = True
        try:
            self.text = day_text(day)  # as it will be shown again: 1.9.26 → 01.09.2026
            self.value = day
        finally:
            self._reading = False

    @traitlets.observe("value")
    def _show(self, change: dict[str, Any]) -> None:
        if not self._reading:
            self._reading = True
            try:
                self.text, self.error = day_text(change["new"]), ""
            finally:
                self._reading = False
