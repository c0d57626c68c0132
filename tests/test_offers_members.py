"""The municipal view (issue 17, item 5): the education institutions of a municipality are members of its network
(kind Kommune) and report their offers by loading them on their own page; the municipality's coordinator adds
those reports to the analysis. What they would check: the places per 1,000 rise by exactly the members' places
(an independent pandas sum), an unnamed member's name appears nowhere, a member not joined or of another network
does not count, an offer in an unknown district is listed and not counted, a person who does not coordinate the
network is refused in German, the workbook's cover names the reports included. SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pytest
from openpyxl import load_workbook

from qmkit.domain.offers_analysis import Filters
from qmkit.domain.offers_members import REPORTED_BY
from qmkit.errors import AccessDenied, InputError
from qmkit.excel.offers_analysis import analysis_workbook
from qmkit.services.cycles import CycleService
from qmkit.services.networks import NetworkService
from qmkit.services.offers_data import OffersNeeds
from qmkit.services.offers_members import own_report
from qmkit.ui.app import build_page
from qmkit.ui.pages.offers_needs import OffersNeedsPage
from tests.conftest import shipped_catalogs
from tests.test_networks import _texts, person
from tests.test_offers import OFFERS_HEAD, generated
from tests.test_offers_data import csv_bytes
from tests.test_offers_page import text

CITY = "Stadt Musterstadt"
NAMED = "Grundschule am Park"
UNNAMED = "Kita Sonnenschein"


def offer_rows(prefix: str, rows: list[tuple[str, str, int, int]]) -> list[list[str]]:
    """(district, target group, places, year) → an offers table of a member (its provider is not its name)."""
    table = [OFFERS_HEAD]
    for n, (district, group, places, year) in enumerate(rows):
        table.append([f"{prefix} {n}", "Freier Träger Süd", "Kurs", district, group, str(places), "5", str(year)])
    return table


MEMBER_OFFERS = {
    NAMED: offer_rows(
        "Lernhilfe",
        [
            ("Sozialraum 1", "6–10", 25, 2025),
            ("Sozialraum 8", "11–16", 40, 2025),
            ("Neubaugebiet", "6–10", 30, 2025),
            ("Sozialraum 2", "6–10", 12, 2024),
        ],
    ),
    UNNAMED: offer_rows("Sprachkita", [("Sozialraum 1", "6–10", 10, 2025), ("Sozialraum 4", "Erwachsene", 15, 2025)]),
    "VHS nur eingeladen": offer_rows("Kurs", [("Sozialraum 1", "Erwachsene", 999, 2025)]),
    "Schule im Nachbarort": offer_rows("Kurs", [("Sozialraum 2", "6–10", 777, 2025)]),
}


@dataclass
class City:
    network_id: int
    other_id: int
    cycle_id: int
    needs: list[list[str]]
    offers: list[list[str]]
    members: dict[str, int]  # institution name → member id


def offers_of(store, name: str, rows: list[list[str]]) -> None:
    """The institution loads its offers register on its own page (a cycle of any catalog)."""
    cycles = CycleService(store)
    inst = cycles.create_institution(name)
    cycle = cycles.create_cycle(inst.id, "Selbstbewertung 2026", shipped_catalogs().get("qesplus"))
    OffersNeeds.open(store, cycle.id, shipped_catalogs()).load("offers", csv_bytes(rows), f"angebote_{name}.csv")


def city(store) -> City:
    """The city with needs and its own offers; a municipal network it coordinates (login "koordination") with two
    joined members that reported offers, one only invited; another municipal network with a member of its own."""
    catalogs = shipped_catalogs()
    cycles = CycleService(store)
    inst = cycles.create_institution(CITY)
    cycle = cycles.create_cycle(inst.id, "Zyklus 2026", catalogs.get("dkbm"))
    needs_rows, offers_rows = generated()
    data = OffersNeeds.open(store, cycle.id, catalogs)
    data.load("needs", csv_bytes(needs_rows), "bedarfe.csv")
    data.load("offers", csv_bytes(offers_rows), "angebote.csv")
    for name, rows in MEMBER_OFFERS.items():
        offers_of(store, name, rows)
    networks = NetworkService(store, catalogs)
    kommune = {"kind": "kommune", "catalog_id": "dkbm"}
    network = networks.create({"name": "Bildungsnetzwerk Musterstadt", **kommune}, "koordination")
    other = networks.create({"name": "Bildungsregion Nachbarort", **kommune}, "nachbar")
    members = {}
    for target, name, join, named in (
        (network, CITY, True, True),
        (network, NAMED, True, True),
        (network, UNNAMED, True, False),
        (network, "VHS nur eingeladen", False, True),
        (other, "Schule im Nachbarort", True, True),
        (other, CITY, True, True),
    ):
        member = networks.invite(target.id, {"kind": "schule"}, store.institutions.find(name).id)
        if join:
            networks.accept(member.id)
        networks.set_named(member.id, named)
        if target == network:
            members[name] = member.id
    return City(network.id, other.id, cycle.id, needs_rows, offers_rows, members)


def places_2025(rows: list[list[str]], districts: set[str]) -> pd.Series:
    """Places per district in 2025 over the offers in ``districts`` (a plain pandas sum, independent of qmkit)."""
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    frame = frame[(frame["Jahr"] == "2025") & frame["Sozialraum"].isin(districts)]
    return frame.assign(P=frame["Plätze"].astype(float)).groupby("Sozialraum")["P"].sum()


def cells(workbook) -> str:
    return " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row if c.value is not None)


def test_the_coordinator_adds_the_members_reports_and_the_places_rise_by_exactly_theirs(store):
    found = city(store)
    access = person(store, "koordination", CITY)
    data = OffersNeeds.open(store, found.cycle_id, shipped_catalogs(), access)
    assert [n.name for n in data.members.offered()] == ["Bildungsnetzwerk Musterstadt"]  # not the neighbour's
    before = data.analysis(Filters(year=2025))
    after = data.analysis(Filters(year=2025), members=[found.network_id])
    assert before is not None and after is not None
    needs = pd.DataFrame(found.needs[1:], columns=found.needs[0])
    known = set(needs["Sozialraum"])
    pop = needs[(needs["Indikator"] == "Bevölkerung") & (needs["Jahr"] == "2025")]
    pop = pop.assign(W=pop["Wert"].astype(float)).groupby("Sozialraum")["W"].sum()
    own = places_2025(found.offers, known)
    reported = places_2025(MEMBER_OFFERS[NAMED], known).add(places_2025(MEMBER_OFFERS[UNNAMED], known), fill_value=0)
    assert reported.to_dict() == {"Sozialraum 1": 35.0, "Sozialraum 4": 15.0, "Sozialraum 8": 40.0}
    was = {f.district: f for f in before.districts}
    for fit in after.districts:
        extra = reported.get(fit.district, 0.0)
        assert fit.supply == own.get(fit.district, 0.0) + extra
        assert fit.supply - was[fit.district].supply == extra
        assert fit.per_1000 == pytest.approx((own.get(fit.district, 0.0) + extra) / pop[fit.district] * 1000)
        assert fit.per_1000 - was[fit.district].per_1000 == pytest.approx(extra / pop[fit.district] * 1000)
    total = after.trend.loc["Gesamt", 2025] - before.trend.loc["Gesamt", 2025]
    assert total == pytest.approx(reported.sum() / pop.sum() * 1000)
    # the offer in a district the needs data lacks: listed with who reported it, not counted
    new = after.unknown[after.unknown["district"] == "Neubaugebiet"]
    assert list(new["name"]) == ["Lernhilfe 2"] and list(new[REPORTED_BY]) == [NAMED]
    assert len(after.unknown) == len(before.unknown) + 1
    assert set(after.offers_rows[REPORTED_BY]) == {CITY, NAMED, "Mitglied"}
    assert set(after.offers_rows["provider"]) >= {"Freier Träger Süd"}  # rows keep their provider
    # the unnamed member's name appears nowhere: not in the rows, the report, the workbook
    report = data.report(Filters(year=2025), members=[found.network_id])
    assert [m.member for m in report.members] == [NAMED, "Mitglied"]
    assert [m.rows for m in report.members] == [4, 2]
    text = cells(analysis_workbook(report))
    assert NAMED in text and "Mitglied (Bildungsnetzwerk Musterstadt): 2 Angebotszeilen" in text
    assert UNNAMED not in text and UNNAMED not in after.offers_rows.to_string()
    assert "angebote_Kita" not in text  # its file name would name it too
    assert "VHS nur eingeladen" not in text and "Nachbarort" not in text
    # the Word report names the same reports on its title page, the unnamed one only as "Mitglied"
    from qmkit.documents.offers_report import offers_report_document

    doc = offers_report_document(report)
    words = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "Mitglied (Bildungsnetzwerk Musterstadt): 2 Angebotszeilen" in words and NAMED in words
    assert UNNAMED not in words and "angebote_Kita" not in words


def test_without_coordinating_the_network_the_members_offers_stay_out(store):
    found = city(store)
    qmb = person(store, "qmb", CITY)  # may read and edit the city's cycle, coordinates nothing
    data = OffersNeeds.open(store, found.cycle_id, shipped_catalogs(), qmb)
    assert data.members.offered() == [] and data.analysis() is not None
    with pytest.raises(AccessDenied, match="nur die Koordinierenden des Netzwerks"):
        data.analysis(members=[found.network_id])
    with pytest.raises(AccessDenied, match="nur die Koordinierenden"):
        data.report(members=[found.network_id])
    page = OffersNeedsPage(data)
    assert page.include == {}  # no choice offered on the page
    # the network's coordinator, on the page of an institution only invited (not joined): refused too
    coordinator = person(store, "koordination", "VHS nur eingeladen")
    invited = OffersNeeds.open(store, CycleService(store, coordinator).cycles()[0].id, shipped_catalogs(), coordinator)
    assert invited.members.offered() == []
    with pytest.raises(InputError, match="kein Mitglied von „Bildungsnetzwerk Musterstadt“"):
        invited.analysis(members=[found.network_id])


def test_a_member_sees_which_offers_table_it_reports(store):
    found = city(store)
    kita = person(store, "kita", UNNAMED)
    service = NetworkService(store, shipped_catalogs(), kita)
    mine = own_report(service, found.members[UNNAMED])
    assert mine.load is not None and mine.load.source == f"angebote_{UNNAMED}.csv" and mine.load.rows == 2
    assert mine.cycle_id == CycleService(store, kita).cycles()[0].id
    with pytest.raises(AccessDenied):
        own_report(service, found.members[NAMED])  # another member's report is not the kita's to see
    fresh = CycleService(store).create_institution("Familienzentrum")
    networks = NetworkService(store, shipped_catalogs())
    member = networks.invite(found.network_id, {"kind": "beratung"}, fresh.id)
    networks.accept(member.id)
    assert own_report(networks, member.id).load is None and own_report(networks, member.id).cycle_id is None


def test_on_the_pages_the_coordinator_ticks_the_choice_and_the_member_sees_its_report(store, tmp_path, monkeypatch):
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    found = city(store)
    access = person(store, "koordination", CITY)
    page = OffersNeedsPage(OffersNeeds.open(store, found.cycle_id, shipped_catalogs(), access))
    (box,) = page.include.values()
    assert not box.value and "Bildungsnetzwerk Musterstadt" in box.description and page.reported.value == ""
    page.year.value = 2025
    first = {f.district: f for f in page.service.analysis(page.filters()).districts}
    supply = r"Sozialraum 8</b></td><td[^>]*>[^<]+</td><td[^>]*>([^<]+)<"  # the district's places in the table
    assert re.search(supply, page.fit.value).group(1) == "0"  # none of the city's own offers there
    box.value = True
    listed = text(page.reported.value)
    assert "2 Mitgliedern" in listed and NAMED in listed and "Mitglied (Bildungsnetzwerk" in listed
    assert UNNAMED not in " ".join(_texts(page.widget))
    now = {f.district: f for f in page.service.analysis(page.filters(), page.members()).districts}
    assert now["Sozialraum 8"].supply == first["Sozialraum 8"].supply + 40
    assert re.search(supply, page.fit.value).group(1) == "40"  # the school's offer there, on the page
    page.excel()
    (saved,) = (tmp_path / "exports").glob("Angebote_Bedarfe_*.xlsx")
    cover = cells([load_workbook(saved)["Deckblatt"]])
    assert "Angebote der Mitglieder" in cover and NAMED in cover and UNNAMED not in cover
    # the kita's QMB sees on the network page which offers table it reports
    kita = person(store, "kita", UNNAMED)
    built = build_page(
        "netzwerk", {"netzwerk": str(found.network_id)}, store, shipped_catalogs(), identity=kita.identity
    )
    seen = " ".join(_texts(built))
    assert "Ihre Angebote für die Kommune" in seen and f"angebote_{UNNAMED}.csv" in seen
    assert "Angebote_Bedarfe.ipynb?zyklus=" in seen


def test_the_demo_municipality_has_members_that_reported_offers(store):
    from qmkit.services.demo import create_demo
    from qmkit.services.demo_offers import MEMBERS, member_offers

    cycle, created = create_demo(store, shipped_catalogs().get("dkbm"))
    assert created and CycleService(store).latest() == cycle  # the newcomer lands on the demo, not a member
    data = OffersNeeds.open(store, cycle.id, shipped_catalogs())
    (network,) = data.members.offered()
    before, after = data.analysis(), data.analysis(members=[network.id])
    assert before is not None and after is not None and len(MEMBERS) == 4
    report = data.report(members=[network.id])
    assert [m.member for m in report.members][-1] == "Mitglied" and all(m.rows == 12 for m in report.members)
    known = {f.district for f in after.districts}
    rows = [
        r
        for n, (_name, _k, _named, districts, kinds) in enumerate(MEMBERS)
        for r in member_offers(n, districts, kinds)[1:]
    ]
    added = sum(float(r[5]) for r in rows if r[7] == "2025" and r[3] in known)
    assert sum(f.supply for f in after.districts) - sum(f.supply for f in before.districts) == added
    assert set(after.unknown["district"]) == {"Hafenkante"} and "Kita Sonnenblume" not in after.offers_rows.to_string()


def test_cli_exports_the_analysis_with_the_members_reports(capsys, tmp_path, monkeypatch):
    from qmkit.cli import main

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert main(["demo", "--catalog", "dkbm"]) == 0
    out, plain = tmp_path / "mit.csv", tmp_path / "ohne.csv"
    assert main(["export", "analysis", "--out", str(plain)]) == 0
    assert "Einbezogen" not in capsys.readouterr().out
    assert main(["export", "analysis", "--out", str(out), "--members"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("Einbezogen: ") == 4 and "Einbezogen: Mitglied (Bildungsnetzwerk Musterstadt)" in printed
    assert "Kita Sonnenblume" not in printed and out.read_text() != plain.read_text()
