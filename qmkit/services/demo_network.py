"""A demo network to look around (``qmkit demo --network N --catalog ID``): "Demo-Verbund" with N institutions,
each with two self-evaluations (last round and this one), varied and realistic ratings, contributed to two rounds.

Institutions differ in how far they are; most improve from one round to the next, a few slip back; some agreed
to be named. Everything goes through the services, as a QMB and a coordinator would do it.
"""

from __future__ import annotations

import random
from datetime import date

from qmkit.domain.catalog import Catalog, CatalogSet, Requirement
from qmkit.domain.network import MemberKind, Network, NetworkKind
from qmkit.errors import InputError, NotFoundError
from qmkit.i18n import _
from qmkit.services.access import Access
from qmkit.services.demo_dialogues import add_demo_dialogues
from qmkit.services.demo_inspections import add_demo_inspections
from qmkit.services.demo_meetings import add_demo_meetings
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.networks import NetworkService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store

DEMO_NETWORK = "Demo-Verbund"
MAX_DEMO_MEMBERS = 200

KIND_OF_CATALOG = {"qmf": NetworkKind.REGION, "dkbm": NetworkKind.KOMMUNE}
MEMBER_KINDS = {
    NetworkKind.VERBUND: [MemberKind.TRAEGER, MemberKind.BERATUNG, MemberKind.TRAEGER, MemberKind.VHS],
    NetworkKind.REGION: [MemberKind.TRAEGER, MemberKind.TRAEGER, MemberKind.JUGENDAMT, MemberKind.BERATUNG],
    NetworkKind.KOMMUNE: [MemberKind.SCHULE, MemberKind.VHS, MemberKind.KITA, MemberKind.BILDUNGSBUERO],
}
NAMES = {
    MemberKind.TRAEGER: "Jugendhilfe",
    MemberKind.BERATUNG: "Beratungsstelle",
    MemberKind.VHS: "Volkshochschule",
    MemberKind.JUGENDAMT: "Jugendamt",
    MemberKind.SCHULE: "Grundschule",
    MemberKind.KITA: "Kita",
    MemberKind.BILDUNGSBUERO: "Bildungsbüro",
}
PLACES = [
    "Nordstadt", "Am Markt", "Lindenhof", "Talaue", "Weststadt", "Bergheim", "Seefeld", "Kreuzberg", "Altstadt",
    "Rosenau", "Eichwald", "Mühlbach", "Sonnenhang", "Hafen", "Kirchdorf", "Brückenau", "Wiesental", "Schlossberg",
]  # fmt: skip


def _rating(rng: random.Random, catalog: Catalog, req: Requirement, maturity: float) -> str | None:
    """A value of the requirement's scale: better values the further the institution is (and the easier the
    requirement: ``maturity`` already holds the requirement's difficulty)."""
    values = catalog.scale_for(req)
    usable = [v.value for v in values if not v.not_applicable]
    na = [v.value for v in values if v.not_applicable]
    if na and rng.random() < 0.04:
        return na[0]
    if rng.random() < 0.06:
        return None  # not rated yet
    position = (1 - maturity) * (len(usable) - 1) + rng.gauss(0, 0.45)
    return usable[min(len(usable) - 1, max(0, round(position)))]


def _round_names(catalog: Catalog) -> list[tuple[str, date, date]]:
    year = date.today().year
    if catalog.id == "qmf":
        return [
            (f"Runde {year - 5}–{year - 3}", date(year - 5, 1, 1), date(year - 3, 12, 31)),
            (f"Runde {year - 2}–{year}", date(year - 2, 1, 1), date(year, 12, 31)),
        ]
    return [
        (f"Runde {year - 1}", date(year - 1, 1, 1), date(year - 1, 12, 31)),
        (f"Runde {year}", date(year, 1, 1), date(year, 12, 31)),
    ]


def create_demo_network(store: Store, catalogs: CatalogSet, catalog_id: str, size: int) -> tuple[Network, bool]:
    """Create (or find) the demo network; returns (network, newly_created)."""
    if not 1 <= size <= MAX_DEMO_MEMBERS:
        raise InputError(_("Bitte 1 bis {max} Einrichtungen angeben.").format(max=MAX_DEMO_MEMBERS), "network")
    try:
        return store.networks.find(DEMO_NETWORK), False
    except NotFoundError:
        pass
    catalog = catalogs.get(catalog_id)
    access = Access(store)
    service = NetworkService(store, catalogs, access)
    compare = NetworkComparison(service)
    kind = KIND_OF_CATALOG.get(catalog.id, NetworkKind.VERBUND)
    network = service.create(
        {
            "name": DEMO_NETWORK,
            "kind": kind.value,
            "catalog_id": catalog.id,
            "description": "Ein erfundenes Netzwerk zum Ausprobieren: Vergleich, Runden, Treffen, Vereinbarungen"
            + (", Qualitätsdialoge." if kind == NetworkKind.REGION else "."),
        }
    )
    rounds = [service.add_round(network.id, {"name": n, "starts": s, "ends": e}) for n, s, e in _round_names(catalog)]
    service.add_agreement(
        network.id,
        {
            "text": "Wir vergleichen uns einmal je Runde anonym; Namen nur mit Zustimmung.",
            "agreed_on": rounds[0].starts,
        },
    )
    rng = random.Random(f"{catalog.id}-{size}")  # noqa: S311 (demo data, not a secret)
    requirements = catalog.requirements()
    difficulty = {r.id: rng.uniform(-0.3, 0.3) for r in requirements}
    for i in range(size):
        member_kind = MEMBER_KINDS[kind][i % len(MEMBER_KINDS[kind])]
        name = f"{NAMES.get(member_kind, 'Einrichtung')} {PLACES[i % len(PLACES)]}"
        name = name if i < len(PLACES) else f"{name} {i // len(PLACES) + 1}"
        try:
            institution = store.institutions.find(name)
        except NotFoundError:
            institution = store.institutions.create(name)
        member = service.invite(network.id, {"kind": member_kind.value}, institution.id)
        service.accept(member.id)
        if i % 3 == 0:
            service.set_named(member.id, True)
        maturity = rng.uniform(0.1, 0.85)
        for round_ in rounds:
            cycle = store.cycles.create(institution.id, f"Selbstbewertung {round_.name}", catalog)
            ratings = {
                r.id: v
                for r in requirements
                if (v := _rating(rng, catalog, r, min(1.0, max(0.0, maturity - difficulty[r.id])))) is not None
            }
            SelfEvaluation(store, cycle, catalog, access).rate_all(ratings, "Demo")
            compare.contribute(member.id, round_.id, cycle.id)
            maturity = min(0.95, max(0.05, maturity + rng.uniform(-0.05, 0.2)))
    add_demo_meetings(service, network)
    add_demo_inspections(service, network)
    add_demo_dialogues(service, network)
    return store.networks.get(network.id), True
