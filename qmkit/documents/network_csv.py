"""The network report as CSV: one row per requirement and scale value, for scripts and for checking the figures.

``mitglieder`` and ``anteil`` are empty where the network's threshold hides the group; ``eigene`` (``ja``) marks
the member's own value and exists only in a member's own copy.
"""

from __future__ import annotations

import csv
import io

from qmkit.domain.network_comparison import NetworkReport
from qmkit.excel.style import csv_safe as _text

COLUMNS = ["runde", "bereich", "anforderung", "titel", "wert", "bezeichnung", "mitglieder", "anteil", "gruppe"]


def network_report_csv(report: NetworkReport) -> str:
    own = report.own_member is not None
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS + (["eigene"] if own else []))
    requirements = {r.id: r for r in report.catalog.requirements()}
    for stat in report.requirements:
        for value in report.catalog.scale_for(requirements[stat.requirement_id]):
            count = stat.counts.get(value.value, 0) if stat.counts is not None else None
            share = f"{count / stat.n:.4f}" if count is not None and stat.n else ""
            row = [
                _text(report.round_name),
                stat.area_id,
                stat.requirement_id,
                _text(stat.title),
                value.value,
                value.label,
                "" if count is None else count,
                share,
                stat.n,
            ]
            writer.writerow(row + (["ja" if stat.own_value == value.value else ""] if own else []))
    return out.getvalue()
