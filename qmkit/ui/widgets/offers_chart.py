"""The charts of offers against needs, drawn here (no plotting library, nothing from the network): the ranked
districts with a bar each, a heat table district × offer kind, and the supply over the years as an SVG picture."""

from __future__ import annotations

import base64
import math
from xml.sax.saxutils import escape, quoteattr

import pandas as pd

from qmkit.domain.offers_analysis import Analysis, figure
from qmkit.i18n import _
from qmkit.ui.widgets.common import esc, scroll_start

LEVEL_COLORS = {"kritisch": "#f8d7da", "pruefen": "#fff3cd", "passt": "#d4edda", "ueber": "#d6e9f8", "leer": "#eeeeee"}
LINE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22")
MAX_LINES = 9


def fit_table_html(found: Analysis) -> str:
    """The districts ranked by their gap: population, supply, a bar per 1,000, the need indicator, the Passung."""
    top = max((f.per_1000 or 0.0 for f in found.districts), default=0.0) or 1.0
    median = found.median
    marker = f"<span class='qm-median' style='left:{min(100.0, 100 * median / top):.1f}%'></span>" if median else ""
    rows = []
    for f in found.districts:
        width = 100 * (f.per_1000 or 0.0) / top
        bar = (
            f"<div class='qm-supply' role='img' aria-label='{esc(figure(f.per_1000))}'>"
            f"<span style='width:{width:.1f}%'></span>{marker}</div>"
        )
        rows.append(
            f"<tr><td>{f.rank}</td><td><b>{esc(f.district)}</b></td><td class='qm-num'>{figure(f.population, 0)}</td>"
            f"<td class='qm-num'>{figure(f.supply, 0)}</td><td class='qm-num'>{figure(f.per_1000)}</td>"
            f"<td style='width:22%'>{bar}</td><td class='qm-num'>{figure(f.need)}</td>"
            f"<td class='qm-num'>{figure(f.gap, 0) if f.gap else '–'}</td>"
            f"<td style='background:{LEVEL_COLORS.get(f.level, '#fff')}'>{esc(f.text)}</td></tr>"
        )
    head = [
        _("Rang"),
        _("Sozialraum"),
        _("Bevölkerung"),
        found.measure_label,
        _("je 1.000"),
        _("Versorgung (Strich: Mittel)"),
        found.indicator or _("Bedarf"),
        _("Lücke"),
        _("Passung"),
    ]
    return (
        scroll_start(_("Angebote und Bedarfe je Sozialraum"))
        + "<table class='qm-plan qm-offers' id='qm-fit'><thead><tr>"
        + "".join(f"<th>{esc(h)}</th>" for h in head)
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def heat_html(by_kind: pd.DataFrame) -> str:
    """District × offer kind, the supply per 1,000 as a shade of green."""
    if by_kind.empty or not len(by_kind.columns):
        return f"<div class='qm-muted'>{esc(_('Keine Angebote in dieser Auswahl.'))}</div>"
    top = float(by_kind.max().max()) or 1.0
    head = "".join(f"<th>{esc(k or _('ohne Art'))}</th>" for k in by_kind.columns)
    rows = []
    for district, values in by_kind.iterrows():
        cells = []
        for value in values:
            share = 0.0 if pd.isna(value) else float(value) / top
            color = f"rgba(46,125,50,{0.08 + 0.8 * share:.2f})" if share else "#fafafa"
            ink = "#fff" if share > 0.6 else "#1f2328"
            cells.append(f"<td class='qm-num' style='background:{color};color:{ink}'>{figure(value)}</td>")
        rows.append(f"<tr><td><b>{esc(district)}</b></td>{''.join(cells)}</tr>")
    return (
        scroll_start(_("Versorgung je Sozialraum und Jahr"))
        + f"<table class='qm-plan qm-heat' id='qm-heat'><thead><tr><th>{esc(_('Sozialraum'))}"
        f"</th>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
    )


def trend_svg(trend: pd.DataFrame, title: str) -> str:
    """Lines over the years: the total in black, up to nine districts in colour (the table holds all)."""
    years = [int(y) for y in trend.columns]
    width, height, left, right, top, bottom = 760, 300, 50, 190, 30, 30
    values = trend.to_numpy(dtype=float)
    peak = float(pd.Series(values.ravel()).max()) if values.size else 0.0
    peak = peak if peak and not math.isnan(peak) else 1.0

    def x(i: int) -> float:
        return left + (width - left - right) * (i / max(1, len(years) - 1))

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / peak)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-family='sans-serif' "
        f"font-size='11'><title>{escape(title)}</title><rect width='100%' height='100%' fill='white'/>"
    ]
    for step in range(5):
        v = peak * step / 4
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='#e5e5e5'/>")
        parts.append(f"<text x='{left - 6}' y='{y(v) + 4:.1f}' text-anchor='end'>{escape(figure(v, 0))}</text>")
    for i, year in enumerate(years):
        parts.append(f"<text x='{x(i):.1f}' y='{height - 10}' text-anchor='middle'>{year}</text>")
    names = list(trend.index)
    drawn = [names[-1], *names[:-1][:MAX_LINES]]  # "Gesamt" is the last row
    for n, name in enumerate(drawn):
        row = trend.loc[name]
        points = [f"{x(i):.1f},{y(float(v)):.1f}" for i, v in enumerate(row) if not pd.isna(v)]
        color = "#000" if n == 0 else LINE_COLORS[(n - 1) % len(LINE_COLORS)]
        stroke = 3 if n == 0 else 1.6
        label = quoteattr(str(name))
        parts.append(
            f"<polyline fill='none' stroke='{color}' stroke-width='{stroke}' points='{' '.join(points)}'>"
            f"<title>{escape(str(name))}</title></polyline>"
        )
        ly = top + 16 * n
        parts.append(f"<line x1='{width - right + 12}' x2='{width - right + 30}' y1='{ly}' y2='{ly}' stroke='{color}' "
                     f"stroke-width='{stroke}'/><text x='{width - right + 36}' y='{ly + 4}' aria-label={label}>"
                     f"{escape(str(name)[:26])}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)


def trend_html(found: Analysis) -> str:
    """The lines over the years as a picture (an <img> never runs anything inside it)."""
    title = _("{measure} je 1.000 über die Jahre").format(measure=found.measure_label)
    payload = base64.b64encode(trend_svg(found.trend, title).encode("utf-8")).decode("ascii")
    return f"<img id='qm-trend' alt='{esc(title)}' src='data:image/svg+xml;base64,{payload}' style='max-width:100%'>"
