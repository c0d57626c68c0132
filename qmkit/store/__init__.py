"""The store: reads and writes only, one module per aggregate, all through one :class:`Database`.

Services (:mod:`qmkit.services`) check every value before it gets here; the store keeps only the checks that
must happen inside the write transaction (a goal still used by measures, a finding that already has a measure).
"""

from __future__ import annotations

from qmkit.store.assessments import Assessments
from qmkit.store.audits import Audits
from qmkit.store.carry_over import CarryOver
from qmkit.store.cycles import Cycles, Institutions
from qmkit.store.dialogues import Dialogues
from qmkit.store.engine import Database
from qmkit.store.evidence import Evidence
from qmkit.store.feedback import Feedback
from qmkit.store.inspections import Inspections
from qmkit.store.meetings import Meetings
from qmkit.store.network_results import NetworkResults
from qmkit.store.networks import Networks
from qmkit.store.offers_data import OffersData
from qmkit.store.plans import Plans
from qmkit.store.processes import Processes
from qmkit.store.reviews import Reviews
from qmkit.store.strategy import Strategy
from qmkit.store.surveys import Surveys
from qmkit.store.timeline import Timelines
from qmkit.store.users import Users
from qmkit.store.workshops import Workshops
from qmkit.store.written import Written


class Store:
    """One database and its aggregates: ``store.cycles.get(id)``, ``store.plans.add_goal(…)``, …"""

    def __init__(self, url: str | None = None, upgrade: bool | None = None):
        self.db = Database(url, upgrade)
        self.url = self.db.url
        self.schema_version = self.db.schema_version
        self.institutions = Institutions(self.db)
        self.cycles = Cycles(self.db)
        self.assessments = Assessments(self.db)
        self.evidence = Evidence(self.db)
        self.plans = Plans(self.db)
        self.reviews = Reviews(self.db)
        self.timeline = Timelines(self.db)
        self.feedback = Feedback(self.db)
        self.workshops = Workshops(self.db)
        self.carry_over = CarryOver(self.db)
        self.users = Users(self.db)
        self.networks = Networks(self.db)
        self.network_results = NetworkResults(self.db)
        self.surveys = Surveys(self.db)
        self.meetings = Meetings(self.db)
        self.inspections = Inspections(self.db)
        self.written = Written(self.db)
        self.audits = Audits(self.db)
        self.dialogues = Dialogues(self.db)
        self.processes = Processes(self.db)
        self.offers_data = OffersData(self.db)
        self.strategy = Strategy(self.db)

    def close(self) -> None:
        self.db.close()


__all__ = ["Store"]
