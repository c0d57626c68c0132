"""The meetings (or the quality dialogues of a round) of a network as an iCalendar file (.ics) for Outlook,
Thunderbird or a phone calendar.

A pure function: meetings in, bytes out. A meeting with a time is a timed event in German local time
(Europe/Berlin, with its VTIMEZONE), one without a time an all-day event; the place is the event's location, the
agenda its description. Each event keeps the meeting's UID, and its SEQUENCE rises with every change, so importing
a newer export updates the entries instead of doubling them; a cancelled meeting stays in as cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard

from qmkit.domain.network_meetings import Meeting, MeetingKind, MeetingStatus
from qmkit.i18n import N_, _

ZONE = ZoneInfo("Europe/Berlin")
DEFAULT_LENGTH = timedelta(hours=3)  # a meeting with a beginning and no end
STATUS = {
    MeetingStatus.GEPLANT: "CONFIRMED",
    MeetingStatus.STATTGEFUNDEN: "CONFIRMED",
    MeetingStatus.ABGESAGT: "CANCELLED",
}
CATEGORY = {MeetingKind.TREFFEN: N_("Netzwerktreffen"), MeetingKind.QUALITAETSDIALOG: N_("Qualitätsdialog")}


def _berlin() -> Timezone:
    """Germany's time zone with the EU's rule (last Sunday of March and October), valid for any year."""
    zone = Timezone()
    zone.add("tzid", "Europe/Berlin")
    for part, start, offsets, name, month in (
        (TimezoneDaylight(), datetime(1970, 3, 29, 2), ("+0100", "+0200"), "CEST", 3),
        (TimezoneStandard(), datetime(1970, 10, 25, 3), ("+0200", "+0100"), "CET", 10),
    ):
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("rrule", {"freq": "yearly", "bymonth": month, "byday": "-1su"})
        part["tzoffsetfrom"], part["tzoffsetto"] = offsets
        zone.add_component(part)
    return zone


def meetings_filename(network: str, year: int | None = None) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in network)[:80]
    return f"Netzwerktreffen_{keep}{f'_{year}' if year else ''}.ics"


def dialogues_filename(network: str, round_name: str) -> str:
    keep = "".join(c if c.isalnum() or c in "-_" else "_" for c in f"{network}_{round_name}")[:120]
    return f"Qualitaetsdialoge_{keep}.ics"


def _event(meeting: Meeting, network: str, host: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{meeting.uid}@qmkit")
    event.add("dtstamp", stamp)
    event.add("sequence", max(0, meeting.revision - 1))
    if meeting.starts is not None:
        begin = datetime.combine(meeting.day, meeting.starts, ZONE)
        end = datetime.combine(meeting.day, meeting.ends, ZONE) if meeting.ends else begin + DEFAULT_LENGTH
        event.add("dtstart", begin)
        event.add("dtend", end)
    else:
        event.add("dtstart", meeting.day)
        event.add("dtend", meeting.day + timedelta(days=1))
    event.add("summary", f"{meeting.title} – {network}")
    if meeting.place:
        event.add("location", meeting.place)
    lines = []
    if host:
        lines.append(_("Gastgeber: {host}").format(host=host))
    if meeting.agenda:
        heading = _("Themen:") if meeting.kind == MeetingKind.QUALITAETSDIALOG else _("Tagesordnung:")
        lines += ["", heading, meeting.agenda]
    lines += ["", _("Erstellt mit qmkit")]
    event.add("description", "\n".join(lines).strip())
    event.add("status", STATUS[meeting.status])
    event.add("categories", [_(CATEGORY[meeting.kind])])
    return event


def meetings_calendar(
    network: str, meetings: Sequence[tuple[Meeting, str]], stamp: datetime | None = None, title: str = ""
) -> bytes:
    """Every meeting (with the host's name as this person may see it) of ``network`` as iCalendar bytes;
    ``title``: the calendar's name (default "Netzwerktreffen <network>")."""
    stamp = stamp or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//qmkit//Netzwerktreffen//DE")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", title or _("Netzwerktreffen {network}").format(network=network))
    if any(m.starts is not None for m, _host in meetings):
        cal.add_component(_berlin())
    for meeting, host in meetings:
        cal.add_component(_event(meeting, network, host, stamp))
    return cal.to_ical()
