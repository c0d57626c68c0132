"""One collegial inspection opened: facts and status, the documents to look at on site, per focus topic and
question what the peers saw (saved as typed), the agreements (into the host's plan with one click), the host's
statement, the report and the empty sheet as Word files.

Who may write what follows from the person's roles in the inspection (the service checks every save again): the
peer team and the coordination write findings, the host reads them and writes the statement.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.inspection_report import (
    inspection_filename,
    inspection_report_document,
    inspection_sheet_document,
)
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.inspection import FINDING_FIELDS, FINDING_LABELS, STATUS_LABELS, InspectionStatus
from qmkit.domain.model import day_text
from qmkit.i18n import _
from qmkit.services.inspections import InspectionService
from qmkit.ui.widgets.common import Feedback, button, card, download_html, esc, make
from qmkit.ui.widgets.date_field import DateField
from qmkit.ui.widgets.save_state import SaveState

Wrap = Callable[[Callable[..., Any]], Callable[..., Any]]
WIDE = {"width": "460px"}
LABEL = {"description_width": "190px"}
BOX = {"width": "100%", "height": "80px"}


class InspectionDetail:
    def __init__(
        self,
        service: InspectionService,
        inspection_id: int,
        wrap: Wrap,
        feedback: Feedback,
        refresh: Callable[[], None],
        shown_in: w.VBox | None = None,
    ):
        self.service, self.wrap, self.feedback, self.refresh = service, wrap, feedback, refresh
        self.found = service.report(inspection_id)
        self.id = inspection_id
        self.roles = service.roles(self.found.inspection)
        self.download = make(w.HTML)
        built = card(
            make(w.HTML, self._facts()),
            *self._status_row(),
            *self._documents(),
            *self._findings(),
            *self._agreements(),
            *self._statement(),
            make(
                w.HBox,
                [
                    button(self.wrap, "Bericht als Word", "file-word-o", self.report),
                    button(self.wrap, "Leerer Bogen zum Mitnehmen", "print", self.sheet),
                ],
                layout={"flex_flow": "row wrap"},
            ),
            self.download,
        )
        # redrawn in place: the page keeps showing the same box, whose buttons then belong to this object
        self.widget = shown_in if shown_in is not None else built
        self.widget.children = built.children

    @property
    def writes_findings(self) -> bool:
        return bool(self.roles & {"begehungsteam", "koordination"}) and not self._closed

    @property
    def _closed(self) -> bool:
        return self.found.inspection.status == InspectionStatus.ABGESCHLOSSEN

    def _facts(self) -> str:
        ins, found = self.found.inspection, self.found
        facts = [
            (_("Gastgebend"), found.host),
            (_("Datum"), day_text(ins.day)),
            (_("Ort"), ins.place or "–"),
            (_("Begehungsteam"), ", ".join(found.peers + ins.peer_names) or "–"),
        ]
        rows = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in facts)
        title = _("Begehung bei {host}").format(host=found.host)
        return f"<h2 id='qm-inspection'>{esc(title)}</h2><table class='qm-plan'>{rows}</table>"

    def _status_row(self) -> list[w.Widget]:
        choice = make(
            w.Dropdown,
            options=[(_(label), status.value) for status, label in STATUS_LABELS.items()],
            value=self.found.inspection.status.value,
            description=_("Stand"),
            layout=WIDE,
            style=LABEL,
        )

        def changed(_change: Any) -> None:
            self.service.set_status(self.id, choice.value)
            self.feedback.ok(_("Stand gespeichert."))
            self.refresh()
            self._redraw()  # a closed report is read-only at once, a reopened one writable again

        choice.observe(self.wrap(changed), names="value")
        return [choice]

    def _reopen(self) -> None:
        self.found = self.service.report(self.id)

    def _documents(self) -> list[w.Widget]:
        listed = "".join(
            f"<li>{esc(d.title)} · {esc(d.kind)}{' · ' + esc(_('nur vor Ort')) if d.on_site_only else ''}</li>"
            for d in self.found.documents
        )
        head = make(w.HTML, f"<h3>{esc(_('Dokumente vor Ort'))}</h3><ul>{listed}</ul>" if listed else
                    f"<h3>{esc(_('Dokumente vor Ort'))}</h3>{esc(_('Noch keine ausgewählt.'))}")  # fmt: skip
        if not self.roles & {"gastgebend", "koordination"}:
            return [head]
        options = self.service.host_documents(self.id)
        chosen = make(
            w.SelectMultiple,
            options=[(t, i) for i, t in options],
            value=self.found.inspection.documents,
            description=_("Aus dem Register"),
            layout={"width": "620px", "height": "120px"},
            style=LABEL,
        )

        def save() -> None:
            self.service.update(self.id, {"documents": list(chosen.value)})
            self.feedback.ok(_("Dokumentauswahl gespeichert."))

        return [head, chosen, button(self.wrap, "Auswahl speichern", "check", save)]

    def _findings(self) -> list[w.Widget]:
        parts: list[w.Widget] = []
        if not self.found.topics:
            return [make(w.HTML, esc(_("Für diese Runde sind noch keine Schwerpunktthemen festgelegt.")))]
        for topic in self.found.topics:
            parts.append(make(w.HTML, f"<h3>{esc(topic.title)}</h3>"))
            for number, question in enumerate(topic.questions):
                parts.append(make(w.HTML, f"<b>{number + 1}. {esc(question)}</b>"))
                finding = self.found.finding(topic.id, number)
                for field in FINDING_FIELDS:
                    parts.append(self._finding_box(topic.id, number, field, getattr(finding, field)))
        return parts

    def _finding_box(self, topic_id: int, question: int, field: str, value: str) -> w.VBox:
        box = make(w.Textarea, value=value, description=_(FINDING_LABELS[field]), continuous_update=False,
                   disabled=not self.writes_findings, layout=BOX, style=LABEL)  # fmt: skip
        state = SaveState()

        def save(_change: Any) -> None:  # a refused text stays in the box, marked, until corrected
            state.attempt(
                field, "", box, lambda: self.service.write_finding(self.id, topic_id, question, field, box.value)
            )

        box.observe(self.wrap(save), names="value")
        return make(w.VBox, [box, state.line])

    def _agreements(self) -> list[w.Widget]:
        parts: list[w.Widget] = [make(w.HTML, f"<h3>{esc(_('Vereinbarungen'))}</h3>")]
        cycles = self.service.host_cycles(self.id) if "gastgebend" in self.roles else []
        for agreement, status in self.found.agreements:
            due = day_text(agreement.due) or "–"
            line = f"{agreement.text} · {agreement.responsible} · {_('bis')} {due} · {status}"
            row: list[w.Widget] = [make(w.HTML, esc(line))]
            if cycles and agreement.measure_id is None:
                row.append(self._plan_button(agreement.id, cycles))
            parts.append(make(w.HBox, row, layout={"flex_flow": "row wrap"}))
        if self._closed:
            return parts
        text = make(w.Textarea, description=_("Vereinbarung"), layout={"width": "620px", "height": "60px"}, style=LABEL)
        who = make(w.Text, description=_("Verantwortlich"), layout=WIDE, style=LABEL)
        due = make(DateField, description=_("umsetzen bis"), style=LABEL)

        def add() -> None:
            self.service.add_agreement(self.id, {"text": text.value, "responsible": who.value, "due": due.value})
            self.feedback.ok(_("Vereinbarung gespeichert."))
            self._redraw()

        return [*parts, text, who, due, button(self.wrap, "Vereinbarung hinzufügen", "plus", add)]

    def _plan_button(self, agreement_id: int, cycles: list[Any]) -> w.Widget:
        choice = make(w.Dropdown, options=[(c.name, c.id) for c in cycles], layout={"width": "240px"}, name=_("Zyklus"))

        def to_plan() -> None:
            self.service.to_plan(self.id, agreement_id, choice.value)
            self.feedback.ok(_("Als Maßnahme in den Plan übernommen."))
            self._redraw()

        return make(w.HBox, [choice, button(self.wrap, "In den Plan übernehmen", "arrow-right", to_plan)])

    def _statement(self) -> list[w.Widget]:
        head = make(w.HTML, f"<h3>{esc(_('Stellungnahme der gastgebenden Einrichtung'))}</h3>")
        writable = "gastgebend" in self.roles and not self._closed
        box = make(w.Textarea, value=self.found.inspection.statement, continuous_update=False,
                   disabled=not writable, layout={"width": "100%", "height": "110px"},
                   name=_("Stellungnahme der gastgebenden Einrichtung"))  # fmt: skip
        state = SaveState()

        def save(_change: Any) -> None:
            state.attempt("statement", "", box, lambda: self.service.set_statement(self.id, box.value))

        box.observe(self.wrap(save), names="value")
        return [head, box, state.line]

    def _redraw(self) -> None:
        self._reopen()
        InspectionDetail(self.service, self.id, self.wrap, self.feedback, self.refresh, shown_in=self.widget)

    def report(self) -> None:
        self._reopen()
        path = save_document(inspection_report_document(self.found), exports_dir() / inspection_filename(self.found))
        self.download.value = download_html(path, _("Bericht herunterladen (.docx)"), "qm-inspection-docx", DOCX_MIME)

    def sheet(self) -> None:
        self._reopen()
        name = inspection_filename(self.found, _("Begehungsbogen"))
        path = save_document(inspection_sheet_document(self.found), exports_dir() / name)
        self.download.value = download_html(path, _("Bogen herunterladen (.docx)"), "qm-inspection-sheet", DOCX_MIME)
