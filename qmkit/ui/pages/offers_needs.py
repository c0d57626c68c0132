"""The Angebote-und-Bedarfe page (DKBM): load the education office's tables, see which data version the cycle
uses, and the analysis – per district the supply per 1,000 of the target population, a need indicator beside it,
the gap ranked, the Passung in words, the supply per offer kind and the change over the years; filters by offer
kind and target group; the analysis as Excel or as a Word report. A municipality that coordinates its
network (kind Kommune) may add the offers its member institutions reported.

Catalogs switch the page on with ``offers_needs: true`` (DKBM); opened by its address for another catalog it says
so and works all the same. Every change goes through :class:`~qmkit.services.offers_data.OffersNeeds`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.offers_report import offers_report_document
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.offers_analysis import HIGH, LOW, MEASURES, Analysis, Filters
from qmkit.domain.offers_members import MemberReport
from qmkit.excel.offers_analysis import analysis_filename, analysis_workbook
from qmkit.excel.style import save_workbook
from qmkit.i18n import _
from qmkit.services.offers_data import OffersNeeds
from qmkit.ui.pages.offers_goal import GoalFromData
from qmkit.ui.pages.offers_upload import UploadCard
from qmkit.ui.routes import NoCycle, PageRequest, cycle_from_query
from qmkit.ui.widgets.common import (
    Feedback,
    button,
    card,
    cycle_header,
    download_html,
    esc,
    guard,
    make,
    page_box,
    shown,
)
from qmkit.ui.widgets.offers_chart import figure, fit_table_html, heat_html, trend_html

LABEL = {"description_width": "110px"}
NEWEST = ""


def loads_html(service: OffersNeeds) -> str:
    """The stored loads, newest first, with the ones this cycle uses marked."""
    loads = service.loads()
    if not loads:
        return f"<div class='qm-muted' id='qm-loads'>{esc(_('Noch keine Tabellen eingelesen.'))}</div>"
    used = {d.id for d in (service.current("needs"), service.current("offers")) if d is not None}
    rows = "".join(
        f"<tr{' class=qm-used' if d.id in used else ''}><td>{esc(d.kind_label)}</td><td>{esc(d.source)}</td>"
        f"<td>{esc(d.when)} ({esc(d.loaded_by or '–')})</td><td class='qm-num'>{d.rows}</td>"
        f"<td>{esc(_('ja') if d.id in used else '')}</td></tr>"
        for d in loads
    )
    heads = [_("Art"), _("Datei"), _("eingelesen"), _("Zeilen"), _("in diesem Zyklus")]
    return (
        "<table class='qm-plan' id='qm-loads'><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in heads)
        + f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def explain_html(found: Analysis) -> str:
    """What the figures mean, in a QMB's words."""
    median = _("Im Mittel (Median) der Sozialräume: {v} {m} je 1.000.").format(
        v=figure(found.median), m=found.measure_label
    )
    text = _(
        "„Lücke“ = so viele {m} bräuchte ein Sozialraum, um das Mittel zu erreichen. Bedarf und Angebot gelten als "
        "hoch über dem {hi}-fachen und als gering unter dem {lo}-fachen des Mittels. Gezählt: {n} Angebotszeilen."
    ).format(m=found.measure_label, hi=figure(HIGH), lo=figure(LOW), n=found.counted)
    unknown = ""
    if len(found.unknown):
        names = ", ".join(sorted(set(found.unknown["district"]))[:8])
        unknown = "<div class='qm-msg-info' role='status'>" + esc(
            _("Nicht gezählt: {n} Angebote in Sozialräumen ohne Bedarfsdaten ({names}).").format(
                n=len(found.unknown), names=names
            )
        )
        unknown += "</div>"
    return f"<div id='qm-explain'><b>{esc(median)}</b> <span class='qm-muted'>{esc(text)}</span>{unknown}</div>"


def intro_html(service: OffersNeeds) -> str:
    """What the page is for; a note when the cycle's quality model does not ask for it."""
    lead = _(
        "Vergleichen Sie die Angebote mit den Bedarfen je Sozialraum: Monitoringdaten und Angebotsverzeichnis "
        "einlesen, dann zeigt die Analyse, wo die Versorgung je 1.000 der Zielgruppe hinter dem Bedarf "
        "zurückbleibt."
    )
    notes = [f"<div class='qm-muted'>{esc(lead)}</div>"]
    if not service.enabled:
        text = _("Das Qualitätsmodell {catalog} sieht diese Seite nicht vor. Sie können sie trotzdem nutzen.")
        notes.append(f"<div class='qm-msg-info' role='status'>{esc(text.format(catalog=service.catalog.title))}</div>")
    return "".join(notes)


def reported_html(reports: tuple[MemberReport, ...]) -> str:
    """The member reports included (an unnamed member only as "Mitglied", without its file)."""
    if not reports:
        text = _("Das Netzwerk hat noch keine weiteren Mitglieder – nichts einbezogen.")
        return f"<div class='qm-muted' id='qm-reported'>{esc(text)}</div>"
    lines = "".join(f"<li>{esc(r.text)}</li>" for r in reports)
    head = _("Einbezogen: die neuesten Angebotsverzeichnisse von {n} Mitgliedern").format(n=len(reports))
    return f"<div id='qm-reported'>{esc(head)}<ul>{lines}</ul></div>"


class OffersNeedsPage:
    def __init__(self, service: OffersNeeds):
        self.service = service
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        evaluation = service.evaluation
        cycle = evaluation.cycle
        head = cycle_header(
            "daten", _("Angebote und Bedarfe"), cycle.id, evaluation.institution.name, cycle.name, service.catalog.title
        )
        self.upload = UploadCard(service, self.guard, self.refresh)
        self.goal = GoalFromData(service, self.guard, self.feedback)
        self.loads = make(w.HTML)
        self.choices = {kind: self._choice(kind) for kind in ("needs", "offers")}
        self.year, self.group, self.indicator = (
            make(w.Dropdown, options=[("–", "")], description=d, style=LABEL)
            for d in (_("Jahr"), _("Zielgruppe"), _("Bedarf"))
        )
        self.measure = make(
            w.ToggleButtons, options=[(_(v), k) for k, v in MEASURES.items()], value="places", description=_("Zählen")
        )
        self.kinds = make(w.SelectMultiple, options=[], description=_("Angebotsarten"), style=LABEL, rows=4)
        self.explain, self.fit, self.heat, self.trend = (make(w.HTML) for _i in range(4))
        self.reported = make(w.HTML)
        self.include = self._include_boxes()
        filters = make(
            w.HBox,
            [make(w.VBox, [self.year, self.group, self.indicator]), make(w.VBox, [self.kinds])],
            layout={"flex_flow": "row wrap"},
        )
        self.widget = page_box(
            head,
            make(w.HTML, intro_html(service)),
            self.feedback.widget,
            self.upload.widget,
            card(
                make(w.HTML, f"<h2>{esc(_('Datenstände'))}</h2>"),
                self.loads,
                *self.choices.values(),
                self._remove_box(),
            ),
            card(
                make(w.HTML, f"<h2>{esc(_('Passung je Sozialraum'))}</h2>"),
                *self.include.values(),
                self.reported,
                filters,
                self.measure,
                self.explain,
                self.fit,
            ),
            card(make(w.HTML, f"<h2>{esc(_('Angebotsarten je 1.000'))}</h2>"), self.heat),
            card(make(w.HTML, f"<h2>{esc(_('Verlauf über die Jahre'))}</h2>"), self.trend),
            self._exports_card(),
            self.goal.widget,
        )
        self._filling = False
        self.refresh()
        for widget in (self.year, self.group, self.indicator, self.measure, self.kinds, *self.include.values()):
            widget.observe(self.guard(lambda _c: self.show()), "value")

    def _exports_card(self) -> w.VBox:
        """The analysis as a workbook or as a Word report, each with its download link."""
        self.link, self.word_link = make(w.HTML), make(w.HTML)
        buttons = [
            button(self.guard, "Analyse als Excel", "file-excel-o", self.excel),
            button(self.guard, "Analyse als Word", "file-word-o", self.word),
        ]
        return card(make(w.HBox, buttons), make(w.HBox, [self.link, self.word_link]))

    def _include_boxes(self) -> dict[int, w.Checkbox]:
        """Per municipal network this person coordinates: add the offers its members reported (off by default)."""
        return {
            n.id: make(
                w.Checkbox,
                value=False,
                description=_("Angebote der Mitglieder einbeziehen ({name})").format(name=n.name),
                indent=False,
                layout={"width": "auto"},
            )
            for n in self.service.members.offered()
        }

    def _remove_box(self) -> w.HBox:
        """Delete a load read in by mistake: choose it, tick, click."""
        self.remove = make(w.Dropdown, description=_("Löschen"), style=LABEL, layout={"width": "560px"})
        self.remove_sure = make(w.Checkbox, value=False, description=_("ja, wirklich löschen"), indent=False)
        self.remove_button = button(self.guard, "Datenstand löschen", "trash", self.delete)
        box = make(w.HBox, [self.remove, self.remove_sure, self.remove_button])
        shown(box, self.service.may_edit)
        return box

    def delete(self) -> None:
        if self.remove.value is None:
            return
        if not self.remove_sure.value:
            self.feedback.error(_("Bitte zuerst „ja, wirklich löschen“ ankreuzen."))
            return
        gone = self.service.delete(self.remove.value)
        self.remove_sure.value = False
        self.feedback.ok(_("Gelöscht: {kind} {title}.").format(kind=gone.kind_label, title=gone.title))
        self.refresh()

    def _choice(self, kind: str) -> w.Dropdown:
        label = _("Bedarfsdaten") if kind == "needs" else _("Angebote")
        choice = make(w.Dropdown, description=label, style=LABEL, layout={"width": "560px"})
        choice.disabled = not self.service.may_edit
        choice.observe(self.guard(lambda c: self._choose(kind, c["new"])), "value")
        return choice

    def _choose(self, kind: str, value: Any) -> None:
        if self._filling:
            return
        self.service.choose(kind, value or None)
        self.refresh()

    def refresh(self) -> None:
        """Loads, choices and filter options from what is stored now, then the analysis."""
        self._filling = True
        try:
            self.loads.value = loads_html(self.service)
            for kind, choice in self.choices.items():
                options: list[tuple[str, Any]] = [(_("immer der neueste Stand"), NEWEST)]
                options += [(d.title, d.id) for d in self.service.loads(kind)]
                choice.options = options
                choice.value = self.service.kept(kind) or NEWEST
            self.remove.options = [(f"{d.kind_label}: {d.title}", d.id) for d in self.service.loads()]
            self.goal.refresh()
            found = self._analysis()
            if found is not None:
                years: list[tuple[str, Any]] = [(str(y), y) for y in reversed(found.years)]
                self.year.options = years
                self.year.value = found.year
                self.group.options = [(_("alle Zielgruppen"), ""), *[(g, g) for g in found.groups]]
                self.group.value = found.filters.group if found.filters.group in found.groups else ""
                self.indicator.options = [(i, i) for i in found.indicators] or [("–", "")]
                self.indicator.value = found.indicator if found.indicators else ""
                self.kinds.options = list(found.kinds)
                self.kinds.value = tuple(k for k in found.filters.kinds if k in found.kinds)
                now = self.filters()
                if (now.group, now.kinds) != (found.filters.group, found.filters.kinds):
                    found = None  # a filter that the new data lacks was dropped: compute again
        finally:
            self._filling = False
        self.show(found)

    def filters(self) -> Filters:
        return Filters(
            kinds=tuple(self.kinds.value),
            group=self.group.value or "",
            year=self.year.value or None,
            indicator=self.indicator.value or "",
            measure=self.measure.value,
        )

    def members(self) -> tuple[int, ...]:
        """The networks whose members' offers are included (ticked)."""
        return tuple(n for n, box in self.include.items() if box.value)

    def _analysis(self) -> Analysis | None:
        """The analysis under the chosen filters; the member reports it includes listed above the filters."""
        found, reports = self.service.analysed(self.filters(), self.members())
        self.reported.value = reported_html(reports) if self.members() else ""
        return found

    def show(self, found: Analysis | None = None) -> None:
        """The analysis under the chosen filters (``found``: already computed for them)."""
        if self._filling:
            return
        found = found or self._analysis()
        self.link.value = self.word_link.value = ""
        if found is None:
            empty = _("Noch keine Bedarfsdaten: Bitte oben eine Tabelle mit der Bevölkerung je Sozialraum einlesen.")
            self.explain.value = f"<div class='qm-muted'>{esc(empty)}</div>"
            self.fit.value = self.heat.value = self.trend.value = ""
            return
        top = found.districts[0] if found.districts else None
        supply = "@plaetze" if found.filters.measure == "places" else "@teilnehmende"
        self.goal.prefer(supply, top.district if top is not None and top.gap > 0 else "", found.filters.group)
        self.explain.value = explain_html(found)
        self.fit.value = fit_table_html(found)
        self.heat.value = heat_html(found.by_kind)
        self.trend.value = trend_html(found)

    def excel(self) -> None:
        report = self.service.report(self.filters(), self.members())
        path = save_workbook(analysis_workbook(report), exports_dir() / analysis_filename(report))
        self.link.value = download_html(path, _("Analyse herunterladen (.xlsx)"), "qm-download-analysis")

    def word(self) -> None:
        report = self.service.report(self.filters(), self.members())
        path = save_document(offers_report_document(report), exports_dir() / analysis_filename(report, ".docx"))
        self.word_link.value = download_html(
            path, _("Bericht herunterladen (.docx)"), "qm-download-analysis-word", DOCX_MIME
        )


def build(request: PageRequest) -> w.VBox:
    cycle_id = cycle_from_query(request.query, request.services.cycles())
    if cycle_id is None:
        raise NoCycle
    return OffersNeedsPage(request.services.offers_needs(cycle_id)).widget
