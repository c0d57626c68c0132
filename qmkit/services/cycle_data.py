"""The data a cycle uses (DKBM): per kind the load the cycle keeps, else the institution's newest, and its rows –
read here once for the Angebote-und-Bedarfe page, the goals that follow the data and the plan's exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qmkit.domain.data_loads import DataLoad
from qmkit.domain.goal_data import IndicatorReading, read_indicator, spec_of
from qmkit.domain.planning import Goal
from qmkit.store import Store
from qmkit.store.offers_data import NEED_COLUMNS, OFFER_COLUMNS

if TYPE_CHECKING:
    import pandas as pd


def current_load(store: Store, institution_id: int, cycle_id: int, kind: str) -> DataLoad | None:
    """The load ``cycle_id`` uses for ``kind``: the one it keeps, else the newest (None: nothing loaded)."""
    chosen = store.offers_data.chosen(cycle_id).get(kind)
    loads = [d for d in store.offers_data.loads(institution_id) if d.kind == kind]
    return next((d for d in loads if d.id == chosen), loads[0] if loads else None)


def load_rows(store: Store, need: DataLoad | None, offer: DataLoad | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of the two loads (empty frames where there is none)."""
    import pandas as pd

    needs_rows = store.offers_data.needs(need.id) if need else pd.DataFrame(columns=NEED_COLUMNS)
    offer_rows = store.offers_data.offers(offer.id) if offer else pd.DataFrame(columns=OFFER_COLUMNS)
    return needs_rows, offer_rows


def goal_readings(store: Store, institution_id: int, cycle_id: int, goals: list[Goal]) -> dict[int, IndicatorReading]:
    """Goal id → its indicator read from the cycle's data, for the goals that follow one (nothing read otherwise)."""
    linked = [g for g in goals if spec_of(g) is not None]
    if not linked:
        return {}
    from qmkit.domain.goal_series import indicator_series as series_of  # pandas: only when a goal follows data

    needs_rows, offers = load_rows(
        store,
        current_load(store, institution_id, cycle_id, "needs"),
        current_load(store, institution_id, cycle_id, "offers"),
    )
    out = {}
    for goal in linked:
        spec = spec_of(goal)
        assert spec is not None
        out[goal.id] = read_indicator(series_of(needs_rows, offers, spec), spec, goal.data_year, goal.target)
    return out
