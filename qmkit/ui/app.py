"""Entry point of the notebooks: ``qmkit.page(name)`` waits for Voilà's request, then builds the page.

Anything that must be fresh (store reads, the query string) happens after the wait, so a preheated kernel
never shows stale data. Every failure becomes a German message on the page.
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from urllib.parse import parse_qs

import ipywidgets as w

from qmkit.config import data_dir
from qmkit.domain.catalog import CatalogSet
from qmkit.errors import InputError, QmkitError
from qmkit.i18n import _
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.workshop import Participation, workshop_for_facilitator
from qmkit.store import Store
from qmkit.store.catalogs import discover, fingerprint
from qmkit.ui.widgets.common import Feedback, esc, make, nav_html, page_box, unexpected

log = logging.getLogger("qmkit.ui")
_EVERYDAY_PAGES = (
    "catalog_import",
    "checklist_import",
    "evidence",
    "feedback",
    "planning",
    "review",
    "selfeval",
    "start",
    "submission",
    "timeline",
    "workshop",
)
CYCLE_PAGES = (
    "selbstbewertung",
    "planung",
    "review",
    "workshop",
    "nachweise",
    "einreichung",
    "rueckmeldung",
    "fristen",
    "einlesen",
)


def _setup_logging() -> None:
    root = logging.getLogger("qmkit")
    if any(isinstance(h, logging.FileHandler) for h in root.handlers):
        return
    try:
        folder = data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(folder / "qmkit.log", encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def request_query() -> dict[str, str]:
    """The page's query string (after Voilà's wait-for-request point); empty outside Voilà."""
    query = ""
    if os.environ.get("VOILA_PREHEAT") == "True":  # a preheated kernel: the request arrives later
        from voila.utils import get_query_string  # ~1.7 s and 25 MiB: only where it is needed

        query = get_query_string() or ""
    else:  # a kernel started for its request (the participant server) has it in the environment
        query = os.environ.get("QUERY_STRING", "")
    return {k: v[0] for k, v in parse_qs(query[:2000]).items() if v}


def cycle_from_query(query: dict[str, str], store: Store) -> int | None:
    """The cycle id in ``?zyklus=N`` (checked), else the most recently changed cycle."""
    raw = query.get("zyklus")
    if raw is not None:
        if not raw.isdigit() or len(raw) > 12:
            raise InputError(_("Die Adresse enthält keine gültige Zyklus-Nummer."), "zyklus")
        return CycleService(store).cycle(int(raw)).id
    latest = CycleService(store).latest()
    return latest.id if latest else None


def _message_page(active: str, text: str, kind: str = "error") -> w.VBox:
    """A German message; participants see no navigation (the QMB's pages are not theirs)."""
    feedback = Feedback()
    getattr(feedback, kind)(text)
    return _with_nav(active, feedback)


def _with_nav(active: str, feedback: Feedback) -> w.VBox:
    if active == "teilnahme":
        return page_box(feedback.widget)
    return page_box(make(w.HTML, nav_html(active, None)), feedback.widget)


def build_page(
    name: str,
    query: dict[str, str],
    store: Store | None = None,
    catalogs: CatalogSet | None = None,
    live: bool = False,
) -> w.VBox:
    """Build a page by name from the store and catalogs (used by :func:`page` and by the tests).

    ``live`` starts the facilitator's live view updates (in a kernel; the tests call ``refresh`` instead).
    """
    store = store or Store()
    catalogs = catalogs or discover()
    if name == "start":
        from qmkit.ui.pages.start import StartPage

        return StartPage(CycleService(store), catalogs).widget
    if name == "katalog":
        from qmkit.ui.pages.catalog_import import CatalogImportPage

        return CatalogImportPage(catalogs).widget
    if name == "teilnahme":
        from qmkit.ui.pages.participant import build_participant_page

        return build_participant_page(Participation.open(store, query.get("t"), catalogs), query)
    if name == "workshop" and "moderation" in query:
        from qmkit.ui.pages.workshop import FacilitatorPage

        workshop = workshop_for_facilitator(store, query.get("moderation"))
        facilitator = FacilitatorPage(SelfEvaluation.open(store, workshop.cycle_id, catalogs), workshop)
        if live:
            log.info("live view runs on %s", facilitator.start_live())
        return facilitator.widget
    if name in CYCLE_PAGES:
        from qmkit.ui.pages.planning import PlanningPage
        from qmkit.ui.pages.review import ReviewPage
        from qmkit.ui.pages.selfeval import SelfEvaluationPage

        cycle_id = cycle_from_query(query, store)
        if cycle_id is None:
            return _message_page(
                name,
                _("Es gibt noch keinen Zyklus. Bitte auf der Startseite eine Einrichtung und einen Zyklus anlegen."),
                "info",
            )
        evaluation = SelfEvaluation.open(store, cycle_id, catalogs)
        if name == "selbstbewertung":
            return SelfEvaluationPage(evaluation, focus=query.get("anforderung")).widget
        if name == "nachweise":
            from qmkit.ui.pages.evidence import EvidencePage

            doc = query.get("dokument", "")
            return EvidencePage(
                evaluation,
                focus_document=int(doc) if doc.isdigit() and len(doc) < 12 else None,
                focus_requirement=query.get("anforderung"),
            ).widget
        if name == "einreichung":
            from qmkit.ui.pages.submission import SubmissionPage

            return SubmissionPage(evaluation).widget
        if name == "einlesen":
            from qmkit.ui.pages.checklist_import import ImportPage

            return ImportPage(evaluation, catalogs).widget
        if name == "rueckmeldung":
            from qmkit.ui.pages.feedback import FeedbackPage

            return FeedbackPage(evaluation, catalogs).widget
        if name == "fristen":
            from qmkit.ui.pages.timeline import TimelinePage

            return TimelinePage(evaluation).widget
        if name == "planung":
            return PlanningPage(evaluation).widget
        if name == "workshop":
            from qmkit.ui.pages.workshop import WorkshopListPage

            return WorkshopListPage(evaluation).widget
        return ReviewPage(evaluation).widget
    raise InputError(_("Diese Seite gibt es nicht: {name}").format(name=esc(name)))


def page(name: str) -> w.VBox:
    """What a notebook displays: the page, or a German message if it cannot be built."""
    _setup_logging()
    try:
        # Before Voilà's wait-for-request point (a preheated kernel runs this early): imports, catalogs and
        # opening the store. Catalog files are compared again afterwards; store reads all happen after it.
        if name == "teilnahme":  # participant kernels load only what they need (memory per phone)
            from qmkit.ui.pages import participant  # noqa: F401
        else:
            for module in _EVERYDAY_PAGES:
                importlib.import_module(f"qmkit.ui.pages.{module}")

        marks = fingerprint()
        catalogs = discover()
        store = Store()
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
