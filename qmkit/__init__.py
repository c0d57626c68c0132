"""qmkit: self-evaluation, quality planning and Excel checklists for QM in education and social work.

The core (catalogs, store, self-evaluation, exports) never imports ipywidgets; the browser pages live in
``qmkit.ui`` and are reached through :func:`page`, which notebooks call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from qmkit.documents.calendar import timeline_calendar
    from qmkit.documents.package import build_package
    from qmkit.domain.catalog import Catalog, CatalogSet, Group, Requirement, Scale, ScaleValue, parse_catalog
    from qmkit.domain.comparison import Comparison, compare
    from qmkit.domain.evidence import Document
    from qmkit.domain.model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
    from qmkit.domain.planning import Gap, Goal, GoalKind, Measure, MeasureStatus, find_gaps
    from qmkit.domain.readiness import Readiness, check_readiness
    from qmkit.domain.review import (
        ActDecision,
        Effectiveness,
        ManagementReview,
        MeasureReview,
        PdcaScore,
        PlanData,
        SignOff,
    )
    from qmkit.domain.selfeval import ChecklistData, Summary, summarize
    from qmkit.domain.timeline import Certification, Timeline, TimelineItem, build_timeline
    from qmkit.domain.workshop import Consensus, Participant, Workshop, WorkshopResult
    from qmkit.errors import CatalogError, ExportError, InputError, NotFoundError, QmkitError, StoreError
    from qmkit.excel.checklist import build_workbook
    from qmkit.excel.plan import build_plan_workbook, plan_filename
    from qmkit.excel.style import export_filename, save_workbook
    from qmkit.excel.workshop import build_workshop_workbook
    from qmkit.services.certification import CertificationPlan
    from qmkit.services.register import EvidenceRegister
    from qmkit.services.review import load_history
    from qmkit.services.selfeval import SelfEvaluation
    from qmkit.store import Store
    from qmkit.store.catalogs import discover, load_catalog

__version__ = "0.3.0"

__all__ = [
    "ActDecision",
    "Assessment",
    "Catalog",
    "CatalogDrift",
    "CatalogError",
    "CatalogSet",
    "Certification",
    "CertificationPlan",
    "ChecklistData",
    "Comparison",
    "Consensus",
    "Cycle",
    "Document",
    "Effectiveness",
    "EvidenceRef",
    "EvidenceRegister",
    "ExportError",
    "Gap",
    "Goal",
    "GoalKind",
    "Group",
    "InputError",
    "Institution",
    "ManagementReview",
    "Measure",
    "MeasureReview",
    "MeasureStatus",
    "NotFoundError",
    "Participant",
    "PdcaScore",
    "PlanData",
    "QmkitError",
    "Readiness",
    "Requirement",
    "Scale",
    "ScaleValue",
    "SelfEvaluation",
    "SignOff",
    "Store",
    "StoreError",
    "Summary",
    "Timeline",
    "TimelineItem",
    "Workshop",
    "WorkshopResult",
    "build_package",
    "build_plan_workbook",
    "build_timeline",
    "build_workbook",
    "build_workshop_workbook",
    "check_readiness",
    "compare",
    "discover",
    "export_filename",
    "find_gaps",
    "load_catalog",
    "load_history",
    "page",
    "parse_catalog",
    "plan_filename",
    "save_workbook",
    "summarize",
    "timeline_calendar",
]


_WHERE = {
    "ActDecision": "domain.review",
    "Assessment": "domain.model",
    "Catalog": "domain.catalog",
    "CatalogDrift": "domain.model",
    "CatalogError": "errors",
    "CatalogSet": "domain.catalog",
    "Certification": "domain.timeline",
    "CertificationPlan": "services.certification",
    "ChecklistData": "services.selfeval",
    "Comparison": "domain.comparison",
    "Consensus": "domain.workshop",
    "Cycle": "domain.model",
    "Document": "domain.evidence",
    "Effectiveness": "domain.review",
    "EvidenceRef": "domain.model",
    "EvidenceRegister": "services.register",
    "ExportError": "errors",
    "Gap": "domain.planning",
    "Goal": "domain.planning",
    "GoalKind": "domain.planning",
    "Group": "domain.catalog",
    "InputError": "errors",
    "Institution": "domain.model",
    "ManagementReview": "domain.review",
    "Measure": "domain.planning",
    "MeasureReview": "domain.review",
    "MeasureStatus": "domain.planning",
    "NotFoundError": "errors",
    "Participant": "domain.workshop",
    "PdcaScore": "domain.review",
    "PlanData": "domain.review",
    "QmkitError": "errors",
    "Readiness": "domain.readiness",
    "Requirement": "domain.catalog",
    "Scale": "domain.catalog",
    "ScaleValue": "domain.catalog",
    "SelfEvaluation": "services.selfeval",
    "SignOff": "domain.review",
    "Store": "store.store",
    "StoreError": "errors",
    "Summary": "services.selfeval",
    "Timeline": "domain.timeline",
    "TimelineItem": "domain.timeline",
    "Workshop": "domain.workshop",
    "WorkshopResult": "domain.workshop",
    "build_package": "documents.package",
    "build_plan_workbook": "excel.plan",
    "build_timeline": "domain.timeline",
    "build_workbook": "excel.checklist",
    "build_workshop_workbook": "excel.workshop",
    "check_readiness": "domain.readiness",
    "compare": "domain.comparison",
    "discover": "store.catalogs",
    "export_filename": "excel.checklist",
    "find_gaps": "domain.planning",
    "load_catalog": "store.catalogs",
    "load_history": "services.review",
    "parse_catalog": "domain.catalog",
    "plan_filename": "excel.plan",
    "save_workbook": "excel.checklist",
    "summarize": "services.selfeval",
    "timeline_calendar": "documents.calendar",
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use, so a page's kernel does not import the Excel code it does not need."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'qmkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def page(name: str) -> Any:
    """The app object of one notebook page.

    Names: "start", "selbstbewertung", "planung", "review", "workshop" (facilitator),
    "einlesen", "nachweise", "einreichung", "fristen".

    Waits for Voilà's request first, so a preheated kernel never shows stale data.
    """
    from qmkit.ui.app import page as _page

    return _page(name)
