"""Entry point of the notebooks: ``qmkit.page(name)`` waits for Voilà's request, then builds the page.

Anything that must be fresh (store reads, the query string) happens after the wait, so a preheated kernel
never shows stale data. Every failure becomes a German message on the page.
"""

from __future__ import annotations

import gc
import importlib
import logging
import os
import time
from urllib.parse import parse_qs

import ipywidgets as w

from qmkit.config import data_dir, login_name, private_folder
from qmkit.domain.access import LOCAL, Identity
from qmkit.domain.catalog import CatalogSet
from qmkit.domain.workshop import Workshop
from qmkit.errors import QmkitError
from qmkit.i18n import _
from qmkit.logs import file_handler
from qmkit.services.access import Access
from qmkit.services.cycles import CycleService
from qmkit.services.inspections import InspectionService
from qmkit.services.networks import NetworkService
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.people import People, identify
from qmkit.services.prefill import Prefill
from qmkit.services.process_map import ProcessMap
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.surveys import SurveyService
from qmkit.services.workshop import workshop_for_facilitator
from qmkit.services.written import WrittenWork
from qmkit.store import Store
from qmkit.store.catalogs import discover, fingerprint
from qmkit.ui import routes
from qmkit.ui.widgets.common import Feedback, make, nav_html, page_box, unexpected

log = logging.getLogger("qmkit.ui")


def _setup_logging() -> None:
    """The page kernels write to ``qmkit.log`` in the data folder (rotated by size, see :mod:`qmkit.logs`)."""
    root = logging.getLogger("qmkit")
    if any(isinstance(h, logging.FileHandler) for h in root.handlers):
        return
    try:
        folder = private_folder(data_dir())
        handler = file_handler(folder)
    except OSError:
        return
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def request_query() -> dict[str, str]:
    """The page's query string (after Voilà's wait-for-request point); empty outside Voilà."""
    query = ""
    if os.environ.get("VOILA_PREHEAT") == "True":  # a preheated kernel: the request arrives later
        from voila.utils import get_query_string  # ~1.7 s and 25 MiB: only where it is needed

        query = get_query_string() or ""
    else:  # a kernel started for its request (a page that is not preheated) has it in the environment
        query = os.environ.get("QUERY_STRING", "")
    return {k: v[0] for k, v in parse_qs(query[:2000]).items() if v}


def cycle_from_query(query: dict[str, str], store: Store) -> int | None:
    """The cycle id in ``?zyklus=N`` (checked), else the most recently changed cycle."""
    return routes.cycle_from_query(query, CycleService(store))


class StoreServices:
    """The services a page's builder may open, on this kernel's store, for the person using the page (see
    :class:`qmkit.ui.routes.Services`)."""

    def __init__(self, store: Store, catalogs: CatalogSet, identity: Identity = LOCAL):
        self._store, self._catalogs = store, catalogs
        self._access = Access(store, identity)

    def cycles(self) -> CycleService:
        return CycleService(self._store, self._access)

    def evaluation(self, cycle_id: int) -> SelfEvaluation:
        return SelfEvaluation.open(self._store, cycle_id, self._catalogs, self._access)

    def facilitator_workshop(self, token: str | None) -> Workshop:
        return workshop_for_facilitator(self._store, token)

    def people(self) -> People:
        return People(self._store, self._access)

    def networks(self) -> NetworkService:
        return NetworkService(self._store, self._catalogs, self._access)

    def written(self) -> WrittenWork:
        return WrittenWork(self._store, self._catalogs, self._access)

    def process_map(self, cycle_id: int) -> ProcessMap:
        return ProcessMap.open(self._store, cycle_id, self._catalogs, self._access)

    def offers_needs(self, cycle_id: int) -> OffersNeeds:
        return OffersNeeds.open(self._store, cycle_id, self._catalogs, self._access)

    def inspections(self) -> InspectionService:
        return InspectionService(self.networks())

    def prefill(self, evaluation: SelfEvaluation) -> Prefill:
        """Prefilling ``evaluation``'s cycle from a cycle of another catalog (same person, same store)."""
        return Prefill(evaluation, self._catalogs)

    def surveys(self) -> SurveyService:
        """Surveys with the instruments of the catalog folders (broken files listed, not fatal)."""
        from qmkit.store.instruments import discover_instruments

        found, problems = discover_instruments(self._catalogs.catalogs)
        lines = [line for problem in problems for line in problem.problems]
        return SurveyService(self._store, found, self._access, lines)


def _message_page(active: str, text: str, kind: str = "error") -> w.VBox:
    """A German message below the navigation."""
    feedback = Feedback()
    getattr(feedback, kind)(text)
    return _with_nav(active, feedback)


def _with_nav(active: str, feedback: Feedback) -> w.VBox:
    return page_box(make(w.HTML, nav_html(active, None)), feedback.widget)


def build_page(
    name: str,
    query: dict[str, str],
    store: Store | None = None,
    catalogs: CatalogSet | None = None,
    live: bool = False,
    identity: Identity | None = None,
) -> w.VBox:
    """Build a page by name from the store and catalogs (used by :func:`page` and by the tests).

    ``live`` starts the facilitator's live view updates (in a kernel; the tests call ``refresh`` instead).
    ``identity``: the person (default: who is logged in, see :func:`qmkit.config.login_name`).
    """
    store = store or Store()
    catalogs = catalogs or discover()
    route = routes.route(name)
    if identity is None:
        identity = identify(store, login_name())
    builder = route.load()
    try:
        return builder(routes.PageRequest(query, catalogs, StoreServices(store, catalogs, identity), live))
    except routes.NoCycle:
        return _message_page(
            name,
            _("Es gibt noch keinen Zyklus. Bitte auf der Startseite eine Einrichtung und einen Zyklus anlegen."),
            "info",
        )


def _import_pages(name: str) -> None:
    """Import the page's own module (and what it needs) before Voilà's wait; no other page's (memory per kernel:
    the start page's kernel is 23 MiB lighter without the Excel and upload modules of the other pages)."""
    wanted = routes.BY_NAME.get(name)
    if wanted is not None:
        importlib.import_module(wanted.module)


def page(name: str) -> w.VBox:
    """What a notebook displays: the page, or a German message if it cannot be built."""
    _setup_logging()
    try:
        # Before Voilà's wait-for-request point (a preheated kernel runs this early): imports, catalogs and
        # opening the store. Catalog files are compared again afterwards; store reads all happen after it.
        _import_pages(name)
        marks = fingerprint()
        catalogs = discover()
        store = Store()
        # Modules, catalogs and the engine live as long as the kernel: keep them out of the collector's full
        # passes (each took 50–100 ms; many kernels saving in step all stalled at once).
        gc.freeze()
        query = request_query()
        started = time.perf_counter()
        if fingerprint() != marks:
            catalogs = discover()
        built = build_page(name, query, store, catalogs, live=True)
        log.info("page %s built in %.0f ms after the request", name, (time.perf_counter() - started) * 1000)
        return built
    except QmkitError as exc:
        return _message_page(name, str(exc))
    except Exception as exc:
        feedback = Feedback()
        unexpected(feedback, exc)
        return _with_nav(name, feedback)
