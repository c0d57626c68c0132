"""A survey's results as CSV: one row per question, group and answer value with the number of respondents – empty
where the threshold hides the group. For scripts and for checking the figures; free texts are not in it.
"""

from __future__ import annotations

import csv
import io

from qmkit.domain.survey import QuestionKind
from qmkit.domain.survey_results import ALL, SurveyResult
from qmkit.excel.style import csv_safe as _text
from qmkit.i18n import _

COLUMNS = ["frage", "fragetext", "gruppe", "wert", "bezeichnung", "anzahl", "antwortende_gruppe", "median"]


def survey_csv(result: SurveyResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    groups = [(g.id, g.title) for g in result.instrument.groups] + [(ALL, _("alle"))]
    for qr in result.questions:
        if qr.question.kind == QuestionKind.TEXT:
            continue
        for group_id, _title in groups:
            cell = qr.cell(group_id)
            for choice in result.instrument.choices_of(qr.question):
                count = cell.counts.get(choice.value, 0) if cell.counts is not None else ""
                median = "" if cell.median is None else f"{cell.median:.1f}"
                writer.writerow(
                    [
                        qr.question.id,
                        _text(qr.question.text),
                        group_id,
                        choice.value,
                        _text(choice.label),
                        count,
                        cell.respondents,
                        median,
                    ]
                )
    return out.getvalue()
