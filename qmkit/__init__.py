"""qmkit: self-evaluation, quality planning and Excel checklists for QM in education and social work.

The core (catalogs, store, self-evaluation, exports) never imports ipywidgets; the browser pages live in
``qmkit.ui`` and are reached through :func:`page`, which notebooks call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .calendar_export import timeline_calendar
    from .catalog import (
        Catalog,
        CatalogSet,
        Group,
        Requirement,
        Scale,
        ScaleValue,
        discover,
        load_catalog,
        parse_catalog,
    )
    from .certification import CertificationPlan
    from .comparison import Comparison, compare, load_history
    from .errors import CatalogError, ExportError, InputError, NotFoundError, QmkitError, StoreError
    from .evidence import Document
    from .excel import build_workbook, export_filename, save_workbook
    from .excel_plan import build_plan_workbook, plan_filename
    from .excel_workshop import build_workshop_workbook
    from .model import Assessment, CatalogDrift, Cycle, EvidenceRef, Institution
    from .package import build_package
    from .planning import Gap, Goal, GoalKind, Measure, MeasureStatus, find_gaps
    from .readiness import Readiness, check_readiness
    from .register import EvidenceRegister
    from .review import ActDecision, Effectiveness, ManagementReview, MeasureReview, PdcaScore, PlanData, SignOff
    from .selfeval import ChecklistData, SelfEvaluation, Summary, summarize
    from .store import Store
    from .timeline import Certification, Timeline, TimelineItem, build_timeline
    from .workshop import Consensus, Participant, Workshop, WorkshopResult

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
    "ActDecision": "review",
    "Assessment": "model",
    "Catalog": "catalog",
    "CatalogDrift": "model",
    "CatalogError": "errors",
    "CatalogSet": "catalog",
    "Certification": "timeline",
    "CertificationPlan": "certification",
    "ChecklistData": "selfeval",
    "Comparison": "comparison",
    "Consensus": "workshop",
    "Cycle": "model",
    "Document": "evidence",
    "Effectiveness": "review",
    "EvidenceRef": "model",
    "EvidenceRegister": "register",
    "ExportError": "errors",
    "Gap": "planning",
    "Goal": "planning",
    "GoalKind": "planning",
    "Group": "catalog",
    "InputError": "errors",
    "Institution": "model",
    "ManagementReview": "review",
    "Measure": "planning",
    "MeasureReview": "review",
    "MeasureStatus": "planning",
    "NotFoundError": "errors",
    "Participant": "workshop",
    "PdcaScore": "review",
    "PlanData": "review",
    "QmkitError": "errors",
    "Readiness": "readiness",
    "Requirement": "catalog",
    "Scale": "catalog",
    "ScaleValue": "catalog",
    "SelfEvaluation": "selfeval",
    "SignOff": "review",
    "Store": "store",
    "StoreError": "errors",
    "Summary": "selfeval",
    "Timeline": "timeline",
    "TimelineItem": "timeline",
    "Workshop": "workshop",
    "WorkshopResult": "workshop",
    "build_package": "package",
    "build_plan_workbook": "excel_plan",
    "build_timeline": "timeline",
    "build_workbook": "excel",
    "build_workshop_workbook": "excel_workshop",
    "check_readiness": "readiness",
    "compare": "comparison",
    "discover": "catalog",
    "export_filename": "excel",
    "find_gaps": "planning",
    "load_catalog": "catalog",
    "load_history": "comparison",
    "parse_catalog": "catalog",
    "plan_filename": "excel_plan",
    "save_workbook": "excel",
    "summarize": "selfeval",
    "timeline_calendar": "calendar_export",
}


def __getattr__(name: str) -> Any:
    """Load the public names on first use, so a participant's kernel does not import the Excel code."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'qmkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def page(name: str) -> Any:
    """The app object of one notebook page.

    Names: "start", "selbstbewertung", "planung", "review", "workshop" (facilitator), "teilnahme" (participant),
    "einlesen", "nachweise", "einreichung", "fristen".

    Waits for Voilà's request first, so a preheated kernel never shows stale data.
    """
    from .ui.pages import page as _page

    return _page(name)
