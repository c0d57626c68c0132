"""The deadlines of a timeline as an iCalendar file (.ics) for Outlook, Thunderbird or a phone calendar.

A pure function: timeline in, bytes out. Each entry is an all-day event with a reminder two weeks ahead and
a stable UID, so importing a newer export updates the entries instead of doubling them. Every text goes in as
iCalendar TEXT (``vText``: line breaks, commas and semicolons escaped); titles and the calendar name are folded
into one line first, so a name stored with a line break (before names were checked) cannot break the file.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, vText

from qmkit.domain.text import one_line
from qmkit.domain.timeline import Timeline
from qmkit.i18n import _
from qmkit.services.certification import CertificationPlan

REMINDER_DAYS = 14


def calendar_filename(institution: str, cycle: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{one_line(institution)}_{one_line(cycle)}")[:80]
    return f"Fristen_{keep}.ics"


def timeline_calendar(
    timeline: Timeline,
    institution: str,
    cycle: str,
    uid_base: str,
    stamp: datetime | None = None,
) -> bytes:
    """Every open, dated step and deadline of ``timeline`` (and the end of validity) as iCalendar bytes.

    ``uid_base`` makes the UIDs unique per cycle (e.g. ``"3.12"`` for institution 3, cycle 12).
    """
    stamp = stamp or datetime.now(UTC)
    name, cycle = one_line(institution), one_line(cycle)
    cal = Calendar()
    cal.add("prodid", "-//qmkit//Zertifizierungsfristen//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", vText(_("Fristen {institution}").format(institution=name)))  # X-: not typed by icalendar
    for item in timeline.items:
        if item.due is None or item.done is not None:
            continue
        event = Event()
        event.add("uid", f"{item.key.replace(':', '-')}.{uid_base}@qmkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + timedelta(days=1))
        event.add("summary", vText(one_line(f"{item.title} – {name}")))
        lines = [_text(item.note)] if item.note else []
        lines.append(_("{procedure}, Zyklus „{cycle}“").format(procedure=one_line(timeline.procedure), cycle=cycle))
        if timeline.certificate_expected and item.kind != "step":
            lines.append(_("Voraussichtliches Datum: berechnet aus dem geplanten letzten Verfahrensschritt."))
        lines.append(_("Erstellt mit qmkit"))
        event.add("description", vText("\n".join(lines)))
        event.add("categories", [_("Qualitätsmanagement")])
        event.add("transp", "TRANSPARENT")
        if item.kind != "step":
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", vText(one_line(item.title)))
            alarm.add("trigger", timedelta(days=-REMINDER_DAYS))
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


def _text(value: str) -> str:
    """A multi-line text without control characters (vText escapes the line breaks)."""
    return "\n".join(one_line(line) for line in value.replace("\r\n", "\n").splitlines())


def cycle_calendar(plan: CertificationPlan, stamp: datetime | None = None) -> tuple[str, bytes]:
    """File name and iCalendar bytes of every open, dated step and deadline of ``plan``'s cycle."""
    inst = plan.evaluation.institution
    data = timeline_calendar(plan.timeline(), inst.name, plan.cycle.name, f"{inst.id}.{plan.cycle.id}", stamp)
    return calendar_filename(inst.name, plan.cycle.name), data
