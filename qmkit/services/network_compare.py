"""Contributions and the anonymous comparison of a network, checked.

A member's QMB contributes a cycle's ratings to a round (a copy: ratings only, no texts, no names of people); a cycle
of another catalog may be contributed when a crosswalk leads to the network's catalog: its ratings are stored as they
are and carried across when the report is made. The report of a round is made from all contributions, with the
network's threshold; the own column is filled only
for a member the person may see, never for the coordinator. No method here returns another member's ratings.
"""

from __future__ import annotations

from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.catalog import Catalog
from qmkit.domain.crosswalk import Crosswalk, translate
from qmkit.domain.model import Cycle
from qmkit.domain.network import Contribution, Member, Network, Round
from qmkit.domain.network_comparison import Further, NetworkReport, compare
from qmkit.domain.network_files import figures_report, with_own
from qmkit.domain.planning import Measure
from qmkit.errors import InputError
from qmkit.i18n import _
from qmkit.services.networks import NetworkService
from qmkit.services.planning import Planning


def ratings_of(catalog: Catalog, answers: dict[str, Any]) -> tuple[dict[str, str], float]:
    """The ratings a contribution carries (requirement id -> scale value of the catalog) and the progress 0–100."""
    requirements = catalog.requirements()
    ratings = {}
    for req in requirements:
        answer = answers.get(req.id)
        value = getattr(answer, "rating", answer)
        if value and any(v.value == value for v in catalog.scale_for(req)):
            ratings[req.id] = str(value)
    progress = 100.0 * len(ratings) / len(requirements) if requirements else 0.0
    return ratings, round(progress, 1)


class NetworkComparison:
    def __init__(self, networks: NetworkService):
        self.networks = networks
        self.store, self.catalogs, self.access = networks.store, networks.catalogs, networks.access

    def catalog(self, network: Network) -> Catalog:
        return self.catalogs.get(network.catalog_id)

    def _round(self, network_id: int, round_id: int) -> Round:
        found = self.store.networks.round(int(round_id))
        if found.network_id != network_id:
            raise InputError(_("Diese Runde gehört nicht zu diesem Netzwerk."), "round")
        return found

    # ------------------------------------------------------------------ contributing

    def contribute(self, member_id: int, round_id: int, cycle_id: int) -> Contribution:
        """The cycle's ratings become the member's contribution to the round (replacing an earlier one)."""
        member = self.networks.require_member(member_id, Right.MANAGE)
        if not member.joined:
            raise InputError(_("Bitte zuerst die Einladung annehmen."), "member")
        network = self.store.networks.get(member.network_id)
        the_round = self._round(network.id, round_id)
        cycle = self.store.cycles.get(int(cycle_id))
        if cycle.institution_id != member.institution_id:
            raise InputError(_("Dieser Zyklus gehört nicht zu „{name}“.").format(name=member.name), "cycle")
        if cycle.catalog_id != network.catalog_id and not self._crosswalk(cycle.catalog_id, network):
            raise InputError(
                _(
                    "Der Zyklus „{cycle}“ arbeitet mit dem Katalog „{have}“, das Netzwerk vergleicht „{want}“, und "
                    "zwischen beiden gibt es keinen Crosswalk. Bitte einen Zyklus mit dem Katalog des Netzwerks "
                    "wählen (oder einen Crosswalk in standards/crosswalks/ anlegen)."
                ).format(cycle=cycle.name, have=cycle.catalog_id, want=network.catalog_id),
                "cycle",
            )
        catalog = self.catalogs.get(cycle.catalog_id)  # its own ratings; the report translates them
        ratings, progress = ratings_of(catalog, self.store.assessments.of_cycle(cycle.id))
        made = Contribution(
            member.id,
            the_round.id,
            catalog.id,
            catalog.version,
            ratings,
            progress,
            cycle.id,
            _("Zyklus „{name}“").format(name=cycle.name)[:300],
        )
        self.store.networks.contribute(made, self.access.who(), replace=True)
        return made

    def own_contributions(self, member_id: int) -> dict[int, Contribution]:
        """Round id -> the member's own contribution (for a person who may see the member's institution)."""
        member = self.networks.require_member(member_id, Right.READ)
        return self.store.networks.contributions_of(member.id)

    def member_cycles(self, member_id: int, crosswalked: bool = False) -> list[Cycle]:
        """The member's cycles with the network's catalog, most recently changed first; with ``crosswalked`` also
        those of catalogs with a crosswalk to it (what can be contributed)."""
        member = self.networks.require_member(member_id, Right.READ)
        network = self.store.networks.get(member.network_id)
        return [
            c
            for c in self.store.cycles.all(member.institution_id)
            if c.catalog_id == network.catalog_id or (crosswalked and self._crosswalk(c.catalog_id, network))
        ]

    def accepts(self, catalog_id: str, network: Network) -> bool:
        """Whether ratings of this catalog count in the network (its own catalog, or one with a crosswalk to it)."""
        return catalog_id == network.catalog_id or self._crosswalk(catalog_id, network) is not None

    def _crosswalk(self, catalog_id: str, network: Network) -> Crosswalk | None:
        """The crosswalk from a loaded catalog to the network's catalog, if there is one."""
        if catalog_id not in self.catalogs.catalogs:
            return None
        return self.catalogs.crosswalk(catalog_id, network.catalog_id)

    def _ratings(self, contribution: Contribution, network: Network) -> dict[str, str] | None:
        """A contribution's ratings in the network's catalog: as given, or carried along the crosswalk (only what
        *gleich* mappings carry – a partial overlap is no comparison); ``None`` when that is not possible."""
        if contribution.catalog_id == network.catalog_id:
            return contribution.ratings
        walk = self._crosswalk(contribution.catalog_id, network)
        if walk is None:
            return None
        source = self.catalogs.get(contribution.catalog_id)
        return translate(walk, source, self.catalog(network), contribution.ratings).ratings(suggestions=False)

    # ------------------------------------------------------------------ the comparison

    def _viewer(self, network_id: int, member_id: int | None) -> Member | None:
        """The member whose own column is filled; the person must be allowed to see that member's institution."""
        if member_id is None:
            self.networks.require_view(network_id)
            return None
        member = self.networks.require_member(int(member_id), Right.READ)
        if member.network_id != network_id:
            raise InputError(_("Dieses Mitglied gehört nicht zu diesem Netzwerk."), "member")
        return member

    def report(self, network_id: int, round_id: int, member_id: int | None = None) -> NetworkReport:
        """The round's anonymous comparison; with ``member_id`` that member's own column (its own copy)."""
        viewer = self._viewer(network_id, member_id)
        network = self.store.networks.get(network_id)
        return self._report(network, self._round(network_id, round_id), viewer, self._joined(network_id))

    def reports(self, network_id: int, member_id: int | None = None) -> list[NetworkReport]:
        """The report of every round, oldest first (the network and its members read once)."""
        viewer = self._viewer(network_id, member_id)
        network = self.store.networks.get(network_id)
        joined = self._joined(network_id)
        return [self._report(network, r, viewer, joined) for r in self.store.networks.rounds(network_id)]

    def _joined(self, network_id: int) -> int:
        return sum(1 for m in self.store.networks.members(network_id) if m.joined)

    def _report(self, network: Network, the_round: Round, viewer: Member | None, joined: int) -> NetworkReport:
        contributions = self.store.networks.contributions(the_round.id)
        usable = {member: self._ratings(c, network) for member, c in contributions.items()}
        catalog = self.catalog(network)
        # a copy on a member's laptop: the coordinator's figures (when they came), the own column added here
        sent = self.store.network_results.of_network(network.id).get(the_round.id) if network.copy else None
        if sent is not None:
            shared = figures_report(catalog, the_round.name, sent[0], _("Netzwerkergebnis"))
            own = usable.get(viewer.id) if viewer else None
            return with_own(shared, own, viewer.name if viewer else "")
        return compare(
            catalog,
            {member: ratings for member, ratings in usable.items() if ratings is not None},
            network.threshold,
            the_round.name,
            joined,
            viewer.id if viewer else None,
            viewer.name if viewer else None,
        )

    def measure_from_further(self, member_id: int, further: Further, cycle_id: int, responsible: str) -> Measure:
        """One click from "others are further" to a planned measure in the member's cycle."""
        member = self.networks.require_member(member_id, Right.EDIT)
        planning = Planning.open(self.store, int(cycle_id), self.catalogs, access=self.access)
        if planning.cycle.institution_id != member.institution_id:
            raise InputError(_("Dieser Zyklus gehört nicht zu „{name}“.").format(name=member.name), "cycle")
        stat = further.stat
        return planning.add_measure(
            "",
            title=_("{id} {title}: von anderen im Netzwerk lernen").format(id=stat.requirement_id, title=stat.title)[
                :200
            ],
            description=_(
                "Aus dem Netzwerkvergleich: die Hälfte der Mitglieder steht bei „{median}“ oder besser, "
                "die eigene Bewertung ist „{own}“."
            ).format(median=stat.median_label, own=stat.own_label),
            requirement_ids=(stat.requirement_id,),
            responsible=responsible,
        )
