"""Dates show and are typed as TT.MM.JJJJ whatever the browser's language (issue: mm/dd/yyyy in an English browser)."""

from __future__ import annotations

from datetime import date

import pytest

from qmkit.errors import InputError
from qmkit.ui.widgets.date_field import DateField, read_day
from qmkit.ui.widgets.fields import widget_for


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("31.12.2026", date(2026, 12, 31)),
        ("1.9.26", date(2026, 9, 1)),
        (" 01.09.2026. ", date(2026, 9, 1)),
        ("2026-09-01", date(2026, 9, 1)),
        ("", None),
    ],
)
def test_typed_dates_are_read_the_german_way(typed, meant):
    assert read_day(typed) == meant


@pytest.mark.parametrize("typed", ["12/31/2026", "31.13.2026", "morgen", "30.02.2026", "=HYPERLINK(1)"])
def test_what_is_no_date_gets_a_german_message(typed):
    with pytest.raises(InputError, match=r"Datum wie 31\.12\.2026"):
        read_day(typed)


def test_the_field_shows_full_german_dates_and_keeps_its_value_on_bad_text():
    field = widget_for("date", date(2026, 5, 24))
    assert isinstance(field, DateField) and field.text == "24.05.2026" and field.placeholder == "TT.MM.JJJJ"
    seen = []
    field.observe(lambda change: seen.append(change["new"]), names="value")
    field.text = "1.9.26"  # what the browser sends when a person types
    assert field.value == date(2026, 9, 1) and field.text == "01.09.2026" and seen == [date(2026, 9, 1)]
    field.text = "09/01/2026"
    assert field.value == date(2026, 9, 1) and "31.12.2026" in field.error and seen == [date(2026, 9, 1)]
    field.value = date(2027, 1, 2)  # set by the page (stored state): shown, the message gone
    assert field.text == "02.01.2027" and field.error == ""
    field.text = ""
    assert field.value is None and seen[-1] is None
