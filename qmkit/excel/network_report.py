"""The network report as a workbook: cover, areas, requirements and the rounds' course, with native charts.

A pure function of the reports (:class:`qmkit.domain.network_comparison.NetworkReport`): figures hidden by the
threshold stay empty cells with the reason beside them; the own column exists only in a member's own copy.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.worksheet.worksheet import Worksheet

from qmkit.domain.network import NETWORK_KIND_LABELS, Network
from qmkit.domain.network_comparison import NetworkReport, Spread
from qmkit.domain.network_files import file_name
from qmkit.excel.style import (
    Column,
    cover,
    fit_rows,
    print_setup,
    sheet_title,
    table,
)
from qmkit.i18n import _


def _hidden(report: NetworkReport, n: int) -> str:
    return _("verborgen: {n} von mindestens {min}").format(n=n, min=report.threshold)


def _cover(ws: Worksheet, network: Network, report: NetworkReport, rounds: int) -> None:
    ws.title = _("Deckblatt")
    own = (
        _("{name} – diese Kopie ist nur für dieses Mitglied bestimmt").format(name=report.own_member)
        if report.own_member
        else _("keine (Gesamtbild, ohne Werte einzelner Mitglieder)")
    )
    lines = [
        (_("Netzwerk"), network.name),
        (_("Art"), _(NETWORK_KIND_LABELS[network.kind])),
        (_("Katalog"), report.catalog.title),
        (_("Runde"), report.round_name),
        (_("Mitglieder"), report.members),
        (_("Beiträge in dieser Runde"), report.contributions),
        (_("Mindestgruppe"), report.threshold),
        (_("Runden im Verlauf"), rounds),
        (_("Eigene Spalte"), own),
        (_("Erstellt am"), date.today().strftime("%d.%m.%Y")),
    ]
    note = _(
        "Werte erscheinen nur, wenn mindestens {min} Mitglieder dahinterstehen; sonst bleibt die Zelle leer. "
        "Werte sind Punkte von 0 (schlechteste Stufe der Skala) bis 100 (beste Stufe); Median und Quartile über "
        "die Mitglieder. Freitexte werden nie zusammengeführt, Namen einzelner Mitglieder erscheinen nicht."
    ).format(min=report.threshold)
    if not report.shown:
        note = (
            _("Zu wenige Beiträge in dieser Runde ({n} von mindestens {min}): keine Verteilung. ").format(
                n=report.contributions, min=report.threshold
            )
            + note
        )
    cover(ws, _("Netzwerkbericht"), lines, note, (network.name, report.round_name))


def _spread_cells(report: NetworkReport, spread: Spread) -> list[object]:
    if not spread.shown:
        return [None, None, None, _hidden(report, spread.n)]
    return [spread.q1, spread.median, spread.q3, ""]


def _areas(wb: Workbook, network: Network, report: NetworkReport, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Bereiche"), taken))
    own = report.own_member is not None
    columns: list[Column] = [
        (_("Bereich"), 10, False),
        (_("Titel"), 40, False),
        (_("Mitglieder"), 11, False),
        (_("unteres Quartil"), 11, False),
        (_("Median"), 10, False),
        (_("oberes Quartil"), 11, False),
        (_("Hinweis"), 26, False),
    ]
    if own:
        columns.append((_("Eigener Wert"), 11, False))
    rows = [
        [a.area_id, a.title, a.spread.n, *_spread_cells(report, a.spread)]
        + ([round(a.own_score, 1) if a.own_score is not None else None] if own else [])
        for a in report.areas
    ]
    last = table(ws, columns, rows, _("Keine Bereiche."))
    for r in range(2, last + 1):
        for c in (4, 5, 6, 8):
            ws.cell(row=r, column=c).number_format = "0.0"
    if report.shown and rows:
        chart = BarChart()
        chart.type = "bar"
        chart.title = _("Median je Bereich (0–100)") + (_(" und eigener Wert") if own else "")
        chart.add_data(Reference(ws, min_col=5, min_row=1, max_row=last), titles_from_data=True)
        if own:
            chart.add_data(Reference(ws, min_col=8, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=2, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = max(7.5, 1.2 * len(rows) + 3), 22
        ws.add_chart(chart, f"B{last + 3}")
    print_setup(ws, network.name, _("Bereiche – {round}").format(round=report.round_name))


def _requirements(wb: Workbook, network: Network, report: NetworkReport, taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Anforderungen"), taken))
    own = report.own_member is not None
    scale = report.catalog.scale.values
    columns: list[Column] = [
        (_("Nr."), 9, False),
        (_("Anforderung"), 38, False),
        (_("Mitglieder"), 11, False),
        *[(v.label, 12, False) for v in scale],
        (_("Median"), 16, False),
        (_("Hinweis"), 24, False),
    ]
    if own:
        columns.append((_("Eigene Bewertung"), 16, False))
    rows = []
    for s in report.requirements:
        shares: list[object] = [(s.counts.get(v.value, 0) / s.n) if s.counts and s.n else None for v in scale]
        note = "" if s.shown else _hidden(report, s.n)
        rows.append(
            [s.requirement_id, s.title, s.n, *shares, s.median_label or None, note] + ([s.own_label] if own else [])
        )
    last = table(ws, columns, rows, _("Keine Anforderungen."))
    for r in range(2, last + 1):
        for c in range(4, 4 + len(scale)):
            ws.cell(row=r, column=c).number_format = "0%"
    if report.shown and rows:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "percentStacked", 100
        chart.title = _("Verteilung über die Mitglieder je Anforderung")
        chart.add_data(Reference(ws, min_col=4, max_col=3 + len(scale), min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        for series, value in zip(chart.series, scale, strict=True):
            series.graphicalProperties.solidFill = value.color.lstrip("#")
            series.graphicalProperties.line.solidFill = value.color.lstrip("#")
        chart.x_axis.scaling.orientation = "maxMin"
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = max(8.0, 0.55 * len(rows) + 3), 22
        ws.add_chart(chart, f"B{last + 3}")
    print_setup(ws, network.name, _("Anforderungen – {round}").format(round=report.round_name))


def _course(wb: Workbook, network: Network, reports: list[NetworkReport], taken: set[str]) -> None:
    ws = wb.create_sheet(sheet_title(_("Verlauf"), taken))
    own = reports[-1].own_member is not None
    columns: list[Column] = [(_("Bereich"), 10, False), (_("Titel"), 36, False)]
    columns += [(_("Median {round}").format(round=r.round_name), 14, False) for r in reports]
    if own:
        columns += [(_("Eigener Wert {round}").format(round=r.round_name), 14, False) for r in reports]
    rows = []
    for i, area in enumerate(reports[0].areas):
        medians = [r.areas[i].spread.median for r in reports]
        mine = [r.areas[i].own_score for r in reports] if own else []
        rows.append([area.area_id, area.title, *medians, *[round(v, 1) if v is not None else None for v in mine]])
    last = table(ws, columns, rows, _("Keine Bereiche."))
    for r in range(2, last + 1):
        for c in range(3, len(columns) + 1):
            ws.cell(row=r, column=c).number_format = "0.0"
    if len(reports) > 1 and rows and any(r.shown for r in reports):
        chart = LineChart()
        chart.title = _("Median je Bereich über die Runden")
        for r in range(2, last + 1):
            chart.add_data(Reference(ws, min_col=3, max_col=2 + len(reports), min_row=r, max_row=r), from_rows=True)
        for series, row in zip(chart.series, rows, strict=True):
            series.tx = SeriesLabel(v=str(row[0]))
        chart.set_categories(Reference(ws, min_col=3, max_col=2 + len(reports), min_row=1, max_row=1))
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 100
        chart.x_axis.delete = chart.y_axis.delete = False
        chart.height, chart.width = 9, 20
        ws.add_chart(chart, f"B{last + 3}")
    fit_rows(ws, 1, 1)
    print_setup(ws, network.name, _("Verlauf"))


def network_report_filename(network: str, round_name: str, member: str | None = None, suffix: str = ".xlsx") -> str:
    """'Netzwerkbericht_<network>_<round>[_<member>].xlsx', safe on every file system."""
    return file_name("Netzwerkbericht", network, round_name, member or "", suffix=suffix)


def network_report_workbook(network: Network, reports: list[NetworkReport]) -> Workbook:
    """The report of the newest of ``reports`` (oldest first) with the course over all of them."""
    if not reports:
        raise ValueError("a network report needs at least one round")
    report = reports[-1]
    wb = Workbook()
    cover = wb.active
    assert cover is not None
    taken = {_("Deckblatt")}
    _cover(cover, network, report, len(reports))
    _areas(wb, network, report, taken)
    _requirements(wb, network, report, taken)
    _course(wb, network, reports, taken)
    return wb
