"""A network without a shared server: members on their own laptops exchange files with the coordinator.

What a coordinator and a member's QMB would check: the invitation sets the network up on the laptop; the
contribution file carries ratings and progress only; reading it in makes the same comparison as on a shared
server; a wrong catalog, a changed file or a second contribution of the same member and round is refused in German
and nothing is mixed; the result file brings the anonymous figures back, with the own column on the laptop only.
The coordinator's store runs on SQLite and PostgreSQL, the laptop on SQLite.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from qmkit.domain.network_comparison import compare
from qmkit.domain.network_files import MAX_BYTES, content_hash
from qmkit.errors import AccessDenied, InputError
from qmkit.services.network_compare import NetworkComparison
from qmkit.services.network_files import NetworkFiles
from qmkit.services.networks import NetworkService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.store import Store
from tests.conftest import shipped_catalogs
from tests.test_networks import CATALOG, make_network, person


def _files(store: Store, access=None) -> NetworkFiles:
    return NetworkFiles(NetworkComparison(NetworkService(store, shipped_catalogs(), access)))


@pytest.fixture
def laptop(tmp_path):
    s = Store(f"sqlite:///{tmp_path / 'laptop.sqlite'}")
    yield s
    s.close()


def _rated_cycle(store: Store, institution: str, seed: int = 3):
    catalog = shipped_catalogs().get(CATALOG)
    inst = store.institutions.create(institution)
    cycle = store.cycles.create(inst.id, "Selbstbewertung 2026", catalog)
    values = [v.value for v in catalog.scale.values if not v.not_applicable]
    ratings = {req.id: values[(i * seed) % len(values)] for i, req in enumerate(catalog.requirements()) if i % 4}
    SelfEvaluation(store, cycle, catalog).rate_all(ratings)
    return inst, cycle, ratings


def _laptop_member(store, laptop, name: str = "Familienzentrum Auf dem Land"):
    """The coordinator invites a member by name; its QMB reads the invitation in on its laptop and contributes."""
    network, the_round, _members, stored = make_network(store, 6)
    coordinator = _files(store)
    invited = coordinator.networks.invite(network.id, {"name": name, "kind": "beratung"})
    file_name, invitation = coordinator.invitation(invited.id)
    assert file_name == "Einladung_Verbund_Süd_Familienzentrum_Auf_dem_Land.json"
    inst, cycle, ratings = _rated_cycle(laptop, name)
    mine = _files(laptop)
    joined = mine.join(invitation, file_name, inst.id)
    assert joined.joined and joined.institution_id == inst.id
    local_round = laptop.networks.rounds(joined.network_id)[0]
    assert local_round.name == the_round.name
    mine.comparison.contribute(joined.id, local_round.id, cycle.id)
    return network, the_round, invited, joined, local_round, ratings, stored


def _reseal(data: bytes, change) -> bytes:
    document = json.loads(data)
    change(document["inhalt"])
    document["pruefsumme"] = content_hash(document["inhalt"])
    return json.dumps(document).encode()


def test_a_laptop_members_file_gives_the_same_comparison_as_a_shared_server(store, laptop):
    network, the_round, invited, joined, local_round, ratings, stored = _laptop_member(store, laptop)
    name, data = _files(laptop).contribution(joined.id, local_round.id)
    content = json.loads(data)["inhalt"]
    # ratings and progress, the member's key and its consent – nothing else travels
    assert set(content) == {"netzwerk", "mitglied", "runde", "katalog", "bewertungen", "fortschritt"}
    assert content["bewertungen"] == ratings and set(content["mitglied"]) == {"schluessel", "name", "name_zeigen"}
    assert name == "Beitrag_Verbund_Süd_Familienzentrum_Auf_dem_Land_Runde_2026.json"

    coordinator = _files(store)
    [outcome] = coordinator.import_contributions([(name, data)])
    assert outcome.done and "7" not in outcome.file and f"{len(ratings)} Bewertungen" in outcome.message
    assert store.networks.member(invited.id).joined
    held = store.networks.contributions(the_round.id)
    assert held[invited.id].ratings == ratings and held[invited.id].cycle_id is None
    # the figures equal a comparison over everything the members rated, as a shared server would make it
    everyone = {**stored, invited.id: ratings}
    expected = compare(shipped_catalogs().get(CATALOG), everyone, 5, the_round.name, 7, invited.id, invited.name)
    result_name, result = coordinator.result(network.id)
    assert result_name == "Netzwerkergebnis_Verbund_Süd.json"
    assert ratings_free(result, ratings)

    mine = _files(laptop)
    mine.import_result(result, result_name)
    seen = mine.comparison.report(joined.network_id, local_round.id, joined.id)
    assert seen.shown and seen.contributions == 7 and seen.members == 7
    assert [(a.area_id, a.spread, a.own_score) for a in seen.areas] == [
        (a.area_id, a.spread, pytest.approx(a.own_score) if a.own_score is not None else None) for a in expected.areas
    ]
    for got, want in zip(seen.requirements, expected.requirements, strict=True):
        assert (got.counts, got.spread, got.median_label) == (want.counts, want.spread, want.median_label)
        assert (got.own_value, got.own_score, got.own_label) == (want.own_value, want.own_score, want.own_label)
    assert [f.stat.requirement_id for f in seen.further()] == [f.stat.requirement_id for f in expected.further()]


def ratings_free(result: bytes, ratings: dict[str, str]) -> bool:
    """The result file holds counts and spreads only: no member key, no single rating next to a name."""
    text = result.decode()
    return "schluessel" not in text and "bewertungen" not in text and "Familienzentrum" not in text


def test_wrong_catalog_changed_file_and_second_contribution_are_refused_nothing_mixed(store, laptop):
    _network, the_round, invited, joined, local_round, ratings, _stored = _laptop_member(store, laptop)
    name, data = _files(laptop).contribution(joined.id, local_round.id)
    coordinator = _files(store)
    before = dict(store.networks.contributions(the_round.id))

    changed = json.loads(data)
    first = next(iter(changed["inhalt"]["bewertungen"]))
    changed["inhalt"]["bewertungen"][first] = "nicht"
    wrong_catalog = _reseal(data, lambda c: c["katalog"].update(id="qmf"))  # no crosswalk to qesplus
    unknown_value = _reseal(data, lambda c: c["bewertungen"].update({first: "super"}))
    outcomes = coordinator.import_contributions(
        [
            ("geaendert.json", json.dumps(changed).encode()),
            ("katalog.json", wrong_catalog),
            ("wert.json", unknown_value),
            ("kaputt.json", b"\x89PNG nicht json"),
            ("riesig.json", b" " * (MAX_BYTES + 1)),
        ]
    )
    messages = [o.message for o in outcomes]
    assert not any(o.done for o in outcomes)
    assert "nach dem Export verändert" in messages[0]
    assert "Katalog „qmf“" in messages[1] and "„qesplus“" in messages[1] and "keinen Crosswalk" in messages[1]
    assert "passen nicht zum Katalog" in messages[2] and first in messages[2]
    assert "keine Datei aus einem qmkit-Netzwerk" in messages[3]
    assert "zu groß" in messages[4]
    assert store.networks.contributions(the_round.id) == before

    assert coordinator.import_contributions([(name, data)])[0].done
    again = coordinator.import_contributions([(name, data)])[0]
    assert again.done and "schon eingelesen, nichts geändert" in again.message
    other_value = next(v.value for v in shipped_catalogs().get(CATALOG).scale.values if v.value != ratings[first])
    second = _reseal(data, lambda c: c["bewertungen"].update({first: other_value}))
    refused = coordinator.import_contributions([("zweiter.json", second)])[0]
    assert not refused.done and "schon ein Beitrag vor" in refused.message
    assert store.networks.contributions(the_round.id)[invited.id].ratings == ratings
    replaced = coordinator.import_contributions([("zweiter.json", second)], replace=True)[0]
    assert replaced.done and store.networks.contributions(the_round.id)[invited.id].ratings[first] == other_value
    # an invitation given where a contribution is expected says so
    _n, invitation = coordinator.invitation(invited.id)
    assert "Das ist eine Einladungsdatei" in coordinator.import_contributions([("e.json", invitation)])[0].message


def test_only_the_coordinator_reads_contributions_in_and_members_cannot_forge_others(store, laptop):
    network, the_round, invited, joined, local_round, _ratings, _stored = _laptop_member(store, laptop)
    name, data = _files(laptop).contribution(joined.id, local_round.id)
    member_qmb = person(store, "mara", "Einrichtung 01")
    outcome = _files(store, member_qmb).import_contributions([(name, data)])[0]
    assert not outcome.done and "Koordinierenden" in outcome.message
    with pytest.raises(AccessDenied):
        _files(store, member_qmb).result(network.id)
    with pytest.raises(AccessDenied):
        _files(store, member_qmb).invitation(invited.id)
    # a key that is not the network's: refused, nothing stored
    forged = _reseal(data, lambda c: c["mitglied"].update(schluessel="0" * 32))
    refused = _files(store).import_contributions([("fremd.json", forged)])[0]
    assert not refused.done and "nicht (mehr) eingeladen" in refused.message
    assert invited.id not in store.networks.contributions(the_round.id)
    # a member on this server needs no invitation file
    on_server = store.networks.members(network.id)[0]
    with pytest.raises(InputError, match="braucht keine Einladungsdatei"):
        _files(store).invitation(on_server.id)


def test_below_the_threshold_the_result_file_carries_no_figures(store, laptop):
    network, _the_round, _members, _stored = make_network(store, 3, threshold=5)
    coordinator = _files(store)
    invited = coordinator.networks.invite(network.id, {"name": "Laptop-Träger", "kind": "traeger"})
    inst, cycle, _ratings = _rated_cycle(laptop, "Laptop-Träger")
    joined = _files(laptop).join(coordinator.invitation(invited.id)[1], "e.json", inst.id)
    local_round = laptop.networks.rounds(joined.network_id)[0]
    _files(laptop).comparison.contribute(joined.id, local_round.id, cycle.id)
    assert coordinator.import_contributions([("b.json", _files(laptop).contribution(joined.id, local_round.id)[1])])[
        0
    ].done
    _n, result = coordinator.result(network.id)
    figures = json.loads(result)["inhalt"]["runden"][0]["ergebnis"]
    assert figures["beitraege"] == 4
    assert all(r["anzahl"] is None and r["verteilung"]["median"] is None for r in figures["anforderungen"].values())
    _files(laptop).import_result(result, "r.json")
    seen = _files(laptop).comparison.report(joined.network_id, local_round.id, joined.id)
    assert not seen.shown and all(s.counts is None for s in seen.requirements)
    assert any(s.own_value for s in seen.requirements)  # its own values stay its own to see


def test_a_result_adds_new_rounds_and_a_changed_result_is_refused(store, laptop):
    network, _the_round, _invited, joined, _local_round, _ratings, _stored = _laptop_member(store, laptop)
    coordinator = _files(store)
    coordinator.networks.add_round(network.id, {"name": "Runde 2027", "starts": date(2027, 1, 1)})
    name, result = coordinator.result(network.id)
    mine = _files(laptop)
    tampered = json.loads(result)
    tampered["inhalt"]["runden"][0]["ergebnis"]["beitraege"] = 99
    with pytest.raises(InputError, match="verändert"):
        mine.import_result(json.dumps(tampered).encode(), name)
    mine.import_result(result, name)
    assert [r.name for r in laptop.networks.rounds(joined.network_id)] == ["Runde 2026", "Runde 2027"]
    reports = mine.comparison.reports(joined.network_id, joined.id)
    assert [r.contributions for r in reports] == [6, 0]
    # the coordinator's own installation computes its figures and takes no result file
    with pytest.raises(InputError, match="koordiniert"):
        coordinator.import_result(result, name)


def test_cli_exchanges_the_files_between_two_installations(capsys, tmp_path, monkeypatch):
    import csv

    from qmkit.cli import main

    def run(data: str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("QMKIT_DATA", str(tmp_path / data))
        monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / data / "exports"))
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    monkeypatch.delenv("QMKIT_USER", raising=False)
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert run("koordination", "demo", "--network", "6", "--catalog", CATALOG)[0] == 0
    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "koordination"))
    store = Store()
    network = store.networks.find("Demo-Verbund")
    _files(store).networks.invite(network.id, {"name": "Laptop-Verein", "kind": "traeger"})
    store.close()
    invitation = tmp_path / "einladung.json"
    code, out, _ = run("koordination", "export", "invitation", "--member", "Laptop-Verein", "--out", str(invitation))
    assert code == 0 and "Einladungsdatei gespeichert" in out

    monkeypatch.setenv("QMKIT_DATA", str(tmp_path / "laptop"))
    laptop_store = Store()
    _inst, cycle, _ratings = _rated_cycle(laptop_store, "Laptop-Verein")
    laptop_store.close()
    code, out, _ = run("laptop", "import", "invitation", str(invitation))
    assert code == 0 and "„Laptop-Verein“ ist jetzt Mitglied im Netzwerk „Demo-Verbund“" in out
    code, out, err = run("laptop", "export", "contribution", "--cycle", str(cycle.id))
    assert code == 0, err
    contribution = next((tmp_path / "laptop" / "exports").glob("Beitrag_Demo-Verbund_Laptop-Verein_*.json"))

    code, out, _ = run("koordination", "import", "contribution", str(contribution), str(invitation))
    assert code == 1 and "✓ Beitrag_" in out and "✗ „einladung.json“: Das ist eine Einladungsdatei" in out
    result = tmp_path / "ergebnis.json"
    assert run("koordination", "export", "network-result", "--out", str(result))[0] == 0
    code, out, _ = run("laptop", "import", "network-result", str(result))
    assert code == 0 and "Netzwerkergebnis für „Demo-Verbund“ eingelesen" in out
    csv_out = tmp_path / "laptop.csv"
    assert run("laptop", "export", "network-report", "--member", "Laptop-Verein", "--out", str(csv_out))[0] == 0
    rows = list(csv.DictReader(csv_out.open(encoding="utf-8")))
    # the figures the coordinator sent (7 contributions: shown) with the laptop's own column
    assert rows and all(r["mitglieder"] != "" for r in rows)
    assert any(r["eigene"] == "ja" for r in rows)


def test_the_page_shows_each_side_its_file_cards_and_the_laptop_its_comparison(store, laptop):
    from qmkit.ui.app import build_page
    from tests.test_networks import _texts

    network, _the_round, invited, joined, local_round, _ratings, _stored = _laptop_member(store, laptop)
    coordinator_page = " ".join(
        _texts(build_page("netzwerk", {"netzwerk": str(network.id)}, store, shipped_catalogs()))
    )
    assert "Dateien für Mitglieder ohne gemeinsamen Server" in coordinator_page
    assert invited.name in coordinator_page and "Austausch mit der Koordination" not in coordinator_page
    name, data = _files(laptop).contribution(joined.id, local_round.id)
    _files(store).import_contributions([(name, data)])
    _files(laptop).import_result(*reversed(_files(store).result(network.id)))

    query = {"netzwerk": str(joined.network_id), "mitglied": str(joined.id)}
    page = " ".join(_texts(build_page("netzwerk", query, laptop, shipped_catalogs())))
    # the laptop shows the network's figures with its own mark, and no coordinator tools on its copy
    assert "Austausch mit der Koordination" in page and 'class="qm-spread-box"' in page
    assert "Dateien für Mitglieder ohne gemeinsamen Server" not in page and "Einladen" not in page
    assert "Zu wenige Beiträge" not in page
