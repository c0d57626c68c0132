"""The Selbstbewertung page: one generated form per requirement, area navigation, progress, chart, export.

Every change is stored at once through :class:`~qmkit.services.selfeval.SelfEvaluation`; invalid input shows a German
message next to its field and never reaches the store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import Group, Requirement
from qmkit.domain.model import Assessment, EvidenceRef, local_time_text
from qmkit.errors import InputError, QmkitError
from qmkit.excel.checklist import build_workbook
from qmkit.excel.style import export_filename, save_workbook
from qmkit.i18n import N_, _
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.widgets.chart import summary_chart_html
from qmkit.ui.widgets.common import (
    Feedback,
    card,
    cycle_header,
    download_html,
    error_html,
    error_in,
    esc,
    guard,
    make,
    page_box,
    unexpected,
    user_field,
)
from qmkit.ui.widgets.fields import FieldSpec, widget_for, widget_value, widget_value_to_store

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
            try:
                self.ref = self.form.evaluation.update_evidence(self.ref, name, change["new"], self.form.user())
            except InputError as exc:
                self.form.evidence_error = str(exc)
            else:
                self.form.evidence_error = ""
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
    ):
        self.evaluation, self.req, self.assessment = evaluation, req, assessment
        self.to_confirm = to_confirm
        self.confirm_button: w.Button | None = None
        self.user, self.on_rating, self.page_feedback = user, on_rating, feedback
        self.guard = guard(feedback)
        self.loading = False
        self.evidence_error = ""
        self.rating_error = ""
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
        parts += [self.evidence_summary, self.edit_button]
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
            status += '<br><span class="qm-error">' + esc(_("aus dem Vorzyklus übernommen – bitte prüfen")) + "</span>"
        self.head.value = (
            f'<div class="qm-req-head"><span><b>{esc(req.id)}</b> · <b>{esc(req.title)}</b></span>'
            f'<span class="qm-muted qm-status">{status}</span></div>'
            f'<div style="margin:4px 0">{esc(req.text)}</div>{details}'
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
                self.show_error(name, str(exc))
                return
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
                if name != skip:
                    self.inputs[name].value = widget_value(kind, getattr(assessment, name))
            changed_evidence = assessment.evidence != self.assessment.evidence
            self.assessment = assessment
            if changed_evidence and self.editor_open:
                self._rebuild_rows()
        finally:
            self.loading = False
        self._show_status()
        self._show_evidence()

    def saved(self) -> None:
        self.assessment = self.evaluation.assessment(self.req.id)
        if self.to_confirm:
            self.set_to_confirm(False)
            self.on_rating()
        self._show_status()
        self._show_evidence()
        self._show_buttons()


class SelfEvaluationPage:
    """Area navigation on the left, the forms of the chosen area on the right, progress and export on top."""

    def __init__(self, evaluation: SelfEvaluation, exports: Any = None, focus: str | None = None):
        self.evaluation = evaluation
        self.exports = exports or exports_dir()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        cat = evaluation.catalog
        self.user_name = user_field(inst.qmb)
        self.progress = make(w.HTML)
        self.area_ids = [a.id for a in cat.areas]
        self.area_nav = make(
            w.ToggleButtons,
            options=[(f"{a.id} {a.title}", a.id) for a in cat.areas],
            value=self.area_ids[0],
            tooltips=[a.title for a in cat.areas],
            style={"button_width": "100%"},
            layout={"width": "28%", "min_width": "200px"},
        )
        self.area_nav.add_class("qm-area-nav")
        self._relabelling = False
        self.area_nav.observe(self.guard(self._on_area), names="value")
        self.area_head = make(w.HTML)
        self.forms_box = make(w.VBox, layout=dict(width="100%"))
        self.prev_button = make(w.Button, description=_("vorheriger Bereich"), icon="arrow-left")
        self.next_button = make(w.Button, description=_("nächster Bereich"), icon="arrow-right")
        self.prev_button.on_click(self.guard(lambda _b: self.step(-1)))
        self.next_button.on_click(self.guard(lambda _b: self.step(1)))
        self.export_button = make(
            w.Button,
            description=_("Excel-Checkliste erstellen"),
            icon="file-excel-o",
            button_style="primary",
            layout={"width": "auto", "align_self": "flex-start"},
        )
        self.export_button.on_click(self.guard(lambda _b: self.export()))
        self.download = make(w.HTML)
        self.forms: dict[str, RequirementForm] = {}
        self.area_forms: dict[str, dict[str, RequirementForm]] = {}
        self.current_area = cat.areas[0].id
        if focus and any(r.id == focus for r in cat.requirements()):  # a link from the readiness check
            self.current_area = cat.area_of(focus).id
            self.area_nav.value = self.current_area
        self.last_export: Any = None

        header = cycle_header(
            "selbstbewertung", _("Selbstbewertung"), evaluation.cycle.id, inst.name, evaluation.cycle.name, cat.title
        )
        drift = evaluation.drift()
        notices = [make(w.HTML, self._drift_html(drift))] if drift.any else []
        overview = card(self.progress, self.export_button, self.download)

        main = make(
            w.VBox,
            [self.area_head, self.forms_box, make(w.HBox, [self.prev_button, self.next_button])],
            layout=dict(width="72%"),
        )
        self.widget = page_box(
            header,
            self.feedback.widget,
            *notices,
            self.user_name,
            overview,
            make(w.HBox, [self.area_nav, main], layout=dict(width="100%", flex_flow="row wrap")),
        )
        self.refresh_progress()
        self.show_area(self.current_area)

    def user(self) -> str:
        return self.user_name.value

    def _drift_html(self, drift: Any) -> str:
        lines = []
        if drift.version_changed:
            lines.append(
                _("Der Katalog wurde seit Beginn des Zyklus geändert (Version {old} → {new}).").format(
                    old=self.evaluation.cycle.catalog_version, new=self.evaluation.catalog.version
                )
            )
        if drift.removed:
            lines.append(
                _(
                    "Diese Anforderungen gibt es im aktuellen Katalog nicht mehr; ihre Angaben bleiben gespeichert "
                    "und stehen im Export auf dem Blatt „Entfallene Anforderungen“: {ids}"
                ).format(ids=", ".join(drift.removed))
            )
        if drift.added:
            lines.append(_("Neu im Katalog: {ids}").format(ids=", ".join(drift.added)))
        return '<div class="qm-msg-info">' + "<br>".join(esc(x) for x in lines) + "</div>"

    def area(self, area_id: str) -> Group:
        return next(a for a in self.evaluation.catalog.areas if a.id == area_id)

    def show_area(self, area_id: str) -> None:
        """Show the forms of one area with the current stored state (fresh from the store)."""
        area = self.area(area_id)
        self.current_area = area.id
        stored = self.evaluation.assessments()
        marks = self.evaluation.to_confirm()
        cached = self.area_forms.get(area.id)
        if cached is None:
            cached = self.area_forms[area.id] = {
                req.id: RequirementForm(
                    self.evaluation,
                    req,
                    stored.get(req.id, Assessment(self.evaluation.cycle.id, req.id)),
                    self.user,
                    self.refresh_progress,
                    self.feedback,
                    req.id in marks,
                )
                for req in area.all_requirements()
            }
        else:  # forms built before: show what the store holds now (another tab may have changed it)
            for req_id, form in cached.items():
                fresh = stored.get(req_id, Assessment(self.evaluation.cycle.id, req_id))
                if fresh != form.assessment:
                    form.load(fresh)
                if form.to_confirm != (req_id in marks):
                    form.set_to_confirm(req_id in marks)
        self.forms = cached
        desc = f'<div class="qm-muted">{esc(area.description)}</div>' if area.description else ""
        self.area_head.value = f"<h2>{esc(area.id)} · {esc(area.title)}</h2>{desc}"
        self.forms_box.children = [f.widget for f in self.forms.values()]
        if self.area_nav.value != area.id:
            self.area_nav.value = area.id
        index = self.area_ids.index(area.id)
        self.prev_button.disabled = index == 0
        self.next_button.disabled = index == len(self.area_ids) - 1

    def _on_area(self, change: dict[str, Any]) -> None:
        if not self._relabelling and change["new"] != self.current_area:
            self.show_area(change["new"])

    def step(self, delta: int) -> None:
        index = min(max(self.area_ids.index(self.current_area) + delta, 0), len(self.area_ids) - 1)
        self.show_area(self.area_ids[index])

    def refresh_progress(self) -> None:
        """Progress line, bar and chart (one HTML model) and the counts in the area navigation."""
        summary = self.evaluation.summary()
        text = summary.progress_text()
        open_marks = len(self.evaluation.to_confirm())
        if open_marks:
            text += " · " + _("{n} aus dem Vorzyklus übernommene Angaben noch zu bestätigen").format(n=open_marks)
        self.progress.value = (
            f"<h2>{esc(_('Fortschritt'))}</h2><div>{esc(text)}</div>"
            f'<div class="qm-bar" style="height:10px;margin:6px 0 10px" role="progressbar" '
            f'aria-valuenow="{summary.percent:.0f}" aria-valuemin="0" aria-valuemax="100">'
            f'<span style="width:{summary.percent:.1f}%;background:#1f6feb"></span></div>'
            + summary_chart_html(summary, self.evaluation.catalog.scale)
        )
        labels = [(f"{a.area_id} {a.title} ({a.rated}/{a.total})", a.area_id) for a in summary.areas]
        if list(self.area_nav.options) != labels:
            self._relabelling = True
            try:
                self.area_nav.options = labels
                self.area_nav.value = self.current_area
            finally:
                self._relabelling = False

    def export(self) -> None:
        """Build the checklist from the stored state, save it to the exports folder, offer it for download."""
        self.download.value = esc(_("Checkliste wird erstellt …"))
        try:
            data = self.evaluation.checklist_data()
            wb = build_workbook(data)
            path = save_workbook(wb, self.exports / export_filename(data))
        except QmkitError:
            self.download.value = ""
            raise
        except Exception as exc:
            self.download.value = ""
            unexpected(self.feedback, exc)
            return
        self.last_export = path
        self.download.value = download_html(path, _("Checkliste herunterladen"), "qm-download")
        self.feedback.ok(
            _("Die Excel-Checkliste ist erstellt ({n} Anforderungen).").format(
                n=len(self.evaluation.catalog.requirements())
            )
        )
