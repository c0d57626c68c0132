"""Offers reported by the members of a municipality's network (DKBM), checked: a member institution of the same
installation loads its offers register on its own Angebote-und-Bedarfe page – its newest offers load is its
report; the municipality (an institution that is a joined member of a network of kind ``kommune``) may add the
reports of every other joined member to its analysis when the person coordinates that network.

A member's rows keep their provider and say who reported them: the member's name where it agreed to be named in
the network, else only "Mitglied". Members on their own laptops (no institution here) report nothing this way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from qmkit.domain.access import Right
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.data_loads import DataLoad
from qmkit.domain.network import Member, Network, NetworkKind
from qmkit.domain.offers_members import MemberReport, combine, shown_name
from qmkit.errors import AccessDenied, InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access
from qmkit.services.networks import NetworkService
from qmkit.store import Store


def newest_offers(store: Store, institution_id: int) -> DataLoad | None:
    """The institution's newest load of kind offers (its report to the municipality), None: nothing loaded."""
    return next((d for d in store.offers_data.loads(institution_id) if d.kind == "offers"), None)


@dataclass(frozen=True)
class OwnReport:
    """What a member reports to its municipality: its newest offers load, and the cycle whose Angebote page
    loads one (None: the member has no cycle yet)."""

    load: DataLoad | None
    cycle_id: int | None


def own_report(networks: NetworkService, member_id: int) -> OwnReport:
    """For the member's QMB (reading right in the member's institution): the offers it reports."""
    member = networks.require_member(int(member_id), Right.READ)
    assert member.institution_id is not None  # require_member refuses a member on its own laptop
    cycles = networks.store.cycles.all(member.institution_id)
    return OwnReport(newest_offers(networks.store, member.institution_id), cycles[0].id if cycles else None)


class MemberOffers:
    """The member reports an institution (the municipality) may include, for the person of ``access``."""

    def __init__(self, store: Store, access: Access, institution_id: int):
        self.store, self.access, self.institution_id = store, access, institution_id
        self.networks = NetworkService(store, CatalogSet(), access)  # who coordinates (no catalog needed)
        self._rows: dict[int, pd.DataFrame] = {}  # load id → rows (loads never change)

    def _joined(self) -> dict[int, Member]:
        """Network id → this institution's membership (joined only)."""
        return {m.network_id: m for m in self.store.networks.memberships_of({self.institution_id}) if m.joined}

    def offered(self) -> list[Network]:
        """The municipal networks this institution belongs to whose members' offers this person may include
        (the networks they coordinate)."""
        found = [self.store.networks.get(n) for n in self._joined()]
        return [
            n
            for n in sorted(found, key=lambda n: n.name.casefold())
            if n.kind == NetworkKind.KOMMUNE and not n.copy and self.networks.coordinates(n.id)
        ]

    def require(self, network_id: Any) -> Network:
        """The network, when its members' offers may be included here (else a German refusal)."""
        try:
            network = self.store.networks.get(int(network_id))
        except (TypeError, ValueError):
            raise NotFoundError(_("Dieses Netzwerk gibt es nicht (mehr).")) from None
        if network.kind != NetworkKind.KOMMUNE:
            raise InputError(
                _(
                    "Angebote von Mitgliedern gibt es nur in einem Netzwerk der Art Kommune („{name}“ ist keins)."
                ).format(name=network.name),
                "members",
            )
        if network.id not in self._joined():
            raise InputError(
                _("Diese Einrichtung ist kein Mitglied von „{name}“.").format(name=network.name), "members"
            )
        if not self.networks.coordinates(network.id):
            raise AccessDenied(
                _(
                    "Die Angebote der Mitglieder von „{name}“ beziehen nur die Koordinierenden des Netzwerks ein."
                ).format(name=network.name)
            )
        return network

    def reports(self, network_ids: Sequence[Any]) -> list[tuple[MemberReport, int | None]]:
        """Each joined member institution of the networks (other than this one, each once) with what it reported
        and the id of its newest offers load. Named only where every included membership agreed to be named."""
        chosen = [self.require(n) for n in dict.fromkeys(network_ids)]
        entries: dict[int, list[tuple[Network, Member]]] = {}
        for network in chosen:
            for member in self.store.networks.members(network.id):
                inst = member.institution_id
                if member.joined and inst is not None and inst != self.institution_id:
                    entries.setdefault(inst, []).append((network, member))
        found = []
        for inst, pairs in entries.items():
            network, member = pairs[0]
            named = all(m.named for _n, m in pairs)
            load = newest_offers(self.store, inst)
            report = MemberReport(network.name, shown_name(member.name, named), named, load)
            found.append((report, load.id if load else None))
        return sorted(found, key=lambda r: (not r[0].named, r[0].member.casefold(), r[0].network))

    def combined(
        self, own: pd.DataFrame, own_name: str, network_ids: Sequence[Any]
    ) -> tuple[pd.DataFrame, tuple[MemberReport, ...]]:
        """The municipality's offers with its members' reports added (see :func:`combine`), and the reports."""
        reports = self.reports(network_ids)
        reported = []
        for report, load_id in reports:
            if load_id is not None:
                if load_id not in self._rows:
                    self._rows[load_id] = self.store.offers_data.offers(load_id)
                reported.append((report.member, self._rows[load_id]))
        return combine(own, own_name, reported), tuple(r for r, _id in reports)
