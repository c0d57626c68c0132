"""The results chart of a self-evaluation: stacked bars per area as plain HTML (fast, no plotting library)."""

from __future__ import annotations

from qmkit.domain.catalog import Scale
from qmkit.domain.comparison import Comparison
from qmkit.domain.selfeval import AreaSummary, Summary
from qmkit.i18n import _
from qmkit.ui.widgets.common import esc


def _bar(area: AreaSummary, scale: Scale, label: str) -> str:
    segments = []
    for value in scale.values:
        n = area.counts.get(value.value, 0)
        if n and area.total:
            pct = 100.0 * n / area.total
            segments.append(
                f'<span style="width:{pct:.2f}%;background:{value.color}" title="{esc(value.label)}: {n}"></span>'
            )
    return f'<div class="qm-bar" role="img" aria-label="{esc(label)}">{"".join(segments)}</div>'


def _legend(scale: Scale) -> str:
    legend = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{v.color}"></span> {esc(v.label)}'
        for v in scale.values
    )
    legend += ' <span style="display:inline-block;width:10px;height:10px;background:#eaeef2"></span> ' + esc(_("offen"))
    return f'<div class="qm-muted" style="margin-top:4px">{legend}</div>'


def summary_chart_html(summary: Summary, scale: Scale) -> str:
    """One stacked bar per area (share of each rating, open in grey) with a legend."""
    rows = [
        f"<tr><td><b>{esc(area.area_id)}</b></td><td>{esc(area.title)}</td>"
        f'<td style="width:40%">{_bar(area, scale, area.title)}</td>'
        f'<td class="qm-muted">{area.rated}/{area.total}</td></tr>'
        for area in summary.areas
    ]
    return f'<table class="qm-chart">{"".join(rows)}</table>{_legend(scale)}'


def comparison_chart_html(comparison: Comparison) -> str:
    """Per area one stacked bar per cycle (oldest first) and the share rated as met."""
    scale = comparison.catalog.scale
    rows = []
    for i, area in enumerate(comparison.catalog.areas):
        rows.append(f'<tr><td colspan="3" style="padding-top:8px"><b>{esc(area.id)}</b> {esc(area.title)}</td></tr>')
        for c, (cycle, summary) in enumerate(zip(comparison.cycles, comparison.summaries, strict=True)):
            share = comparison.met_share(c, area.id)
            # "aller", not "der": Babel would take "% d" for a %-placeholder (and refuse any translation without one)
            met = _("{pct:.0f} % aller bewerteten erfüllt")
            text = met.format(pct=share) if share is not None else _("nicht bewertet")
            rows.append(
                f'<tr><td class="qm-muted" style="padding-left:16px">{esc(cycle.name)}</td>'
                f'<td style="width:50%">{_bar(summary.areas[i], scale, f"{area.id} {cycle.name}")}</td>'
                f'<td class="qm-muted">{esc(text)}</td></tr>'
            )
    return f'<table class="qm-chart qm-compare">{"".join(rows)}</table>{_legend(scale)}'
