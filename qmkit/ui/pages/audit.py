"""Internes Audit: the yearly audit programme, the audit records with their findings (Konformität, Empfehlung,
Abweichung), measures from findings with one click, and the audit report in Word.

Every change is stored at once through :class:`~qmkit.services.audits.InternalAudit` (rights and checks there);
a refused value gets its German message beside the field and is not stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import ipywidgets as w

from qmkit.config import exports_dir
from qmkit.documents.audit_report import audit_filename, audit_report_document
from qmkit.documents.word import DOCX_MIME, save_document
from qmkit.domain.audit import KIND_LABELS, MONTHS, STATUS_LABELS, AuditFindingKind, AuditStatus
from qmkit.domain.model import day_text
from qmkit.i18n import N_, _
from qmkit.services.audits import InternalAudit
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.routes import PageRequest
from qmkit.ui.widgets.common import Feedback, button, card, cycle_header, download_html, esc, guard, make, page_box
from qmkit.ui.widgets.record_editor import Chooser, FormField, RecordEditor

WIDE = {"width": "460px"}
LABEL = {"description_width": "140px"}
RECORD_FORM = [
    FormField("day", "date", N_("Datum")),
    FormField("scope", "text", N_("Gegenstand"), N_("Prozesse, Bereiche, Standorte")),
    FormField("auditors", "line", N_("Auditor*innen")),
    FormField("summary", "text", N_("Zusammenfassung")),
    FormField("status", "choice", N_("Stand"), options=[(lbl, s.value) for s, lbl in STATUS_LABELS.items()]),
]


class AuditPage:
    def __init__(self, evaluation: SelfEvaluation, today: date | None = None):
        self.audit = InternalAudit(evaluation, today)
        self.catalog = evaluation.catalog
        self.feedback = Feedback()
        self.guard = guard(self.feedback)
        self.year = make(w.Dropdown, description=_("Jahr"), layout={"width": "200px"})
        this = self.audit.today.year
        self.year.options = [str(y) for y in range(this - 2, this + 3)]
        self.year.value = str(this)
        self.year.observe(self.guard(lambda _c: self.show_programme()), names="value")
        self.programme = make(w.HTML)
        self.chooser = Chooser(self.guard, lambda rid: self.show_record(rid), _("Audit"))
        self.editor = RecordEditor(
            RECORD_FORM,
            lambda r, name, value: self.audit.update_record(r.id, name, value),
            self.guard,
            lambda r: self.refresh_records(r.id),
            lambda r: self.audit.record(r.id),
        )
        self.findings = make(w.VBox)
        self.download = make(w.HTML)
        inst, cycle = evaluation.institution, evaluation.cycle
        header = cycle_header("audit", _("Internes Audit"), cycle.id, inst.name, cycle.name, self.catalog.title)
        note = (
            ""
            if self.catalog.internal_audit
            else _("Ihr Qualitätsmodell verlangt kein internes Audit; Sie können es trotzdem hier führen.")
        )
        self.widget = page_box(
            header,
            make(w.HTML, f"<div class='qm-muted'>{esc(note)}</div>" if note else ""),
            self.feedback.widget,
            self._programme_card(),
            card(
                make(w.HTML, f"<h2>{esc(_('Audits'))}</h2>"),
                make(
                    w.HBox,
                    [
                        self.chooser.widget,
                        button(self.guard, "Neues Audit", "plus", self.add_record),
                        button(self.guard, "Bericht als Word", "file-word-o", self.report),
                    ],
                    layout={"flex_flow": "row wrap"},
                ),
                self.download,
                self.editor.widget,
                self.findings,
            ),
        )
        self.show_programme()
        self.refresh_records()

    # ------------------------------------------------------------------ programme

    def _programme_card(self) -> w.VBox:
        self.subject = make(
            w.Text,
            description=_("Gegenstand"),
            placeholder=_("z. B. Kernprozess Kursplanung"),
            layout=WIDE,
            style=LABEL,
        )
        self.month = make(
            w.Dropdown,
            options=[(_(m), i) for i, m in enumerate(MONTHS, start=1)],
            description=_("Monat"),
            layout={"width": "300px"},
            style=LABEL,
        )
        self.auditors = make(w.Text, description=_("Auditor*innen"), layout=WIDE, style=LABEL)
        return card(
            make(w.HTML, f"<h2>{esc(_('Auditprogramm'))}</h2>"),
            self.year,
            self.programme,
            self.subject,
            self.month,
            self.auditors,
            button(self.guard, "Ins Programm aufnehmen", "plus", self.add_plan_item),
        )

    def show_programme(self) -> None:
        items = self.audit.programme(int(self.year.value))
        done = {r.plan_item_id for r in self.audit.records() if r.status == AuditStatus.ABGESCHLOSSEN}
        rows = "".join(
            f"<tr><td>{esc(_(MONTHS[i.month - 1]))}</td><td>{esc(i.subject)}</td><td>{esc(i.auditors)}</td>"
            f"<td>{esc(_('durchgeführt') if i.id in done else _('offen'))}</td></tr>"
            for i in items
        )
        head = "".join(f"<th>{esc(h)}</th>" for h in (_("Monat"), _("Gegenstand"), _("Auditor*innen"), _("Stand")))
        empty = f"<div class='qm-muted'>{esc(_('Für dieses Jahr ist noch nichts geplant.'))}</div>"
        self.programme.value = f"<table class='qm-plan'><tr>{head}</tr>{rows}</table>" if rows else empty

    def add_plan_item(self) -> None:
        values = {
            "subject": self.subject.value,
            "year": self.year.value,
            "month": self.month.value,
            "auditors": self.auditors.value,
        }
        made = self.audit.add_plan_item(values)
        self.subject.value = ""
        self.feedback.ok(_("„{subject}“ ist im Auditprogramm.").format(subject=made.subject))
        self.show_programme()

    # ------------------------------------------------------------------ records and findings

    def refresh_records(self, select: int | None = None) -> None:
        options = [(f"{day_text(r.day)} · {r.scope.splitlines()[0][:60]}", r.id) for r in self.audit.records()]
        chosen = self.chooser.refill(options, select)
        if chosen is None or self.editor.record is None or self.editor.record.id != chosen:
            self.show_record(chosen)
        self.show_programme()

    def show_record(self, record_id: int | None) -> None:
        self.editor.show(self.audit.record(record_id) if record_id is not None else None)
        self.findings.children = [] if record_id is None else self._findings(record_id)

    def add_record(self) -> None:
        made = self.audit.add_record({"day": self.audit.today, "scope": _("bitte eintragen")})
        self.refresh_records(made.id)
        self.feedback.ok(_("Neues Audit angelegt – bitte Gegenstand und Auditor*innen eintragen."))

    def _findings(self, record_id: int) -> list[w.Widget]:
        parts: list[w.Widget] = [make(w.HTML, f"<h3>{esc(_('Feststellungen'))}</h3>")]
        titles = {r.id: r.title for r in self.catalog.requirements()}
        for finding in self.audit.findings(record_id):
            line = f"{_(KIND_LABELS[finding.kind])}: {finding.text}"
            if finding.requirement_id:
                line += f" ({finding.requirement_id} {titles.get(finding.requirement_id, '')})"
            row: list[w.Widget] = [make(w.HTML, esc(line))]
            if finding.measure_id is None and finding.kind != AuditFindingKind.KONFORMITAET:
                row.append(self._plan_button(record_id, finding.id))
            elif finding.measure_id is not None:
                row.append(make(w.HTML, f"<span class='qm-saved'>✓ {esc(_('Maßnahme im Plan'))}</span>"))
            parts.append(make(w.HBox, row, layout={"flex_flow": "row wrap"}))
        return parts + self._finding_form(record_id)

    def _finding_form(self, record_id: int) -> list[w.Widget]:
        kind = make(
            w.Dropdown,
            options=[(_(lbl), k.value) for k, lbl in KIND_LABELS.items()],
            description=_("Art"),
            layout={"width": "320px"},
            style=LABEL,
        )
        requirements = [("–", "")] + [(f"{r.id} {r.title}", r.id) for r in self.catalog.requirements()]
        requirement = make(w.Dropdown, options=requirements, description=_("Anforderung"), layout=WIDE, style=LABEL)
        text = make(w.Textarea, description=_("Feststellung"), layout={"width": "620px", "height": "70px"}, style=LABEL)
        evidence = make(
            w.Text, description=_("Beleg"), placeholder=_("Dokument, Beobachtung, Gespräch"), layout=WIDE, style=LABEL
        )

        def add() -> None:
            self.audit.add_finding(
                record_id,
                {
                    "kind": kind.value,
                    "requirement_id": requirement.value,
                    "text": text.value,
                    "evidence": evidence.value,
                },
            )
            self.feedback.ok(_("Feststellung gespeichert."))
            self.findings.children = self._findings(record_id)

        return [kind, requirement, text, evidence, button(self.guard, "Feststellung hinzufügen", "plus", add)]

    def _plan_button(self, record_id: int, finding_id: int) -> w.Widget:
        who = make(w.Text, placeholder=_("verantwortlich"), layout={"width": "200px"})

        def plan() -> None:
            self.audit.to_plan(finding_id, who.value)
            self.feedback.ok(_("Als Maßnahme in den Plan übernommen."))
            self.findings.children = self._findings(record_id)

        return make(w.HBox, [who, button(self.guard, "Maßnahme anlegen", "arrow-right", plan)])

    def report(self) -> None:
        if self.editor.record is None:
            self.feedback.ok(_("Bitte zuerst ein Audit anlegen oder wählen."))
            return
        found = self.audit.report(self.editor.record.id)
        path = save_document(audit_report_document(found), exports_dir() / audit_filename(found))
        self.download.value = download_html(path, _("Auditbericht herunterladen (.docx)"), "qm-audit-docx", DOCX_MIME)


def build(request: PageRequest) -> w.VBox:
    return AuditPage(request.evaluation()).widget


__all__: list[Any] = ["AuditPage", "build"]
