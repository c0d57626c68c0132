"""Offers reported by the members of a municipality's network (DKBM, network of kind ``kommune``): each joined
member institution's newest offers register joins the municipality's own, every row keeping its provider and
saying who reported it – the member's name, or only "Mitglied" where it did not agree to be named. Offers in
districts the needs data does not know stay listed, not counted (as the municipality's own). Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from qmkit.domain.data_loads import DataLoad
from qmkit.i18n import N_, _

REPORTED_BY = "reported_by"  # the column of the combined offers saying who reported a row
UNNAMED = N_("Mitglied")


def shown_name(name: str, named: bool) -> str:
    """The member's name where it agreed to be named, else only "Mitglied" (the network's naming rule)."""
    return name if named else _(UNNAMED)


@dataclass(frozen=True)
class MemberReport:
    """What one member reported: its offers load (None: nothing yet), shown as the naming rule allows."""

    network: str
    member: str  # the shown name (see :func:`shown_name`)
    named: bool
    load: DataLoad | None

    @property
    def rows(self) -> int:
        return self.load.rows if self.load else 0

    @property
    def text(self) -> str:
        """One line for a cover: a named member's file and date; an unnamed one's rows and date only (its file
        name and the person who loaded it could name it)."""
        if self.load is None:
            return _("{member} ({network}): noch keine Angebote gemeldet").format(
                member=self.member, network=self.network
            )
        if self.named:
            return _("{member} ({network}): {n} Angebotszeilen, {title}").format(
                member=self.member, network=self.network, n=self.rows, title=self.load.title
            )
        return _("{member} ({network}): {n} Angebotszeilen, Stand {day}").format(
            member=self.member, network=self.network, n=self.rows, day=self.load.when
        )


def combine(own: pd.DataFrame, own_name: str, reported: Sequence[tuple[str, pd.DataFrame]]) -> pd.DataFrame:
    """The municipality's offers (``own``, reported by ``own_name``) with each member's rows (shown name, rows),
    in one frame with the column :data:`REPORTED_BY`; providers and every other column as they were."""
    parts = [own.assign(**{REPORTED_BY: own_name})]
    parts += [rows.assign(**{REPORTED_BY: name}) for name, rows in reported]
    filled = [p for p in parts if len(p)]
    if not filled:
        return parts[0]
    combined = pd.concat(filled, ignore_index=True)
    for column in ("places", "participants"):
        combined[column] = combined[column].astype(float)
    combined["year"] = combined["year"].astype(int)
    return combined
