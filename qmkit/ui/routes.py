"""The app's pages in one list: notebook, German label, where they are linked and which function builds them.

The navigation, the start page's links, the page imports of a kernel and :func:`qmkit.ui.app.build_page` all
read :data:`ROUTES`. A route names its builder as ``"module:function"`` under ``qmkit.ui.pages`` rather than
importing it: the pages import this list (for their navigation), so importing them here would close a circle.
Every builder takes a :class:`PageRequest` and returns the page's widget.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from qmkit.errors import InputError
from qmkit.i18n import N_, _

if TYPE_CHECKING:
    import ipywidgets as w

    from qmkit.domain.catalog import Catalog, CatalogSet
    from qmkit.domain.workshop import Workshop
    from qmkit.services.cycles import CycleService
    from qmkit.services.inspections import InspectionService
    from qmkit.services.networks import NetworkService
    from qmkit.services.offers_data import OffersNeeds
    from qmkit.services.people import People
    from qmkit.services.prefill import Prefill
    from qmkit.services.process_map import ProcessMap
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.services.surveys import SurveyService
    from qmkit.services.written import WrittenWork

PAGES_PACKAGE = "qmkit.ui.pages"


@dataclass(frozen=True)
class Route:
    """One page of the app."""

    name: str  # what the notebook passes to ``qmkit.page(name)``; the navigation's ``active``
    notebook: str  # the notebook file that shows the page: the links' target
    label: str  # German label (a message id) in the navigation and on the start page
    builder: str  # "module:function" in qmkit.ui.pages; the function builds the page from a PageRequest
    cycle: bool = True  # works on one cycle: its links carry ``?zyklus=N``
    nav: bool = True  # in the navigation bar at the top of the QMB's pages
    start: int = 0  # place among the start page's links to the chosen cycle (0: not there)
    start_label: str = ""  # the start page's link text when it differs from ``label``
    start_id: str = ""  # element id of the start page's main link (it gets an arrow)
    feature: str = ""  # a catalog switch (e.g. "process_map"): linked only for cycles whose catalog has it on

    @property
    def module(self) -> str:
        return f"{PAGES_PACKAGE}.{self.builder.split(':')[0]}"

    def href(self, cycle_id: int | None) -> str:
        """The link to this page, for the given cycle where the page works on one."""
        return self.notebook if not self.cycle or cycle_id is None else f"{self.notebook}?zyklus={int(cycle_id)}"

    def load(self) -> Callable[[PageRequest], w.VBox]:
        """The builder function (importing its page module)."""
        function = self.builder.split(":")[1]
        builder: Callable[[PageRequest], w.VBox] = getattr(importlib.import_module(self.module), function)
        return builder


ROUTES: tuple[Route, ...] = (
    Route("start", "Start.ipynb", N_("Start"), "start:build", cycle=False),
    Route(
        "selbstbewertung",
        "Selbstbewertung.ipynb",
        N_("Selbstbewertung"),
        "selfeval:build",
        start=1,
        start_label=N_("Selbstbewertung öffnen"),
        start_id="qm-open-selfeval",
    ),
    Route("einlesen", "Einlesen.ipynb", N_("Excel einlesen"), "checklist_import:build", start=9),
    Route("planung", "Qualitaetsplanung.ipynb", N_("Qualitätsplanung"), "planning:build", start=2),
    Route("review", "PDCA_Review.ipynb", N_("PDCA-Review"), "review:build", start=3),
    Route("workshop", "Workshop.ipynb", N_("Workshop"), "workshop:build", start=4),
    Route("nachweise", "Nachweise.ipynb", N_("Nachweise"), "evidence:build", start=5),
    Route("einreichung", "Einreichung.ipynb", N_("Einreichung"), "submission:build", start=6),
    Route("rueckmeldung", "Rueckmeldung.ipynb", N_("Rückmeldung"), "feedback:build", start=7),
    Route("fristen", "Fristen.ipynb", N_("Fristen"), "timeline:build", start=8),
    Route("katalog", "Katalog.ipynb", N_("Katalog einlesen"), "catalog_import:build", cycle=False, nav=False),
    Route("zugaenge", "Zugaenge.ipynb", N_("Zugänge"), "members:build", nav=False, start=10),
    Route("netzwerk", "Netzwerk.ipynb", N_("Netzwerk"), "network:build", cycle=False, nav=False, start=11),
    Route("befragung", "Befragung.ipynb", N_("Befragung"), "survey:build", nav=False, start=12),
    Route("begehung", "Begehung.ipynb", N_("Begehungen"), "inspection:build", cycle=False, nav=False, start=13),
    Route(
        "prozesse",
        "Prozesslandkarte.ipynb",
        N_("Prozesslandkarte"),
        "process_map:build",
        nav=False,
        start=14,
        feature="process_map",
    ),
    Route(
        "audit",
        "Internes_Audit.ipynb",
        N_("Internes Audit"),
        "audit:build",
        nav=False,
        start=15,
        feature="internal_audit",
    ),
    Route(
        "daten",
        "Angebote_Bedarfe.ipynb",
        N_("Angebote und Bedarfe"),
        "offers_needs:build",
        nav=False,
        start=16,
        feature="offers_needs",
    ),
)
# Workshop participants and survey respondents have no route: the participant server answers them with its own
# request handlers (qmkit.server.workshop_pages, qmkit.server.survey_pages), without a kernel.
BY_NAME = {route.name: route for route in ROUTES}


def route(name: str) -> Route:
    """The route of a page name; a German error for a name that is no page."""
    found = BY_NAME.get(name)
    if found is None:
        raise InputError(_("Diese Seite gibt es nicht: {name}").format(name=html.escape(name, quote=True)))
    return found


def nav_routes() -> list[Route]:
    return [r for r in ROUTES if r.nav]


def start_routes(catalog: Catalog | None = None) -> list[Route]:
    """The start page's links, in their order; for a cycle of ``catalog`` without those switched off there."""
    return sorted(
        (r for r in ROUTES if r.start and (catalog is None or not r.feature or getattr(catalog, r.feature, False))),
        key=lambda r: r.start,
    )


class NoCycle(Exception):
    """A cycle's page was asked for before there is any cycle (the app shows a German hint instead)."""


class Services(Protocol):
    """What a builder may open; the composition root (:mod:`qmkit.ui.app`) implements it on the store."""

    def cycles(self) -> CycleService: ...

    def evaluation(self, cycle_id: int) -> SelfEvaluation: ...

    def facilitator_workshop(self, token: str | None) -> Workshop: ...

    def people(self) -> People: ...

    def networks(self) -> NetworkService: ...

    def prefill(self, evaluation: SelfEvaluation) -> Prefill: ...

    def surveys(self) -> SurveyService: ...

    def inspections(self) -> InspectionService: ...

    def written(self) -> WrittenWork: ...

    def process_map(self, cycle_id: int) -> ProcessMap: ...

    def offers_needs(self, cycle_id: int) -> OffersNeeds: ...


@dataclass(frozen=True)
class PageRequest:
    """A page's query string, the catalogs and the services it is built with."""

    query: dict[str, str]
    catalogs: CatalogSet
    services: Services
    live: bool = False  # start the facilitator's live view updates (in a kernel; the tests refresh instead)

    def evaluation(self) -> SelfEvaluation:
        """The self-evaluation of the request's cycle; :class:`NoCycle` when there is none yet."""
        cycle_id = cycle_from_query(self.query, self.services.cycles())
        if cycle_id is None:
            raise NoCycle
        return self.services.evaluation(cycle_id)


def cycle_from_query(query: dict[str, str], cycles: CycleService) -> int | None:
    """The cycle id in ``?zyklus=N`` (checked), else the most recently changed cycle."""
    raw = query.get("zyklus")
    if raw is not None:
        if not raw.isdigit() or len(raw) > 12:
            raise InputError(_("Die Adresse enthält keine gültige Zyklus-Nummer."), "zyklus")
        return cycles.cycle(int(raw)).id
    latest = cycles.latest()
    return latest.id if latest else None
