"""Every user-facing text is extractable: what reaches ``_()`` while pages and workbooks are built is in the
template that ``make locale`` extracts with Babel, and the committed ``qmkit/locale/qmkit.pot`` is up to date.

Catalog texts (``standards/*.yaml``) are data in the catalog's own language: they must never reach ``_()``; the
failure message names them apart from source texts that lack an ``N_()`` mark.
"""

from __future__ import annotations

import gettext
import io
import os
import re
import shlex
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.extract import extract
from babel.messages.frontend import CommandLineInterface, parse_keywords
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import qmkit.i18n
from qmkit.domain.evidence import DocumentKind
from qmkit.excel.checklist import build_workbook
from qmkit.excel.plan import build_plan_workbook
from qmkit.excel.workshop import build_workshop_workbook
from qmkit.services.demo import create_demo
from qmkit.services.feedback_report import FeedbackReport
from qmkit.services.selfeval import SelfEvaluation
from qmkit.ui.app import build_page
from qmkit.ui.routes import ROUTES
from tests.conftest import plan, workshops

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "qmkit" / "locale" / "qmkit.pot"
TODAY = date(2027, 3, 1)


def _pot_options() -> list[str]:
    """``make locale``'s options for ``pybabel extract``, read from the Makefile (one place for both)."""
    found = re.search(r"^POT_OPTIONS\s*:=\s*(.+)$", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M)
    assert found, "POT_OPTIONS fehlt im Makefile"
    return shlex.split(found.group(1))


def _msgids(pot: Path) -> set[str | tuple[str, ...]]:
    with pot.open("rb") as f:
        return {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(f) if m.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set[str | tuple[str, ...]]:
    """A fresh extraction over ``qmkit/``, in-process, with the Makefile's options."""
    out = tmp_path_factory.mktemp("locale") / "qmkit.pot"
    here = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's patterns and the locations are relative to the checkout, as in `make locale`
    try:
        CommandLineInterface().run(["pybabel", "--quiet", "extract", *_pot_options(), "-o", str(out), "qmkit"])
    finally:
        os.chdir(here)
    return _msgids(out)


class _Recording(gettext.NullTranslations):
    def __init__(self, inner: gettext.NullTranslations, seen: set[str | tuple[str, ...]]):
        super().__init__()
        self.inner, self.seen = inner, seen

    def gettext(self, message: str) -> str:
        self.seen.add(message)
        return self.inner.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self.seen.add((msgid1, msgid2))
        return self.inner.ngettext(msgid1, msgid2, n)


@pytest.fixture
def seen(monkeypatch) -> Iterator[set[str | tuple[str, ...]]]:
    """Every message id that reaches ``_()`` or ``n_()`` (plural pairs as tuples) while the test runs."""
    found: set[str | tuple[str, ...]] = set()
    real = qmkit.i18n._translation
    monkeypatch.setattr(qmkit.i18n, "_translation", lambda lang: _Recording(real(lang), found))
    yield found


def _busy_cycle(store, catalogs):
    """The demo cycle with a bit of everything: goals, measures in every state, reviews, a workshop, a document,
    findings, so the pages and workbooks show their tables of labels."""
    cycle, _ = create_demo(store, catalogs.get("qm4"))
    review = plan(store, cycle.id)
    goal = review.add_goal(title="Rücklauf erhöhen", indicator="Rücklaufquote %", numeric=True, target="60")
    late = review.add_measure(title="Beschwerdeweg", responsible="A. Keller", due="2027-01-31", goal_id=goal.id)
    done = review.add_measure(title="Feedbackbogen", responsible="B. Yilmaz", due="2027-06-30")
    review.set_review_field(done.id, "done_text", "Bogen eingeführt")
    review.set_review_field(done.id, "effective", "ja")
    review.set_review_field(done.id, "act", "standard")
    review.set_review_field(late.id, "act", "verwerfen")
    review.set_pdca_score("QB1", "level", 60)
    review.add_management_review(held_on="2027-02-15", participants="Leitung, QMB", decisions="+ weiter so")
    review.sign_off("A. Keller (Leitung)", "2027-02-16")
    evaluation = SelfEvaluation.open(store, cycle.id, catalogs)
    first = next(iter(evaluation.catalog.requirements())).id
    evaluation.register().add_reference(title="QM-Handbuch", kind=DocumentKind.KONZEPT.value, location="Ordner 1")
    report = FeedbackReport(evaluation, TODAY)
    report.set(first, "kind", "auflage")
    report.set(first, "text", "Beschwerdeweg schriftlich festlegen.")
    ws = workshops(store, cycle.id).create(title="Teamtag", requirement_ids=(first,), threshold=3)
    return cycle, ws


def _participant_pages(ws, catalogs) -> None:
    """The workshop participant's pages of the participant server (join form, cards, progress)."""
    from qmkit.server.workshop_html import Item, join_page, progress_text, rating_page

    catalog = catalogs.get("qm4")
    req = catalog.requirements()[0]
    item = Item(req.id, req.title, req.text, catalog.scale_for(req))
    join_page(ws, 1, "/", "")
    join_page(replace(ws, named=True), 1, "/", "")
    rating_page(ws, [item], {}, "/", "", ("ok", "x"), frozenset({req.id}))
    progress_text(1, 1)


def test_every_text_shown_is_extracted(store, catalogs, seen, extracted):
    cycle, ws = _busy_cycle(store, catalogs)
    query = {"zyklus": str(cycle.id)}
    for name in (r.name for r in ROUTES):
        build_page(name, query, store, catalogs)
    build_page("workshop", {"moderation": ws.facilitator_token}, store, catalogs)
    _participant_pages(ws, catalogs)
    data = SelfEvaluation.open(store, cycle.id, catalogs).checklist_data()
    build_workbook(data)
    build_plan_workbook(data, TODAY)
    build_workshop_workbook(data, workshops(store, cycle.id).result(ws), TODAY)
    assert len(seen) > 300
    missing = seen - extracted
    data = missing & _catalog_texts()
    report = [f"Nicht extrahierbar (bei der Definition mit N_() markieren): {sorted(missing - data, key=str)}"]
    if data:
        report.append(f"Katalogtexte (Daten, nie durch _()): {sorted(data, key=str)}")
    assert not missing, "\n".join(report)


def _catalog_texts() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.add(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in (ROOT / "standards").glob("*.yaml"):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_committed_template_is_up_to_date(extracted):
    committed = _msgids(POT)
    assert committed == extracted, (
        "qmkit/locale/qmkit.pot ist veraltet, bitte `make locale`: "
        f"neu {sorted(extracted - committed, key=str)}, weg {sorted(committed - extracted, key=str)}"
    )


def test_extractor_reads_f_strings_and_the_markers():
    """Babel's tokenizer misses ``_()`` inside f-strings before Python 3.12; qmkit's extractor (babel.cfg) does not."""
    source = (
        "x = f\"<b>{_('im f-String')}</b> {n_('ein Ziel', '{n} Ziele', n)}\"\n"
        "LABELS = {'a': N_('markiert'), 'b': 'nicht markiert'}\n"
        "b = button(wrap, 'Knopf', 'plus', act)\n"
        "y = _(label)\n"
    )
    options = _pot_options()
    keywords = parse_keywords([options[i + 1] for i, o in enumerate(options) if o == "-k"])
    found = [m[1] for m in extract("qmkit.i18n:extract_python", io.BytesIO(source.encode()), keywords)]
    assert found == ["im f-String", ("ein Ziel", "{n} Ziele"), "markiert", "Knopf"]


def test_empty_text_stays_empty_with_a_catalog(tmp_path, monkeypatch):
    """gettext returns a catalog's header for ``""``: ``_("")`` (an empty placeholder or column) must not."""
    catalog = Catalog(locale="en")
    catalog.add("Start", "Home")
    with (tmp_path / "qmkit.mo").open("wb") as f:
        write_mo(f, catalog)
    with (tmp_path / "qmkit.mo").open("rb") as f:
        english = gettext.GNUTranslations(f)
    monkeypatch.setattr(qmkit.i18n, "_translation", lambda lang: english)
    assert qmkit.i18n._("Start") == "Home"
    assert qmkit.i18n._("") == "" and qmkit.i18n.N_("Start") == "Start"
