"""One translation function for every user-facing string.

Message ids are the German texts the product speaks today; a compiled gettext catalog in
``qmkit/locale/<lang>/LC_MESSAGES/qmkit.mo`` (chosen with ``QMKIT_LANG``) can translate them later.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=4)
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("qmkit", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the configured language (German by default)."""
    return _translation(os.environ.get("QMKIT_LANG", "de")).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` (both German message ids), translated like :func:`_`."""
    return _translation(os.environ.get("QMKIT_LANG", "de")).ngettext(singular, plural, n)
