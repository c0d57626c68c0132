"""Networks: members join and leave, contribute ratings, and compare themselves anonymously.

What a coordinator and a member would check: nothing shows below the threshold (page, Excel, CLI); the coordinator
never reaches a member's single answers; a member sees no unnamed member's name; the figures equal a pandas
group-by over the stored ratings. Runs on SQLite and, with QMKIT_TEST_POSTGRES, on PostgreSQL.
"""

from __future__ import annotations

import random
from datetime import date

import ipywidgets as w
import pandas as pd
import pytest
from openpyxl import load_workbook

from qmkit.errors import AccessDenied, InputError
from qmkit.excel.network_report import network_report_workbook
from qmkit.services.access import Access
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.networks import NetworkService
from qmkit.services.people import People
from qmkit.services.planning import Planning
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.app import build_page
from tests.conftest import shipped_catalogs

CATALOG = "qesplus"


def _texts(widget: w.Widget, out: list[str] | None = None) -> list[str]:
    out = [] if out is None else out
    if isinstance(widget, w.HTML):
        out.append(widget.value)
    if isinstance(widget, w.Dropdown):
        out.extend(label for label, _v in widget.options)
    for child in getattr(widget, "children", ()):
        _texts(child, out)
    return out


def _html_only(widget: w.Widget) -> list[str]:
    found = [widget.value] if isinstance(widget, w.HTML) else []
    for child in getattr(widget, "children", ()):
        found += _html_only(child)
    return found


def make_network(store, size: int, threshold: int = 5, seed: int = 7):
    """A Verbund of ``size`` institutions, each with a rated cycle contributed to one round (set up as LOCAL)."""
    catalogs = shipped_catalogs()
    catalog = catalogs.get(CATALOG)
    service = NetworkService(store, catalogs)
    compare = NetworkComparison(service)
    network = service.create({"name": "Verbund Süd", "kind": "verbund", "catalog_id": CATALOG, "threshold": threshold})
    the_round = service.add_round(network.id, {"name": "Runde 2026", "starts": date(2026, 1, 1)})
    rng = random.Random(seed)
    members, stored = [], {}
    for i in range(size):
        inst = store.institutions.create(f"Einrichtung {i:02d}")
        member = service.invite(network.id, {"kind": "traeger"}, inst.id)
        service.accept(member.id)
        cycle = store.cycles.create(inst.id, "Selbstbewertung 2026", catalog)
        ratings = {}
        for req in catalog.requirements():
            if rng.random() < 0.85:
                ratings[req.id] = rng.choice([v.value for v in catalog.scale_for(req)])
        SelfEvaluation(store, cycle, catalog).rate_all(ratings)
        compare.contribute(member.id, the_round.id, cycle.id)
        members.append(member)
        stored[member.id] = ratings
    return network, the_round, members, stored


def person(store, login: str, institution: str | None = None, role: str = "qmb") -> Access:
    people = People(store)
    people.add(login, login.title())
    if institution:
        people.grant(login, store.institutions.find(institution).id, role)
    found = store.users.identity(login)
    assert found is not None
    return Access(store, found)


def test_a_network_below_the_threshold_shows_no_distribution_anywhere(store, tmp_path):
    network, the_round, members, _stored = make_network(store, 4, threshold=5)
    compare = NetworkComparison(NetworkService(store, shipped_catalogs()))
    report = compare.report(network.id, the_round.id, members[0].id)
    assert report.contributions == 4 and not report.shown
    assert all(s.counts is None and s.spread.median is None for s in report.requirements)
    assert all(a.spread.median is None for a in report.areas)
    assert report.further() == []
    # the member still sees its own value (it is its own data), nothing of the others
    assert any(s.own_value for s in report.requirements)
    wb = network_report_workbook(network, [report])
    sheet = wb[wb.sheetnames[2]]
    shares = [c.value for row in sheet.iter_rows(min_row=2, min_col=4, max_col=7) for c in row]
    assert shares and all(v is None for v in shares)
    assert "verborgen: " in str(sheet.cell(row=2, column=9).value)
    page = " ".join(_texts(build_page("netzwerk", {"netzwerk": str(network.id)}, store, shipped_catalogs())))
    assert "Zu wenige Beiträge" in page and "verborgen: 4 von mindestens 5" in page
    assert 'class="qm-spread-box"' not in page and 'title="erfüllt' not in page


def test_twelve_members_see_distributions_whose_figures_equal_a_pandas_groupby(store):
    network, the_round, members, stored = make_network(store, 12)
    catalog = shipped_catalogs().get(CATALOG)
    report = NetworkComparison(NetworkService(store, shipped_catalogs())).report(network.id, the_round.id)
    assert report.shown and report.own_member is None
    # the figures read back from what the store holds, not from what the test meant to store
    rows = []
    for member in members:
        cycle = store.cycles.all(member.institution_id)[0]
        rows += [(member.id, rid, a.rating) for rid, a in store.assessments.of_cycle(cycle.id).items() if a.rating]
    frame = pd.DataFrame(rows, columns=["member", "req", "value"])
    assert len(frame) == sum(len(r) for r in stored.values())
    scale = catalog.scale.values
    usable = [v.value for v in scale if not v.not_applicable]
    score = {v: 100 - 100 * i / (len(usable) - 1) for i, v in enumerate(usable)}
    frame["score"] = frame["value"].map(score)
    counts = frame.groupby(["req", "value"]).size()
    medians = frame.dropna(subset=["score"]).groupby("req")["score"].median()
    quartiles = frame.dropna(subset=["score"]).groupby("req")["score"].quantile([0.25, 0.75])
    for stat in report.requirements:
        for value in scale:
            assert stat.counts[value.value] == counts.get((stat.requirement_id, value.value), 0)
        assert stat.n == int((frame["req"] == stat.requirement_id).sum())
        usable_n = int(frame[frame["req"] == stat.requirement_id]["score"].notna().sum())
        if usable_n < report.threshold:  # mostly "nicht zutreffend": too few scores to show a spread
            assert stat.spread.median is None and stat.spread.q1 is None
            continue
        assert stat.spread.median == pytest.approx(medians[stat.requirement_id])
        assert stat.spread.q1 == pytest.approx(quartiles[(stat.requirement_id, 0.25)])
        assert stat.spread.q3 == pytest.approx(quartiles[(stat.requirement_id, 0.75)])
    area_of = {r.id: catalog.area_of(r.id).id for r in catalog.requirements()}
    frame["area"] = frame["req"].map(area_of)
    per_member = frame.dropna(subset=["score"]).groupby(["area", "member"])["score"].mean()
    for area in report.areas:
        assert area.spread.median == pytest.approx(per_member[area.area_id].median())
        assert area.spread.n == len(per_member[area.area_id])


def test_the_coordinator_sees_aggregates_only_never_a_members_answers(store):
    network, the_round, members, _stored = make_network(store, 6)
    catalogs = shipped_catalogs()
    NetworkService(store, catalogs).add_coordinator(network.id, "kora")
    kora = person(store, "kora")
    service = NetworkService(store, catalogs, kora)
    compare = NetworkComparison(service)
    assert service.coordinates(network.id)
    report = compare.report(network.id, the_round.id)
    assert report.shown and report.own_member is None and all(s.own_value is None for s in report.requirements)
    target = members[2]
    for attempt in (
        lambda: compare.report(network.id, the_round.id, target.id),
        lambda: compare.own_contributions(target.id),
        lambda: compare.member_cycles(target.id),
        lambda: compare.contribute(target.id, the_round.id, store.cycles.all(target.institution_id)[0].id),
        lambda: SelfEvaluation.open(store, store.cycles.all(target.institution_id)[0].id, catalogs, kora),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    # a URL naming the member gives the coordinator the overall view, never the member's column
    page = build_page(
        "netzwerk", {"netzwerk": str(network.id), "mitglied": str(target.id)}, store, catalogs, identity=kora.identity
    )
    text = " ".join(_texts(page))
    assert "Gesamtbild" in text and "Ihr Wert" not in text and "Ihre Bewertung" not in text
    assert "als Mitglied" not in text


def test_a_member_sees_its_own_position_and_only_named_members(store):
    network, the_round, members, stored = make_network(store, 6)
    catalogs = shipped_catalogs()
    NetworkService(store, catalogs).set_named(members[1].id, True)
    anna = person(store, "anna", "Einrichtung 00")
    service = NetworkService(store, catalogs, anna)
    assert not service.coordinates(network.id)
    names = {m.name for m in service.members(network.id)}
    assert names == {"Einrichtung 00", "Einrichtung 01"}
    compare = NetworkComparison(service)
    report = compare.report(network.id, the_round.id, members[0].id)
    assert report.own_member == "Einrichtung 00"
    own = {s.requirement_id: s.own_value for s in report.requirements if s.own_value}
    assert own == stored[members[0].id]
    with pytest.raises(AccessDenied):
        compare.report(network.id, the_round.id, members[3].id)
    with pytest.raises(AccessDenied):
        service.add_round(network.id, {"name": "Runde 2027"})
    page = " ".join(
        _texts(build_page("netzwerk", {"netzwerk": str(network.id)}, store, catalogs, identity=anna.identity))
    )
    assert "Ihr Wert" in page and "Einrichtung 01" in page
    for hidden in ("Einrichtung 02", "Einrichtung 03", "Einrichtung 04", "Einrichtung 05"):
        assert hidden not in page
    # someone of another institution outside the network sees nothing of it
    outsider = person(store, "olaf")
    assert NetworkService(store, catalogs, outsider).networks() == []
    with pytest.raises(AccessDenied):
        NetworkComparison(NetworkService(store, catalogs, outsider)).report(network.id, the_round.id)


def test_joining_contributing_and_leaving_keep_each_members_data_its_own(store):
    network, the_round, members, _stored = make_network(store, 5)
    catalogs = shipped_catalogs()
    service = NetworkService(store, catalogs)
    compare = NetworkComparison(service)
    assert compare.report(network.id, the_round.id).shown
    with pytest.raises(InputError, match="schon eingeladen"):
        service.invite(network.id, {"kind": "vhs"}, members[0].institution_id)
    with pytest.raises(InputError, match="mindestens 3"):
        service.set_threshold(network.id, 2)
    # a cycle of a catalog without a crosswalk to the network's is refused, nothing changes
    other = store.cycles.create(members[0].institution_id, "QMF 2026", catalogs.get("qmf"))
    with pytest.raises(InputError, match="keinen Crosswalk"):
        compare.contribute(members[0].id, the_round.id, other.id)
    service.leave(members[4].id)
    report = compare.report(network.id, the_round.id)
    assert report.contributions == 4 and not report.shown
    assert store.networks.contributions(the_round.id).keys() == {m.id for m in members[:4]}
    # an invited institution that has not joined does not count and cannot contribute
    late = store.institutions.create("Neu dabei")
    invited = service.invite(network.id, {"kind": "beratung"}, late.id)
    cycle = store.cycles.create(late.id, "2026", catalogs.get(CATALOG))
    with pytest.raises(InputError, match="Einladung annehmen"):
        compare.contribute(invited.id, the_round.id, cycle.id)


def test_where_others_are_further_becomes_a_measure_in_one_click(store):
    network, the_round, members, _stored = make_network(store, 8, seed=3)
    catalogs = shipped_catalogs()
    compare = NetworkComparison(NetworkService(store, catalogs))
    # a member that is behind the network's median somewhere (random ratings: not necessarily the first)
    behind = [(m, compare.report(network.id, the_round.id, m.id).further()) for m in members]
    member, further = next(((m, f) for m, f in behind if f), (None, []))
    assert member is not None, "the seeded network has a member behind the median somewhere"
    first = further[0]
    assert first.stat.spread.median > first.stat.own_score
    cycle = store.cycles.all(member.institution_id)[0]
    made = compare.measure_from_further(member.id, first, cycle.id, "B. Yilmaz")
    planning = Planning.open(store, cycle.id, catalogs)
    assert [m.title for m in planning.measures()] == [made.title]
    assert made.requirement_ids == (first.stat.requirement_id,)
    with pytest.raises(InputError, match="verantwortliche"):
        compare.measure_from_further(member.id, first, cycle.id, "")


def test_network_names_and_texts_are_checked():
    from qmkit.domain.network import check_network

    with pytest.raises(InputError, match="Katalog"):
        check_network({"name": "X", "kind": "verbund", "catalog_id": "gibtsnicht"}, {"qm4"})
    with pytest.raises(InputError, match="Verbund, Region oder Kommune"):
        check_network({"name": "X", "kind": "land", "catalog_id": "qm4"}, {"qm4"})
    clean = check_network({"name": "  <script>Verbund</script> ", "kind": "region", "catalog_id": "qm4"}, {"qm4"})
    assert clean["name"] == "<script>Verbund</script>" and clean["threshold"] == 5


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    from qmkit.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_demo_network_and_report_as_csv_and_excel(capsys, tmp_path, monkeypatch):
    """``qmkit demo --network 12`` and the report a script reads: counts equal the stored contributions."""
    import csv

    from qmkit.store import Store

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    code, out, _ = _cli(capsys, "demo", "--network", "12", "--catalog", "qmf")
    assert code == 0 and "„Demo-Verbund“ (qmf) angelegt: 12 Mitglieder" in out
    code, out, _ = _cli(capsys, "demo", "--network", "12", "--catalog", "qmf")
    assert code == 0 and "gibt es schon" in out
    code, out, _ = _cli(capsys, "network", "list")
    assert "Demo-Verbund (region, Katalog qmf): 12 Mitglieder, 0 eingeladen" in out
    report = tmp_path / "bericht.csv"
    assert _cli(capsys, "export", "network-report", "--out", str(report))[0] == 0
    rows = list(csv.DictReader(report.open(encoding="utf-8")))
    assert "eigene" not in rows[0]
    store = Store()
    network = store.networks.find("Demo-Verbund")
    newest = store.networks.rounds(network.id)[-1]
    stored = store.networks.contributions(newest.id)
    for row in rows:
        assert row["runde"] == newest.name
        expected = sum(1 for c in stored.values() if c.ratings.get(row["anforderung"]) == row["wert"])
        assert int(row["mitglieder"]) == expected
        rated = sum(1 for c in stored.values() if row["anforderung"] in c.ratings)
        assert float(row["anteil"]) == pytest.approx(expected / rated, abs=1e-4)
    # a member's own copy marks its values; the Excel report carries the course over both rounds
    member = store.networks.members(network.id)[0]
    own = tmp_path / "eigen.xlsx"
    assert _cli(capsys, "export", "network-report", "--member", member.name, "--out", str(own))[0] == 0
    wb = load_workbook(own)
    assert wb.sheetnames == ["Deckblatt", "Bereiche", "Anforderungen", "Verlauf"]
    assert member.name in wb["Deckblatt"]["B11"].value
    assert wb["Verlauf"].cell(row=1, column=3).value.startswith("Median Runde")
    assert wb["Anforderungen"].cell(row=1, column=wb["Anforderungen"].max_column).value == "Eigene Bewertung"
    code, _out, err = _cli(capsys, "export", "network-report", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and ".xlsx oder .csv" in err


def test_cli_keeps_a_coordinator_to_aggregates_and_hides_small_networks(capsys, tmp_path, monkeypatch):
    import csv

    from qmkit.store import Store

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("QMKIT_USER", raising=False)
    store = Store()
    network, _round, members, _stored = make_network(store, 4)
    NetworkService(store, shipped_catalogs()).add_coordinator(network.id, "kora")
    People(store).add("kora", "Kora Koordination")
    monkeypatch.setenv("QMKIT_USER", "kora")
    code, _out, err = _cli(
        capsys, "export", "network-report", "--member", members[1].name, "--out", str(tmp_path / "m.csv")
    )
    assert code == 1 and "Einrichtung 01" not in _out and not (tmp_path / "m.csv").exists()
    assert "Fehler" in err
    out_csv = tmp_path / "klein.csv"
    assert _cli(capsys, "export", "network-report", "--out", str(out_csv))[0] == 0
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert rows and all(r["mitglieder"] == "" and r["anteil"] == "" for r in rows)


def test_libreoffice_prints_the_network_report(store, tmp_path):
    from qmkit.excel.style import save_workbook
    from tests.conftest import libreoffice_pdf_text

    network, the_round, members, _stored = make_network(store, 9)
    compare = NetworkComparison(NetworkService(store, shipped_catalogs()))
    path = save_workbook(
        network_report_workbook(network, [compare.report(network.id, the_round.id, members[0].id)]),
        tmp_path / "Netzwerkbericht.xlsx",
    )
    text, pages = libreoffice_pdf_text(path, tmp_path)
    assert "Netzwerkbericht" in text and "Verbund Süd" in text and "Eigene Bewertung" in text
    assert "Median" in text and 4 <= pages <= 8


def test_hostile_text_stays_text_on_the_page_and_in_the_report(store):
    catalogs = shipped_catalogs()
    service = NetworkService(store, catalogs)
    network = service.create({"name": '=HYPERLINK("http://x","klick")', "kind": "region", "catalog_id": CATALOG})
    the_round = service.add_round(network.id, {"name": "<script>alert(1)</script>"})
    service.add_agreement(network.id, {"text": "<img src=x onerror=alert(1)> =1+1", "agreed_on": "01.02.2026"})
    with pytest.raises(InputError, match="Datum"):
        service.add_agreement(network.id, {"text": "gilt", "agreed_on": "morgen"})
    built = build_page("netzwerk", {}, store, catalogs)
    page = " ".join(_html_only(built))  # what the browser reads as markup (drop-down labels are plain text)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt; =1+1" in page
    report = NetworkComparison(service).report(network.id, the_round.id)
    cover = network_report_workbook(network, [report])["Deckblatt"]
    assert cover["B3"].value == '=HYPERLINK("http://x","klick")' and cover["B3"].data_type == "s"
    from qmkit.documents.network_csv import network_report_csv

    assert network_report_csv(report).splitlines()[1].startswith("<script>")  # no formula start: kept as written
