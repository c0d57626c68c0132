"""The shared pieces of qmkit's Word documents (python-docx): one look for every report.

A4 with print margins, Arial (LibreOffice prints it with the metric twin Liberation Sans), German as the document
language, the institution and the document's title in the header, "Seite x von y" in the footer, Word's own
heading styles (so the navigation pane and a table of contents find them), tables with a repeated, shaded header
row whose rows do not break across pages, a title page, and bars drawn as shaded table cells (native, editable,
printed by every program – no picture). Builders return a :class:`docx.document.Document`; saving is
:func:`save_document`, separate from building.

Text a person typed is put in as text: characters that XML cannot carry are dropped, and nothing is ever a field or
a formula (``=HYPERLINK(…)`` stays those characters).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

from docx import Document as new_docx
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell

from qmkit.i18n import _, language

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "Arial"
ACCENT = RGBColor(0x1F, 0x3A, 0x5F)
MUTED = RGBColor(0x59, 0x59, 0x59)
HEAD_FILL = "DCE6F1"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

Row = Sequence[Any]


def _word_language() -> str:
    """The documents' language (spelling and hyphenation in Word): German, or English with ``QMKIT_LANG=en``."""
    return {"de": "de-DE", "en": "en-GB"}.get(language(), language())


def safe(value: Any) -> str:
    """A value as text Word can hold: ``None`` is empty, characters XML forbids are dropped."""
    if value is None:
        return ""
    return _NOT_XML.sub("", str(value))


def new_document(title: str, institution: str, *, landscape: bool = False) -> Document:
    """An empty document with qmkit's page, styles, header and footer."""
    doc = new_docx()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin, section.right_margin = Cm(2.2), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)
    _styles(doc)
    props = doc.core_properties
    props.title, props.author, props.language = safe(title), "qmkit", _word_language()
    props.comments = safe(institution)
    header = section.header.paragraphs[0]
    _small(header.add_run(safe(" · ".join(t for t in (institution, title) if t))))
    footer = section.footer.paragraphs[0]
    # one message, so a translation may order the words around the two numbers (fields Word fills in)
    for part in re.split(r"(\{page\}|\{pages\})", _("Seite {page} von {pages}")):
        if part in ("{page}", "{pages}"):
            _field(footer, "PAGE" if part == "{page}" else "NUMPAGES")
        elif part:
            _small(footer.add_run(part))
    return doc


def _styles(doc: Document) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), _word_language())
    rpr.append(lang)
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, 16), (2, 13), (3, 11)):
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), ACCENT
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(4)
        style.paragraph_format.keep_with_next = True
        _drop_theme_fonts(style.element.get_or_add_rPr())


def _drop_theme_fonts(rpr: Any) -> None:
    """Heading styles name theme fonts (Calibri Light) that win over ``font.name``; qmkit's font instead."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        if attr.endswith("Theme"):
            del fonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), FONT)


def _small(run: Any) -> Any:
    run.font.size, run.font.color.rgb = Pt(8.5), MUTED
    return run


def _field(paragraph: Any, code: str) -> None:
    """A simple field (page number, page count) with a cached value LibreOffice and Word both replace."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {code} ")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "17")
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def heading(doc: Document, text: Any, level: int = 1) -> None:
    doc.add_heading(safe(text), level=level)


def para(doc: Document, text: Any, *, bold: bool = False, muted: bool = False, size: float | None = None) -> Any:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(safe(text))
    run.bold = bold
    if muted:
        run.font.color.rgb = MUTED
    if size:
        run.font.size = Pt(size)
    return paragraph


def page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def title_page(doc: Document, title: str, subtitle: str, lines: Sequence[tuple[str, Any]], note: str = "") -> None:
    """Title, subtitle, a two-column table of facts and a note; then a page break."""
    for _i in range(3):
        doc.add_paragraph()
    para(doc, title, bold=True, size=22).runs[0].font.color.rgb = ACCENT
    if subtitle:
        para(doc, subtitle, size=14)
    doc.add_paragraph()
    table(doc, [], [(label, value) for label, value in lines], [5.5, 11.0], head=False)
    if note:
        doc.add_paragraph()
        para(doc, note, muted=True, size=9)
    page_break(doc)


def table(
    doc: Document, columns: Sequence[str], rows: Sequence[Row], widths_cm: Sequence[float], *, head: bool = True
) -> Table:
    """A bordered table; ``columns`` as a shaded header row repeated on each page; rows never split."""
    grid = doc.add_table(rows=0, cols=len(widths_cm))
    grid.style = doc.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    grid.autofit = False
    if columns:
        cells = grid.add_row().cells
        for cell, text in zip(cells, columns, strict=True):
            cell.paragraphs[0].add_run(safe(text)).bold = True
            shade(cell, HEAD_FILL)
        _row_flag(grid.rows[0], "w:tblHeader")
    for values in rows:
        cells = grid.add_row().cells
        for col, (cell, value) in enumerate(zip(cells, values, strict=True)):
            run = cell.paragraphs[0].add_run(safe(value))
            if not head and col == 0:
                run.bold = True
    _widths(grid, widths_cm)
    for row in grid.rows:
        _row_flag(row, "w:cantSplit")
    doc.add_paragraph()
    return grid


def _widths(grid: Table, widths_cm: Sequence[float]) -> None:
    """Column widths in the table's grid (LibreOffice reads these) and in every cell (Word reads those)."""
    for column, width in zip(grid.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _row_flag(row: Any, flag: str) -> None:
    trpr = row._tr.get_or_add_trPr()
    element = OxmlElement(flag)
    element.set(qn("w:val"), "true")
    trpr.append(element)


def shade(cell: Any, fill: str) -> None:
    """A cell's background colour (hex without #)."""
    tcpr = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill.lstrip("#").upper())
    tcpr.append(shading)


def bar(doc: Document, parts: Sequence[tuple[float, str, str]], width_cm: float = 16.0) -> None:
    """A 100 % stacked bar: ``(share 0–1, colour, label)`` per part, drawn as one row of shaded cells.

    Parts below 1 % are left out (a cell cannot be thinner); the shares are printed where they fit.
    """
    shown = [(share, color, label) for share, color, label in parts if share >= 0.01]
    if not shown:
        return
    total = sum(share for share, _c, _l in shown)
    grid = doc.add_table(rows=1, cols=len(shown))
    grid.autofit = False
    _widths(grid, [max(0.3, width_cm * share / total) for share, _c, _l in shown])
    for cell, (share, color, _label) in zip(grid.rows[0].cells, shown, strict=True):
        shade(cell, color)
        if share >= 0.07:
            run = cell.paragraphs[0].add_run(f"{share:.0%}")
            run.font.size, run.bold = Pt(8), True
    _row_flag(grid.rows[0], "w:cantSplit")


def bar_chart(
    doc: Document,
    rows: Sequence[tuple[Any, float | None, str, Any]],
    *,
    marker: float | None = None,
    widths_cm: tuple[float, float, float] = (5.0, 16.0, 3.0),
    steps: int = 50,
) -> Table:
    """Horizontal bars drawn as shaded table cells: per row ``(label, value, colour, text after the bar)``, each bar
    as long as its value against the largest; ``marker`` draws a dark line at that value (e.g. the median). The bar
    area is a grid of ``steps`` columns (a bar is exact to 1/``steps`` of the largest value); each bar is one cell
    spanning its columns, split only where the marker crosses it, so no seam shows in print."""
    top = max([v for _l, v, _c, _t in rows if v], default=0.0)
    top = max(top, marker or 0.0) or 1.0
    grid = doc.add_table(rows=len(rows), cols=steps + 2)  # at once: far faster than row by row
    grid.autofit = False
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    _table_borders(grid, inside_h="FFFFFF")
    _widths(grid, [widths_cm[0], *[widths_cm[1] / steps] * steps, widths_cm[2]])
    for row, (label, _value, _color, text) in zip(grid.rows, rows, strict=True):
        row.cells[0].paragraphs[0].add_run(safe(label)).font.size = Pt(9)
        _small(row.cells[-1].paragraphs[0].add_run(" " + safe(text))).font.color.rgb = RGBColor(0, 0, 0)
    at = None if marker is None else min(steps - 1, round(steps * marker / top))
    for row, (_label, value, color, _text) in zip(grid.rows, rows, strict=True):
        filled = round(steps * (value or 0.0) / top)
        cuts = sorted({0, filled, steps} | ({at} if at is not None else set()))
        bars = row._tr.tc_lst[1:-1]
        for start, end in pairwise(cuts):
            cell = _Cell(_span(bars[start:end]), grid)
            if start < filled:
                shade(cell, color)
            if start == at:
                _left_line(cell)
        _row_flag(row, "w:cantSplit")
    keep_together(grid)
    doc.add_paragraph()
    return grid


def _span(tcs: Sequence[Any]) -> Any:
    """The first of neighbouring cells spanning them all (width summed); the others leave the row."""
    first = tcs[0]
    if len(tcs) > 1:
        first.width = sum(tc.width for tc in tcs)
        first.grid_span = len(tcs)
        for tc in tcs[1:]:
            tc.getparent().remove(tc)
    return first


def keep_together(grid: Table) -> None:
    """The table on one page where it fits (each row kept with the next; a longer table breaks as usual)."""
    for row in grid.rows[:-1]:
        for cell in row.cells[:1]:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = True


def _table_borders(grid: Table, inside_h: str) -> None:
    """No borders but white lines between the rows (a gap between the bars); no cell padding left and right."""
    tblpr = grid._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single" if edge == "insideH" else "nil")
        if edge == "insideH":
            line.set(qn("w:sz"), "24")
            line.set(qn("w:color"), inside_h)
        borders.append(line)
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption")
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        pad = OxmlElement(f"w:{edge}")
        pad.set(qn("w:w"), "0")
        pad.set(qn("w:type"), "dxa")
        margins.append(pad)
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")


def _left_line(cell: Any) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    line = OxmlElement("w:left")
    for attr, value in (("w:val", "single"), ("w:sz", "18"), ("w:color", "1F1F1F")):
        line.set(qn(attr), value)
    borders.append(line)
    tcpr.insert_element_before(borders, "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:vAlign", "w:hideMark")


def legend(doc: Document, items: Sequence[tuple[str, str]]) -> None:
    """The colours of a bar with their labels, in one line: ■ label."""
    paragraph = doc.add_paragraph()
    for color, label in items:
        square = paragraph.add_run("■ ")
        square.font.color.rgb = RGBColor.from_string(color.lstrip("#").upper())
        _small(paragraph.add_run(safe(label) + "   ")).font.color.rgb = MUTED


def today_text() -> str:
    return date.today().strftime("%d.%m.%Y")


def document_bytes(doc: Document) -> bytes:
    """The .docx file as bytes (for the evidence register or a download)."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def save_document(doc: Document, path: Path | str) -> Path:
    """Save atomically (temporary file, then rename); a German error when the folder cannot be written."""
    from qmkit.excel.style import save_atomic

    return save_atomic(path, doc.save)
