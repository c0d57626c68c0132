"""Entry point of the notebooks: ``qmkit.page(name)`` waits for Voilà's request, then builds the page.

Anything that must be fresh (store reads, the query string) happens after the wait, so a preheated kernel
never shows stale data. Every failure becomes a German message on the page.
"""

from __future__ import annotations

import logging
import os
import time
from urllib.parse import parse_qs

import ipywidgets as w

from ..catalog import CatalogSet, discover, fingerprint
from ..config import data_dir
from ..errors import InputError, QmkitError
from ..i18n import _
from ..selfeval import SelfEvaluation
from ..store import Store
from .common import Feedback, esc, make, nav_html, page_box, unexpected

log = logging.getLogger("qmkit.ui")
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
        return store.get_cycle(int(raw)).id
    latest = store.latest_cycle()
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
        from .start_page import StartPage

        return StartPage(store, catalogs).widget
    if name == "katalog":
        from .catalog_page import CatalogImportPage

        return CatalogImportPage(catalogs).widget
    if name == "teilnahme":
        from .participant_page import build_participant_page

        return build_participant_page(store, catalogs, query)
    if name == "workshop" and "moderation" in query:
        from .workshop_page import FacilitatorPage

        workshop = store.workshop_for_facilitator(query.get("moderation"))
        facilitator = FacilitatorPage(SelfEvaluation.open(store, workshop.cycle_id, catalogs), workshop)
        if live:
            log.info("live view runs on %s", facilitator.start_live())
        return facilitator.widget
    if name in CYCLE_PAGES:
        from .planning_page import PlanningPage
        from .review_page import ReviewPage
        from .selfeval_page import SelfEvaluationPage

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
            from .evidence_page import EvidencePage

            doc = query.get("dokument", "")
            return EvidencePage(
                evaluation,
                focus_document=int(doc) if doc.isdigit() and len(doc) < 12 else None,
                focus_requirement=query.get("anforderung"),
            ).widget
        if name == "einreichung":
            from .submission_page import SubmissionPage

            return SubmissionPage(evaluation).widget
        if name == "einlesen":
            from .import_page import ImportPage

            return ImportPage(evaluation, catalogs).widget
        if name == "rueckmeldung":
            from .feedback_page import FeedbackPage

            return FeedbackPage(evaluation, catalogs).widget
        if name == "fristen":
            from .timeline_page import TimelinePage

            return TimelinePage(evaluation).widget
        if name == "planung":
            return PlanningPage(evaluation).widget
        if name == "workshop":
            from .workshop_page import WorkshopListPage

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
            from . import participant_page  # noqa: F401
        else:
            from . import (  # noqa: F401
                catalog_page,
                evidence_page,
                feedback_page,
                import_page,
                planning_page,
                review_page,
                selfeval_page,
                start_page,
                submission_page,
                timeline_page,
                workshop_page,
            )

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
