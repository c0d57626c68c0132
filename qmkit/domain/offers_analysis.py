"""Offers against needs, read for a QMB: per district the supply per 1,000 of the target population in one year,
a need indicator beside it, the gap to the middle of the districts ranked, the "Passung" in words, the supply per
offer kind and the change over the years – with filters by offer kind and target group.

Definitions (shown on the page and in the workbook): supply per 1,000 = the places (or participants) of the kept
offers of a district and year ÷ the ``Bevölkerung`` of the same district, year and target group × 1,000; for "all
target groups" the places of all kept offers ÷ the population of all target groups. The middle is the median of
the districts with a population. The gap is the places a district would need to reach that middle. A need is
"hoch" above 1.2 × the median of the indicator, "gering" below 0.8 ×; the supply likewise. Pure pandas, no I/O.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from qmkit.domain.offers import Coverage, coverage, is_population
from qmkit.domain.offers_members import MemberReport
from qmkit.domain.text import number_text
from qmkit.i18n import N_, _

HIGH, LOW = 1.2, 0.8
MEASURES = {"places": N_("Plätze"), "participants": N_("Teilnehmende")}

# (supply level, need level) → (css level, words a QMB understands); need "" = no need indicator chosen
FIT_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    ("none", "hoch"): ("kritisch", N_("Hoher Bedarf, keine Angebote – vorrangig nachsteuern")),
    ("none", ""): ("kritisch", N_("Keine Angebote – prüfen, ob hier Bedarf besteht")),
    ("none", "mittel"): ("kritisch", N_("Keine Angebote bei mittlerem Bedarf – nachsteuern")),
    ("none", "gering"): ("pruefen", N_("Keine Angebote, geringer Bedarf – prüfen")),
    ("gering", "hoch"): ("kritisch", N_("Unterversorgt: hoher Bedarf, wenig Angebot – vorrangig nachsteuern")),
    ("gering", "mittel"): ("pruefen", N_("Weniger Angebot als in den meisten Sozialräumen – prüfen")),
    ("gering", ""): ("pruefen", N_("Weniger Angebot als in den meisten Sozialräumen – prüfen")),
    ("gering", "gering"): ("passt", N_("Wenig Angebot bei geringem Bedarf – passt")),
    ("mittel", "hoch"): ("pruefen", N_("Angebot im Mittel, aber hoher Bedarf – eher zu knapp")),
    ("mittel", "mittel"): ("passt", N_("Passt: Angebot und Bedarf im Mittel")),
    ("mittel", ""): ("passt", N_("Angebot im Mittel der Sozialräume")),
    ("mittel", "gering"): ("passt", N_("Passt: genug Angebot bei geringem Bedarf")),
    ("hoch", "hoch"): ("passt", N_("Gut versorgt bei hohem Bedarf – passt")),
    ("hoch", "mittel"): ("ueber", N_("Mehr Angebot als in den meisten Sozialräumen")),
    ("hoch", ""): ("ueber", N_("Mehr Angebot als in den meisten Sozialräumen")),
    ("hoch", "gering"): ("ueber", N_("Viel Angebot bei geringem Bedarf – Umschichten prüfen")),
}
NO_POPULATION = N_("keine Bevölkerung – keine Quote")


@dataclass(frozen=True)
class Filters:
    """What the analysis looks at: offer kinds kept (empty: all), one target group ("": all), a year (None: the
    newest), the need indicator beside the supply ("": the first besides the population) and places or participants."""

    kinds: tuple[str, ...] = ()
    group: str = ""
    year: int | None = None
    indicator: str = ""
    measure: str = "places"


@dataclass(frozen=True)
class DistrictFit:
    district: str
    population: float
    supply: float  # places or participants of the kept offers
    per_1000: float | None  # None: no population
    need: float | None  # the chosen need indicator (None: not in the data)
    gap: float  # places (or participants) missing to reach the middle of the districts; 0 when at or above
    level: str  # kritisch, pruefen, passt, ueber, leer
    text: str  # the Passung in words (German)
    rank: int = 0  # 1 = largest gap


@dataclass(frozen=True)
class Analysis:
    filters: Filters
    year: int | None
    years: tuple[int, ...]
    groups: tuple[str, ...]
    kinds: tuple[str, ...]
    indicators: tuple[str, ...]  # need indicators besides the population, in the order of the file
    indicator: str  # the one beside the supply ("" when there is none)
    median: float | None  # median supply per 1,000 of the districts with a population
    districts: tuple[DistrictFit, ...]  # ranked: largest gap first
    trend: pd.DataFrame  # district × year: supply per 1,000 (kinds and group filtered), with a row "Gesamt"
    by_kind: pd.DataFrame  # district × offer kind: supply per 1,000 in the year
    needs_table: pd.DataFrame  # district × indicator: the values in the year (and group)
    counted: int  # offer rows counted in the year after the filters
    unknown: pd.DataFrame  # offers in districts the needs data lacks
    needs_rows: pd.DataFrame = field(repr=False)
    offers_rows: pd.DataFrame = field(repr=False)

    @cached_property
    def found(self) -> Coverage:
        """Unfiltered: per district, target group and year (as the CSV); computed when asked for."""
        return coverage(self.needs_rows, self.offers_rows)

    @property
    def measure_label(self) -> str:
        return _(MEASURES[self.filters.measure])


def figure(value: float | None, digits: int = 1) -> str:
    """A number as a German reader writes it (1.234,5); "–" for none."""
    return number_text(value, digits) or "–"


def filters_text(found: Analysis) -> str:
    """The selection in words: year, target group, offer kinds and what is counted."""
    kinds = ", ".join(found.filters.kinds) if found.filters.kinds else _("alle")
    return _("Jahr {year}; Zielgruppe: {group}; Angebotsarten: {kinds}; gezählt: {measure}").format(
        year=found.year or "–", group=found.filters.group or _("alle"), kinds=kinds, measure=found.measure_label
    )


def _level(value: float, middle: float | None) -> str:
    if middle is None or middle <= 0:
        return "mittel" if value > 0 else "none"
    if value <= 0:
        return "none"
    ratio = value / middle
    return "hoch" if ratio > HIGH else "gering" if ratio < LOW else "mittel"


def _need_level(value: float | None, middle: float | None) -> str:
    if value is None or middle is None or middle == 0 or math.isnan(value):
        return ""
    ratio = value / middle
    return "hoch" if ratio > HIGH else "gering" if ratio < LOW else "mittel"


def _per_1000(supply: pd.Series, population: pd.Series) -> pd.Series:
    return supply / population.where(population > 0) * 1000


def _kept(offers: pd.DataFrame, filters: Filters, districts: set[str]) -> pd.DataFrame:
    kept = offers[offers["district"].isin(districts)]
    if filters.kinds:
        kept = kept[kept["kind"].isin(filters.kinds)]
    if filters.group:
        kept = kept[kept["group"] == filters.group]
    return kept


def _population(needs: pd.DataFrame, group: str) -> pd.DataFrame:
    pop = needs[is_population(needs["indicator"])]
    if group:
        pop = pop[pop["group"] == group]
    return pop.groupby(["district", "year"], as_index=False)["value"].sum().rename(columns={"value": "population"})


def _need_values(needs: pd.DataFrame, group: str, year: int | None) -> pd.DataFrame:
    """District × indicator in the year: the group's value (else the district's own, group ""), or for all groups
    the district's own value where there is one, else the mean over the groups."""
    rows = needs[~is_population(needs["indicator"]) & (needs["year"] == year)]
    whole = rows[rows["group"] == ""]
    pairs = whole.set_index(["district", "indicator"]).index
    if group:  # the group's own value, else the district's
        own = rows[rows["group"] == group]
        rows = pd.concat([own, whole[~pairs.isin(own.set_index(["district", "indicator"]).index)]])
    elif not whole.empty:  # the district's own value, else the mean over the groups
        rows = pd.concat([whole, rows[~rows.set_index(["district", "indicator"]).index.isin(pairs)]])
    if rows.empty:
        return pd.DataFrame()
    return rows.pivot_table(index="district", columns="indicator", values="value", aggfunc="mean")


def analyse(needs: pd.DataFrame, offers: pd.DataFrame, filters: Filters | None = None) -> Analysis:
    """The analysis of the stored needs and offers under ``filters``."""
    filters = filters or Filters()
    measure = filters.measure if filters.measure in MEASURES else "places"
    known = set(needs["district"])
    years = tuple(sorted(set(needs["year"]) | set(offers["year"])))
    year = filters.year if filters.year in years else (years[-1] if years else None)
    indicators = tuple(str(i) for i in needs.loc[~is_population(needs["indicator"]), "indicator"].unique())
    indicator = filters.indicator if filters.indicator in indicators else (indicators[0] if indicators else "")
    kept = _kept(offers, filters, known)
    pop = _population(needs, filters.group)
    supply = kept.groupby(["district", "year"], as_index=False)[measure].sum().rename(columns={measure: "supply"})
    grid = pd.MultiIndex.from_product([sorted(known), list(years)], names=["district", "year"]).to_frame(index=False)
    table = grid.merge(pop, how="left").merge(supply, how="left").fillna({"population": 0.0, "supply": 0.0})
    table["per_1000"] = _per_1000(table["supply"], table["population"])
    trend = table.pivot(index="district", columns="year", values="per_1000")
    totals = table.groupby("year")[["supply", "population"]].sum()
    trend.loc[_("Gesamt")] = _per_1000(totals["supply"], totals["population"])
    now = table[table["year"] == year].set_index("district")
    needs_table = _need_values(needs, filters.group, year)
    median = now["per_1000"].dropna().median() if now["per_1000"].notna().any() else None
    need_col = needs_table[indicator] if indicator and indicator in needs_table else pd.Series(dtype=float)
    need_median = need_col.dropna().median() if need_col.notna().any() else None
    fits = []
    for district, row in now.iterrows():
        need = need_col.get(district)
        need = None if need is None or pd.isna(need) else float(need)
        fits.append(_fit(str(district), row, need, median, need_median))
    ranked = sorted(fits, key=lambda f: (-f.gap, f.level != "kritisch", -(f.need or 0.0), f.district))
    in_year = kept[kept["year"] == year]
    by_kind = in_year.pivot_table(index="district", columns="kind", values=measure, aggfunc="sum", fill_value=0.0)
    by_kind = by_kind.reindex(sorted(known), fill_value=0.0)
    by_kind = by_kind.div(now["population"].where(now["population"] > 0), axis=0) * 1000
    return Analysis(
        filters,
        year,
        years,
        tuple(sorted({g for g in needs["group"] if g} | {g for g in offers["group"] if g})),
        tuple(sorted({k for k in offers["kind"] if k})),
        indicators,
        indicator,
        None if median is None or pd.isna(median) else float(median),
        tuple(DistrictFit(**{**f.__dict__, "rank": n}) for n, f in enumerate(ranked, start=1)),
        trend,
        by_kind,
        needs_table,
        len(in_year),
        offers[~offers["district"].isin(known)].reset_index(drop=True),
        needs,
        offers,
    )


def _fit(
    district: str, row: pd.Series, need: float | None, median: float | None, need_median: float | None
) -> DistrictFit:
    population, supply = float(row["population"]), float(row["supply"])
    if population <= 0:
        return DistrictFit(district, population, supply, None, need, 0.0, "leer", _(NO_POPULATION))
    per_1000 = supply / population * 1000
    gap = float(max(0.0, ((median or 0.0) - per_1000) * population / 1000))
    level, text = FIT_TEXTS[(_level(per_1000, median), _need_level(need, need_median))]
    return DistrictFit(district, population, supply, per_1000, need, gap, level, _(text))


@dataclass(frozen=True)
class AnalysisReport:
    """What the workbook shows: whose analysis, from which loads, under which filters."""

    institution: str
    cycle: str
    catalog: str
    needs_source: str  # the load's title (file, date, who)
    offers_source: str
    analysis: Analysis
    members: tuple[MemberReport, ...] = ()  # the member reports included (a municipality's network)
