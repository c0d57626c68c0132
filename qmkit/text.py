"""Cleaning of free text a person enters, the same for every form: no control characters, a length limit."""

from __future__ import annotations

import re
from typing import Any

from .errors import InputError
from .i18n import _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
