"""The form of one requirement on the Selbstbewertung page, generated from the catalog: rating, implementation,
responsible person and the evidence references (their editor built only when opened).

Every change is stored at once through :class:`~qmkit.services.selfeval.SelfEvaluation`; invalid input shows a German
message next to its field, never reaches the store and stays marked (the header says "nicht gespeichert") until it is
corrected or the stored state is shown again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.domain.catalog import Requirement
from qmkit.domain.model import Assessment, EvidenceRef, local_time_text
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.widgets.common import Feedback, card, error_html, error_in, esc, guard, make
from qmkit.ui.widgets.fields import FieldSpec, widget_for, widget_value, widget_value_to_store
from qmkit.ui.widgets.save_state import SaveState

# (store field, field kind, German label, placeholder): the form of every requirement, for every catalog.
FORM_FIELDS: list[tuple[str, str, str, str]] = [
    ("rating", "rating", N_("Selbstbewertung"), ""),
    (
        "implementation",
        "text",
        N_("Umsetzung in der Einrichtung"),
        N_("Wie setzen Sie die Anforderung um? Wo steht das?"),
    ),
    ("responsible", "line", N_("Verantwortlich"), N_("Name oder Funktion")),
]
EVIDENCE_FORM: list[tuple[str, str, str, str, str]] = [
    ("title", "line", N_("Nachweisdokument"), N_("Titel des Dokuments"), "36%"),
    ("version", "line", N_("Version/Datum"), N_("z. B. Stand 03/2026"), "16%"),
    ("location", "line", N_("Fundstelle"), N_("Datei, Seite oder Link"), "32%"),
    ("on_site_only", "flag", N_("nur vor Ort"), "", "auto"),
]


_FIELD_LABELS = {name: label for name, _k, label, _p in FORM_FIELDS}
_EVIDENCE_LABELS = {name: label for name, _k, label, _p, _w in EVIDENCE_FORM}


def close_tree(widget: w.Widget) -> None:
    """Close a widget and its children (their shared layouts and styles stay open)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


class EvidenceRow:
    """Inputs for one evidence reference; each field is saved on change."""

    def __init__(self, form: RequirementForm, ref: EvidenceRef):
        self.form, self.ref = form, ref
        self.inputs: dict[str, w.Widget] = {}
        for name, kind, label, placeholder, width in EVIDENCE_FORM:
            widget = widget_for(kind, getattr(ref, name), FieldSpec(_(label), placeholder=_(placeholder), width=width))
            widget.observe(self._saver(name), names="value")
            self.inputs[name] = widget
        self.remove = make(
            w.Button, icon="trash", tooltip=_("Nachweis entfernen"), layout={"width": "40px", "min_width": "40px"}
        )
        self.remove.on_click(form.guard(lambda _b: form.remove_evidence(self)))
        self.widget = make(w.HBox, [*self.inputs.values(), self.remove], layout={"width": "100%"})

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        @self.form.guard
        def save(change: dict[str, Any]) -> None:
            if self.form.loading:
                return
            key = f"evidence:{id(self)}:{name}"
            try:
                self.ref = self.form.evaluation.update_evidence(self.ref, name, change["new"], self.form.user())
            except InputError as exc:
                self.form.evidence_error = str(exc)
                self.form.state.refuse(key, _(_EVIDENCE_LABELS[name]), str(exc), self.inputs[name])
            else:
                self.form.evidence_error = ""
                self.form.state.accept(key)
            self.form.saved()

        return save


class RequirementForm:
    """The form of one requirement, generated from the catalog and :data:`FORM_FIELDS`.

    The evidence editor is built only when opened: evidence changes less often than ratings, and every
    widget is a model the browser must create when the page loads.
    """

    def __init__(
        self,
        evaluation: SelfEvaluation,
        req: Requirement,
        assessment: Assessment,
        user: Callable[[], str],
        on_rating: Callable[[], None],
        feedback: Feedback,
        to_confirm: bool = False,
        informed: str = "",
    ):
        self.evaluation, self.req, self.assessment = evaluation, req, assessment
        self.informed = informed  # HTML: what surveys of the cycle say about this requirement
        self.to_confirm = to_confirm
        self.confirm_button: w.Button | None = None
        self.user, self.on_rating, self.page_feedback = user, on_rating, feedback
        self.guard = guard(feedback)
        self.loading = False
        self.evidence_error = ""
        self.rating_error = ""
        self.state = SaveState(self.guard, self.reset_inputs, say_saved=False)
        self.inputs: dict[str, w.Widget] = {}
        self.labels: dict[str, w.HTML] = {}
        scale = [(v.label, v.value) for v in evaluation.catalog.scale_for(req)]
        self.head = make(w.HTML)
        parts: list[w.Widget] = [self.head]
        for name, kind, label, placeholder in FORM_FIELDS:
            spec = FieldSpec(_(label), options=scale, placeholder=_(placeholder))
            widget = widget_for(kind, getattr(assessment, name), spec)
            widget.observe(self._saver(name, kind), names="value")
            self.inputs[name] = widget
            if name != "rating":  # the rating's label stands in the header
                self.labels[name] = make(w.HTML, self._label_html(name))
                parts.append(self.labels[name])
            parts.append(widget)
        self.evidence_summary = make(w.HTML)
        self.edit_button = make(w.Button, icon="pencil", layout={"width": "auto", "align_self": "flex-start"})
        self.edit_button.on_click(self.guard(lambda _b: self.toggle_editor()))
        self.editor: w.VBox | None = None  # built when opened
        self.evidence_rows: list[EvidenceRow] = []
        self.add_button: w.Button | None = None
        self.buttons: w.HBox | None = None
        parts += [self.state.widget, self.evidence_summary, self.edit_button]
        self._show_status()
        self._show_evidence()
        self.widget = card(*parts)
        self.set_to_confirm(to_confirm)

    def set_to_confirm(self, marked: bool) -> None:
        """Show or drop the 'copied from the previous cycle – please confirm' note and its button."""
        self.to_confirm = marked
        if marked and self.confirm_button is None:
            self.confirm_button = make(
                w.Button,
                description=_("Übernommene Angaben bestätigen"),
                icon="check",
                layout={"width": "auto", "align_self": "flex-start"},
            )
            self.confirm_button.on_click(self.guard(lambda _b: self.confirm()))
            children = list(self.widget.children)
            self.widget.children = [children[0], self.confirm_button, *children[1:]]
        elif not marked and self.confirm_button is not None:
            self.widget.children = [c for c in self.widget.children if c is not self.confirm_button]
            self.confirm_button.close()
            self.confirm_button = None
        self._show_status()

    def confirm(self) -> None:
        self.assessment = self.evaluation.confirm(self.req.id, self.user())
        self.set_to_confirm(False)
        self.on_rating()

    # ------------------------------------------------------------------ display

    def _label_html(self, name: str, error: str = "") -> str:
        label = next(lbl for n, _k, lbl, _p in FORM_FIELDS if n == name)
        message = " " + error_html(error) if error else ""
        return f"<b>{esc(_(label))}</b>{message}"

    def show_error(self, name: str, error: str = "") -> None:
        """Show (or with an empty text clear) the German message next to a field."""
        if name == "rating":
            self.rating_error = error
            self._show_status()
        else:
            self.labels[name].value = self._label_html(name, error)

    def error_text(self, name: str) -> str:
        return error_in(self.head.value if name == "rating" else self.labels[name].value)

    def _show_status(self) -> None:
        """Header: id, title, save status, requirement text, hints, and the rating's label (with any error)."""
        req, a = self.req, self.assessment
        if a.changed_at:
            who = f" {_('von')} {esc(a.changed_by)}" if a.changed_by else ""
            status = (
                f"✓ {esc(_('gespeichert'))} · {esc(_('zuletzt geändert'))}{who} {esc(_('am'))} "
                f"{esc(local_time_text(a.changed_at))}"
            )
        else:
            status = esc(_("noch keine Angaben"))
        if self.state.refused:
            status = f'<span class="qm-error">✗ {esc(_("nicht gespeichert"))}</span>'
        hints = []
        if req.guidance:
            hints.append(esc(req.guidance))
        if req.evidence:
            hints.append(esc(_("Mögliche Nachweise: ")) + esc(", ".join(req.evidence)))
        details = (
            f'<details class="qm-help"><summary>{esc(_("Hinweise"))}</summary>{"<br>".join(hints)}</details>'
            if hints
            else ""
        )
        error = " " + error_html(self.rating_error) if self.rating_error else ""
        if self.to_confirm:
            status += '<br><span class="qm-error">' + esc(_("übernommen – bitte prüfen")) + "</span>"
        self.head.value = (
            f'<div class="qm-req-head"><span><b>{esc(req.id)}</b> · <b>{esc(req.title)}</b></span>'
            f'<span class="qm-muted qm-status">{status}</span></div>'
            f'<div style="margin:4px 0">{esc(req.text)}</div>{details}{self.informed}'
            f"<div><b>{esc(_('Selbstbewertung'))}</b>{error}</div>"
        )

    def _show_evidence(self) -> None:
        refs = self.assessment.evidence
        required = f' <span class="qm-error">{esc(_("(erforderlich)"))}</span>' if self.req.evidence_required else ""
        error = " " + error_html(self.evidence_error) if self.evidence_error else ""
        if refs:
            items = "".join(
                "<li>{t}{v}{loc}{site}</li>".format(
                    t=esc(e.title or _("(ohne Titel)")),
                    v=f" ({esc(e.version)})" if e.version else "",
                    loc=f' <span class="qm-muted">– {esc(e.location)}</span>' if e.location else "",
                    site=f' <span class="qm-muted">· {esc(_("nur vor Ort"))}</span>' if e.on_site_only else "",
                )
                for e in refs
            )
            body = f'<ul style="margin:2px 0 4px 1.2em;padding:0">{items}</ul>'
        else:
            body = f'<div class="qm-muted">{esc(_("Noch keine Nachweise."))}</div>'
        self.evidence_summary.value = f"<b>{esc(_('Nachweise'))}</b>{required}{error}" + (
            "" if self.editor_open else body
        )
        self.edit_button.description = (
            _("Nachweise fertig") if self.editor_open else _("Nachweise bearbeiten ({n})").format(n=len(refs))
        )

    @property
    def editor_open(self) -> bool:
        return self.editor is not None

    # ------------------------------------------------------------------ evidence editor

    def toggle_editor(self) -> None:
        """Open the evidence editor (building its widgets) or close it (closing them)."""
        if self.editor is not None:
            self.widget.children = [c for c in self.widget.children if c is not self.editor]
            close_tree(self.editor)
            self.editor, self.evidence_rows, self.add_button, self.buttons = None, [], None, None
        else:
            self.editor = make(w.VBox, layout={"width": "100%"})
            self.widget.children = [*self.widget.children, self.editor]
            self.add_button = make(
                w.Button, description=_("Nachweis hinzufügen"), icon="plus", layout={"width": "auto"}
            )
            self.add_button.on_click(self.guard(lambda _b: self.add_evidence("")))
            self.suggestions = {t: self._suggestion_button(t) for t in self.req.evidence}
            self.buttons = make(w.HBox, layout={"flex_flow": "row wrap"})
            self._rebuild_rows()
        self._show_evidence()

    def _rebuild_rows(self) -> None:
        for row in self.evidence_rows:
            close_tree(row.widget)
        self.evidence_rows = [EvidenceRow(self, ref) for ref in self.assessment.evidence]
        self._show_buttons()
        assert self.buttons is not None and self.editor is not None
        self.editor.children = [*(r.widget for r in self.evidence_rows), self.buttons]

    def _suggestion_button(self, title: str) -> w.Button:
        button = make(
            w.Button,
            description=f"+ {title}"[:60],
            tooltip=_("als Nachweis übernehmen: {t}").format(t=title),
            layout={"width": "auto"},
        )
        button.on_click(self.guard(lambda _b: self.add_evidence(title)))
        return button

    def _show_buttons(self) -> None:
        """Offer only the suggested documents that are not referenced yet."""
        if self.buttons is None or self.add_button is None:
            return
        present = {e.title.strip().lower() for e in self.assessment.evidence}
        offered = [b for t, b in self.suggestions.items() if t.strip().lower() not in present]
        self.buttons.children = [self.add_button, *offered]

    def add_evidence(self, title: str) -> None:
        self.evaluation.add_evidence(self.req.id, self.user(), title=title)
        self.saved()
        if self.editor_open:
            self._rebuild_rows()

    def remove_evidence(self, row: EvidenceRow) -> None:
        self.evaluation.remove_evidence(row.ref, self.user())
        self.saved()
        self._rebuild_rows()

    # ------------------------------------------------------------------ saving

    def _saver(self, name: str, kind: str) -> Callable[[dict[str, Any]], None]:
        @self.guard
        def save(change: dict[str, Any]) -> None:
            if self.loading:
                return
            value = widget_value_to_store(kind, change["new"])
            before = self.assessment.revision
            try:
                if name == "rating":
                    fresh = self.evaluation.rate(self.req.id, value, self.user())
                else:
                    fresh = self.evaluation.set_text(self.req.id, name, value, self.user())
            except InputError as exc:
                self.state.refuse(name, _(_FIELD_LABELS[name]), str(exc), self.inputs[name])
                self.show_error(name, str(exc))
                return
            self.state.accept(name)
            if self.error_text(name):
                self.show_error(name)
            self._adopt(fresh, before, skip=name)
            if name == "rating":
                self.on_rating()

        return save

    def _adopt(self, fresh: Assessment, before: int, skip: str = "") -> None:
        """Take the stored state; if another window changed it meanwhile, show that and refresh the other fields."""
        if fresh.revision > before + 1:
            self.load(fresh, skip=skip)
            self.page_feedback.info(
                _(
                    "{id} wurde inzwischen in einem anderen Fenster geändert; die Anzeige ist aktualisiert, "
                    "Ihre Eingabe ist gespeichert."
                ).format(id=self.req.id)
            )
        self.assessment = fresh
        if self.to_confirm:
            self.set_to_confirm(False)
            self.on_rating()
        self._show_status()

    def load(self, assessment: Assessment, skip: str = "") -> None:
        """Show ``assessment`` without saving it again (fields, evidence, status)."""
        self.loading = True
        try:
            for name, kind, _label, _ph in FORM_FIELDS:
                if name != skip and not self.state.is_refused(name):
                    self.inputs[name].value = widget_value(kind, getattr(assessment, name))
            changed_evidence = assessment.evidence != self.assessment.evidence
            self.assessment = assessment
            if changed_evidence and self.editor_open:
                self._rebuild_rows()
        finally:
            self.loading = False
        self._show_status()
        self._show_evidence()

    def reset_inputs(self) -> None:
        """Drop refused inputs: the stored values again, without marks and messages."""
        self.state.forget()
        self.rating_error = self.evidence_error = ""
        for name in self.labels:
            self.show_error(name)
        self.load(self.evaluation.assessment(self.req.id))
        if self.editor_open:
            self._rebuild_rows()

    def saved(self) -> None:
        self.assessment = self.evaluation.assessment(self.req.id)
        if self.to_confirm:
            self.set_to_confirm(False)
            self.on_rating()
        self._show_status()
        self._show_evidence()
        self._show_buttons()
