"""The Befragung page: open a survey of system partners in this cycle, hand out its links (QR codes) and paper
codes, follow the answers and read the anonymous results.

The respondents never see this page: they answer on the participant server's light pages (/befragung), without a
kernel each. Every action goes through :class:`~qmkit.services.surveys.SurveyService` (rights checked there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.survey_csv import survey_csv
from qmkit.documents.survey_report import survey_docx_filename, survey_report_document
from qmkit.documents.word import DOCX_MIME, document_bytes, save_document
from qmkit.domain.survey import Survey, SurveyStatus
from qmkit.excel.style import save_atomic, save_workbook
from qmkit.excel.survey_report import survey_report_filename, survey_report_workbook
from qmkit.i18n import _
from qmkit.server.serve import survey_link
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.survey_evidence import file_survey_result
from qmkit.services.surveys import SurveyService
from qmkit.ui.pages.facilitator import qr_data_uri
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, cycle_header, download_html, esc, guard, make, page_box
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.survey_chart import results_html

WIDE = {"width": "420px"}


class SurveyPage:
    def __init__(self, service: SurveyService, evaluation: SelfEvaluation, query: dict[str, str]):
        self.service, self.cycle = service, evaluation.cycle
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.choice = make(w.Dropdown, description=_("Befragung"), layout=WIDE)
        self.body = make(w.VBox)
        self.download = make(w.HTML)
        head = cycle_header(
            "befragung",
            _("Befragung"),
            self.cycle.id,
            evaluation.institution.name,
            self.cycle.name,
            evaluation.catalog.title,
        )
        lead = _(
            "Befragen Sie Ihre Systempartner (z. B. Jugendamt, Schule, Therapie, andere Träger) anonym: je Gruppe ein "
            "Link mit QR-Code oder Codes auf Papier. Ergebnisse erscheinen je Gruppe erst ab der Mindestgruppe."
        )
        self.widget = page_box(
            head,
            make(w.HTML, f"<div class='qm-muted'>{esc(lead)}</div>"),
            self.feedback.widget,
            self._create_card(),
            make(w.HBox, [self.choice]),
            self.body,
        )
        self.choice.observe(self.guard(lambda _c: self.show()), names="value")
        wanted = query.get("befragung", "")
        self.reload(int(wanted) if wanted.isdigit() else None)

    # ------------------------------------------------------------------ opening a survey

    def _create_card(self) -> w.VBox:
        instruments = sorted(self.service.instruments.values(), key=lambda i: i.title)
        which = make(
            w.Dropdown, options=[(i.title, i.id) for i in instruments], description=_("Instrument"), layout=WIDE
        )
        title = make(w.Text, description=_("Titel"), placeholder=_("Standard: Titel des Instruments"), layout=WIDE)
        opens = make(DateField, description=_("Beginn"), layout=WIDE)
        closes = make(DateField, description=_("Ende"), layout=WIDE)

        def create() -> None:
            if which.value is None:
                self.feedback.error(_("Es ist kein Befragungsinstrument geladen."))
                return
            values = {"title": title.value, "opens": opens.value, "closes": closes.value}
            made = self.service.create(self.cycle.id, self.service.instrument(which.value), values)
            self.feedback.ok(_("Befragung „{title}“ ist geöffnet. Jetzt die Links verteilen.").format(title=made.title))
            self.reload(made.id)

        problems = "".join(f"<li class='qm-fehlt'>{esc(p)}</li>" for p in self.service.problems)
        body = make(
            w.VBox,
            [
                which,
                title,
                opens,
                closes,
                make(w.HBox, [button(self.guard, "Befragung öffnen", "plus", create)]),
                make(w.HTML, f"<ul>{problems}</ul>" if problems else ""),
            ],
        )
        toggle = make(w.Accordion, children=[body], titles=(_("Neue Befragung öffnen"),), selected_index=None)
        return card(toggle)

    # ------------------------------------------------------------------ one survey

    def reload(self, survey_id: int | None = None) -> None:
        surveys = self.service.surveys(self.cycle.id)
        options = [
            (f"{s.title} ({_('offen') if s.status == SurveyStatus.OFFEN else _('beendet')})", s.id) for s in surveys
        ]
        self.choice.options = options or [("–", None)]
        ids = [s.id for s in surveys]
        if ids:
            self.choice.value = survey_id if survey_id in ids else ids[0]
        self.show()

    def show(self) -> None:
        self.download.value = ""
        value = self.choice.value
        if not isinstance(value, int):
            text = _("In diesem Zyklus gibt es noch keine Befragung. Oben eine öffnen.")
            self.body.children = (make(w.HTML, f"<div class='qm-muted'>{esc(text)}</div>"),)
            return
        result = self.service.result(value)
        survey = next(s for s in self.service.surveys(self.cycle.id) if s.id == value)
        self.body.children = (
            self._links_card(survey),
            self._results_card(survey, result),
        )

    def _links_card(self, survey: Survey) -> w.VBox:
        links = self.service.links(survey.id)
        cells = []
        for group in survey.instrument.groups:
            link = survey_link(links[group.id])
            cells.append(
                f"<div class='qm-survey-link'><b>{esc(group.title)}</b><br>"
                f'<img alt="{esc(_("QR-Code für {group}").format(group=group.title))}" src="{qr_data_uri(link)}" '
                f'width="150" height="150"><br><code>{esc(link)}</code></div>'
            )
        count = make(w.BoundedIntText, value=20, min=1, max=2000, description=_("Anzahl"), layout={"width": "200px"})
        group = make(
            w.Dropdown,
            options=[(g.title, g.id) for g in survey.instrument.groups],
            description=_("Gruppe"),
            layout={"width": "320px"},
        )

        def codes() -> None:
            made = self.service.make_codes(survey.id, group.value, count.value)
            name = f"Codes_Befragung_{survey.id}_{group.value}.txt"
            text = "\n".join(made) + "\n"
            path = exports_dir() / name
            save_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
            self.download.value = download_html(path, _("Codes herunterladen"), "qm-download-codes", "text/plain")
            self.feedback.ok(
                _("{n} Codes erstellt – bitte ausdrucken; sie werden nur einmal angezeigt.").format(n=len(made))
            )

        status = self._status_line(survey)
        return card(
            make(
                w.HTML,
                f"<h2>{esc(_('Links je Gruppe'))}</h2>{status}<div class='qm-survey-links'>{''.join(cells)}</div>",
            ),
            make(w.HTML, f"<h3>{esc(_('Codes für Papier'))}</h3>"),
            make(w.HBox, [group, count, button(self.guard, "Codes erstellen", "print", codes)]),
            self.download,
            make(w.HBox, [self._open_close(survey)]),
        )

    def _status_line(self, survey: Survey) -> str:
        days = []
        if survey.opens:
            days.append(_("ab {day}").format(day=survey.opens.strftime("%d.%m.%Y")))
        if survey.closes:
            days.append(_("bis {day}").format(day=survey.closes.strftime("%d.%m.%Y")))
        state = _("offen") if survey.status == SurveyStatus.OFFEN else _("beendet")
        text = f"{state} {' '.join(days)} · " + _("Mindestgruppe {n}").format(n=survey.threshold)
        hint = _("Die Links öffnen den Teilnahme-Server; für Telefone im Netz: qmkit serve --host 0.0.0.0")
        return f"<div class='qm-muted'>{esc(text)}<br>{esc(hint)}</div>"

    def _open_close(self, survey: Survey) -> w.Button:
        if survey.status == SurveyStatus.OFFEN:

            def close() -> None:
                self.service.close(survey.id)
                self.feedback.ok(_("Die Befragung ist beendet; es werden keine Antworten mehr angenommen."))
                self.reload(survey.id)

            return button(self.guard, "Befragung beenden", "stop", close)

        def reopen() -> None:
            self.service.reopen(survey.id)
            self.feedback.ok(_("Die Befragung nimmt wieder Antworten an."))
            self.reload(survey.id)

        return button(self.guard, "Wieder öffnen", "play", reopen)

    def _results_card(self, survey: Survey, result: Any) -> w.VBox:
        counts = ", ".join(f"{g.title}: {result.respondents.get(g.id, 0)}" for g in survey.instrument.groups)
        head = _("Antworten bisher: {n} ({groups})").format(n=result.respondents["alle"], groups=counts)
        export_link = make(w.HTML)
        exports = ReportButtons(self, survey, export_link)
        return card(
            make(w.HTML, f"<h2>{esc(_('Ergebnisse'))}</h2><div>{esc(head)}</div>{results_html(result)}"),
            make(w.HBox, exports.buttons(), layout={"flex_flow": "row wrap"}),
            export_link,
        )


class ReportButtons:
    """The result as Excel, Word or CSV, and as an entry of the evidence register (the Word report)."""

    def __init__(self, page: SurveyPage, survey: Survey, link: w.HTML):
        self.page, self.survey, self.link = page, survey, link

    def buttons(self) -> list[w.Button]:
        wrap = self.page.guard
        return [
            button(wrap, "Ergebnis als Excel", "file-excel-o", self.excel),
            button(wrap, "Ergebnis als Word", "file-word-o", self.word),
            button(wrap, "Ergebnis als CSV", "download", self.csv),
            button(wrap, "Als Nachweis eintragen", "paperclip", self.evidence),
        ]

    def csv(self) -> None:
        path = exports_dir() / f"Befragung_{self.survey.id}.csv"
        text = survey_csv(self.page.service.result(self.survey.id))
        save_atomic(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
        self.link.value = download_html(path, _("Ergebnis herunterladen (.csv)"), "qm-download-survey", "text/csv")

    def excel(self) -> None:
        found, figures, institution = self.page.service.report(self.survey.id)
        path = save_workbook(
            survey_report_workbook(found, figures, institution), exports_dir() / survey_report_filename(found)
        )
        self.link.value = download_html(path, _("Ergebnis herunterladen (.xlsx)"), "qm-download-survey-xlsx")

    def word(self) -> None:
        found, figures, institution = self.page.service.report(self.survey.id)
        path = save_document(
            survey_report_document(found, figures, institution), exports_dir() / survey_docx_filename(found)
        )
        self.link.value = download_html(path, _("Ergebnis herunterladen (.docx)"), "qm-download-survey-docx", DOCX_MIME)

    def evidence(self) -> None:
        found, figures, institution = self.page.service.report(self.survey.id)
        content = document_bytes(survey_report_document(found, figures, institution))
        filed = file_survey_result(self.page.service, self.survey.id, content, survey_docx_filename(found))
        self.link.value = ""
        self.page.feedback.ok(
            _("Im Nachweisregister eingetragen: „{title}“, verknüpft mit {ids}.").format(
                title=filed.document.title, ids=", ".join(filed.requirements) or "–"
            )
        )


def build(request: PageRequest) -> w.VBox:
    return SurveyPage(request.services.surveys(), request.evaluation(), request.query).widget
