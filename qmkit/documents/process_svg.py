"""The process map drawn as SVG: three swimlanes – Führungsprozesse on top, the Kernprozesse as a chain of chevrons
in the middle, Unterstützungsprozesse at the bottom.

Pure: :class:`~qmkit.domain.process_map.ProcessMapData` in, the SVG text out. Drawn here, with no external font,
script, style sheet or image: every name is XML-escaped text, so a process called ``<script>`` is shown as such.
A process that serves no requirement of the catalog has a dashed outline.
"""

from __future__ import annotations

import re
from datetime import date
from xml.sax.saxutils import escape

from qmkit.domain.process_map import LANE_TITLES, Process, ProcessKind, ProcessMapData
from qmkit.i18n import _

WIDTH = 1120
PAD = 20
BAND = 6  # the lane's coloured edge on the left
TITLE_H = 26  # the lane's title line above its shapes
BOX_W, BOX_H, GAP = 200, 84, 16
CHEVRON_W, NOTCH = 214, 22
LINE_CHARS = 24
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
COLORS = {
    ProcessKind.FUEHRUNG: ("#1F4E79", "#DCE6F2", "#F3F7FB"),
    ProcessKind.KERN: ("#2E7D32", "#E3F1E4", "#F5FAF5"),
    ProcessKind.UNTERSTUETZUNG: ("#6D4C41", "#EFE7E3", "#FAF7F5"),
}  # stroke, shape fill, lane fill
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: str) -> str:
    """Text content or attribute value: characters XML cannot hold removed, markup escaped."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;", "'": "&apos;"})


def _wrap(text: str, chars: int = LINE_CHARS, lines: int = 3) -> list[str]:
    """Break a name at spaces into at most ``lines`` lines of about ``chars`` characters (… when cut)."""
    words, out, line = text.split(), [], ""
    for word in words:
        while len(word) > chars:  # a very long word is cut into pieces
            if line:
                out.append(line)
                line = ""
            out.append(word[: chars - 1] + "-")
            word = word[chars - 1 :]
        if line and len(line) + 1 + len(word) > chars:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: chars - 1].rstrip() + "…"
    return out or [""]


def _label(process: Process, cx: float, top: float, height: float, color: str, chars: int = LINE_CHARS) -> str:
    """The name (bold, up to three lines) and the owner below it, centred on ``cx``."""
    name = _wrap(process.name, chars)
    owner = _wrap(process.owner, chars + 6, 1) if process.owner else []
    count = len(name) + len(owner)
    y = top + height / 2 - (count - 1) * 8 + 5
    parts = []
    for i, line in enumerate(name):
        parts.append(
            f'<text x="{cx:.1f}" y="{y + 16 * i:.1f}" text-anchor="middle" font-weight="bold" '
            f'font-size="13" fill="{color}">{_text(line)}</text>'
        )
    if owner:
        parts.append(
            f'<text x="{cx:.1f}" y="{y + 16 * len(name):.1f}" text-anchor="middle" font-size="11" '
            f'fill="#444444">{_text(owner[0])}</text>'
        )
    return "".join(parts)


def _per_row(kind: ProcessKind) -> int:
    inner = WIDTH - 2 * PAD - BAND - 2 * GAP
    if kind == ProcessKind.KERN:
        return max(1, (inner - NOTCH) // _step(kind))
    return max(1, (inner + GAP) // _step(kind))


def _step(kind: ProcessKind) -> int:
    """From one shape to the next: chevrons interlock (the next one's notch takes the point), boxes have a gap."""
    return CHEVRON_W - NOTCH + 6 if kind == ProcessKind.KERN else BOX_W + GAP


def _lane_height(count: int, kind: ProcessKind) -> int:
    rows = max(1, -(-count // _per_row(kind)))
    return TITLE_H + rows * BOX_H + (rows - 1) * GAP + 2 * GAP


def _box(process: Process, x: float, y: float, idle: bool) -> str:
    stroke, fill, _lane = COLORS[process.kind]
    dash = ' stroke-dasharray="6 4"' if idle else ""
    return (
        f'<g class="qm-process"><title>{_text(process.name)}</title>'
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{BOX_W}" height="{BOX_H}" rx="10" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"{dash}/>' + _label(process, x + BOX_W / 2, y, BOX_H, stroke) + "</g>"
    )


def _chevron(process: Process, x: float, y: float, first: bool, idle: bool) -> str:
    """A chevron; the first of a row has a flat left side, the others a notch that takes the point before."""
    stroke, fill, _lane = COLORS[process.kind]
    w, h, d = CHEVRON_W, BOX_H, NOTCH
    notch = f"{x + d:.1f},{y + h / 2:.1f} " if not first else ""
    points = (
        f"{x:.1f},{y:.1f} {x + w - d:.1f},{y:.1f} {x + w:.1f},{y + h / 2:.1f} "
        f"{x + w - d:.1f},{y + h:.1f} {x:.1f},{y + h:.1f} {notch}"
    ).strip()
    dash = ' stroke-dasharray="6 4"' if idle else ""
    centre = x + w / 2 if not first else x + (w - d / 2) / 2
    return (
        f'<g class="qm-process"><title>{_text(process.name)}</title>'
        f'<polygon points="{points}" fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/>'
        + _label(process, centre, y, h, stroke, LINE_CHARS - 2)
        + "</g>"
    )


def _lane(data: ProcessMapData, kind: ProcessKind, top: int) -> tuple[str, int]:
    """One swimlane from ``top``; returns its SVG and its height."""
    found = data.of_kind(kind)
    chain = kind == ProcessKind.KERN
    step, per_row = _step(kind), _per_row(kind)
    height = _lane_height(len(found), kind)
    stroke, _fill, lane_fill = COLORS[kind]
    title = _(LANE_TITLES[kind])
    parts = [
        f'<g class="qm-lane" id="lane-{kind.value}">',
        f'<rect x="{PAD}" y="{top}" width="{WIDTH - 2 * PAD}" height="{height}" fill="{lane_fill}" '
        f'stroke="{stroke}" stroke-width="1.5"/>',
        f'<rect x="{PAD}" y="{top}" width="{BAND}" height="{height}" fill="{stroke}"/>',
        f'<text x="{PAD + BAND + GAP}" y="{top + 22}" font-size="14" font-weight="bold" '
        f'fill="{stroke}">{_text(title)}</text>',
    ]
    if not found:
        parts.append(
            f'<text x="{PAD + BAND + GAP}" y="{top + TITLE_H + GAP + BOX_H / 2:.1f}" font-size="13" fill="#666666" '
            f'font-style="italic">{_text(_("noch keine Prozesse dieser Art"))}</text>'
        )
    idle = set(data.coverage.idle)
    for i, process in enumerate(found):
        row, col = divmod(i, per_row)
        x = PAD + BAND + GAP + col * step
        y = top + TITLE_H + GAP + row * (BOX_H + GAP)
        parts.append(
            _chevron(process, x, y, col == 0, process.id in idle) if chain else _box(process, x, y, process.id in idle)
        )
    parts.append("</g>")
    return "".join(parts), height


def process_map_svg(data: ProcessMapData, today: date | None = None) -> str:
    """The map as a standalone SVG document (UTF-8)."""
    heading = _("Prozesslandkarte – {institution}").format(institution=data.institution)
    sub = _("{catalog} · Zyklus „{cycle}“ · Stand {day}").format(
        catalog=data.catalog, cycle=data.cycle, day=(today or date.today()).strftime("%d.%m.%Y")
    )
    lanes, y = [], 74
    for kind in ProcessKind:
        svg, height = _lane(data, kind, y)
        lanes.append(svg)
        y += height + 12
    legend = _("gestrichelt: Prozess bedient noch keine Anforderung dieses Katalogs")
    cov = data.coverage
    figures = _("{covered} von {total} Anforderungen bedient").format(covered=cov.covered, total=cov.total)
    total = y + 26
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{total}" viewBox="0 0 {WIDTH} {total}" '
        f'role="img" aria-label="{_text(heading)}" font-family="{_text(FONT)}">'
        f"<title>{_text(heading)}</title>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{total}" fill="#FFFFFF"/>'
        f'<text x="{PAD}" y="34" font-size="20" font-weight="bold" fill="#1F2937">{_text(heading)}</text>'
        f'<text x="{PAD}" y="56" font-size="12" fill="#555555">{_text(sub)}</text>'
        + "".join(lanes)
        + f'<text x="{PAD}" y="{y + 10}" font-size="11" fill="#555555">{_text(figures)} · {_text(legend)}</text>'
        "</svg>\n"
    )
