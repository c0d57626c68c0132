"""Cleaning of free text a person enters, the same for every form: no control characters, a length limit; numbers
as German readers write them."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

from qmkit.errors import InputError
from qmkit.i18n import N_, _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Everything a text file, a calendar or a spreadsheet may take as the end of a line.
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")


def clean_text(value: Any, field: str, *, limit: int, label: str, multiline: bool = False) -> str:
    """Text as it may be stored, or :class:`InputError` for ``field`` with a German message naming ``label``.

    Control characters are removed; single-line fields fold line breaks and runs of spaces into one space.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(_("Bitte Text eingeben."), field)
    text = _CONTROL.sub("", value.replace("\r\n", "\n"))
    text = text.strip() if multiline else " ".join(text.split())
    if len(text) > limit:
        raise InputError(
            _("{label}: höchstens {limit} Zeichen (jetzt {n}). Bitte kürzen – nichts wurde gespeichert.").format(
                label=_(label), limit=limit, n=len(text)
            ),
            field,
        )
    return text


def clean_name(value: Any, field: str, *, limit: int, label: str) -> str:
    """A name (institution, cycle, person, workshop) as it may be stored: one line, cleaned like any text.

    A line break inside the name is refused with a German message (folding it silently would store something
    else than what was typed); one at either end, as pasting brings along, is only trimmed.
    """
    if isinstance(value, str) and _LINE_BREAK.search(value.strip()):
        raise InputError(
            _("{label}: bitte in einer Zeile eingeben, ohne Zeilenumbruch – nichts wurde gespeichert.").format(
                label=_(label)
            ),
            field,
        )
    return clean_text(value, field, limit=limit, label=label)


def one_line(value: str) -> str:
    """Stored text for a place that takes one line (a calendar title): control characters out, breaks folded."""
    return " ".join(_CONTROL.sub("", value).split())


def clean_user(name: Any) -> str:
    """The name stored with a change ("Bearbeitet von"), cleaned like any one-line text."""
    return clean_text(name, "user", limit=200, label=N_("Name"))


def parse_day(value: Any, field: str, label: str) -> date | None:
    """A date from a date, an ISO text or a German 'TT.MM.JJJJ'; empty is ``None``; else a German message."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
        try:
            day, month, year = text.split(".")
            return date(int(year), int(month), int(day))
        except ValueError:
            pass
    raise InputError(_("{label}: bitte ein Datum wie 31.12.2026 eingeben.").format(label=_(label)), field)


_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(text: str) -> float:
    """A number as German Excel or anyone else writes it: 1234, 1.234 (thousands), 12,5, 12.5, 1.234,5 (else
    ``ValueError``)."""
    raw = str(text).strip().replace("\u00a0", "").replace("\u2009", "").replace(" ", "")
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(raw):
        raw = raw.replace(".", "")
    found = float(raw)
    if not math.isfinite(found):  # "nan", "inf": Python reads them, a table must not
        raise ValueError(text)
    return found


def number_text(value: float | None, digits: int = 1) -> str:
    """A number as a German reader writes it (1.234,5); "" for none."""
    if value is None or math.isnan(value):
        return ""
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")
