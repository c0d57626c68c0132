"""The editor of one process on the Prozesslandkarte page: its fields, the requirements it serves (one list per
area of the cycle's catalog) and the register documents that describe it; moving it in the chain; deleting it.

Only the chosen process has widgets (a few per area, not one per requirement and process). Every change is stored
at once through :class:`~qmkit.services.process_map.ProcessMap`; a refused value shows its German message and
the widget goes back to what is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.process_map import FIELD_LABELS, KIND_LABELS, Process
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.process_map import ProcessMap
from qmkit.ui.widgets.common import Feedback, button, error_html, esc, make
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

FORM = [
    FormField("name", "line", FIELD_LABELS["name"], N_("z. B. Kurse durchführen")),
    FormField("kind", "choice", FIELD_LABELS["kind"]),
    FormField("owner", "line", FIELD_LABELS["owner"], N_("Rolle oder Name")),
    FormField("purpose", "text", FIELD_LABELS["purpose"], N_("Wozu gibt es den Prozess?")),
    FormField("inputs", "text", FIELD_LABELS["inputs"], N_("Was braucht er, von wem?")),
    FormField("outputs", "text", FIELD_LABELS["outputs"], N_("Was liefert er, an wen?")),
]


KIND_CHOICES = [(label, kind.value) for kind, label in KIND_LABELS.items()]  # message ids, shown through _()


def kind_options() -> list[tuple[str, str]]:
    return [(_(label), value) for label, value in KIND_CHOICES]


def process_label(process: Process) -> str:
    return f"{process.kind_label} · {process.name}"


class ProcessEditor:
    """Choose a process and change it; ``changed()`` is called after every stored change."""

    def __init__(
        self, service: ProcessMap, feedback: Feedback, wrap: Callable[[Any], Any], changed: Callable[[], None]
    ):
        self.service, self.feedback, self.wrap, self.changed = service, feedback, wrap, changed
        self.loading = False
        self.chooser = Chooser(wrap, lambda _v: self.show(), _("Prozess"))
        form = [
            FormField(f.name, f.kind, f.label, f.placeholder, KIND_CHOICES if f.name == "kind" else []) for f in FORM
        ]
        self.fields = RecordEditor(form, self._save, wrap, on_saved=self._saved, load=lambda p: service.process(p.id))
        self.requirement_error = make(w.HTML)
        self.lists: dict[str, w.SelectMultiple] = {}
        area_boxes = []
        for area in service.catalog.areas:
            reqs = area.all_requirements()
            options = [(f"{r.id} – {r.title}", r.id) for r in reqs]
            select = make(
                w.SelectMultiple,
                options=options,
                rows=min(8, len(options)),
                layout={"width": "98%"},
                name=f"{area.id} {area.title}",
            )
            select.observe(wrap(self._requirements_changed), names="value")
            self.lists[area.id] = select
            area_boxes += [make(w.HTML, f"<b>{esc(area.id)} {esc(area.title)}</b>"), select]
        self.foreign = make(w.HTML)
        self.documents = make(w.SelectMultiple, options=[], rows=6, layout={"width": "98%"}, name=_("Dokumente"))
        self.documents.observe(wrap(self._documents_changed), names="value")
        self.document_error = make(w.HTML)
        self.confirm = make(w.Checkbox, value=False, description=_("Ja, diesen Prozess löschen"), indent=False)
        moves = [
            button(wrap, "früher", "arrow-left", lambda: self._move(-1)),
            button(wrap, "später", "arrow-right", lambda: self._move(1)),
        ]
        hint = _("Reihenfolge innerhalb der Art (bei Kernprozessen: die Kette von links nach rechts)")
        self.body = make(
            w.VBox,
            [
                self.fields.widget,
                make(w.HBox, [*moves, make(w.HTML, f"<span class='qm-muted'>{esc(hint)}</span>")]),
                make(w.HTML, f"<h3>{esc(_('Welche Anforderungen bedient der Prozess?'))}</h3>"),
                make(w.HTML, f"<div class='qm-muted'>{esc(_('Mehrfachauswahl mit Strg bzw. ⌘ oder Umschalt.'))}</div>"),
                self.requirement_error,
                *area_boxes,
                self.foreign,
                make(w.HTML, f"<h3>{esc(_('Dokumente aus dem Nachweisregister'))}</h3>"),
                self.document_error,
                self.documents,
                make(w.HBox, [self.confirm, button(wrap, "Prozess löschen", "trash", self._delete)]),
            ],
            layout={"width": "100%"},
        )
        self.empty = make(w.HTML)
        self.head = make(w.HBox, [self.chooser.widget])
        self.widget = make(w.VBox, [self.head, self.body])

    # ------------------------------------------------------------------ showing

    def refill(self, processes: list[Process], wanted: int | None = None) -> None:
        """New choices (after an add, a rename, a delete); shows the chosen process."""
        self.chooser.refill([(process_label(p), p.id) for p in processes], wanted)
        self.show()

    def show(self) -> None:
        chosen = self.chooser.value
        self.requirement_error.value = self.document_error.value = ""
        if chosen is None:
            self.empty.value = f"<div class='qm-muted'>{esc(_('Noch keine Prozesse – oben den ersten anlegen.'))}</div>"
            self.widget.children = (self.head, self.empty)
            return
        self.widget.children = (self.head, self.body)
        process = self.service.process(chosen)
        self.fields.show(process)
        self._show_links(process)
        self._lock()

    def _show_links(self, process: Process) -> None:
        self.loading = True
        try:
            for select in self.lists.values():
                ids = {v for _l, v in select.options}
                select.value = tuple(r for r in process.requirement_ids if r in ids)
            docs = self.service.documents()
            self.documents.options = [(f"{d.title}" + (f" ({d.version})" if d.version else ""), d.id) for d in docs]
            known = {d.id for d in docs}
            self.documents.value = tuple(d for d in process.document_ids if d in known)
            self.confirm.value = False
        finally:
            self.loading = False
        other = self.service.foreign_links(process)
        self.foreign.value = (
            "<div class='qm-muted'>"
            + esc(
                _("Außerdem mit {n} Anforderung(en) anderer Kataloge verknüpft ({ids}); sie bleiben erhalten.").format(
                    n=len(other), ids=", ".join(other)
                )
            )
            + "</div>"
            if other
            else ""
        )
        if not docs:
            self.document_error.value = (
                f"<span class='qm-muted'>{esc(_('Das Nachweisregister ist noch leer (Seite Nachweise).'))}</span>"
            )

    def _lock(self) -> None:
        """A person who may only read sees the fields, but cannot change them."""
        if self.service.may_edit:
            return
        for widget in [*self.fields.inputs.values(), *self.lists.values(), self.documents, self.confirm]:
            widget.disabled = True

    # ------------------------------------------------------------------ changes

    def _save(self, process: Process, name: str, value: Any) -> Process:
        return self.service.update(process.id, name, value)

    def _saved(self, process: Process) -> None:
        self.chooser.refill([(process_label(p), p.id) for p in self.service.processes()], process.id)
        self.changed()

    def _requirements_changed(self, _change: dict[str, Any]) -> None:
        if self.loading or self.chooser.value is None:
            return
        wanted = [r for select in self.lists.values() for r in select.value]
        try:
            stored = self.service.set_requirements(self.chooser.value, wanted)
        except InputError as exc:
            self.requirement_error.value = error_html(exc)
            self._show_links(self.service.process(self.chooser.value))
            return
        self.requirement_error.value = f"<span class='qm-muted'>✓ {esc(_('gespeichert'))}</span>"
        self.fields.show(stored)
        self.changed()

    def _documents_changed(self, _change: dict[str, Any]) -> None:
        if self.loading or self.chooser.value is None:
            return
        try:
            self.service.set_documents(self.chooser.value, list(self.documents.value))
        except InputError as exc:
            self.document_error.value = error_html(exc)
            self._show_links(self.service.process(self.chooser.value))
            return
        self.document_error.value = f"<span class='qm-muted'>✓ {esc(_('gespeichert'))}</span>"
        self.changed()

    def _move(self, step: int) -> None:
        if self.chooser.value is None:
            return
        moved = self.service.move(self.chooser.value, step)
        self.refill(self.service.processes(), moved.id)
        self.changed()

    def _delete(self) -> None:
        if self.chooser.value is None:
            return
        if not self.confirm.value:
            self.feedback.error(_("Bitte zuerst „Ja, diesen Prozess löschen“ ankreuzen."))
            return
        gone = self.service.process(self.chooser.value)
        self.service.delete(gone.id)
        self.feedback.ok(_("Prozess „{name}“ gelöscht.").format(name=gone.name))
        self.refill(self.service.processes())
        self.changed()
