"""The certification timeline: deadlines from the catalog, dates in the store, the page and the .ics export."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from qmkit.documents.calendar import cycle_calendar
from qmkit.domain.catalog import parse_catalog
from qmkit.domain.timeline import Certification, ItemDates, Status, build_timeline
from qmkit.errors import CatalogError, InputError
from qmkit.services.certification import CertificationPlan
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.app import build_page
from qmkit.ui.pages.timeline import TimelinePage

TODAY = date(2026, 11, 23)


def _plan(store, catalogs, catalog_id: str = "lqw", name: str = "VHS Nord") -> CertificationPlan:
    inst = CycleService(store).create_institution(name, qmb="A. Schmidt")
    cat = catalogs.get(catalog_id)
    cycle = CycleService(store).create_cycle(inst.id, "Testierung 2027", cat)
    return CertificationPlan(SelfEvaluation(store, cycle, cat), today=TODAY)


def _by_key(timeline):
    return {i.key: i for i in timeline.items}


# ---------------------------------------------------------------------------- catalog rules


def test_lqw_retest_deadlines_count_back_from_the_end_of_the_testat(catalogs):
    cert = Certification(1, certified_on=date(2027, 5, 24))
    timeline = build_timeline(catalogs.get("lqw"), cert, {})
    items = _by_key(timeline)
    assert timeline.valid_until == date(2031, 5, 23)  # four years, the day before the anniversary
    assert items["frist:retest_anmeldung"].due == date(2030, 8, 23)  # 9 months before expiry
    assert items["frist:retest_selbstreport"].due == date(2030, 12, 23)  # 5 months before expiry
    assert items["frist:zwischenbilanz"].due == date(2029, 5, 24)  # mid-term, 24 months after
    assert items["ablauf"].due == date(2031, 5, 23)
    assert items["ablauf"].status_text(TODAY) == "gültig"
    assert items["ablauf"].status_text(date(2031, 5, 24)) == "abgelaufen"
    # deadlines in date order, the end of validity last
    dues = [i.due for i in timeline.deadlines]
    assert dues == sorted(dues) and timeline.deadlines[-1].key == "ablauf"


def test_certificate_with_its_own_end_moves_the_renewal_deadlines(catalogs):
    cert = Certification(1, certified_on=date(2027, 5, 24), valid_until=date(2031, 6, 30))
    items = _by_key(build_timeline(catalogs.get("lqw"), cert, {}))
    assert items["frist:retest_anmeldung"].due == date(2030, 9, 30)
    assert items["ablauf"].due == date(2031, 6, 30)


def test_qesplus_yearly_audit_and_review_within_three_years(catalogs):
    cert = Certification(1, certified_on=date(2027, 1, 31))
    reviews = [date(2027, 11, 15), date(2026, 12, 1), None]  # the 2026 one is before the first period
    timeline = build_timeline(catalogs.get("qesplus"), cert, {}, reviews)
    items = _by_key(timeline)
    audits = [i for i in timeline.deadlines if i.key.startswith("frist:audit_jaehrlich:")]
    assert [a.due for a in audits] == [date(2028, 1, 31), date(2029, 1, 31)]
    assert audits[0].title == "Internes Audit (1. von 2)"
    # a management review held in the first year counts for the first yearly review, not the second
    first, second = items["frist:managementbewertung_jaehrlich:1"], items["frist:managementbewertung_jaehrlich:2"]
    assert first.done == date(2027, 11, 15) and "PDCA-Review" in first.done_note
    assert second.done is None and second.status(date(2029, 2, 1)) == Status.OVERDUE
    assert items["frist:rezertifizierung"].due == date(2029, 7, 30)


def test_without_certificate_the_planned_last_step_stands_in(catalogs):
    cat = catalogs.get("qm4")
    empty = build_timeline(cat, None, {})
    assert empty.certified_on is None and empty.valid_until is None
    assert all(i.status(TODAY) == Status.UNDATED for i in empty.items if i.kind != "expiry")
    planned = {"schritt:zertifikat": ItemDates("schritt:zertifikat", planned=date(2027, 9, 1))}
    timeline = build_timeline(cat, None, planned)
    assert timeline.certificate_expected and timeline.certified_on == date(2027, 9, 1)
    assert timeline.valid_until == date(2030, 8, 31)
    assert _by_key(timeline)["frist:halbzeit"].due == date(2029, 3, 1)


def test_catalog_without_certificate_has_no_end_of_validity(catalogs):
    timeline = build_timeline(catalogs.get("dkbm"), Certification(1, certified_on=date(2026, 1, 1)), {})
    assert timeline.valid_until is None and "ablauf" not in _by_key(timeline)
    yearly = [i for i in timeline.deadlines if i.key.startswith("frist:zyklus_auswerten:")]
    assert len(yearly) == 4 and yearly[0].due == date(2027, 1, 1)  # four years ahead


DEADLINE_CATALOG = """
id: eigen
name: Eigenes Modell
version: 1
source: eigene Fassung
scale:
  values:
    - {value: ja, label: erfüllt, met: true}
    - {value: nein, label: nicht erfüllt}
procedure:
  name: Verfahren
  {validity}
  steps:
    - {id: audit, title: Audit}
  deadlines:
    - {deadline}
areas:
  - id: A
    title: Bereich
    requirements:
      - {id: A.1, title: Eins, text: Etwas}
"""


@pytest.mark.parametrize(
    ("validity", "deadline", "expected"),
    [
        ("validity_years: 3", "{id: f, title: F, every_months: 12, before_expiry_months: 3}", "genau eine Regel"),
        ("validity_years: 3", "{id: f, title: F}", "genau eine Regel"),
        ("cycle_note: ohne", "{id: f, title: F, before_expiry_months: 3}", "validity_years"),
        ("validity_years: 3", "{id: audit, title: F, every_months: 12}", "doppelte IDs: audit"),
        ("validity_years: 3", "{id: f, title: F, every_months: 0}", "procedure.deadlines[0].every_months"),
    ],
)
def test_broken_deadlines_name_the_place_and_the_fix(validity: str, deadline: str, expected: str):
    text = DEADLINE_CATALOG.replace("{validity}", validity).replace("{deadline}", deadline)
    with pytest.raises(CatalogError) as info:
        parse_catalog(text, "eigen.yaml")
    assert "eigen.yaml" in str(info.value) and expected in str(info.value)


# ---------------------------------------------------------------------------- store and checked changes


def test_dates_are_stored_checked_and_survive_a_new_store(store, catalogs, tmp_path: Path):
    plan = _plan(store, catalogs)
    cycle_id = plan.cycle.id
    plan.set_date("schritt:visitation", "planned", "12.04.2027", "A. Schmidt")
    plan.set_date("schritt:einfuehrung", "done", date(2026, 2, 1))
    plan.set_certificate("certified_on", date(2027, 5, 24))
    with pytest.raises(InputError, match="Zukunft"):
        plan.set_date("schritt:selbstreport", "done", TODAY + timedelta(days=1))
    with pytest.raises(InputError, match="nach dem Datum des Zertifikats"):
        plan.set_certificate("valid_until", date(2027, 1, 1))
    with pytest.raises(InputError, match="gibt es im Verfahren nicht"):
        plan.set_date("schritt:erfunden", "planned", TODAY)
    with pytest.raises(InputError, match="gibt es im Verfahren nicht"):
        plan.set_date("ablauf", "done", TODAY)  # the end of validity is computed, not entered
    with pytest.raises(InputError, match="1990 und 2100"):
        plan.set_date("schritt:visitation", "planned", "01.01.3027")
    with pytest.raises(InputError, match="Geplant: bitte ein Datum wie"):
        plan.set_date("schritt:visitation", "planned", "bald")
    reopened = type(store)(store.url)
    dates = reopened.timeline.dates(cycle_id)
    assert dates["schritt:visitation"].planned == date(2027, 4, 12)
    assert dates["schritt:visitation"].changed_by == "A. Schmidt"
    assert dates["schritt:einfuehrung"].done == date(2026, 2, 1)
    assert "schritt:selbstreport" not in dates
    assert reopened.timeline.certification(cycle_id) == Certification(
        cycle_id, date(2027, 5, 24), None, "", reopened.timeline.certification(cycle_id).changed_at
    )


def test_suggested_schedule_fills_only_empty_steps(store, catalogs):
    plan = _plan(store, catalogs, "qm4")
    plan.set_date("schritt:vorgespraech", "planned", date(2027, 3, 3))
    keys = plan.suggest(date(2027, 1, 4))
    assert "schritt:vorgespraech" not in keys and len(keys) == len(plan.catalog.procedure.steps) - 1
    dates = plan.store.timeline.dates(plan.cycle.id)
    assert dates["schritt:vorgespraech"].planned == date(2027, 3, 3)  # kept
    assert dates["schritt:anmeldung"].planned == date(2027, 1, 18)  # two weeks
    assert dates["schritt:checkliste"].planned == date(2027, 1, 4) + timedelta(weeks=2 + 4 + 12)
    assert plan.suggest(date(2028, 1, 1)) == []  # nothing empty any more
    with pytest.raises(InputError, match="Datum wählen"):
        plan.suggest(None)


def test_next_cycle_keeps_certificate_and_deadlines_not_steps(store, catalogs):
    plan = _plan(store, catalogs, "qesplus")
    plan.set_certificate("certified_on", date(2025, 6, 1))
    plan.set_date("frist:audit_jaehrlich:1", "done", date(2026, 5, 20))
    plan.set_date("schritt:audit", "done", date(2025, 3, 1))
    nxt = CycleService(store).start_next(plan.cycle.id, "2026", plan.catalog)
    assert store.timeline.certification(nxt.id).certified_on == date(2025, 6, 1)
    dates = store.timeline.dates(nxt.id)
    assert dates["frist:audit_jaehrlich:1"].done == date(2026, 5, 20) and "schritt:audit" not in dates


# ---------------------------------------------------------------------------- calendar


def test_calendar_holds_open_deadlines_with_reminders_and_stable_ids(store, catalogs):
    plan = _plan(store, catalogs, name='VHS; "Nord", <script>alert(1)</script>')
    plan.set_certificate("certified_on", date(2027, 5, 24))
    plan.set_date("schritt:einfuehrung", "planned", date(2026, 12, 1))
    plan.set_date("schritt:selbstreport", "planned", date(2027, 2, 1))
    plan.set_date("schritt:selbstreport", "done", date(2026, 11, 2))
    stamp = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    name, data = cycle_calendar(plan, stamp)
    assert name.endswith(".ics") and "/" not in name and "<" not in name
    assert b"\r\n" in data and all(len(line) <= 75 for line in data.split(b"\r\n"))  # folded as RFC 5545 says
    cal = Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    timeline = plan.timeline()
    expected = [i for i in timeline.items if i.due is not None and i.done is None]
    assert len(events) == len(expected) and "schritt:selbstreport" not in {i.key for i in expected}
    retest = events[f"frist-retest_anmeldung.{plan.evaluation.institution.id}.{plan.cycle.id}@qmkit"]
    assert retest.decoded("DTSTART") == date(2030, 8, 23)
    assert str(retest["SUMMARY"]) == 'Anmeldung zur Retestierung – VHS; "Nord", <script>alert(1)</script>'
    [alarm] = retest.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(days=-14)
    again = Calendar.from_ical(cycle_calendar(plan, stamp)[1])
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)  # a new export updates, not doubles


def test_calendar_of_names_with_line_breaks_is_valid_and_escaped(store, catalogs):
    """Names stored before they were checked (or written by another program) never break the export."""
    inst = store.institutions.create("VHS\nNord;\r\n Süd,\x1b")  # PostgreSQL refuses NUL itself
    cat = catalogs.get("lqw")
    cycle = store.cycles.create(inst.id, "Testierung\r\n2027\u2028", cat)
    plan = CertificationPlan(SelfEvaluation(store, cycle, cat), today=TODAY)
    plan.set_certificate("certified_on", date(2027, 5, 24))
    name, data = cycle_calendar(plan, datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    assert "\n" not in name and name.endswith(".ics")
    assert b"\x1b" not in data and all(b"\n" not in line for line in data.split(b"\r\n"))
    cal = Calendar.from_ical(data)
    assert "\n" not in str(cal["X-WR-CALNAME"]) and "VHS Nord" in str(cal["X-WR-CALNAME"])
    events = cal.walk("VEVENT")
    assert events and all(str(e["SUMMARY"]).endswith("– VHS Nord; Süd,") for e in events)
    assert all("Zyklus „Testierung 2027“" in str(e["DESCRIPTION"]) for e in events)


@pytest.mark.parametrize("broken", ["VHS\nNord", "VHS\r\nNord", "VHS\rNord", "VHS\u2028Nord", "VHS\x85Nord"])
def test_names_with_line_breaks_are_refused_in_german(store, catalogs, broken):
    service = CycleService(store)
    with pytest.raises(InputError, match="Zeilenumbruch"):
        service.create_institution(broken)
    inst = service.create_institution("VHS Nord\n")  # a line break at the end (pasted) is only trimmed
    assert inst.name == "VHS Nord"
    with pytest.raises(InputError, match="Zeilenumbruch"):
        service.create_institution("Haus Süd", qmb=broken)
    with pytest.raises(InputError, match="Zeilenumbruch"):
        service.create_cycle(inst.id, broken, catalogs.get("lqw"))
    assert [i.name for i in service.institutions()] == ["VHS Nord"]
    assert service.cycles(inst.id) == []


# ---------------------------------------------------------------------------- the page, driven like a user


def test_page_saves_dates_and_shows_what_is_due(store, catalogs, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    plan = _plan(store, catalogs)
    page = TimelinePage(plan.evaluation, today=TODAY)
    assert "Noch keine Termine" in page.next_box.value
    page.start.value = date(2026, 12, 7)
    page.suggest_button.click()
    assert "7 Schritte" in page.feedback.widget.value
    dates = store.timeline.dates(plan.cycle.id)
    assert dates["schritt:einfuehrung"].planned == date(2026, 12, 14)
    assert page.step_rows["schritt:einfuehrung"].pickers["planned"].value == date(2026, 12, 14)
    assert "Einführungsworkshop" in page.next_box.value and "in 21 Tagen" in page.next_box.value
    assert "voraussichtlich" in page.cert_info.value
    # a done date in the future is refused at the row; the store keeps nothing
    row = page.step_rows["schritt:einfuehrung"]
    row.pickers["done"].value = TODAY + timedelta(days=3)
    assert "Zukunft" in row.message.value
    assert store.timeline.dates(plan.cycle.id)["schritt:einfuehrung"].done is None
    row.pickers["done"].value = date(2026, 11, 20)
    assert store.timeline.dates(plan.cycle.id)["schritt:einfuehrung"].done == date(2026, 11, 20)
    assert "erledigt" in row.status.value and "Einführungsworkshop" not in page.next_box.value
    # the certificate date turns the expected deadlines into real ones
    page.cert_pickers["certified_on"].value = date(2027, 5, 24)
    assert store.timeline.certification(plan.cycle.id).certified_on == date(2027, 5, 24)
    assert "Gültig bis 23.05.2031" in page.cert_info.value and "voraussichtlich" not in page.cert_info.value
    assert page.deadline_rows["frist:retest_anmeldung"].due.value == "23.08.2030"
    page.cert_pickers["valid_until"].value = date(2027, 1, 1)
    assert "nach dem Datum des Zertifikats" in page.cert_labels["valid_until"].value
    assert store.timeline.certification(plan.cycle.id).valid_until is None
    # a yearly deadline marked done
    page.deadline_rows["frist:bilanz:1"].pickers["done"].value = date(2026, 11, 1)
    assert store.timeline.dates(plan.cycle.id)["frist:bilanz:1"].done == date(2026, 11, 1)
    # the calendar file
    page.calendar_button.click()
    saved = tmp_path / "exports" / "Fristen_VHS_Nord_Testierung_2027.ics"
    assert saved.exists() and 'id="qm-ics-download"' in page.calendar_info.value
    events = Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    assert f"{len(events)} Termine" in page.calendar_info.value
    # a fresh page (a reload) shows what is stored
    again = TimelinePage(plan.evaluation, today=TODAY)
    assert again.cert_pickers["certified_on"].value == date(2027, 5, 24)
    assert again.step_rows["schritt:einfuehrung"].pickers["done"].value == date(2026, 11, 20)
    assert again.feedback.widget.value == ""


def test_page_is_reached_by_name_and_lists_in_navigation(store, catalogs):
    plan = _plan(store, catalogs, "qmf")
    box = build_page("fristen", {"zyklus": str(plan.cycle.id)}, store, catalogs)
    html = "".join(getattr(c, "value", "") for c in box.children)
    assert "Zeitplan und Fristen" in html and 'href="Fristen.ipynb?zyklus=' in html


@pytest.mark.parametrize(
    ("catalog_id", "start", "absent"),
    [
        ("qmf", "Beginn der Runde", "Zertifikat / Testat"),
        ("dkbm", "Beginn des Zyklus", "Gültig"),
        ("lqw", "Zertifikat / Testat erteilt am", "Beginn der Runde"),
    ],
)
def test_models_without_a_certificate_speak_of_rounds_not_certificates(store, catalogs, catalog_id, start, absent):
    """QMF has three-year rounds and DKBM a repeating cycle: no page asks them for a certificate date."""
    plan = _plan(store, catalogs, catalog_id)
    page = TimelinePage(plan.evaluation, today=TODAY)
    texts = [page.cert_labels["certified_on"].value, page.cert_info.value, page.next_box.value]
    texts += [
        child.value for child in _widgets(page.widget) if hasattr(child, "value") and isinstance(child.value, str)
    ]
    text = " ".join(texts)
    assert start in text and absent not in text, text[:400]
    if catalog_id == "qmf":
        page.cert_pickers["certified_on"].value = date(2026, 1, 1)
        assert "Runde bis 31.12.2028" in page.cert_info.value
        rows = " ".join(c.value for c in _widgets(page.deadline_box) if isinstance(getattr(c, "value", None), str))
        assert "Ende der Runde" in rows and "Ende der Gültigkeit" not in rows and "Gültig" not in page.cert_info.value


def _widgets(widget):
    found = [widget]
    for child in getattr(widget, "children", ()):
        found += _widgets(child)
    return found


# ---------------------------------------------------------------------------- what Fristen must not claim


def test_before_any_certificate_the_end_of_validity_is_not_called_valid(store, catalogs):
    plan = _plan(store, catalogs, "qm4", "Bildungswerk Ost")
    expiry = _by_key(plan.timeline())["ablauf"]
    assert expiry.due is None and expiry.status_text(TODAY) == "noch ohne Datum"


def test_last_periods_testat_shows_no_overdue_items_of_an_ended_period_or_before_the_cycle(store, catalogs):
    plan = _plan(store, catalogs, "lqw", "VHS Süd")
    began = plan.began()
    assert began is not None
    # the testat of the last period: four years, ended before today
    plan.set_certificate("certified_on", date(2022, 5, 2), "QMB")
    timeline = plan.timeline()
    today = max(TODAY, began)
    states = {i.key: i.status(today) for i in timeline.deadlines if i.kind == "deadline"}
    assert Status.OVERDUE not in states.values()
    assert set(states.values()) == {Status.PERIOD_OVER}
    assert _by_key(timeline)["ablauf"].status_text(today) == "abgelaufen"
    assert [i for i in timeline.upcoming(today) if i.kind == "deadline"] == []
    # a testat of the running period: what fell due before the cycle began is not "überfällig", what comes is open
    plan.set_certificate("certified_on", began - timedelta(days=500), "QMB")
    timeline = plan.timeline()
    before = [i for i in timeline.deadlines if i.kind == "deadline" and i.due and i.due < began]
    after = [i for i in timeline.deadlines if i.kind == "deadline" and i.due and i.due >= began]
    assert before and all(i.status(began) is Status.BEFORE for i in before)
    assert after and all(i.status(began) in (Status.PLANNED, Status.SOON) for i in after)
    assert "falls erledigt, Datum eintragen" in before[0].status_text(began)
    # a deadline of this cycle that passes unmet is overdue as before
    later = after[0].due + timedelta(days=3)
    assert after[0].status(later) is Status.OVERDUE
