"""The Selbstbewertung page: one generated form per requirement, area navigation, progress, chart, export.

Every change is stored at once through :class:`~qmkit.selfeval.SelfEvaluation`; invalid input shows a German
message next to its field and never reaches the store.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from ..catalog import Group, Requirement
from ..config import exports_dir
from ..errors import InputError, QmkitError
from ..excel import build_workbook, export_filename, save_workbook
from ..i18n import _
from ..model import Assessment, EvidenceRef, local_time_text
from ..selfeval import SelfEvaluation
from .chart import summary_chart_html
from .common import Feedback, card, esc, guard, make, nav_html, page_box, unexpected
from .fields import FieldSpec, widget_for, widget_value, widget_value_to_store

# (store field, field kind, German label, placeholder): the form of every requirement, for every catalog.
FORM_FIELDS: list[tuple[str, str, str, str]] = [
    ("rating", "rating", "Selbstbewertung", ""),
    (
        "implementation",
        "text",
        "Umsetzung in der Einrichtung",
        "Wie setzen Sie die Anforderung um? Wo steht das?",
    ),
    ("responsible", "line", "Verantwortlich", "Name oder Funktion"),
]
EVIDENCE_FORM: list[tuple[str, str, str, str, str]] = [
    ("title", "line", "Nachweisdokument", "Titel des Dokuments", "36%"),
    ("version", "line", "Version/Datum", "z. B. Stand 03/2026", "16%"),
    ("location", "line", "Fundstelle", "Datei, Seite oder Link", "32%"),
    ("on_site_only", "flag", "nur vor Ort", "", "auto"),
]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def close_tree(widget: w.Widget) -> None:
    """Close a widget and its children (their shared layouts and styles stay open)."""
    for child in getattr(widget, "children", ()):
        close_tree(child)
    widget.close()


class EvidenceRow:
    """Inputs for one evidence reference; each field is saved on change."""

    def __init__(self, form: RequirementForm, ref: EvidenceRef):
        self.form, self.ref = form, ref
        self.error = make(w.HTML)
        self.inputs: dict[str, w.Widget] = {}
        for name, kind, label, placeholder, width in EVIDENCE_FORM:
            widget = widget_for(kind, getattr(ref, name), FieldSpec(_(label), placeholder=_(placeholder), width=width))
            widget.observe(self._saver(name), names="value")
            self.inputs[name] = widget
        self.remove = make(w.Button, icon="trash", tooltip=_("Nachweis entfernen"), layout={"width": "auto"})
        self.remove.on_click(form.guard(lambda _b: form.remove_evidence(self)))
        row = make(w.HBox, [*self.inputs.values(), self.remove], layout={"width": "100%"})
        self.widget = make(w.VBox, [row, self.error])

    def _saver(self, name: str) -> Callable[[dict[str, Any]], None]:
        @self.form.guard
        def save(change: dict[str, Any]) -> None:
            if self.form.loading:
                return
            try:
                self.ref = self.form.evaluation.update_evidence(self.ref, name, change["new"], self.form.user())
            except InputError as exc:
                self.error.value = f'<span class="qm-error">{esc(exc)}</span>'
                return
            self.error.value = ""
            self.form.saved()

        return save


class RequirementForm:
    """The form of one requirement, generated from the catalog and :data:`FORM_FIELDS`."""

    def __init__(
        self,
        evaluation: SelfEvaluation,
        req: Requirement,
        assessment: Assessment,
        user: Callable[[], str],
        on_rating: Callable[[], None],
        feedback: Feedback,
    ):
        self.evaluation, self.req, self.assessment = evaluation, req, assessment
        self.user, self.on_rating, self.page_feedback = user, on_rating, feedback
        self.guard = guard(feedback)
        self.loading = False
        self.inputs: dict[str, w.Widget] = {}
        self.labels: dict[str, w.HTML] = {}
        self.status = make(w.HTML)
        scale = [(v.label, v.value) for v in evaluation.catalog.scale_for(req)]
        parts: list[w.Widget] = [make(w.HTML, self._head_html())]
        for name, kind, label, placeholder in FORM_FIELDS:
            spec = FieldSpec(_(label), options=scale, placeholder=_(placeholder))
            widget = widget_for(kind, getattr(assessment, name), spec)
            widget.observe(self._saver(name, kind), names="value")
            self.inputs[name] = widget
            self.labels[name] = make(w.HTML, self._label_html(name))
            parts += [self.labels[name], widget]
        self.evidence_rows: list[EvidenceRow] = [EvidenceRow(self, ref) for ref in assessment.evidence]
        self.evidence_box = make(w.VBox, [r.widget for r in self.evidence_rows])
        self.add_button = make(w.Button, description=_("Nachweis hinzufügen"), icon="plus", layout={"width": "auto"})
        self.add_button.on_click(self.guard(lambda _b: self.add_evidence("")))
        self.suggestions = {t: self._suggestion_button(t) for t in req.evidence}
        self.buttons = make(w.HBox, layout={"flex_flow": "row wrap"})
        self._show_buttons()
        required = f' <span class="qm-error">{esc(_("(erforderlich)"))}</span>' if req.evidence_required else ""
        parts += [make(w.HTML, f"<b>{esc(_('Nachweise'))}</b>{required}"), self.evidence_box, self.buttons, self.status]
        self._show_status()
        self.widget = card(*parts)

    def _label_html(self, name: str, error: str = "") -> str:
        label = next(lbl for n, _k, lbl, _p in FORM_FIELDS if n == name)
        message = f' <span class="qm-error" role="alert">{esc(error)}</span>' if error else ""
        return f"<b>{esc(_(label))}</b>{message}"

    def show_error(self, name: str, error: str = "") -> None:
        """Show (or with an empty text clear) the German message next to a field."""
        self.labels[name].value = self._label_html(name, error)

    def error_text(self, name: str) -> str:
        value = self.labels[name].value
        return html.unescape(value.split('role="alert">', 1)[1].split("</span>", 1)[0]) if "role=" in value else ""

    def _head_html(self) -> str:
        req = self.req
        help_parts = []
        if req.guidance:
            help_parts.append(esc(req.guidance))
        if req.evidence:
            help_parts.append(esc(_("Mögliche Nachweise: ")) + esc(", ".join(req.evidence)))
        details = (
            f'<details class="qm-help"><summary>{esc(_("Hinweise"))}</summary>{"<br>".join(help_parts)}</details>'
            if help_parts
            else ""
        )
        return (
            f"<div><b>{esc(req.id)}</b> · <b>{esc(req.title)}</b></div>"
            f'<div style="margin:4px 0">{esc(req.text)}</div>{details}'
        )

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
        present = {r.ref.title.strip().lower() for r in self.evidence_rows}
        offered = [b for t, b in self.suggestions.items() if t.strip().lower() not in present]
        self.buttons.children = [self.add_button, *offered]

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
        changed_elsewhere = fresh.revision > before + 1
        if changed_elsewhere:
            self.load(fresh, skip=skip)
            self.page_feedback.info(
                _(
                    "{id} wurde inzwischen in einem anderen Fenster geändert; die Anzeige ist aktualisiert, "
                    "Ihre Eingabe ist gespeichert."
                ).format(id=self.req.id)
            )
        self.assessment = fresh
        self._show_status()

    def load(self, assessment: Assessment, skip: str = "") -> None:
        """Show ``assessment`` without saving it again (fields, evidence rows, status)."""
        self.loading = True
        try:
            for name, kind, _label, _ph in FORM_FIELDS:
                if name != skip:
                    self.inputs[name].value = widget_value(kind, getattr(assessment, name))
            if [r.ref for r in self.evidence_rows] != list(assessment.evidence):
                for row in self.evidence_rows:
                    close_tree(row.widget)
                self.evidence_rows = [EvidenceRow(self, ref) for ref in assessment.evidence]
                self.evidence_box.children = [r.widget for r in self.evidence_rows]
                self._show_buttons()
            self.assessment = assessment
        finally:
            self.loading = False
        self._show_status()

    def saved(self) -> None:
        self.assessment = self.evaluation.assessment(self.req.id)
        self._show_status()

    def _show_status(self) -> None:
        a = self.assessment
        if a.changed_at:
            who = f" {_('von')} {esc(a.changed_by)}" if a.changed_by else ""
            self.status.value = (
                f'<span class="qm-muted">✓ {esc(_("gespeichert"))} · {esc(_("zuletzt geändert"))}'
                f"{who} {esc(_('am'))} {esc(local_time_text(a.changed_at))}</span>"
            )
        else:
            self.status.value = f'<span class="qm-muted">{esc(_("noch keine Angaben"))}</span>'

    def add_evidence(self, title: str) -> None:
        ref = self.evaluation.add_evidence(self.req.id, self.user(), title=title)
        self.evidence_rows.append(EvidenceRow(self, ref))
        self.evidence_box.children = [r.widget for r in self.evidence_rows]
        self._show_buttons()
        self.saved()

    def remove_evidence(self, row: EvidenceRow) -> None:
        self.evaluation.remove_evidence(row.ref, self.user())
        self.evidence_rows = [r for r in self.evidence_rows if r is not row]
        self.evidence_box.children = [r.widget for r in self.evidence_rows]
        close_tree(row.widget)
        self._show_buttons()
        self.saved()


class SelfEvaluationPage:
    """Area navigation on the left, the forms of the chosen area on the right, progress and export on top."""

    def __init__(self, evaluation: SelfEvaluation, exports: Any = None):
        self.evaluation = evaluation
        self.exports = exports or exports_dir()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        cat = evaluation.catalog
        self.user_name = make(
            w.Text,
            value=inst.qmb,
            placeholder=_("Ihr Name"),
            description=_("Bearbeitet von"),
            style={"description_width": "initial"},
            layout=dict(width="320px"),
        )
        self.progress_text = make(w.HTML)
        self.progress_bar = make(w.FloatProgress, min=0, max=100, layout=dict(width="100%"))
        self.chart = make(w.HTML)
        self.area_buttons: dict[str, w.Button] = {}
        for area in cat.areas:
            button = make(w.Button, layout=dict(width="100%", height="auto"), tooltip=area.title)
            button.add_class("qm-area-button")
            button.on_click(self.guard(lambda _b, a=area: self.show_area(a.id)))
            self.area_buttons[area.id] = button
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
            layout=dict(width="auto"),
        )
        self.export_button.on_click(self.guard(lambda _b: self.export()))
        self.download = make(w.HTML)
        self.forms: dict[str, RequirementForm] = {}
        self.area_forms: dict[str, dict[str, RequirementForm]] = {}
        self.current_area = cat.areas[0].id
        self.last_export: Any = None

        header = make(
            w.HTML,
            nav_html("selbstbewertung", evaluation.cycle.id)
            + f"<h1>{esc(_('Selbstbewertung'))}</h1>"
            + f'<div class="qm-muted">{esc(inst.name)} · {esc(_("Zyklus"))} „{esc(evaluation.cycle.name)}“ · '
            f"{esc(cat.title)}</div>",
        )
        drift = evaluation.drift()
        drift_box = make(w.HTML, self._drift_html(drift) if drift.any else "")
        overview = card(
            make(w.HTML, f"<h2>{esc(_('Fortschritt'))}</h2>"),
            self.progress_text,
            self.progress_bar,
            self.chart,
            make(w.HBox, [self.export_button]),
            self.download,
        )
        nav = make(
            w.VBox,
            [make(w.HTML, f"<b>{esc(cat.levels[0])}</b>"), *self.area_buttons.values()],
            layout=dict(width="28%", min_width="200px"),
        )
        main = make(
            w.VBox,
            [self.area_head, self.forms_box, make(w.HBox, [self.prev_button, self.next_button])],
            layout=dict(width="72%"),
        )
        self.widget = page_box(
            header,
            self.feedback.widget,
            drift_box,
            self.user_name,
            overview,
            make(w.HBox, [nav, main], layout=dict(width="100%", flex_flow="row wrap")),
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
                )
                for req in area.all_requirements()
            }
        else:  # forms built before: show what the store holds now (another tab may have changed it)
            for req_id, form in cached.items():
                fresh = stored.get(req_id, Assessment(self.evaluation.cycle.id, req_id))
                if fresh != form.assessment:
                    form.load(fresh)
        self.forms = cached
        desc = f'<div class="qm-muted">{esc(area.description)}</div>' if area.description else ""
        self.area_head.value = f"<h2>{esc(area.id)} · {esc(area.title)}</h2>{desc}"
        self.forms_box.children = [f.widget for f in self.forms.values()]
        for key, button in self.area_buttons.items():
            button.button_style = "info" if key == area.id else ""
        ids = list(self.area_buttons)
        self.prev_button.disabled = ids.index(area.id) == 0
        self.next_button.disabled = ids.index(area.id) == len(ids) - 1

    def step(self, delta: int) -> None:
        ids = list(self.area_buttons)
        index = min(max(ids.index(self.current_area) + delta, 0), len(ids) - 1)
        self.show_area(ids[index])

    def refresh_progress(self) -> None:
        summary = self.evaluation.summary()
        self.progress_text.value = esc(
            _("{rated} von {total} Anforderungen bewertet ({pct:.0f} %)").format(
                rated=summary.rated, total=summary.total, pct=summary.percent
            )
        )
        self.progress_bar.value = summary.percent
        self.chart.value = summary_chart_html(summary, self.evaluation.catalog.scale)
        for area in summary.areas:
            self.area_buttons[area.area_id].description = f"{area.area_id} {area.title} ({area.rated}/{area.total})"

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
        payload = base64.b64encode(path.read_bytes()).decode("ascii")
        self.last_export = path
        self.download.value = (
            f'<a class="qm-button" id="qm-download" download="{esc(path.name)}" '
            f'href="data:{XLSX_MIME};base64,{payload}">⬇ {esc(_("Checkliste herunterladen"))}</a> '
            f'<span class="qm-muted">{esc(_("gespeichert unter"))} {esc(path)}</span>'
        )
        self.feedback.ok(
            _("Die Excel-Checkliste ist erstellt ({n} Anforderungen).").format(
                n=len(self.evaluation.catalog.requirements())
            )
        )
