"""A survey's results as a Word report: title page, how to read it, one section per question (a table of the groups
with shares and median, a stacked bar per group) and the free texts of the groups at the threshold.

A pure function of the result, like the Excel report: a group below the threshold shows the reason and nothing
else – no count, no share, no text of it.
"""

from __future__ import annotations

from datetime import date

from docx.document import Document

from qmkit.documents.word import bar, heading, legend, new_document, para, safe, table, title_page, today_text
from qmkit.domain.survey import QuestionKind, Survey, choice_colors
from qmkit.domain.survey_results import ALL, QuestionResult, SurveyResult
from qmkit.i18n import _


def survey_docx_filename(survey: Survey) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Befragung", survey.title, date.today().isoformat(), suffix=".docx")


def _groups(result: SurveyResult) -> list[tuple[str, str]]:
    return [(g.id, g.title) for g in result.instrument.groups] + [(ALL, _("alle"))]


def _title(doc: Document, survey: Survey, result: SurveyResult, institution: str) -> None:
    days = " – ".join(d.strftime("%d.%m.%Y") for d in (survey.opens, survey.closes) if d) or _("ohne Zeitraum")
    lines = [
        (_("Einrichtung"), institution),
        (_("Instrument"), f"{result.instrument.title} ({result.instrument.id}, {result.instrument.version})"),
        (_("Zeitraum"), days),
        (_("Stand"), _("offen") if survey.status.value == "offen" else _("beendet")),
        (_("Antworten"), ", ".join(f"{title}: {result.respondents.get(g, 0)}" for g, title in _groups(result))),
        (_("Mindestgruppe"), result.threshold),
        (_("Erstellt am"), today_text()),
    ]
    note = _(
        "Anonym: Werte einer Gruppe erscheinen erst ab {min} Antworten dieser Gruppe; darunter steht nur „zu wenige "
        "Antworten“. „alle“ bleibt leer, solange sich kleine Gruppen sonst herausrechnen ließen. Freitexte nur aus "
        "Gruppen ab der Mindestgruppe, alphabetisch (die Reihenfolge verrät nichts)."
    ).format(min=result.threshold)
    title_page(doc, _("Ergebnis der Befragung"), survey.title, lines, note)


def _question(doc: Document, result: SurveyResult, qr: QuestionResult) -> None:
    question = qr.question
    heading(doc, f"{question.id} · {question.text}", 2)
    if question.informs:
        para(doc, _("informiert die Anforderungen {ids}").format(ids=", ".join(question.informs)), muted=True)
    choices = result.instrument.choices_of(question)
    colors = choice_colors(choices, question.kind == QuestionKind.SCALE)
    rows: list[list[object]] = []
    bars: list[tuple[str, list[tuple[float, str, str]]]] = []
    for group_id, title in _groups(result):
        cell = qr.cell(group_id)
        if cell.counts is None:
            rows.append([title, "", *["" for _c in choices], result.hidden_note(group_id)])
            continue
        total = sum(cell.counts.values())
        shares = [cell.counts[c.value] / total if total else 0.0 for c in choices]
        rows.append([title, cell.answered, *[f"{s:.0%}" for s in shares], cell.median_label])
        if total:
            bars.append((title, [(s, colors[c.value], c.label) for s, c in zip(shares, choices, strict=True)]))
    share_width = max(1.3, 8.4 / max(1, len(choices)))
    columns = [_("Gruppe"), _("Antw.")] + [c.label for c in choices] + [_("Median / Hinweis")]
    table(doc, columns, rows, [3.2, 1.5] + [share_width] * len(choices) + [3.4])
    if question.kind == QuestionKind.MULTIPLE:
        para(doc, _("Mehrfachauswahl: Anteile an allen gewählten Antworten."), muted=True, size=9)
    for title, parts in bars:
        para(doc, title, size=9)
        bar(doc, parts)
    if bars:
        legend(doc, [(colors[c.value], c.label) for c in choices])


def _texts(doc: Document, result: SurveyResult) -> None:
    texts = [qr for qr in result.questions if qr.question.kind == QuestionKind.TEXT]
    if not texts:
        return
    heading(doc, _("Freitexte"), 1)
    for qr in texts:
        heading(doc, f"{qr.question.id} · {qr.question.text}", 2)
        for group_id, title in _groups(result)[:-1]:
            cell = qr.cell(group_id)
            heading(doc, title, 3)
            if cell.texts is None:
                para(doc, result.hidden_note(group_id), muted=True)
            elif not cell.texts:
                para(doc, _("keine Antworten auf diese Frage"), muted=True)
            for text in cell.texts or ():
                doc.add_paragraph(style="List Bullet").add_run(safe(text))


def survey_report_document(survey: Survey, result: SurveyResult, institution: str) -> Document:
    doc = new_document(_("Befragung „{title}“").format(title=survey.title), institution)
    _title(doc, survey, result, institution)
    heading(doc, _("Ergebnisse je Frage"), 1)
    for qr in result.questions:
        if qr.question.kind != QuestionKind.TEXT:
            _question(doc, result, qr)
    _texts(doc, result)
    return doc
