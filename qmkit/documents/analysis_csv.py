"""Offers against needs as CSV: one row per district, target group and year with the population, places,
participants and both per 1,000 (empty where there is no population: "keine Bevölkerung", never a division)."""

from __future__ import annotations

import csv
import io
import math

from qmkit.domain.offers import Coverage
from qmkit.excel.style import csv_safe

COLUMNS = [
    "sozialraum",
    "zielgruppe",
    "jahr",
    "bevoelkerung",
    "plaetze",
    "teilnehmende",
    "plaetze_je_1000",
    "teilnehmende_je_1000",
]


def _figure(value: float) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return f"{value:.1f}" if value % 1 else str(int(value))


def analysis_csv(found: Coverage) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in found.table.itertuples(index=False):
        writer.writerow(
            [
                csv_safe(row.district),
                csv_safe(row.group),
                int(row.year),
                _figure(row.population),
                _figure(row.places),
                _figure(row.participants),
                _figure(row.places_per_1000),
                _figure(row.participants_per_1000),
            ]
        )
    return out.getvalue()
