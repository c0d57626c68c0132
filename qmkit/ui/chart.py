"""The results chart of a self-evaluation: stacked bars per area as plain HTML (fast, no plotting library)."""

from __future__ import annotations

from ..catalog import Scale
from ..i18n import _
from ..selfeval import Summary
from .common import esc


def summary_chart_html(summary: Summary, scale: Scale) -> str:
    """One stacked bar per area (share of each rating, open in grey) with a legend."""
    rows = []
    for area in summary.areas:
        segments = []
        for value in scale.values:
            n = area.counts.get(value.value, 0)
            if n and area.total:
                pct = 100.0 * n / area.total
                segments.append(
                    f'<span style="width:{pct:.2f}%;background:{value.color}" title="{esc(value.label)}: {n}"></span>'
                )
        rows.append(
            f"<tr><td><b>{esc(area.area_id)}</b></td><td>{esc(area.title)}</td>"
            f'<td style="width:40%"><div class="qm-bar" role="img" aria-label="{esc(area.title)}">'
            f"{''.join(segments)}</div></td>"
            f'<td class="qm-muted">{area.rated}/{area.total}</td></tr>'
        )
    legend = " ".join(
        f'<span style="display:inline-block;width:10px;height:10px;background:{v.color}"></span> {esc(v.label)}'
        for v in scale.values
    )
    legend += ' <span style="display:inline-block;width:10px;height:10px;background:#eaeef2"></span> ' + esc(_("offen"))
    return f'<table class="qm-chart">{"".join(rows)}</table><div class="qm-muted" style="margin-top:4px">{legend}</div>'
