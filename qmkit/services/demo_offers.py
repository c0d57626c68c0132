"""The demo municipality's data (catalogs with ``offers_needs: true``, e.g. DKBM): ten districts, six years, a
dozen indicators and 300 offers, made up but plausible and the same on every run – loaded through the same
checks as a real file, so a newcomer sees the analysis at once.

The story in the figures: the districts with the highest SGB-II rate (Bahnhofsviertel, Nordstadt, Am Hafen) have
fewer offers per 1,000 than the rest; Schlossberg has many offers and little need; Neue Heide, a new housing area,
grows faster than its offers, so its supply falls over the years.
"""

from __future__ import annotations

import random

from qmkit.i18n import _
from qmkit.services.offers_data import OffersNeeds

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
