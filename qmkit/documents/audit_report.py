"""The internal audit report as a Word document: title page (scope, auditors, day, state), the summary, the
findings grouped Abweichung – Empfehlung – Konformität with the requirement, what each rests on and its measure.
A pure function of :class:`~qmkit.domain.audit.AuditReport`."""

from __future__ import annotations

from docx.document import Document

from qmkit.documents.word import heading, new_document, para, table, title_page, today_text
from qmkit.domain.audit import KIND_LABELS, STATUS_LABELS, AuditFindingKind, AuditReport
from qmkit.domain.model import day_text
from qmkit.i18n import _

ORDER = (AuditFindingKind.ABWEICHUNG, AuditFindingKind.EMPFEHLUNG, AuditFindingKind.KONFORMITAET)


def audit_filename(report: AuditReport) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Auditbericht", report.institution, report.record.day.isoformat(), suffix=".docx")


def audit_report_document(report: AuditReport) -> Document:
    record = report.record
    doc = new_document(_("Bericht über das interne Audit"), report.institution)
    counts = ", ".join(f"{report.count(k)} × {_(KIND_LABELS[k])}" for k in ORDER)
    lines = [
        (_("Einrichtung"), report.institution),
        (_("Qualitätsmodell"), report.catalog),
        (_("Zyklus"), report.cycle),
        (_("Datum des Audits"), day_text(record.day)),
        (_("Gegenstand"), record.scope),
        (_("Aus dem Auditprogramm"), report.plan_subject or "–"),
        (_("Auditor*innen"), record.auditors or "–"),
        (_("Feststellungen"), counts),
        (_("Stand"), _(STATUS_LABELS[record.status])),
        (_("Erstellt am"), today_text()),
    ]
    title_page(doc, _("Bericht über das interne Audit"), report.institution, lines)
    heading(doc, _("Zusammenfassung"), 1)
    para(doc, record.summary or _("– keine Zusammenfassung –"), muted=not record.summary)
    for kind in ORDER:
        found = [(f, title, state) for f, title, state in report.findings if f.kind == kind]
        heading(doc, _(KIND_LABELS[kind]), 1)
        if not found:
            para(doc, _("keine"), muted=True)
            continue
        for number, (finding, title, state) in enumerate(found, start=1):
            requirement = f"{finding.requirement_id} {title}".strip() or "–"
            facts = [
                (_("Feststellung"), finding.text),
                (_("Anforderung"), requirement),
                (_("Beleg"), finding.evidence or "–"),
            ]
            if kind != AuditFindingKind.KONFORMITAET:
                facts.append((_("Maßnahme"), state or _("noch keine")))
            heading(doc, f"{_(KIND_LABELS[kind])} {number}", 2)
            table(doc, [], facts, [4.5, 12.3], head=False)
    return doc
