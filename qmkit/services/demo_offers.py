"""The demo municipality's data (catalogs with ``offers_needs: true``, e.g. DKBM): ten districts, six years, a
dozen indicators and 300 offers, made up but plausible and the same on every run – loaded through the same
checks as a real file, so a newcomer sees the analysis at once.

The story in the figures: the districts with the highest SGB-II rate (Bahnhofsviertel, Nordstadt, Am Hafen) have
fewer offers per 1,000 than the rest; Schlossberg has many offers and little need; Neue Heide, a new housing area,
grows faster than its offers, so its supply falls over the years. Four education institutions of the town are
members of its network "Bildungsnetzwerk Musterstadt" (kind Kommune) and reported offers of their own, mostly in
the districts of high need (one in "Hafenkante", a district the monitoring does not know: listed, not counted);
the kita did not agree to be named.
"""

from __future__ import annotations

import random

from qmkit.domain.catalog import CatalogSet
from qmkit.errors import NotFoundError
from qmkit.i18n import _
from qmkit.services.networks import NetworkService
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.selfeval import SelfEvaluation

SEED = 17
YEARS = tuple(range(2020, 2026))
# district, need (0 = little, 1 = much), population in 2020 (whole district), growth per year
DISTRICTS: tuple[tuple[str, float, int, float], ...] = (
    ("Altstadt", 0.35, 9_800, 0.00),
    ("Nordstadt", 0.85, 14_200, 0.01),
    ("Südviertel", 0.30, 11_500, 0.00),
    ("Weststadt", 0.45, 12_900, 0.005),
    ("Oststadt", 0.55, 10_400, 0.00),
    ("Am Hafen", 0.80, 7_600, 0.01),
    ("Gartenstadt", 0.20, 8_900, -0.005),
    ("Bahnhofsviertel", 0.95, 6_300, 0.015),
    ("Schlossberg", 0.10, 7_100, 0.00),
    ("Neue Heide", 0.50, 3_200, 0.12),
)
GROUPS = (("0–5 Jahre", 0.06), ("6–10 Jahre", 0.05), ("11–17 Jahre", 0.07), ("Erwachsene", 0.62))
# indicator, value at need 0, value at need 1 (per district and year, the whole district)
INDICATORS = (
    ("SGB-II-Quote (%)", 3.0, 24.0),
    ("Kinder mit Sprachförderbedarf (%)", 8.0, 48.0),
    ("Schulabgänge ohne Abschluss (%)", 2.0, 14.0),
    ("Übergang aufs Gymnasium (%)", 68.0, 22.0),
    ("Alleinerziehende Haushalte (%)", 9.0, 27.0),
    ("Arbeitslosenquote (%)", 2.5, 14.0),
    ("Betreuungsquote unter 3 (%)", 42.0, 21.0),
    ("Erwachsene ohne Berufsabschluss (%)", 6.0, 31.0),
    ("Nutzung der Bibliothek (je 1.000)", 420.0, 150.0),
    ("Anteil Einpersonenhaushalte 65+ (%)", 11.0, 19.0),
    ("Kinder mit Förderbedarf bei der Einschulung (%)", 7.0, 29.0),
)
KINDS = (
    ("Sprachförderung", ("0–5 Jahre", "6–10 Jahre", "Erwachsene")),
    ("Lernförderung", ("6–10 Jahre", "11–17 Jahre")),
    ("Elternbildung", ("0–5 Jahre", "6–10 Jahre")),
    ("Offener Treff", ("11–17 Jahre", "Erwachsene")),
    ("Kurs", ("Erwachsene", "11–17 Jahre")),
    ("Beratung", ("Erwachsene",)),
)
PROVIDERS = (
    "VHS Musterstadt",
    "Familienzentrum Nord",
    "Caritasverband",
    "AWO Kreisverband",
    "Stadtbibliothek",
    "Jugendamt",
    "Musikschule",
    "TSV 1889",
    "Diakonie",
    "Elterninitiative Kita",
)
OFFERS = 300
MEMBER_NETWORK = "Bildungsnetzwerk Musterstadt"
# member institution, its kind in the network, named, the districts of its offers, its offer kinds
MEMBERS: tuple[tuple[str, str, bool, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Grundschule Nordstadt", "schule", True, ("Nordstadt", "Bahnhofsviertel"), ("Lernförderung",)),
    ("Volkshochschule Musterstadt", "vhs", True, ("Am Hafen", "Nordstadt", "Altstadt"), ("Kurs", "Sprachförderung")),
    ("Kita Sonnenblume", "kita", False, ("Bahnhofsviertel", "Neue Heide"), ("Sprachförderung", "Elternbildung")),
    ("Familienzentrum Hafen", "beratung", True, ("Am Hafen", "Hafenkante"), ("Beratung", "Elternbildung")),
)


def _german(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def demo_needs() -> list[list[str]]:
    """The monitoring data in the documented long layout, as a German CSV would give it."""
    rng = random.Random(SEED)  # noqa: S311 (made-up figures, not a secret)
    rows = [["Sozialraum", "Jahr", "Zielgruppe", "Indikator", "Wert"]]
    for district, need, people, growth in DISTRICTS:
        for n, year in enumerate(YEARS):
            total = people * (1 + growth) ** n
            for group, share in GROUPS:
                young = share * (1 + 0.3 * need) if group != "Erwachsene" else share
                rows.append([district, str(year), group, "Bevölkerung", str(round(total * young))])
            for name, low, high in INDICATORS:
                drift = 1 - 0.02 * n if high > low else 1 + 0.01 * n  # slowly better over the years
                value = (low + (high - low) * need) * drift * rng.uniform(0.93, 1.07)
                rows.append([district, str(year), "", name, _german(value)])
    return rows


def demo_offers() -> list[list[str]]:
    """The offers register: 300 offers, each a row per year it ran."""
    rng = random.Random(SEED + 1)  # noqa: S311 (made-up figures, not a secret)
    rows = [["Angebot", "Träger", "Art", "Sozialraum", "Zielgruppe", "Plätze", "Teilnehmende", "Jahr"]]
    weights = [(1.25 - need) * (people / 10_000) ** 0.5 for _d, need, people, _g in DISTRICTS]
    weights[-1] *= 0.6  # Neue Heide: few offers yet
    for n in range(1, OFFERS + 1):
        district = rng.choices(DISTRICTS, weights)[0][0]
        kind, groups = rng.choice(KINDS)
        group = rng.choice(groups)
        provider = rng.choice(PROVIDERS)
        start = rng.choice(YEARS[:-1]) if rng.random() < 0.7 else YEARS[0]
        end = YEARS[-1] if rng.random() < 0.8 else rng.choice([y for y in YEARS if y >= start])
        places = rng.choice((8, 10, 12, 12, 15, 15, 20, 25, 30, 40))
        for year in range(start, end + 1):
            used = round(places * rng.uniform(0.55, 1.0))
            rows.append(
                [f"{kind} {district} {n:03d}", provider, kind, district, group, str(places), str(used), str(year)]
            )
    return rows


def member_offers(seed: int, districts: tuple[str, ...], kinds: tuple[str, ...]) -> list[list[str]]:
    """A member's own offers register: six offers in its districts, in the last two years."""
    rng = random.Random(SEED + 10 + seed)  # noqa: S311 (made-up figures, not a secret)
    groups = dict(KINDS)
    rows = [["Angebot", "Träger", "Art", "Sozialraum", "Zielgruppe", "Plätze", "Teilnehmende", "Jahr"]]
    for n in range(1, 7):
        district, kind = districts[n % len(districts)], kinds[n % len(kinds)]
        places = rng.choice((10, 12, 15, 20, 25))
        for year in YEARS[-2:]:
            used = str(round(places * rng.uniform(0.6, 1.0)))
            row = [f"{kind} {district} M{seed}{n}", "eigenes Angebot", kind, district, rng.choice(groups[kind])]
            rows.append([*row, str(places), used, str(year)])
    return rows


def add_demo_members(data: OffersNeeds) -> None:
    """The town's network with four member institutions that reported their offers (once: kept when it exists)."""
    store, catalog = data.store, data.catalog
    try:
        store.networks.find(MEMBER_NETWORK)
        return
    except NotFoundError:
        pass
    networks = NetworkService(store, CatalogSet(catalogs={catalog.id: catalog}), data.access)
    values = {"name": MEMBER_NETWORK, "kind": "kommune", "catalog_id": catalog.id}
    network = networks.create({**values, "description": "Ein erfundenes Netzwerk: Schulen, VHS und Kitas."})
    own = networks.invite(network.id, {"kind": "bildungsbuero"}, data.institution_id)
    networks.accept(own.id)
    for n, (name, kind, named, districts, kinds) in enumerate(MEMBERS):
        try:
            institution = store.institutions.find(name)
        except NotFoundError:
            institution = store.institutions.create(name)
        cycle = store.cycles.create(institution.id, f"Angebotsmeldung {YEARS[-1]}", catalog)
        member_data = OffersNeeds(SelfEvaluation(store, cycle, catalog, data.access))
        member_data.load("offers", member_offers(n, districts, kinds), f"Angebote_{name.split()[0]}.csv")
        member = networks.invite(network.id, {"kind": kind}, institution.id)
        networks.accept(member.id)
        networks.set_named(member.id, named)


def add_demo_data(data: OffersNeeds) -> None:
    """Load the demo municipality's tables into the cycle (as the QMB would through the page), then its Leitziele
    and two goals that follow the data."""
    data.load("needs", demo_needs(), "Monitoring_Demo.csv")
    data.load("offers", demo_offers(), "Angebotsverzeichnis_Demo.csv")
    add_demo_goals(data)


def add_demo_goals(data: OffersNeeds) -> None:
    """Two Leitziele of the council and a goal with a measure for each, following an indicator from the data."""
    from qmkit.services.goal_data import GoalData
    from qmkit.services.planning import Planning

    user = _("Demo")
    strategy, planning = GoalData(data.evaluation), Planning(data.evaluation)
    goals = (
        (_("Bildungschancen von Anfang an"), _("Mehr Bildungsangebote im Bahnhofsviertel"), "@plaetze",
         "Bahnhofsviertel", "", "40", _("Zweite Sprachkita im Bahnhofsviertel")),
        (_("Kein Abschluss ohne Anschluss"), _("Weniger Schulabgänge ohne Abschluss in der Nordstadt"),
         "Schulabgänge ohne Abschluss (%)", "Nordstadt", "", "8", _("Lernwerkstatt an der Oberschule Nord")),
    )  # fmt: skip
    for leitziel, title, indicator, district, group, target, measure in goals:
        made = strategy.add_strategic_goal(user, title=leitziel)
        goal = planning.add_goal(user, title=title, target=target)
        for field, value in (("strategic_goal_id", made.id), ("data_indicator", indicator),
                             ("data_district", district), ("data_group", group), ("data_year", YEARS[0])):  # fmt: skip
            planning.update_goal(goal.id, field, value, user)
        planning.add_measure(user, title=measure, responsible=_("Bildungsbüro"), goal_id=goal.id)
