"""One editor for any stored record (measure, goal, review, management review): fields from a form list.

Each change is saved at once through a store method that checks the whole record; a bad value shows a
German message next to its field, never reaches the store, and stays in its field, marked, until it is corrected or
the stored state is shown again (the form's line says "nicht gespeichert" meanwhile).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import ipywidgets as w

from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.ui.widgets.common import error_html, error_in, esc, make
from qmkit.ui.widgets.fields import FieldSpec, widget_for, widget_value
from qmkit.ui.widgets.save_state import SaveState


@dataclass(frozen=True)
class FormField:
    """A field of a record form: record attribute, field kind, German label, placeholder and choices (a ``choice``'s
    labels are message ids, translated where the form is built)."""

    name: str
    kind: str
    label: str
    placeholder: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)


def _shown(kind: str, value: Any) -> Any:
    """What the widget shows for a stored value (choices are strings; empty choice is "")."""
    if kind == "choice":
        if value is None:
            return ""
        return value.value if isinstance(value, Enum) else str(value)
    return widget_value(kind, value)


def _text(label: str) -> str:
    return _(label) if any(c.isalpha() for c in label) else label


class RecordEditor:
    """Labels and widgets for ``form``; ``save(name, value)`` stores one field and returns the new record."""

    def __init__(
        self,
        form: list[FormField],
        save: Callable[[Any, str, Any], Any],
        wrap: Callable[[Callable[..., Any]], Callable[..., Any]],
        on_saved: Callable[[Any], None] | None = None,
        load: Callable[[Any], Any] | None = None,
    ):
        self.form = {f.name: f for f in form}
        self.save, self.on_saved, self.load = save, on_saved, load
        self.record: Any = None
        self.loading = False
        self.inputs: dict[str, w.Widget] = {}
        self.labels: dict[str, w.HTML] = {}
        parts: list[w.Widget] = []
        for f in form:
            # a choice's labels are message ids (N_) or a bare "–"; other options (a tags field's ids) are data
            options = [(_text(label), value) for label, value in f.options] if f.kind == "choice" else list(f.options)
            spec = FieldSpec(_(f.label), options=options, placeholder=_(f.placeholder))
            widget = widget_for(f.kind, None, spec)
            widget.observe(wrap(self._saver(f.name)), names="value")
            self.inputs[f.name] = widget
            self.labels[f.name] = make(w.HTML, self._label(f.name))
            parts += [self.labels[f.name], widget]
        self.state = SaveState(wrap, self.reset)
        self.status = self.state.line
        self.widget = make(w.VBox, [*parts, self.state.widget], layout={"width": "100%"})
        self.show(None)

    def _label(self, name: str, error: str = "") -> str:
        field = self.form[name]
        text = "" if field.kind == "flag" else f"<b>{esc(_(field.label))}</b>"  # a checkbox carries its label
        return text + (" " + error_html(error) if error else "")

    def set_options(self, name: str, options: list[tuple[str, str]]) -> None:
        """New choices for a choice field (e.g. the goals of the cycle), keeping the shown record's value."""
        widget = self.inputs[name]
        if list(widget.options) == options:
            return
        self.loading = True
        try:
            widget.options = options
            value = _shown("choice", getattr(self.record, name, None))
            widget.value = value if value in [v for _l, v in options] else (options[0][1] if options else None)
        finally:
            self.loading = False

    def reset(self) -> None:
        """Drop refused inputs: show the stored record again."""
        self.show(self.load(self.record) if self.load is not None and self.record is not None else self.record)

    def show(self, record: Any, keep: str | None = None) -> None:
        """Show ``record`` (``None``: empty and disabled) and clear messages; ``keep`` names a field left as is.

        After a save (``keep`` given) refused inputs stay as typed and marked; otherwise they are dropped.
        """
        if keep is None:
            self.state.forget()
        self.loading = True
        try:
            self.record = record
            for name, f in self.form.items():
                if name == keep or self.state.is_refused(name):
                    continue
                self.labels[name].value = self._label(name)
                widget = self.inputs[name]
                value = _shown(f.kind, getattr(record, name) if record is not None else None)
                if f.kind == "choice" and value not in [v for _l, v in widget.options]:
                    value = widget.options[0][1] if widget.options else None
                widget.value = value
                widget.disabled = record is None
        finally:
            self.loading = False

    def _others_note(self, before: Any, name: str) -> str:
        """A note when someone else changed the record since it was shown here (nothing is lost silently)."""
        if before is None or self.record is None or before.revision == self.record.revision:
            return ""
        who = getattr(before, "changed_by", "") or _("jemand anderes")
        note = _("Inzwischen hat {who} hier etwas geändert; alle Felder zeigen jetzt den neuesten Stand.").format(
            who=who
        )
        theirs = getattr(before, name)
        if theirs != getattr(self.record, name):
            note += " " + _("Ihre Eingabe in diesem Feld hat „{theirs}“ ersetzt.").format(
                theirs=_shown(self.form[name].kind, theirs)
            )
        return note

    def error_text(self, name: str) -> str:
        return error_in(self.labels[name].value)

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        def save(change: dict[str, Any]) -> None:
            if self.loading or self.record is None:
                return
            before = self.load(self.record) if self.load is not None else None
            label = _(self.form[name].label)
            try:
                saved = self.save(self.record, name, change["new"])
            except InputError as exc:
                self.labels[name].value = self._label(name, str(exc))
                self.state.refuse(name, label, str(exc), self.inputs[name])
                return
            note = self._others_note(before, name)
            self.show(saved, keep=name)
            self.labels[name].value = self._label(name)
            self.state.accept(name)
            if note:
                self.status.value += f'<div class="qm-msg-info" role="status">{esc(note)}</div>'
            if self.on_saved is not None:
                self.on_saved(self.record)

        return save


class Chooser:
    """A drop-down choosing the record to edit; refilling its options never counts as the user's choice."""

    def __init__(
        self, wrap: Callable[[Callable[..., Any]], Callable[..., Any]], on_pick: Callable[[Any], None], name: str
    ):
        self.on_pick = on_pick
        self.widget = widget_for("choice", None, FieldSpec(name, width="520px"))
        self._quiet = False
        self.widget.observe(wrap(self._changed), names="value")

    def _changed(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self.on_pick(change["new"])

    @property
    def value(self) -> Any:
        return self.widget.value

    def refill(self, options: list[tuple[str, Any]], wanted: Any = None) -> Any:
        """New options; keeps ``wanted`` or the current choice if still there, else the first. Returns it."""
        values = [v for _l, v in options]
        if wanted not in values:
            wanted = self.widget.value if self.widget.value in values else (values[0] if values else None)
        self._quiet = True
        try:
            if list(self.widget.options) != options:
                self.widget.options = options
            self.widget.value = wanted
        finally:
            self._quiet = False
        return wanted
