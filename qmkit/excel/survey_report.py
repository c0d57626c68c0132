"""A survey's results as a workbook: cover, one block per question (groups × answers, shares, a native stacked
bar chart) and the free texts of the groups at the threshold.

A pure function of the result (:class:`qmkit.domain.survey_results.SurveyResult`): a group below the threshold
keeps empty cells with the reason beside them; no figure, no text of it appears anywhere in the file.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.survey import Survey, choice_colors
from qmkit.domain.survey_results import ALL, QuestionResult, SurveyResult
from qmkit.excel.style import (
    BOLD_FONT,
    BORDER,
    WRAP_TOP,
    Column,
    cover,
    fit_rows,
    header,
    print_setup,
    put,
    sheet_title,
)
from qmkit.i18n import _


def survey_report_filename(survey: Survey) -> str:
    from qmkit.domain.network_files import file_name

    return file_name("Befragung", survey.title, date.today().isoformat(), suffix=".xlsx")


def _groups(result: SurveyResult) -> list[tuple[str, str]]:
    return [(g.id, g.title) for g in result.instrument.groups] + [(ALL, _("alle"))]


def _cover(ws: Worksheet, survey: Survey, result: SurveyResult, institution: str) -> None:
    ws.title = _("Deckblatt")
    days = " – ".join(d.strftime("%d.%m.%Y") for d in (survey.opens, survey.closes) if d) or _("ohne Zeitraum")
    lines = [
        (_("Befragung"), survey.title),
        (_("Einrichtung"), institution),
        (_("Instrument"), f"{result.instrument.title} ({result.instrument.id}, {result.instrument.version})"),
        (_("Zeitraum"), days),
        (_("Stand"), _("offen") if survey.status.value == "offen" else _("beendet")),
        (_("Mindestgruppe"), result.threshold),
        *[(title, result.respondents.get(gid, 0)) for gid, title in _groups(result)],
        (_("Erstellt am"), date.today().strftime("%d.%m.%Y")),
    ]
    note = _(
        "Anonym: Werte einer Gruppe erscheinen erst ab {min} Antworten dieser Gruppe, sonst bleiben die Zellen leer; "
        "„alle“ bleibt leer, solange sich kleine Gruppen sonst herausrechnen ließen. Freitexte nur aus Gruppen ab "
        "der Mindestgruppe, alphabetisch (die Reihenfolge verrät nichts)."
    ).format(min=result.threshold)
    cover(ws, _("Ergebnis der Befragung"), lines, note, (survey.title, institution))


def _question_block(ws: Worksheet, result: SurveyResult, qr: QuestionResult, row: int) -> int:
    """The question's table from ``row`` on (header, a row per group) and its chart; returns the next free row."""
    choices = result.instrument.choices_of(qr.question)
    put(ws, row, 1, qr.question.text).font = BOLD_FONT
    informs = ", ".join(qr.question.informs)
    if informs:
        put(ws, row, 2 + len(choices) + 1, _("informiert {ids}").format(ids=informs))
    columns: list[Column] = [(_("Gruppe"), 26, False), (_("Antworten"), 11, False)]
    columns += [(c.label, 13, False) for c in choices] + [(_("Median / Hinweis"), 28, False)]
    header(ws, columns, row + 1)
    first = row + 2
    for r, (group_id, title) in enumerate(_groups(result), start=first):
        cell = qr.cell(group_id)
        values: list[object] = [title, cell.answered if cell.counts is not None else None]
        total = sum(cell.counts.values()) if cell.counts else 0
        values += [(cell.counts[c.value] / total) if cell.counts and total else None for c in choices]
        values.append(cell.median_label if cell.counts is not None else result.hidden_note(group_id))
        for c, value in enumerate(values, start=1):
            written = put(ws, r, c, value)
            written.alignment, written.border = WRAP_TOP, BORDER
            if 3 <= c < 3 + len(choices):
                written.number_format = "0%"
    last = first + len(_groups(result)) - 1
    fit_rows(ws, first, last)
    if any(qr.cell(g).counts for g, _t in _groups(result)):
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
        chart.title = qr.question.id
        chart.add_data(
            Reference(ws, min_col=3, max_col=2 + len(choices), min_row=row + 1, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
        colors = choice_colors(choices, qr.question.kind.value == "scale")
        for series, choice in zip(chart.series, choices, strict=True):
            series.graphicalProperties.solidFill = colors[choice.value].lstrip("#")
            series.graphicalProperties.line.solidFill = colors[choice.value].lstrip("#")
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 6.5, 20
        ws.add_chart(chart, f"A{last + 2}")
        return last + 16
    return last + 3


def _texts(wb: Workbook, result: SurveyResult, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Freitexte"), taken))
    header(ws, [(_("Frage"), 40, False), (_("Gruppe"), 24, False), (_("Antwort"), 80, False)])
    row = 2
    for qr in result.questions:
        if qr.question.kind.value != "text":
            continue
        for group_id, title in _groups(result)[:-1]:
            cell = qr.cell(group_id)
            texts = cell.texts if cell.texts is not None else (result.hidden_note(group_id),)
            for text in texts or (_("keine Antworten auf diese Frage"),):
                for c, value in enumerate((qr.question.text, title, text), start=1):
                    written = put(ws, row, c, value)
                    written.alignment, written.border = WRAP_TOP, BORDER
                row += 1
    fit_rows(ws, 2, max(2, row - 1))
    print_setup(ws, result.instrument.title, _("Freitexte"))


def survey_report_workbook(survey: Survey, result: SurveyResult, institution: str) -> Workbook:
    wb = Workbook()
    _cover(wb.active, survey, result, institution)
    taken = {wb.active.title}
    ws = wb.create_sheet(sheet_title(_("Ergebnisse"), taken))
    taken.add(ws.title)
    row = 1
    for qr in result.questions:
        if qr.question.kind.value != "text":
            row = _question_block(ws, result, qr, row)
    ws.freeze_panes = None
    print_setup(ws, survey.title, _("Ergebnisse"))
    _texts(wb, result, taken)
    return wb
