"""The Selbstbewertung page: one generated form per requirement, area navigation, progress, chart, export.

Every change is stored at once through :class:`~qmkit.services.selfeval.SelfEvaluation`; invalid input shows a German
message next to its field and never reaches the store.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.domain.catalog import Group
from qmkit.domain.model import Assessment
from qmkit.errors import QmkitError
from qmkit.excel.checklist import build_workbook
from qmkit.excel.style import export_filename, save_workbook
from qmkit.i18n import _
from qmkit.services.prefill import Prefill
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.written import WrittenWork
from qmkit.ui.pages.prefill_card import PrefillCard
from qmkit.ui.pages.requirement_form import RequirementForm
from qmkit.ui.pages.written_parts import NarrativeBox, WrittenCard, definition_note
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.chart import summary_chart_html
from qmkit.ui.widgets.common import (
    Feedback,
    card,
    cycle_header,
    download_html,
    esc,
    guard,
    make,
    page_box,
    progress_html,
    unexpected,
    user_field,
)
from qmkit.ui.widgets.survey_chart import informing_html

BAR_STYLE = "height:10px;margin:6px 0 10px"


class SelfEvaluationPage:
    """Area navigation on the left, the forms of the chosen area on the right, progress and export on top."""

    def __init__(
        self,
        evaluation: SelfEvaluation,
        exports: Any = None,
        focus: str | None = None,
        prefill: Prefill | None = None,
        surveys: dict[str, list[Any]] | None = None,
        written: WrittenWork | None = None,
    ):
        self.evaluation = evaluation
        self.written = written
        self.surveys = surveys or {}  # requirement id -> (survey, result) of the cycle's surveys that inform it
        self.exports = exports or exports_dir()
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        inst = evaluation.institution
        cat = evaluation.catalog
        self.user_name = user_field(inst.qmb)
        self.progress = make(w.HTML)
        self._area_widgets()
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
        self.prefill = (
            PrefillCard(prefill, self.user, self.guard, self.feedback, self.reload) if prefill is not None else None
        )
        self.widget = self._layout()
        self.refresh_progress()
        self.show_area(self.current_area)

    def _area_widgets(self) -> None:
        """The area navigation on the left; the chosen area's heading, forms and the buttons to step on."""
        cat = self.evaluation.catalog
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

    def _layout(self) -> w.VBox:
        evaluation, inst, cat = self.evaluation, self.evaluation.institution, self.evaluation.catalog
        header = cycle_header(
            "selbstbewertung", _("Selbstbewertung"), evaluation.cycle.id, inst.name, evaluation.cycle.name, cat.title
        )
        drift = evaluation.drift()
        notices = [make(w.HTML, self._drift_html(drift))] if drift.any else []
        overview = card(self.progress, self.export_button, self.download)
        extra = [self.prefill.widget] if self.prefill is not None and self.prefill.widget is not None else []
        if self.written is not None:
            cycle = evaluation.cycle
            title = cat.self_report.definition
            extra.append(
                WrittenCard(self.written, cycle.id, cycle.institution_id, title, self.guard, self.feedback).widget
            )

        main = make(
            w.VBox,
            [self.area_head, self.forms_box, make(w.HBox, [self.prev_button, self.next_button])],
            layout=dict(width="72%"),
        )
        return page_box(
            header,
            self.feedback.widget,
            *notices,
            self.user_name,
            overview,
            *extra,
            make(w.HBox, [self.area_nav, main], layout=dict(width="100%", flex_flow="row wrap")),
        )

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
                    informing_html(self.surveys.get(req.id, []), req.id),
                )
                for req in area.all_requirements()
            }
            self._add_written(cached)
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

    def _add_written(self, forms: dict[str, RequirementForm]) -> None:
        """The reference text beside each requirement and, for narrative catalogs, the five focal points."""
        settings = self.evaluation.catalog.self_report
        if self.written is None or not (settings.definition or settings.narrative):
            return
        cycle = self.evaluation.cycle
        note = definition_note(settings.definition, self.written.current(cycle.institution_id))
        narratives = self.written.narratives(cycle.id) if settings.narrative else {}
        for req_id, form in forms.items():
            extra: list[w.Widget] = [make(w.HTML, note)] if note else []
            if settings.narrative:
                extra.append(
                    NarrativeBox(self.written, cycle.id, req_id, narratives.get(req_id, {}), self.guard).widget
                )
            children = list(form.widget.children)
            form.widget.children = [children[0], *extra, *children[1:]]

    def reload(self) -> None:
        """After a change outside the forms (a prefill): progress and the shown area from the store."""
        self.refresh_progress()
        self.show_area(self.current_area)

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
            text += " · " + _("{n} übernommene Angaben noch zu bestätigen").format(n=open_marks)
        self.progress.value = (
            f"<h2>{esc(_('Fortschritt'))}</h2><div>{esc(text)}</div>"
            + progress_html(summary.percent, _("Fortschritt der Selbstbewertung"), text, BAR_STYLE)
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


def build(request: PageRequest) -> w.VBox:
    evaluation = request.evaluation()
    return SelfEvaluationPage(
        evaluation,
        focus=request.query.get("anforderung"),
        prefill=request.services.prefill(evaluation),
        surveys=request.services.surveys().informing(evaluation.cycle.id),
        written=request.services.written(),
    ).widget
