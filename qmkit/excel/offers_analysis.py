"""Offers against needs as a workbook: a cover (whose data, which loads, how it is computed), the Passung per
district with the gap ranked and a bar chart, the change over the years with a line chart, the supply per offer
kind as a heat table, all figures per district, target group and year, and the offers not counted.

Pure: :class:`~qmkit.domain.offers_analysis.AnalysisReport` in, an openpyxl ``Workbook`` out. Native charts
(openpyxl), A4 landscape with qmkit's print header and page numbers; every name goes through
:func:`~qmkit.excel.style.put`, so a district called ``=1+1`` stays text.
"""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.offers_analysis import AnalysisReport, filters_text
from qmkit.domain.offers_members import REPORTED_BY
from qmkit.excel.style import Column, cover, print_setup, table
from qmkit.i18n import _

LEVEL_FILLS = {
    "kritisch": PatternFill("solid", fgColor="F8D7DA"),
    "pruefen": PatternFill("solid", fgColor="FFF3CD"),
    "passt": PatternFill("solid", fgColor="D4EDDA"),
    "ueber": PatternFill("solid", fgColor="D6E9F8"),
}
CHART_MAX_CM = 16  # one landscape page
ROWS_WITH_CHART = 10  # a Passung table longer than this pushes its chart onto the next page
ROWS_WITH_LINES = 8  # likewise the table over the years (its chart is taller)
COVER_CHARS = 90  # characters of a cover value per printed line (column B)
MAX_LINES = 12  # districts drawn as lines over the years besides the total (the table holds all)


def analysis_filename(report: AnalysisReport, suffix: str = ".xlsx", today: date | None = None) -> str:
    """'Angebote_Bedarfe_<Einrichtung>_<Datum>.xlsx', safe on every file system."""
    raw = f"Angebote_Bedarfe_{report.institution}_{(today or date.today()).isoformat()}"
    return re.sub(r"_+", "_", re.sub(r"[^\w\-]+", "_", raw)).strip("_-")[:150] + suffix


def _chart_below(ws: Worksheet, chart: Any, last: int, own_page: bool, column: str) -> None:
    """The chart below the table; on a page of its own when the table leaves no room for it in print."""
    if own_page:
        ws.row_breaks.append(Break(id=last + 1))
    ws.add_chart(chart, f"{column}{last + 3}")


def _num(value: Any) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 1)


def analysis_workbook(report: AnalysisReport) -> Workbook:
    wb = Workbook()
    head = (report.institution, _("Angebote und Bedarfe"))
    _cover(wb.active, report, head)
    _fit(wb.create_sheet(_("Passung")), report, head)
    _trend(wb.create_sheet(_("Verlauf")), report, head)
    _kinds(wb.create_sheet(_("Angebotsarten")), report, head)
    _figures(wb.create_sheet(_("Alle Werte")), report, head)
    _unknown(wb.create_sheet(_("Nicht gezählt")), report, head)
    return wb


def _cover(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    ws.title = _("Deckblatt")
    a = report.analysis
    lines: list[tuple[str, Any]] = [
        (_("Kommune / Einrichtung"), report.institution),
        (_("Zyklus"), report.cycle),
        (_("Qualitätsmodell"), report.catalog),
        (_("Stand"), date.today().strftime("%d.%m.%Y")),
        (_("Bedarfsdaten"), report.needs_source),
        (_("Angebotsverzeichnis"), report.offers_source),
        *[(_("Angebote der Mitglieder") if n == 0 else "", m.text) for n, m in enumerate(report.members)],
        (_("Auswahl"), filters_text(report.analysis)),
        (_("Bedarfsindikator"), a.indicator or _("keiner geladen")),
        (_("Mittel der Sozialräume"), _("{v} je 1.000").format(v=_num(a.median)) if a.median is not None else "–"),
    ]
    note = _(
        "Versorgung je 1.000 = Plätze (oder Teilnehmende) der Angebote eines Sozialraums im Jahr ÷ Bevölkerung der "
        "Zielgruppe × 1.000. Lücke = Plätze, die ein Sozialraum bis zum Mittel (Median) der Sozialräume bräuchte. "
        "Bedarf „hoch“ heißt: über dem 1,2-fachen Median des Indikators. Angebote in Sozialräumen ohne Bedarfsdaten "
        "stehen im Blatt „Nicht gezählt“."
    )
    cover(ws, _("Angebote und Bedarfe"), lines, note, head)
    for row, (_label, value) in enumerate(lines, start=3):  # a long line (a member's report) wraps: room for it
        if isinstance(value, str) and len(value) > COVER_CHARS:
            ws.row_dimensions[row].height = 14 * math.ceil(len(value) / COVER_CHARS)


def _fit(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    a = report.analysis
    columns: list[Column] = [
        (_("Rang"), 6, False),
        (_("Sozialraum"), 22, False),
        (_("Bevölkerung"), 12, False),
        (a.measure_label, 11, False),
        (_("je 1.000"), 10, False),
        (a.indicator or _("Bedarfsindikator"), 14, False),
        (_("Lücke bis zum Mittel"), 12, False),
        (_("Passung"), 46, False),
    ]
    rows = [
        [f.rank, f.district, f.population, f.supply, _num(f.per_1000), _num(f.need), round(f.gap), f.text]
        for f in a.districts
    ]
    last = table(ws, columns, rows, _("Keine Sozialräume in den Bedarfsdaten."))
    for r, fit in enumerate(a.districts, start=2):
        ws.cell(row=r, column=5).number_format = ws.cell(row=r, column=6).number_format = "0.0"
        if fit.level in LEVEL_FILLS:
            ws.cell(row=r, column=8).fill = LEVEL_FILLS[fit.level]
    if rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("{measure} je 1.000 der Zielbevölkerung ({year})").format(measure=a.measure_label, year=a.year)
        chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.legend = None
        chart.height, chart.width = min(CHART_MAX_CM, max(7.5, 0.6 * len(rows) + 3)), 22
        _chart_below(ws, chart, last, len(rows) > ROWS_WITH_CHART, "B")
    print_setup(ws, report.institution, _("Passung – {filters}").format(filters=filters_text(report.analysis))[:120])


def _frame_rows(frame: pd.DataFrame) -> list[list[Any]]:
    return [[str(index), *[_num(v) for v in row]] for index, row in zip(frame.index, frame.to_numpy(), strict=True)]


def _trend(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    trend = report.analysis.trend
    years = [int(y) for y in trend.columns]
    columns: list[Column] = [(_("Sozialraum"), 24, False), *[(str(y), 10, False) for y in years]]
    rows = _frame_rows(trend)
    last = table(ws, columns, rows, _("Keine Jahre."))
    for r in range(2, last + 1):
        for c in range(2, len(columns) + 1):
            ws.cell(row=r, column=c).number_format = "0.0"
    if len(years) > 1 and rows:
        chart = LineChart()
        chart.title = _("{measure} je 1.000 über die Jahre").format(measure=report.analysis.measure_label)
        drawn = [last, *range(2, min(last, 2 + MAX_LINES))]  # "Gesamt" (the last row) first
        for r in drawn:
            chart.add_data(Reference(ws, min_col=2, max_col=1 + len(years), min_row=r, max_row=r), from_rows=True)
        for series, r in zip(chart.series, drawn, strict=True):
            series.tx = SeriesLabel(v=str(ws.cell(row=r, column=1).value))
            series.smooth = False  # straight lines between the years (a curve would invent values)
        total = chart.series[0].graphicalProperties.line
        total.solidFill, total.width = "000000", 38100  # the total: black, 3 pt
        chart.set_categories(Reference(ws, min_col=2, max_col=1 + len(years), min_row=1, max_row=1))
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 10, 22
        _chart_below(ws, chart, last, len(rows) > ROWS_WITH_LINES, "A")
    print_setup(ws, report.institution, _("Verlauf je 1.000"))


def _kinds(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    by_kind = report.analysis.by_kind
    columns: list[Column] = [(_("Sozialraum"), 24, False), *[(str(k) or _("ohne Art"), 13, False) for k in by_kind]]
    rows = _frame_rows(by_kind)
    last = table(ws, columns, rows, _("Keine Angebote im gewählten Jahr."))
    if rows and len(columns) > 1:
        end = f"{get_column_letter(len(columns))}{last}"
        for r in range(2, last + 1):
            for c in range(2, len(columns) + 1):
                ws.cell(row=r, column=c).number_format = "0.0"
        ws.conditional_formatting.add(
            f"B2:{end}", ColorScaleRule(start_type="min", start_color="FFFFFF", end_type="max", end_color="2E7D32")
        )
    print_setup(ws, report.institution, _("Angebotsarten je 1.000 ({year})").format(year=report.analysis.year))


def _figures(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    columns: list[Column] = [
        (_("Sozialraum"), 22, False),
        (_("Zielgruppe"), 14, False),
        (_("Jahr"), 7, False),
        (_("Bevölkerung"), 12, False),
        (_("Plätze"), 10, False),
        (_("Teilnehmende"), 12, False),
        (_("Plätze je 1.000"), 10, False),
        (_("Teilnehmende je 1.000"), 12, False),
    ]
    rows = [
        [
            r.district,
            r.group,
            int(r.year),
            _num(r.population),
            _num(r.places),
            _num(r.participants),
            _num(r.places_per_1000) if not pd.isna(r.places_per_1000) else _("keine Bevölkerung"),
            _num(r.participants_per_1000) if not pd.isna(r.participants_per_1000) else _("keine Bevölkerung"),
        ]
        for r in report.analysis.found.table.itertuples(index=False)
    ]
    table(ws, columns, rows, _("Keine Werte."))
    print_setup(ws, *head)


def _unknown(ws: Worksheet, report: AnalysisReport, head: tuple[str, str]) -> None:
    unknown = report.analysis.unknown
    reported = REPORTED_BY in unknown  # member reports included: who reported each row
    columns: list[Column] = [
        (_("Angebot"), 30, False),
        (_("Träger"), 22, False),
        (_("Art"), 14, False),
        (_("Sozialraum"), 20, False),
        (_("Zielgruppe"), 14, False),
        (_("Jahr"), 7, False),
        (_("Plätze"), 9, False),
        *([(_("gemeldet von"), 20, False)] if reported else []),
    ]
    rows = [
        [o.name, o.provider, o.kind, o.district, o.group, int(o.year), _num(o.places)]
        + ([getattr(o, REPORTED_BY)] if reported else [])
        for o in unknown.itertuples(index=False)
    ]
    table(ws, columns, rows, _("Keine – jedes Angebot liegt in einem Sozialraum der Bedarfsdaten."))
    print_setup(ws, report.institution, _("Nicht gezählte Angebote (Sozialraum unbekannt)"))
