"""Offers against needs (DKBM): the education office's monitoring data and offers register, checked, and the supply
per district, target group and year set against the target population.

Documented layout (loads without a mapping): needs in long form with ``Sozialraum, Jahr, Zielgruppe, Indikator,
Wert`` (the indicator ``Bevölkerung`` is the target population); offers with ``Angebot, Träger, Art, Sozialraum,
Zielgruppe, Plätze, Teilnehmende, Jahr``. Supply per 1,000 = the places (or participants) of the offers of a
district, target group and year ÷ the ``Bevölkerung`` of the same × 1,000. A table is taken whole or not at all:
every problem is listed with its row, nothing is half-read. Pure functions over rows and pandas frames; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from qmkit.domain.text import parse_number as number
from qmkit.errors import InputError
from qmkit.i18n import _

POPULATION = "Bevölkerung"
NEEDS = {"district": "Sozialraum", "year": "Jahr", "group": "Zielgruppe", "indicator": "Indikator", "value": "Wert"}
OFFERS = {
    "name": "Angebot",
    "provider": "Träger",
    "kind": "Art",
    "district": "Sozialraum",
    "group": "Zielgruppe",
    "places": "Plätze",
    "participants": "Teilnehmende",
    "year": "Jahr",
}
WIDE_FIXED = ("district", "year", "group")  # the columns of a wide needs table that are not indicators
MAX_SHOWN = 12
MAX_TEXT = 200  # a district, target group, indicator, offer, provider or kind: one line of at most this many characters


def text_key(text: str) -> str:
    return " ".join(str(text).casefold().split())


def is_population(indicators: pd.Series) -> pd.Series:
    """Which rows are the target population (``Bevölkerung``, case and spaces ignored); each name keyed once."""
    names = {i for i in indicators.unique() if text_key(i) == text_key(POPULATION)}
    return indicators.isin(names)


def find_columns(header: Sequence[str], wanted: Mapping[str, str], mapping: Mapping[str, str] | None = None) -> dict:
    """Field → column index, from the documented headings or a ``mapping`` (field → heading in this file)."""
    names = {**wanted, **(mapping or {})}
    index = {text_key(h): i for i, h in enumerate(header) if str(h).strip()}
    found, missing = {}, []
    for field_name, heading in names.items():
        if text_key(heading) in index:
            found[field_name] = index[text_key(heading)]
        elif field_name in wanted:
            missing.append(heading)
    if missing:
        raise InputError(
            _(
                "Es fehlen die Spalten {names}. Vorhanden: {have}. Bitte die Überschriften anpassen oder eine "
                "Zuordnung angeben."
            ).format(
                names=", ".join(f"„{m}“" for m in missing),
                have=", ".join(f"„{h}“" for h in header if str(h).strip()) or "–",
            ),
            "columns",
        )
    return found


@dataclass
class Problems:
    lines: list[str] = field(default_factory=list)

    def add(self, row: int, text: str) -> None:
        line = _("Zeile {row}: {text}").format(row=row, text=text)
        if not self.lines or self.lines[-1] != line:  # a wide row's year is checked once per indicator
            self.lines.append(line)

    def raise_any(self, what: str) -> None:
        if not self.lines:
            return
        shown = self.lines[:MAX_SHOWN]
        more = len(self.lines) - len(shown)
        tail = [_("… und {n} weitere.").format(n=more)] if more else []
        raise InputError(
            _("{what}: nichts wurde übernommen.").format(what=what) + "\n" + "\n".join(shown + tail), "rows"
        )


_GERMAN_DAY = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?$")  # also an Excel date cell read as text


def _day_year(text: str) -> int | None:
    """The year of a reporting date (Stichtag) as German Excel or an .xlsx date cell gives it; None if no date."""
    german, iso = _GERMAN_DAY.match(text), _ISO_DAY.match(text)
    parts = (german.group(3), german.group(2), german.group(1)) if german else iso.groups()[:3] if iso else None
    if parts is None:
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2])).year
    except ValueError:
        return None


def _year(text: str, row: int, problems: Problems) -> int | None:
    try:
        day_year = _day_year(text)
        if day_year is not None:
            return _year(str(day_year), row, problems)
        found = number(text)
        if found != int(found):  # 2025,5 is no year
            raise ValueError(text)
        year = int(found)
    except ValueError:
        problems.add(row, _("„{v}“ ist kein Jahr.").format(v=text[:30]))
        return None
    if not 1990 <= year <= 2100:
        problems.add(row, _("Jahr {v} liegt außerhalb 1990–2100.").format(v=year))
        return None
    return year


def _cells(row: Sequence[str], columns: Mapping[str, int]) -> dict[str, str]:
    return {f: (row[i] if i < len(row) else "").strip() for f, i in columns.items()}


def _long_text(
    c: Mapping[str, str], fields: Sequence[str], headings: Mapping[str, str], row: int, problems: Problems
) -> bool:
    """Whether a text cell is longer than :data:`MAX_TEXT` (listed as a problem)."""
    for name in fields:
        if len(c[name]) > MAX_TEXT:
            problems.add(row, _("{col}: höchstens {n} Zeichen.").format(col=headings[name], n=MAX_TEXT))
            return True
    return False


def _need_cells(rows: Sequence[Sequence[str]], mapping: Mapping[str, str] | None) -> Iterator[tuple[int, dict]]:
    """(file row, cells) of the needs table: long form, or wide – a column per indicator besides district, year
    and (optional) target group, recognised by having neither an indicator nor a value column; empty cells of a
    wide table are no values."""
    header, names = rows[0], {**NEEDS, **(mapping or {})}
    keys = {text_key(h) for h in header if str(h).strip()}
    if text_key(names["indicator"]) in keys or text_key(names["value"]) in keys:
        columns = find_columns(header, NEEDS, mapping)
        for n, row in enumerate(rows[1:], start=2):
            yield n, _cells(row, columns)
        return
    fixed = find_columns(header, {k: NEEDS[k] for k in ("district", "year")}, {k: names[k] for k in WIDE_FIXED})
    indicators = [(i, str(h).strip()) for i, h in enumerate(header) if str(h).strip() and i not in fixed.values()]
    if not indicators:
        find_columns(header, NEEDS, mapping)  # says which columns are missing
    for n, row in enumerate(rows[1:], start=2):
        base = {"group": "", **_cells(row, fixed)}
        for i, heading in indicators:
            value = row[i].strip() if i < len(row) else ""
            if value:
                yield n, {**base, "indicator": heading, "value": value}


def needs_frame(rows: Sequence[Sequence[str]], mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The monitoring data as a frame (district, year, group, indicator, value); refused whole when a row is wrong."""
    problems, records, seen = Problems(), [], set()
    for n, c in _need_cells(rows, mapping):
        year = _year(c["year"], n, problems)
        if not c["district"] or not c["indicator"]:
            problems.add(n, _("Sozialraum und Indikator dürfen nicht leer sein."))
            continue
        if _long_text(c, ("district", "group", "indicator"), NEEDS, n, problems):
            continue
        try:
            value = number(c["value"])
        except ValueError:
            problems.add(n, _("„{v}“ ist keine Zahl.").format(v=c["value"][:30]))
            continue
        if value < 0 and text_key(c["indicator"]) == text_key(POPULATION):
            problems.add(n, _("Die Bevölkerung darf nicht negativ sein."))
        key = (c["district"], year, c["group"], c["indicator"])
        if key in seen:
            problems.add(n, _("doppelt: {d}, {y}, {g}, {i}").format(d=key[0], y=key[1], g=key[2] or "–", i=key[3]))
        seen.add(key)
        if year is not None:
            records.append(
                {
                    "district": c["district"],
                    "year": year,
                    "group": c["group"],
                    "indicator": c["indicator"],
                    "value": value,
                }
            )
    problems.raise_any(_("Die Bedarfsdaten enthalten Fehler"))
    return pd.DataFrame.from_records(records, columns=["district", "year", "group", "indicator", "value"])


def offers_frame(rows: Sequence[Sequence[str]], mapping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The offers register as a frame; places and participants whole numbers ≥ 0 (empty = 0)."""
    columns = find_columns(rows[0], OFFERS, mapping)
    problems, records, seen = Problems(), [], set()
    for n, row in enumerate(rows[1:], start=2):
        c = _cells(row, columns)
        year = _year(c["year"], n, problems)
        if not c["name"] or not c["district"]:
            problems.add(n, _("Angebot und Sozialraum dürfen nicht leer sein."))
            continue
        if _long_text(c, ("name", "provider", "kind", "district", "group"), OFFERS, n, problems):
            continue
        key = (text_key(c["name"]), text_key(c["provider"]), text_key(c["district"]), text_key(c["group"]), year)
        if key in seen:
            problems.add(
                n,
                _("doppelt: {a} ({t}), {d}, {g}, {y}").format(
                    a=c["name"], t=c["provider"] or "–", d=c["district"], g=c["group"] or "–", y=year
                ),
            )
        seen.add(key)
        counts = {}
        for name in ("places", "participants"):
            try:
                counts[name] = number(c[name]) if c[name] else 0.0
            except ValueError:
                problems.add(n, _("„{v}“ ist keine Zahl ({col}).").format(v=c[name][:30], col=OFFERS[name]))
                counts[name] = 0.0
            if counts[name] < 0:
                problems.add(n, _("{col} darf nicht negativ sein.").format(col=OFFERS[name]))
        if year is not None:
            records.append(
                {**{k: c[k] for k in ("name", "provider", "kind", "district", "group")}, "year": year, **counts}
            )
    problems.raise_any(_("Das Angebotsverzeichnis enthält Fehler"))
    names = ["name", "provider", "kind", "district", "group", "year", "places", "participants"]
    return pd.DataFrame.from_records(records, columns=names)


@dataclass(frozen=True)
class Coverage:
    """Per district, target group and year: population, places, participants and both per 1,000 (NaN = no
    population); ``unknown`` are offers in districts the needs data does not know (listed, not counted)."""

    table: pd.DataFrame
    unknown: pd.DataFrame


def coverage(needs: pd.DataFrame, offers: pd.DataFrame) -> Coverage:
    population = (
        needs[is_population(needs["indicator"])]
        .groupby(["district", "group", "year"], as_index=False)["value"]
        .sum()
        .rename(columns={"value": "population"})
    )
    known = set(needs["district"])
    inside = offers[offers["district"].isin(known)]
    supply = inside.groupby(["district", "group", "year"], as_index=False)[["places", "participants"]].sum()
    table = population.merge(supply, on=["district", "group", "year"], how="outer")
    table[["places", "participants"]] = table[["places", "participants"]].fillna(0.0)
    with_people = table["population"].where(table["population"] > 0)
    table["places_per_1000"] = table["places"] / with_people * 1000
    table["participants_per_1000"] = table["participants"] / with_people * 1000
    table = table.sort_values(["district", "group", "year"], ignore_index=True)
    return Coverage(table, offers[~offers["district"].isin(known)].reset_index(drop=True))


FIELDS = {"needs": NEEDS, "offers": OFFERS}
