"""Every field of every page has a name a screen reader can announce, also the fields the browser test does not
open (record editors, rows of findings): its own label (shown, or read only by screen readers) or a placeholder."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as w

from qmkit.services.demo import create_demo
from qmkit.ui.app import build_page
from qmkit.ui.routes import ROUTES
from qmkit.ui.widgets.common import make, named, progress_html, scroll_html
from qmkit.ui.widgets.date_field import DateField
from tests.test_locale import _busy_cycle

FIELDS = (w.Text, w.Textarea, w.Dropdown, w.Select, w.SelectMultiple, w.DatePicker, w.Combobox, w.TagsInput)


def widgets_in(widget: w.Widget) -> Iterator[w.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from widgets_in(child)


def unnamed(page: w.Widget) -> list[str]:
    """Fields without a name: no description, and no placeholder either (the date field's "TT.MM.JJJJ" names
    nothing)."""
    return [
        f"{type(f).__name__}({getattr(f, 'value', '')!r})"
        for f in widgets_in(page)
        if (isinstance(f, DateField) and not f.description)
        or (isinstance(f, FIELDS) and not f.description and not getattr(f, "placeholder", ""))
    ]


def test_every_field_of_every_page_has_a_name(store, catalogs):
    cycle, ws = _busy_cycle(store, catalogs)
    feature_cycle, _new = create_demo(store, catalogs.get("qesplus"))
    missing = {}
    for route in ROUTES:
        query = {"zyklus": str((feature_cycle if route.feature else cycle).id)}
        found = unnamed(build_page(route.name, query, store, catalogs))
        if found:
            missing[route.name] = found
    found = unnamed(build_page("workshop", {"moderation": ws.facilitator_token}, store, catalogs))
    if found:
        missing["workshop (Moderation)"] = found
    assert not missing


def test_a_named_field_keeps_its_label_for_screen_readers_only():
    field = make(DateField, name="Gutachten erhalten am")
    assert field.description == "Gutachten erhalten am" and "qm-named" in field._dom_classes
    shown = named(make(w.Dropdown, description="Status"), "anders")
    assert shown.description == "Status" and "qm-named" not in shown._dom_classes  # a visible label stays


def test_progress_bar_and_scrolling_table_are_named():
    bar = progress_html(42.4, "Fortschritt der Selbstbewertung", "12 von 40 <bewertet>")
    assert 'role="progressbar" aria-label="Fortschritt der Selbstbewertung"' in bar
    assert 'aria-valuenow="42"' in bar and 'aria-valuetext="12 von 40 &lt;bewertet&gt;"' in bar
    box = scroll_html("Dokumentenregister", "<table></table>")
    assert 'tabindex="0"' in box and 'aria-label="Dokumentenregister"' in box
