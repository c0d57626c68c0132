"""The values of a goal's indicator over the years, computed from the needs data and the offers register (see
:mod:`qmkit.domain.goal_data` for what an indicator is). Pure pandas, no I/O.
"""

from __future__ import annotations

import math

import pandas as pd

from qmkit.domain.goal_data import SUPPLY, IndicatorSpec
from qmkit.domain.offers import is_population, text_key


def _population(needs: pd.DataFrame, spec: IndicatorSpec) -> pd.DataFrame:
    """Target population per district and year (the group's, or all groups')."""
    pop = needs[is_population(needs["indicator"])]
    if spec.group:
        pop = pop[pop["group"] == spec.group]
    return pop.groupby(["district", "year"])["value"].sum()


def _supply_series(needs: pd.DataFrame, offers: pd.DataFrame, spec: IndicatorSpec) -> dict[int, float]:
    measure = SUPPLY[spec.indicator][0]
    pop = _population(needs, spec)
    kept = offers[offers["district"].isin(set(needs["district"]))]
    if spec.group:
        kept = kept[kept["group"] == spec.group]
    if spec.district:
        pop = pop[pop.index.get_level_values("district") == spec.district]
        kept = kept[kept["district"] == spec.district]
    people = pop.groupby(level="year").sum()
    supply = kept.groupby("year")[measure].sum()
    return {int(y): float(supply.get(y, 0.0)) / float(n) * 1000 for y, n in people.items() if n > 0}


def _need_values(needs: pd.DataFrame, spec: IndicatorSpec) -> pd.Series:
    """The indicator per district and year: the group's value, else the district's own (group ""); for all groups
    the district's own value, else the mean over the groups."""
    rows = needs[(needs["indicator"].map(text_key) == text_key(spec.indicator)) & ~is_population(needs["indicator"])]
    own = rows[rows["group"] == ""].groupby(["district", "year"])["value"].mean()
    if spec.group:
        chosen = rows[rows["group"] == spec.group].groupby(["district", "year"])["value"].mean()
    else:
        chosen = rows[rows["group"] != ""].groupby(["district", "year"])["value"].mean()
    first, second = (chosen, own) if spec.group else (own, chosen)
    return first.combine_first(second) if not first.empty else second


def _need_series(needs: pd.DataFrame, spec: IndicatorSpec) -> dict[int, float]:
    values = _need_values(needs, spec)
    if values.empty:
        return {}
    if spec.district:
        mine = values[values.index.get_level_values("district") == spec.district]
        return {int(y): float(v) for (_d, y), v in mine.items()}
    weights = _population(needs, spec).reindex(values.index)
    out: dict[int, float] = {}
    for year, part in values.groupby(level="year"):
        w = weights.loc[part.index]
        if w.notna().all() and w.sum() > 0:
            out[int(year)] = float((part * w).sum() / w.sum())
        else:
            out[int(year)] = float(part.mean())
    return out


def indicator_series(needs: pd.DataFrame, offers: pd.DataFrame, spec: IndicatorSpec) -> dict[int, float]:
    """Year → the indicator's value in the data (years without a value are left out), oldest first."""
    if needs.empty:
        return {}
    found = _supply_series(needs, offers, spec) if spec.supply else _need_series(needs, spec)
    return {y: v for y, v in sorted(found.items()) if not math.isnan(v)}
