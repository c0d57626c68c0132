"""Workshop pages driven like a user: the facilitator creates a workshop, participants join and rate (through the
service their pages call, see test_workshop_pages.py for the pages themselves), the live view shows the
aggregates, the consensus goes into the self-evaluation, dots count, the report and the checklist carry the
workshop; the participant server's gate refuses what it must."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from qmkit.domain.workshop import CANNOT_JUDGE, new_token
from qmkit.errors import InputError
from qmkit.server.join_gate import CodeTries, cookie_name, decide
from qmkit.services.cycles import CycleService
from qmkit.services.selfeval import SelfEvaluation
from qmkit.services.workshop import Participation
from qmkit.ui.app import build_page
from qmkit.ui.pages.facilitator import FacilitatorPage, export_word, participant_link
from qmkit.ui.pages.live_view import live_html
from qmkit.ui.pages.workshop import WorkshopListPage
from tests.conftest import workshops


@pytest.fixture
def cycle(store, catalogs):
    catalog = catalogs.get("qm4")
    inst = CycleService(store).create_institution("Familienbildung Nord", qmb="A. QMB")
    return catalog, CycleService(store).create_cycle(inst.id, "2027", catalog)


def make_workshop(store, catalogs, cycle, **extra):
    _catalog, cyc = cycle
    page = WorkshopListPage(SelfEvaluation.open(store, cyc.id, catalogs))
    page.title.value = extra.get("title", "Teamtag <b>Qualität</b>")
    page.area_boxes["QB1"].value = True  # the whole first area
    page.threshold.value = extra.get("threshold", 3)
    page.named.value = extra.get("named", False)
    return page, page.create()


class Phone:
    """One participant, through the service the participant pages call."""

    def __init__(self, store, catalog, ws, role="", name="", key=None):
        self.participation = Participation(store, ws, catalog)
        self.participant = self.participation.join(name, role, key or new_token())

    def rate(self, req, value, comment=""):
        return self.participation.rate(self.participant, req, value, comment)


def participant(store, catalog, ws, role="", name="", key=None):
    return Phone(store, catalog, ws, role, name, key)


def test_create_workshop_from_areas_and_refuse_bad_input(store, catalogs, cycle):
    catalog, cyc = cycle
    page, ws = make_workshop(store, catalogs, cycle)
    area_ids = tuple(r.id for r in catalog.areas[0].all_requirements())
    assert ws is not None and ws.requirement_ids == area_ids
    assert store.workshops.of_cycle(cyc.id)[0].title == "Teamtag <b>Qualität</b>"
    assert "Teamtag &lt;b&gt;Qualität&lt;/b&gt;" in page.list_html.value and "<b>Qualität" not in page.list_html.value
    assert "Moderation öffnen" in page.created.value
    # nothing chosen, no title: German messages at the fields, nothing stored
    page.area_boxes["QB1"].value = False
    assert page.requirements.value == ()
    page.title.value = "Zweiter"
    assert page.create() is None
    assert "mindestens eine Anforderung" in page.errors["requirement_ids"].value
    page.requirements.value = (area_ids[0],)
    page.title.value = "   "
    assert page.create() is None and "Titel" in page.errors["title"].value
    assert len(store.workshops.of_cycle(cyc.id)) == 1


def test_participants_rate_live_view_consensus_and_dots(store, catalogs, cycle, monkeypatch, tmp_path):
    catalog, cyc = cycle
    monkeypatch.setenv("QMKIT_JOIN_URL", "http://192.168.1.20:8867/")
    monkeypatch.setenv("QMKIT_EXPORTS", str(tmp_path / "exports"))
    _page, ws = make_workshop(store, catalogs, cycle)
    facilitator = FacilitatorPage(SelfEvaluation.open(store, cyc.id, catalogs), ws)
    assert participant_link(ws) == f"http://192.168.1.20:8867/?t={ws.token}"
    assert ws.join_code in facilitator.join_info.value
    assert 'src="data:image/svg+xml' in facilitator.join_info.value  # QR drawn locally
    first, second = ws.requirement_ids[:2]
    met, partly = catalog.scale.values[0].value, catalog.scale.values[1].value

    people = [participant(store, catalog, ws, role="Leitung" if i < 3 else "Verwaltung") for i in range(5)]
    for i, person in enumerate(people):
        person.rate(first, met if i < 3 else partly)
    people[0].rate(second, CANNOT_JUDGE)
    people[1].rate(second, met, "Kommentar ohne Antwort")
    people[2].rate(second, met)

    facilitator.refresh()
    first_stats = next(s for s in facilitator.result.stats if s.requirement_id == first)
    assert (first_stats.answers, first_stats.counts[met], first_stats.counts[partly]) == (5, 3, 2)
    assert first_stats.by_role == {}  # "Verwaltung" has 2 < 3 raters: no breakdown
    second_stats = next(s for s in facilitator.result.stats if s.requirement_id == second)
    assert second_stats.answers == 3 and second_stats.cannot_judge == 1 and not second_stats.shown
    assert "Verteilung ab 3 Bewertungen (jetzt 2)" in facilitator.live.value
    assert "5 Teilnehmende · 8 Antworten" in facilitator.counts.value

    # a late rating appears on the next refresh (the page does this every second)
    late = participant(store, catalog, ws)
    late.rate(second, partly)
    facilitator.refresh()
    assert next(s for s in facilitator.result.stats if s.requirement_id == second).shown

    # consensus: the facilitator picks the requirement, the rating, reason and dissent
    facilitator.consensus_req.value = first
    assert "Median der Gruppe" in facilitator.consensus_hint.value
    facilitator.consensus_save.click()
    assert "Bewertung wählen" in facilitator.consensus_message.value
    facilitator.consensus_rating.value = partly
    facilitator.consensus_reason.value = '=HYPERLINK("http://x")'
    facilitator.consensus_dissent.value = "Verwaltung sieht es strenger"
    facilitator.consensus_save.click()
    assessment = store.assessments.get(cyc.id, first)
    assert assessment.rating == partly and assessment.changed_by == f"Workshop „{ws.title}“"
    assert store.workshops.consensus(ws.id)[first].dissent == "Verwaltung sieht es strenger"
    assert f'data-req="{first}"' in facilitator.live.value and "✓" in facilitator.live.value

    # dots from a room without devices count like ratings
    third = ws.requirement_ids[2]
    facilitator.dots_req.value = third
    facilitator.dot_inputs[met].value = 4
    facilitator.dot_inputs[partly].value = 1
    assert store.workshops.dots(ws.id)[third] == {met: 4, partly: 1}
    assert next(s for s in facilitator.result.stats if s.requirement_id == third).counts[met] == 4
    facilitator.dots_req.value = first
    assert facilitator.dot_inputs[met].value == 0  # the inputs show the chosen requirement's dots

    # the report: aggregates, consensus, dissent; formula text stays text; no names (anonymous workshop)
    facilitator.export()
    book = load_workbook(io.BytesIO(facilitator.last_export.read_bytes()))
    assert book.sheetnames == ["Bericht", "Ergebnisse", "Kommentare"]
    rows = list(book["Ergebnisse"].iter_rows(values_only=True))
    header, by_id = rows[0], {r[0]: r for r in rows[1:]}
    assert by_id[first][header.index("Konsens")] == catalog.scale.label(partly)
    assert by_id[first][header.index(catalog.scale.values[0].label)] == 3
    reason = book["Ergebnisse"].cell(row=2 + ws.requirement_ids.index(first), column=header.index("Begründung") + 1)
    assert reason.data_type == "s" and reason.value.startswith("=HYPERLINK")
    assert "anonym" in str(book["Bericht"]["B10"].value)
    # the same report in Word: consensus, reason as text, the anonymity line
    from docx import Document as read_docx

    from tests.conftest import libreoffice_pdf_text

    export_word(facilitator)
    href = facilitator.download.value.split("base64,", 1)[1].split('"', 1)[0]
    word = tmp_path / "workshop.docx"
    word.write_bytes(base64.b64decode(href))
    cells = [c.text for t in read_docx(str(word)).tables for r in t.rows for c in r.cells]
    assert any(c.startswith("=HYPERLINK") for c in cells) and catalog.scale.label(partly) in cells
    assert any("anonym: keine Namen gespeichert." in c for c in cells)
    text, _pages = libreoffice_pdf_text(word, tmp_path)
    assert "Workshop-Bericht" in text and "Verwaltung sieht es strenger" in text
    # the checklist carries a Workshops sheet
    data = SelfEvaluation.open(store, cyc.id, catalogs).checklist_data()
    from qmkit.excel.checklist import build_workbook

    sheet = build_workbook(data)["Workshops"]
    assert [c.value for c in sheet[1]][:3] == ["Workshop", "Datum", "Nr."]
    assert sheet.max_row == 1 + len(ws.requirement_ids)


def test_reconnect_continues_and_names_only_when_named(store, catalogs, cycle):
    catalog, _cyc = cycle
    _page, anonymous = make_workshop(store, catalogs, cycle)
    key = new_token()
    first = participant(store, catalog, anonymous, name="Erika <script>alert(1)</script>", key=key)
    req = anonymous.requirement_ids[0]
    first.rate(req, catalog.scale.values[0].value, "<img src=x onerror=alert(1)>")
    # reload with the same key: straight to the answers
    again = Participation(store, anonymous, catalog)
    answer = again.answers(again.participant(key))[req]
    assert (answer.value, answer.comment) == (catalog.scale.values[0].value, "<img src=x onerror=alert(1)>")
    assert store.workshops.participants(anonymous.id)[0].display_name == ""  # anonymous: the name was not stored
    assert len(store.workshops.participants(anonymous.id)) == 1

    _page2, named = make_workshop(store, catalogs, cycle, title="Benannt", named=True, threshold=1)
    person = participant(store, catalog, named, name="Erika <script>", role="Leitung")
    person.rate(req, catalog.scale.values[0].value, "<b>fett</b>")
    result = workshops(store, named.cycle_id).result(named)
    assert result.comments[req] == ("Erika <script>: <b>fett</b>",)
    html = live_html(catalog, result)
    assert "Erika &lt;script&gt;: &lt;b&gt;fett&lt;/b&gt;" in html and "<script>" not in html
    # the report of the named workshop prints the name with the comment, as text
    from qmkit.excel.workshop import build_workshop_workbook

    data = SelfEvaluation.open(store, named.cycle_id, catalogs).checklist_data()
    book = load_workbook(io.BytesIO(_saved(build_workshop_workbook(data, result))))
    assert [c.value for c in book["Kommentare"][2]] == [req, "Erika <script>: <b>fett</b>"]
    # the anonymous workshop's report has no name, though one was typed
    first.rate(req, catalog.scale.values[0].value, "zweiter Kommentar")
    for _i in range(2):
        other = participant(store, catalog, anonymous)
        other.rate(req, catalog.scale.values[1].value)
    plain = load_workbook(
        io.BytesIO(_saved(build_workshop_workbook(data, workshops(store, anonymous.cycle_id).result(anonymous))))
    )
    texts = [str(c.value) for row in plain.worksheets for line in row.iter_rows() for c in line if c.value]
    assert "zweiter Kommentar" in texts and not any("Erika" in t for t in texts)


def _saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_facilitator_view_needs_the_facilitator_token(store, catalogs, cycle):
    _page, ws = make_workshop(store, catalogs, cycle)
    page = build_page("workshop", {"moderation": ws.facilitator_token}, store, catalogs)
    assert "Live-Ansicht" in str([c.children[0].value for c in page.children if hasattr(c, "children") and c.children])
    from qmkit.errors import NotFoundError

    for bad in (ws.token, "", "x" * 300, ws.facilitator_token[:-2]):
        with pytest.raises(NotFoundError):
            build_page("workshop", {"moderation": bad}, store, catalogs)
    with pytest.raises(NotFoundError):
        Participation.open(store, ws.facilitator_token, catalogs)  # the participants' side needs the join token


def test_gate_refuses_without_token_and_keeps_the_key(store, catalogs, cycle):
    _page, ws = make_workshop(store, catalogs, cycle)
    tries = CodeTries(limit=3)
    plain = decide(store, {}, {}, "10.0.0.5", tries)
    assert plain.html and "Beitrittscode" in plain.html and not plain.launch
    for bad in ("nope", ws.facilitator_token, ws.token[:-1] + ("B" if ws.token.endswith("A") else "A")):
        answer = decide(store, {"t": bad}, {}, "10.0.0.5", tries)
        assert answer.status == 403 and not answer.launch and "ungültig" in (answer.html or "")
    # the code leads to the link; the first visit gets a key in a cookie and the address
    by_code = decide(store, {"code": ws.join_code.lower()}, {}, "10.0.0.5", tries)
    assert by_code.redirect == f"?t={ws.token}"
    first = decide(store, {"t": ws.token}, {}, "10.0.0.5", tries)
    assert first.cookie is not None and first.cookie[0] == cookie_name(ws.id)
    key = first.cookie[1]
    assert first.redirect == f"?t={ws.token}&p={key}"
    again = decide(store, {"t": ws.token}, {cookie_name(ws.id): key}, "10.0.0.5", tries)
    assert again.redirect == f"?t={ws.token}&p={key}"  # the reopened link continues with the same key
    assert decide(store, {"t": ws.token, "p": key}, {}, "10.0.0.5", tries).launch
    # guessing codes is slowed down per address
    for _i in range(3):
        assert decide(store, {"code": "ZZZZZZ"}, {}, "10.0.0.9", tries).status == 404
    assert decide(store, {"code": ws.join_code}, {}, "10.0.0.9", tries).status == 429
    assert decide(store, {"code": ws.join_code}, {}, "10.0.0.5", tries).redirect


def test_notebooks_only_call_the_app(tmp_path: Path):
    import json

    root = Path(__file__).resolve().parents[1] / "notebooks"
    cells = json.loads((root / "Workshop.ipynb").read_text())["cells"]
    assert ["".join(c["source"]) for c in cells] == ['import qmkit\n\nqmkit.page("workshop")']
    assert not (root / "Teilnahme.ipynb").exists()  # participants are answered by the participant server itself


def test_quiet_live_view_and_too_long_comment(store, catalogs, cycle):
    """Without new answers the live view sends nothing (so a left page's kernel can be ended); a comment over
    500 characters is refused at the field and the stored answer keeps the last valid comment."""
    catalog, cyc = cycle
    _page, ws = make_workshop(store, catalogs, cycle)
    facilitator = FacilitatorPage(SelfEvaluation.open(store, cyc.id, catalogs), ws)
    sent = []
    for widget in (facilitator.live, facilitator.counts, facilitator.stamp):
        widget.observe(lambda change: sent.append(change["owner"]), names="value")
    facilitator.refresh()
    facilitator.refresh()
    assert sent == []
    person = participant(store, catalog, ws)
    req = ws.requirement_ids[0]
    person.rate(req, catalog.scale.values[0].value, "kurz")
    with pytest.raises(InputError, match="höchstens 500 Zeichen"):
        person.rate(req, catalog.scale.values[0].value, "x" * 501)
    assert store.workshops.answers_of(person.participant).get(req).comment == "kurz"
    facilitator.refresh()
    assert facilitator.live in sent and facilitator.counts in sent  # one answer: the view and the counts change
    assert "letzte Änderung" in facilitator.stamp.value


def test_the_facilitator_is_told_when_phones_cannot_reach_the_join_link(store, catalogs, cycle, monkeypatch):
    monkeypatch.delenv("QMKIT_JOIN_URL", raising=False)  # qmkit serve on loopback: the default address
    _page, ws = make_workshop(store, catalogs, cycle)
    facilitator = FacilitatorPage(SelfEvaluation.open(store, ws.cycle_id, catalogs), ws)
    assert 'id="qm-loopback"' in facilitator.join_info.value
    assert "qmkit serve --host 0.0.0.0" in facilitator.join_info.value
    monkeypatch.setenv("QMKIT_JOIN_URL", "http://192.0.2.7:8867/")
    opened = FacilitatorPage(SelfEvaluation.open(store, ws.cycle_id, catalogs), ws)
    assert "qm-loopback" not in opened.join_info.value and "http://192.0.2.7:8867/?t=" in opened.join_info.value
