"""The certification timeline: procedure steps with planned and done dates, the certificate and its end of
validity, and the deadlines that follow from them (re-test, yearly audit and review, mid-term workshop).

Plain data and pure functions; the iCalendar export lives in :mod:`qmkit.documents.calendar`. No widgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import Enum
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from qmkit.domain.catalog import Catalog, Deadline
from qmkit.domain.text import parse_day
from qmkit.errors import InputError
from qmkit.i18n import N_, _

SOON_DAYS = 30
MAX_REPEATS = 20  # a repeating deadline is listed at most this often (every_months: 1 over 10 years is enough)
HORIZON_MONTHS = 48  # how far a repeating deadline runs when the procedure has no end of validity
EXPIRY_KEY = "ablauf"
KEY_PATTERN = re.compile(r"^(schritt|frist):[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}(:[0-9]{1,2})?$")
DATE_LABELS = {
    "planned": N_("Geplant"),
    "done": N_("Erledigt am"),
    "certified_on": N_("Zertifikat / Testat vom"),
    "valid_until": N_("Gültig bis"),
}
EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class Wording:
    """How the pages name the procedure's anchor: a certificate (LQW, QESplus, qm4) or a round (QMF, DKBM)."""

    start: str  # the date the QMB enters
    end: str  # the stated end, when it differs from the computed one
    expiry: str  # the deadline row of the end
    expiry_note: str  # "{n:g} Jahre nach …"
    validity: str  # one line about the procedure's length
    missing: str  # why no end can be computed
    computed: str  # "… bis {d} (berechnet: {n:g} Jahre ab {s}{x})."
    stated: str  # "… bis {d} (…)."
    title: str = ""  # the card's heading


def wording(certificate: bool, validity_years: float | None) -> Wording:
    if certificate:
        return Wording(
            _("Zertifikat / Testat erteilt am"),
            _("Gültig bis – nur eintragen, wenn die Urkunde ein anderes Ende nennt"),
            _("Ende der Gültigkeit"),
            _("{n:g} Jahre nach dem Zertifikat"),
            _("Gültigkeit {n:g} Jahre.").format(n=validity_years)
            if validity_years
            else _("Keine Zertifizierung mit Ablaufdatum."),
            _("Ohne Datum des Zertifikats lässt sich das Ende der Gültigkeit nicht berechnen.")
            if validity_years
            else _("Dieses Verfahren endet nicht mit einem befristeten Zertifikat."),
            _("Gültig bis {d} (berechnet: {n:g} Jahre ab {s}{x})."),
            _("Gültig bis {d} (laut Urkunde)."),
            _("Zertifikat"),
        )
    if validity_years:
        return Wording(
            _("Beginn der Runde"),
            _("Ende der Runde – nur eintragen, wenn es abweicht"),
            _("Ende der Runde"),
            _("{n:g} Jahre nach Beginn der Runde"),
            _("Eine Runde dauert {n:g} Jahre; es gibt kein Zertifikat.").format(n=validity_years),
            _("Ohne Beginn der Runde lässt sich ihr Ende nicht berechnen."),
            _("Runde bis {d} (berechnet: {n:g} Jahre ab {s}{x})."),
            _("Runde bis {d} (so eingetragen)."),
            _("Runde"),
        )
    return Wording(
        _("Beginn des Zyklus"),
        _("Ende des Zyklus"),
        _("Ende des Zyklus"),
        "",
        _("Keine Zertifizierung: der Zyklus wird fortlaufend wiederholt."),
        _("Der Zyklus hat kein festes Ende."),
        _("Zyklus bis {d}."),
        _("Zyklus bis {d}."),
        _("Zyklus"),
    )


@dataclass(frozen=True)
class Certification:
    """The certificate of a cycle as the QMB entered it; ``valid_until`` only when the certificate states it."""

    cycle_id: int
    certified_on: date | None = None
    valid_until: date | None = None
    changed_by: str = ""
    changed_at: str = ""


@dataclass(frozen=True)
class ItemDates:
    """Planned and done date of one procedure step or deadline (``key`` like ``schritt:visitation``)."""

    key: str
    planned: date | None = None
    done: date | None = None
    changed_by: str = ""
    changed_at: str = ""


class Status(Enum):
    DONE = "erledigt"
    OVERDUE = "ueberfaellig"
    SOON = "bald"
    PLANNED = "geplant"
    UNDATED = "ohne-datum"
    BEFORE = "vorher"  # fell due before the cycle began in qmkit: nobody could have tracked it here
    PERIOD_OVER = "vorbei"  # belongs to a certificate period that has ended


STATUS_LABELS = {
    Status.DONE: N_("erledigt"),
    Status.OVERDUE: N_("überfällig"),
    Status.SOON: N_("in den nächsten 30 Tagen"),
    Status.PLANNED: N_("geplant"),
    Status.UNDATED: N_("noch ohne Datum"),
    Status.BEFORE: N_("vor Beginn des Zyklus fällig – falls erledigt, Datum eintragen"),
    Status.PERIOD_OVER: N_("Zeitraum vorbei"),
}
NOT_PENDING = (Status.DONE, Status.BEFORE, Status.PERIOD_OVER)


@dataclass(frozen=True)
class TimelineItem:
    """A dated point of the timeline: a step (planned by the QMB), a computed deadline or the end of validity."""

    key: str
    kind: Literal["step", "deadline", "expiry"]
    title: str
    note: str = ""
    due: date | None = None
    done: date | None = None
    done_note: str = ""
    tracked_from: date | None = None  # a deadline due before this day (the cycle's start) is not "overdue"
    period_end: date | None = None  # the certificate's last valid day: after it, open deadlines are moot

    def status(self, today: date) -> Status:
        if self.done is not None:
            return Status.DONE
        if self.due is None:
            return Status.UNDATED
        if self.due < today:
            if self.kind == "deadline" and self.period_end is not None and self.period_end < today:
                return Status.PERIOD_OVER
            if self.kind == "deadline" and self.tracked_from is not None and self.due < self.tracked_from:
                return Status.BEFORE
            return Status.OVERDUE
        return Status.SOON if (self.due - today).days <= SOON_DAYS else Status.PLANNED

    def status_text(self, today: date) -> str:
        state = self.status(today)
        if self.kind == "expiry":
            if state == Status.UNDATED:
                return _("noch ohne Datum")
            return _("abgelaufen") if state == Status.OVERDUE else _("gültig")
        return _(STATUS_LABELS[state])


@dataclass(frozen=True)
class Timeline:
    """Steps, deadlines and the certificate of one cycle, computed from the catalog and the stored dates."""

    procedure: str
    cycle_note: str
    steps: tuple[TimelineItem, ...]
    deadlines: tuple[TimelineItem, ...]
    certified_on: date | None
    certificate_expected: bool  # the date comes from the planned last step, not from a certificate
    valid_until: date | None
    valid_until_computed: bool
    validity_years: float | None
    certificate: Certification  # as stored (``certified_on`` above may be the expected date instead)

    @property
    def items(self) -> tuple[TimelineItem, ...]:
        return self.steps + self.deadlines

    def upcoming(self, today: date, limit: int = 5) -> list[TimelineItem]:
        """Open dated items, the earliest (overdue ones) first; not those of an ended period or before the cycle."""
        open_items = [i for i in self.items if i.due is not None and i.status(today) not in NOT_PENDING]
        return sorted(open_items, key=lambda i: (i.due or LATEST, i.key))[:limit]


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months; the 31st becomes the month's last day where needed."""
    return day + relativedelta(months=months)


def _check_range(day: date | None, field: str) -> date | None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise InputError(_("Bitte ein Datum zwischen 1990 und 2100 eingeben."), field)
    return day


def check_certification(current: Certification, field: str, value: Any) -> date | None:
    """The date as it may be stored in ``field`` of the certificate, or a German :class:`InputError`."""
    if field not in ("certified_on", "valid_until"):
        raise InputError(_("Unbekanntes Feld: {f}").format(f=field), field)
    day = _check_range(parse_day(value, field, DATE_LABELS[field]), field)
    start = day if field == "certified_on" else current.certified_on
    end = day if field == "valid_until" else current.valid_until
    if start and end and end <= start:
        raise InputError(_("„Gültig bis“ muss nach dem Datum des Zertifikats liegen."), field)
    return day


def check_item_date(key: str, field: str, value: Any, today: date) -> date | None:
    """A planned or done date of a step or deadline as it may be stored, or a German :class:`InputError`."""
    if not KEY_PATTERN.match(key or ""):
        raise InputError(_("Diesen Schritt gibt es nicht: {key}").format(key=key), field)
    if field not in ("planned", "done"):
        raise InputError(_("Unbekanntes Feld: {f}").format(f=field), field)
    day = _check_range(parse_day(value, field, DATE_LABELS[field]), field)
    if field == "done" and day is not None and day > today:
        raise InputError(
            _("„Erledigt am“ darf nicht in der Zukunft liegen – für Künftiges bitte „Geplant“ verwenden."), field
        )
    return day


def step_key(step_id: str) -> str:
    return f"schritt:{step_id}"


def known_key(catalog: Catalog, key: str) -> bool:
    """Whether ``key`` names a step or a deadline (occurrence) of the catalog's procedure; no store read."""
    proc = catalog.procedure
    kind, _sep, rest = key.partition(":")
    if kind == "schritt":
        return rest in {s.id for s in proc.steps}
    ident, _sep, number = rest.partition(":")
    deadline = next((d for d in proc.deadlines if d.id == ident), None) if kind == "frist" else None
    if deadline is None:
        return False
    if deadline.every_months is None:
        return number == ""
    return number.isdigit() and 1 <= int(number) <= MAX_REPEATS


def _repeats(deadline: Deadline, anchor: date, end: date | None) -> list[date]:
    months = deadline.every_months or 12
    stop = end or add_months(anchor, HORIZON_MONTHS)
    found = []
    for k in range(1, MAX_REPEATS + 1):
        due = add_months(anchor, k * months)
        if due > stop:
            break
        found.append(due)
    return found


def _review_in(period_start: date | None, due: date | None, reviews: Iterable[date]) -> date | None:
    """The last event (management review, dialogue, inspection) held in (period_start, due]."""
    held = [d for d in reviews if (period_start is None or period_start < d) and (due is None or d <= due)]
    return max(held) if held else None


EVENT_NOTES = {
    "management_review": N_("Managementbewertung vom {d} im PDCA-Review"),
    "quality_dialogue": N_("Qualitätsdialog vom {d} (Netzwerk)"),
    "inspection": N_("Kollegiale Begehung vom {d} (Netzwerk)"),
    "internal_audit": N_("Internes Audit vom {d}"),
}


def _deadline_items(
    deadline: Deadline,
    anchor: date | None,
    valid_until: date | None,
    dates: Mapping[str, ItemDates],
    events: Mapping[str, tuple[date, ...]],
) -> list[TimelineItem]:
    base = f"frist:{deadline.id}"
    title, note = deadline.title, deadline.note
    held = events.get(deadline.fulfilled_by or "", ())

    def item(key: str, due: date | None, shown: str, review: date | None = None) -> TimelineItem:
        stored = dates.get(key)
        done = stored.done if stored else None
        done_note = ""
        if done is None and review is not None:
            done = review
            done_note = _(EVENT_NOTES[deadline.fulfilled_by or ""]).format(d=review.strftime("%d.%m.%Y"))
        return TimelineItem(key, "deadline", shown, note, due, done, done_note)

    if deadline.every_months is None:
        if anchor is None:
            return [item(base, None, title, _review_in(None, None, held))]
        if deadline.after_certificate_months is not None:
            due = add_months(anchor, deadline.after_certificate_months)
            return [item(base, due, title, _review_in(anchor - timedelta(days=1), due, held))]
        assert deadline.before_expiry_months is not None and valid_until is not None
        due = add_months(valid_until, -deadline.before_expiry_months)
        return [item(base, due, title, _review_in(anchor - timedelta(days=1), due, held))]
    if anchor is None:
        return [item(f"{base}:1", None, title)]
    dues = _repeats(deadline, anchor, valid_until)
    found = []
    for k, due in enumerate(dues, start=1):
        start = add_months(due, -deadline.every_months)
        review = _review_in(start, due, held) if held else None
        shown = _("{title} ({k}. von {n})").format(title=title, k=k, n=len(dues))
        found.append(item(f"{base}:{k}", due, shown, review))
    return found


def build_timeline(
    catalog: Catalog,
    certification: Certification | None,
    dates: Mapping[str, ItemDates],
    reviews: Iterable[date | None] = (),
    events: Mapping[str, Iterable[date | None]] | None = None,
    tracked_from: date | None = None,
) -> Timeline:
    """The timeline of a cycle from its catalog's procedure, its certificate, stored dates and review dates.

    Without a certificate date the planned (or done) date of the procedure's last step stands in for it, so
    the deadlines show as soon as the schedule is planned ("voraussichtlich"). ``tracked_from`` (the day the cycle
    began) and the end of an entered certificate's period keep deadlines nobody could track here from "überfällig".
    """
    proc = catalog.procedure
    steps: list[TimelineItem] = []
    for step in proc.steps:
        stored = dates.get(step_key(step.id)) or ItemDates(step_key(step.id))
        steps.append(TimelineItem(stored.key, "step", step.title, step.description, stored.planned, stored.done))
    cert = certification or Certification(0)
    anchor, expected = cert.certified_on, False
    if anchor is None:
        last = steps[-1]
        anchor, expected = last.done or last.due, (last.done or last.due) is not None
    valid_until, computed = cert.valid_until, False
    if valid_until is None and anchor is not None and proc.validity_months:
        valid_until, computed = add_months(anchor, proc.validity_months) - timedelta(days=1), True
    happened = {"management_review": reviews, **(events or {})}
    held = {kind: tuple(sorted(d for d in days if d is not None)) for kind, days in happened.items()}
    deadlines: list[TimelineItem] = []
    for deadline in proc.deadlines:
        items = _deadline_items(deadline, anchor, valid_until, dates, held)
        end = valid_until if cert.certified_on is not None else None
        deadlines.extend(replace(i, tracked_from=tracked_from, period_end=end) for i in items)
    if proc.validity_months:
        words = wording(proc.certificate, proc.validity_years)
        deadlines.append(
            TimelineItem(
                EXPIRY_KEY, "expiry", words.expiry, words.expiry_note.format(n=proc.validity_years), valid_until
            )
        )
    deadlines.sort(key=lambda i: (i.due is None, i.due or LATEST, i.key))
    return Timeline(
        proc.name,
        proc.cycle_note,
        tuple(steps),
        tuple(deadlines),
        anchor,
        expected,
        valid_until,
        computed,
        proc.validity_years,
        cert,
    )


def suggest_schedule(catalog: Catalog, start: date) -> dict[str, date]:
    """Planned dates for the steps from ``start`` on, each step ending after its typical weeks.

    Steps without a typical duration get none; the caller fills only steps that have no planned date yet.
    """
    found: dict[str, date] = {}
    day = start
    for step in catalog.procedure.steps:
        if step.typical_weeks is None:
            continue
        day = day + timedelta(days=round(step.typical_weeks * 7))
        found[step_key(step.id)] = day
    return found
