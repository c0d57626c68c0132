"""Offers against needs as a Word report a Bildungsbüro can hand to the municipal council: a title page (whose data,
which loads, the selection in words), the key points, how the figures are computed, the Passung per district
ranked (rows shaded by level) with a bar chart of the supply per 1,000, the supply per offer kind as a heat table,
the change over the years and the offers not counted.

Pure: :class:`~qmkit.domain.offers_analysis.AnalysisReport` in, a python-docx ``Document`` out (A4 landscape, the
shared look of :mod:`qmkit.documents.word`). Every name from the data is plain text: a district called ``=1+1``
or ``<script>`` prints as those characters. :func:`fit_table` is the key table the Selbstreport also shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor
from docx.table import Table

from qmkit.documents.word import (
    bar_chart,
    heading,
    keep_together,
    legend,
    new_document,
    para,
    shade,
    table,
    title_page,
    today_text,
)
from qmkit.domain.offers_analysis import HIGH, LOW, Analysis, AnalysisReport, figure, filters_text
from qmkit.excel.offers_analysis import LEVEL_FILLS as EXCEL_FILLS
from qmkit.i18n import N_, _

# the fills of the workbook's Passung (and grey for no population); a stronger tone of each for the bars
LEVEL_FILLS = {level: str(fill.fgColor.rgb)[-6:] for level, fill in EXCEL_FILLS.items()} | {"leer": "EEEEEE"}
LEVEL_BARS = {"kritisch": "C0392B", "pruefen": "D4A017", "passt": "3C8D5A", "ueber": "3F7FBF", "leer": "BBBBBB"}
LEVEL_LABELS = {
    "kritisch": N_("vorrangig nachsteuern"),
    "pruefen": N_("prüfen"),
    "passt": N_("passt"),
    "ueber": N_("mehr Angebot als im Mittel"),
    "leer": N_("keine Bevölkerung"),
}
HEAT = (0x2E, 0x7D, 0x32)  # the darkest green of the heat table
WIDE = 25.5  # cm of text on an A4 landscape page
FIT_WIDE = (1.3, 4.2, 2.4, 2.5, 2.8, 3.4, 2.1, 6.8)  # cm; a bold heading "Bevölkerung" at 9 pt needs 2.4
FIT_NARROW = (1.2, 3.4, 2.2, 2.4, 2.0, 5.6)  # portrait (the Selbstreport): without population and places
MAX_COLUMNS = 9  # offer kinds or years side by side; more go into a further table below
MAX_UNKNOWN = 200  # offers not counted listed one by one (the workbook lists all)
TOP = 10  # districts in the Selbstreport's chapter


def offers_report_document(report: AnalysisReport) -> Document:
    """The analysis as a print-ready Word report."""
    found = report.analysis
    doc = new_document(_("Angebote und Bedarfe"), report.institution, landscape=True)
    _title(doc, report)
    _summary(doc, found)
    _method(doc, found)
    heading(doc, _("Passung je Sozialraum ({year})").format(year=found.year or "–"), 1)
    doc.paragraphs[-1].paragraph_format.page_break_before = True
    _lead(doc, _("Sortiert nach der Lücke bis zum Mittel: oben die Sozialräume, denen am meisten fehlt."))
    fit_table(doc, found)
    _chart(doc, found)
    _kinds(doc, found)
    _trend(doc, found)
    _unknown(doc, found)
    return doc


def offers_chapter(doc: Document, report: AnalysisReport, limit: int = TOP) -> None:
    """The chapter of the Selbstreport (portrait): the data versions and the Passung of the first ``limit``
    districts ranked by their gap."""
    found = report.analysis
    heading(doc, _("Angebote und Bedarfe"), 1)
    sources = _("Datenstand: Bedarfsdaten {needs}; Angebotsverzeichnis {offers}. Auswahl: {filters}.")
    text = sources.format(needs=report.needs_source, offers=report.offers_source, filters=filters_text(found))
    para(doc, text, muted=True, size=9)
    median = _("Mittel (Median) der Sozialräume: {v} {m} je 1.000 der Zielbevölkerung.")
    para(doc, median.format(v=figure(found.median), m=found.measure_label))
    fit_table(doc, found, compact=True, limit=limit)
    _level_legend(doc, LEVEL_FILLS)
    if len(found.districts) > limit:
        more = _(
            "Die ersten {n} von {total} Sozialräumen. Die ganze Analyse: Seite „Angebote und Bedarfe“ (Word, Excel)."
        )
        para(doc, more.format(n=limit, total=len(found.districts)), muted=True, size=9)


def _title(doc: Document, report: AnalysisReport) -> None:
    found = report.analysis
    lines = [
        (_("Kommune / Einrichtung"), report.institution),
        (_("Zyklus"), report.cycle),
        (_("Qualitätsmodell"), report.catalog),
        (_("Bedarfsdaten"), report.needs_source),
        (_("Angebotsverzeichnis"), report.offers_source),
        *[(_("Angebote der Mitglieder") if n == 0 else "", m.text) for n, m in enumerate(report.members)],
        (_("Auswahl"), filters_text(found)),
        (_("Bedarfsindikator"), found.indicator or _("keiner geladen")),
        (_("Stand"), today_text()),
    ]
    subtitle = _("Analyse je Sozialraum – {name}").format(name=report.institution)
    note = _("Alle Zahlen gelten für die genannte Auswahl und die genannten Datenstände.")
    title_page(doc, _("Angebote und Bedarfe"), subtitle, lines, note)


def _lead(doc: Document, text: str) -> None:
    """A muted line that introduces the table below it, on the same page."""
    para(doc, text, muted=True, size=9.5).paragraph_format.keep_with_next = True


def _per_1000(value: float | None) -> str:
    return figure(value) if value is not None else _("keine Bevölkerung")


def _names(names: Sequence[str]) -> str:
    return ", ".join(names) if names else _("keine")


def _summary(doc: Document, found: Analysis) -> None:
    heading(doc, _("Auf einen Blick"), 1)
    by_level = {level: [f.district for f in found.districts if f.level == level] for level in LEVEL_LABELS}
    points = [
        _("Mittel (Median) der Sozialräume: {v} {m} je 1.000 der Zielbevölkerung.").format(
            v=figure(found.median), m=found.measure_label
        ),
        _("Vorrangig nachsteuern: {names}.").format(names=_names(by_level["kritisch"])),
        _("Prüfen: {names}.").format(names=_names(by_level["pruefen"])),
        _("Mehr Angebot als in den meisten Sozialräumen: {names}.").format(names=_names(by_level["ueber"])),
    ]
    widest = found.districts[0] if found.districts and found.districts[0].gap > 0 else None
    if widest is not None:
        points.append(
            _("Größte Lücke: {district} – {gap} {m} bis zum Mittel.").format(
                district=widest.district, gap=figure(widest.gap, 0), m=found.measure_label
            )
        )
    if by_level["leer"]:
        points.append(_("Ohne Bevölkerung der Zielgruppe: {names}.").format(names=_names(by_level["leer"])))
    if len(found.unknown):
        points.append(_("Nicht gezählt: {n} Angebote in Sozialräumen ohne Bedarfsdaten.").format(n=len(found.unknown)))
    else:
        points.append(_("Jedes Angebot liegt in einem Sozialraum der Bedarfsdaten – keines bleibt ungezählt."))
    for point in points:
        doc.add_paragraph(style="List Bullet").add_run(point)


def _method(doc: Document, found: Analysis) -> None:
    heading(doc, _("So sind die Zahlen berechnet"), 1)
    m = found.measure_label
    points = [
        _(
            "Versorgung je 1.000 = {m} der Angebote eines Sozialraums im Jahr ÷ Bevölkerung der Zielgruppe im selben "
            "Sozialraum und Jahr × 1.000. Für alle Zielgruppen zusammen: alle Angebote ÷ die Bevölkerung aller "
            "Zielgruppen."
        ).format(m=m),
        _("Mittel = Median der Sozialräume, die eine Bevölkerung haben: {v} je 1.000.").format(v=figure(found.median)),
        _("Lücke = so viele {m} bräuchte ein Sozialraum, um das Mittel zu erreichen.").format(m=m),
        _(
            "Bedarf und Angebot gelten als hoch über dem {hi}-fachen und als gering unter dem {lo}-fachen des "
            "Mittels; daraus folgt die Passung in Worten. Bedarfsindikator: {indicator}."
        ).format(hi=figure(HIGH), lo=figure(LOW), indicator=found.indicator or _("keiner geladen")),
        _("Ein Sozialraum ohne Bevölkerung der Zielgruppe hat keine Quote („keine Bevölkerung“)."),
        _("Angebote in Sozialräumen, die die Bedarfsdaten nicht kennen, werden aufgeführt, aber nicht gezählt."),
        _("Gezählt: {n} Angebotszeilen im Jahr {year}.").format(n=found.counted, year=found.year or "–"),
    ]
    for point in points:
        doc.add_paragraph(style="List Bullet").add_run(point)


def _small_table(grid: Table, size: float, right_from: int = 1, right_to: int | None = None) -> None:
    """Every cell's text at ``size`` pt; numbers (columns ``right_from`` to before ``right_to``) right-aligned."""
    last = len(grid.columns) if right_to is None else right_to
    for row in grid.rows:
        for col, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                if right_from <= col < last:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def fit_table(doc: Document, found: Analysis, *, compact: bool = False, limit: int | None = None) -> Table:
    """The districts ranked by their gap, each row shaded by its Passung. ``compact`` (a portrait page): without the
    population and the places; ``limit``: only the first rows."""
    columns = [
        _("Rang"),
        _("Sozialraum"),
        _("Bevölkerung"),
        found.measure_label,
        _("je 1.000"),
        found.indicator or _("Bedarfsindikator"),
        _("Lücke bis zum Mittel"),
        _("Passung"),
    ]
    shown = found.districts[:limit] if limit else found.districts
    rows = [
        [
            f.rank,
            f.district,
            figure(f.population, 0),
            figure(f.supply, 0),
            _per_1000(f.per_1000),
            figure(f.need),
            figure(f.gap, 0) if f.gap else "–",
            f.text,
        ]
        for f in shown
    ]
    if compact:
        columns[4] = _("{m} je 1.000").format(m=found.measure_label)
    kept = [0, 1, 4, 5, 6, 7] if compact else list(range(len(columns)))
    columns, rows = [columns[i] for i in kept], [[row[i] for i in kept] for row in rows]
    grid = table(doc, columns, rows, FIT_NARROW if compact else FIT_WIDE)
    keep_together(grid)
    for row, fit in zip(grid.rows[1:], shown, strict=True):
        for cell in row.cells:
            shade(cell, LEVEL_FILLS.get(fit.level, "FFFFFF"))
    _small_table(grid, 8.5 if compact else 9, right_from=2, right_to=len(columns) - 1)
    if not shown:
        para(doc, _("Keine Sozialräume in den Bedarfsdaten."), muted=True)
    return grid


def _level_legend(doc: Document, colors: dict[str, str]) -> None:
    legend(doc, [(colors[level], _(label)) for level, label in LEVEL_LABELS.items()])


def _chart(doc: Document, found: Analysis) -> None:
    if not found.districts:
        return
    _level_legend(doc, LEVEL_FILLS)
    heading(doc, _("{m} je 1.000 der Zielbevölkerung im Vergleich").format(m=found.measure_label), 2)
    note = _("Balken in der Reihenfolge der Tabelle; der senkrechte Strich ist das Mittel ({v}).")
    _lead(doc, note.format(v=figure(found.median)))
    rows = [(f.district, f.per_1000, LEVEL_BARS[f.level], _per_1000(f.per_1000)) for f in found.districts]
    bar_chart(doc, rows, marker=found.median, widths_cm=(5.0, 17.5, 3.0))
    _level_legend(doc, LEVEL_BARS)


def _heat_color(share: float) -> str:
    """White to the heat table's dark green."""
    mix = [round(255 + (c - 255) * (0.08 + 0.85 * share)) for c in HEAT]
    return "".join(f"{c:02X}" for c in mix)


def _chunks(labels: list[Any]) -> list[list[Any]]:
    return [labels[i : i + MAX_COLUMNS] for i in range(0, len(labels), MAX_COLUMNS)] or [[]]


def _frame_table(
    doc: Document, frame: pd.DataFrame, labels: list[Any], heads: list[str], heat: bool, signed: Any = None
) -> Table:
    """District × ``labels`` (columns of ``frame``), numbers per 1,000; ``heat``: each cell shaded by its value;
    the column ``signed`` (a change) with its sign."""
    top = float(frame.max().max()) if heat and not frame.empty else 0.0
    top = top if top == top and top > 0 else 1.0  # NaN or nothing: no shade
    width = min(3.4, (WIDE - 5.5) / max(1, len(heads) - 1))
    rows = [
        [str(index), *[(_signed if label == signed else figure)(frame.at[index, label]) for label in labels]]
        for index in frame.index
    ]
    grid = table(doc, heads, rows, [5.5, *[width] * (len(heads) - 1)])
    _small_table(grid, 9)
    keep_together(grid)
    if heat:
        for row, index in zip(grid.rows[1:], frame.index, strict=True):
            for cell, label in zip(row.cells[1:], labels, strict=True):
                value = frame.at[index, label]
                share = 0.0 if pd.isna(value) else max(0.0, float(value)) / top
                shade(cell, _heat_color(share) if share else "FAFAFA")
                if share > 0.6:
                    for run in cell.paragraphs[0].runs:
                        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    return grid


def _kinds(doc: Document, found: Analysis) -> None:
    heading(doc, _("Angebotsarten je 1.000 ({year})").format(year=found.year or "–"), 1)
    by_kind = found.by_kind
    if by_kind.empty or not len(by_kind.columns):
        para(doc, _("Keine Angebote in dieser Auswahl."), muted=True)
        return
    note = _("{m} je 1.000 der Zielbevölkerung nach Art des Angebots; je dunkler, desto mehr Angebot.")
    _lead(doc, note.format(m=found.measure_label))
    for part in _chunks(list(by_kind.columns)):
        heads = [_("Sozialraum"), *[str(k) or _("ohne Art") for k in part]]
        _frame_table(doc, by_kind, part, heads, heat=True)


def _signed(value: Any) -> str:
    text = figure(value)
    return "+" + text if text not in ("–", "0,0") and not text.startswith("-") else text


def _trend(doc: Document, found: Analysis) -> None:
    heading(doc, _("Verlauf über die Jahre"), 1)
    trend = found.trend
    if not len(trend.columns):
        para(doc, _("Keine Jahre."), muted=True)
        return
    note = _("{m} je 1.000 der Zielbevölkerung je Jahr; „Gesamt“: alle Sozialräume zusammen.")
    _lead(doc, note.format(m=found.measure_label))
    frame, labels = trend.copy(), list(trend.columns)
    change = None
    if len(labels) > 1:
        change = _("± seit {year}").format(year=int(labels[0]))
        frame[change] = trend[labels[-1]] - trend[labels[0]]
        labels.append(change)
    for part in _chunks(labels):
        heads = [_("Sozialraum"), *[str(c) for c in part]]
        grid = _frame_table(doc, frame, part, heads, heat=False, signed=change)
        for cell in grid.rows[-1].cells:  # the total
            shade(cell, "E7E6E6")
            for run in cell.paragraphs[0].runs:
                run.bold = True


def _unknown(doc: Document, found: Analysis) -> None:
    unknown = found.unknown
    if not len(unknown):
        return  # said in the summary
    heading(doc, _("Nicht gezählte Angebote"), 1)
    note = _(
        "Diese Angebote liegen in Sozialräumen, die die Bedarfsdaten nicht kennen; sie sind nicht gezählt. Oft ist "
        "es eine andere Schreibweise – dann die Angebotstabelle berichtigen und neu einlesen."
    )
    _lead(doc, note)
    columns = [_("Angebot"), _("Träger"), _("Art"), _("Sozialraum"), _("Zielgruppe"), _("Jahr"), _("Plätze")]
    rows = [
        [o.name, o.provider, o.kind, o.district, o.group, int(o.year), figure(o.places, 0)]
        for o in unknown.head(MAX_UNKNOWN).itertuples(index=False)
    ]
    grid = table(doc, columns, rows, [6.5, 5.0, 3.5, 4.0, 3.0, 1.5, 2.0])
    _small_table(grid, 9, right_from=5)
    if len(unknown) > MAX_UNKNOWN:
        more = _("… und {n} weitere (alle in der Analyse als Excel).").format(n=len(unknown) - MAX_UNKNOWN)
        para(doc, more, muted=True)
