"""Checked changes to the certification timeline of one cycle, and its calendar export.

The page and the CLI change certificate, step and deadline dates only through :class:`CertificationPlan`, so
a key that is not in the cycle's timeline, a date out of range or a done date in the future never reaches
the store.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from qmkit.domain.access import Right
from qmkit.domain.text import parse_day
from qmkit.domain.timeline import (
    Certification,
    ItemDates,
    Timeline,
    build_timeline,
    check_certification,
    check_item_date,
    known_key,
    suggest_schedule,
)
from qmkit.errors import InputError
from qmkit.i18n import N_, _
from qmkit.services.access import needs
from qmkit.services.selfeval import CycleWork


class CertificationPlan(CycleWork):
    """The timeline of one cycle: read it, change its dates, suggest a schedule, export the deadlines."""

    def certification(self) -> Certification:
        return self.store.timeline.certification(self.cycle.id)

    def timeline(self) -> Timeline:
        """The timeline from the stored dates and the cycle's management reviews (one read each)."""
        reviews = [r.held_on for r in self.store.reviews.management_reviews(self.cycle.id)]
        events = {}
        kinds = {d.fulfilled_by for d in self.catalog.procedure.deadlines}
        if "quality_dialogue" in kinds:
            events["quality_dialogue"] = self.store.dialogues.held_by(self.cycle.institution_id)
        if "internal_audit" in kinds:
            closed = [r for r in self.store.audits.records(self.cycle.id) if r.status.value == "abgeschlossen"]
            events["internal_audit"] = [r.day for r in closed]
        if "inspection" in kinds:
            events["inspection"] = self.store.inspections.held_by(self.cycle.institution_id)
        dates = self.store.timeline.dates(self.cycle.id)
        return build_timeline(self.catalog, self.certification(), dates, reviews, events, self.began())

    def began(self) -> date | None:
        """The day the cycle was started in qmkit (deadlines due before it could not be tracked here)."""
        try:
            return date.fromisoformat(self.cycle.created_at[:10])
        except ValueError:
            return None

    @needs(Right.MANAGE)
    def set_certificate(self, field: str, value: Any, user: str = "") -> Certification:
        return self.store.timeline.set_certification(
            self.cycle.id, field, value, check_certification, self.access.author(user)
        )

    @needs(Right.MANAGE)
    def set_date(self, key: str, field: str, value: Any, user: str = "") -> ItemDates:
        """Planned or done date of a step or deadline of this cycle's timeline."""
        if not known_key(self.catalog, key):
            raise InputError(
                _("Diesen Schritt oder diese Frist gibt es im Verfahren nicht: {key}").format(key=key), field
            )
        day = check_item_date(key, field, value, self.today)
        return self.store.timeline.set_date(self.cycle.id, key, field, day, self.access.author(user))

    @needs(Right.MANAGE)
    def suggest(self, start: Any, user: str = "") -> list[str]:
        """Planned dates from ``start`` for the steps that have none; returns the keys that got one."""
        day = parse_day(start, "start", N_("Beginn"))
        if day is None:
            raise InputError(_("Bitte zuerst das Datum wählen, an dem das Verfahren beginnt."), "start")
        return self.store.timeline.plan(self.cycle.id, suggest_schedule(self.catalog, day), self.access.author(user))
