"""One translation function for every user-facing string.

Message ids are the German texts the product speaks today; a compiled gettext catalog in
``qmkit/locale/<lang>/LC_MESSAGES/qmkit.mo`` (chosen with ``QMKIT_LANG``) can translate them later.

``make locale`` extracts every message id into ``qmkit/locale/qmkit.pot`` with Babel: the literal arguments of
:func:`_` and :func:`n_`, and every literal wrapped in :func:`N_`. A text that reaches ``_()`` through a variable
(a table of labels, a column list) must be written as ``N_("…")`` where it is defined, or extraction misses it
(``tests/test_locale.py`` fails then). Babel reads the modules with :func:`extract_python` (``babel.cfg``).
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Collection, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

LOCALE_DIR = Path(__file__).parent / "locale"


def language() -> str:
    """The language of the texts: ``QMKIT_LANG``'s primary code (``en`` for ``en_GB``), German by default."""
    lang = os.environ.get("QMKIT_LANG", "").strip().replace("-", "_").split("_")[0].lower()
    return lang if lang.isalpha() else "de"


@lru_cache(maxsize=4)
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation("qmkit", localedir=LOCALE_DIR, languages=[lang], fallback=True)


def _(message: str) -> str:
    """Translate ``message`` into the configured language (German by default).

    An empty text stays empty: gettext would return the catalog's header for it (an empty placeholder or column).
    """
    if not message:
        return message
    return _translation(language()).gettext(message)


def n_(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` (both German message ids), translated like :func:`_`."""
    return _translation(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it: returns it unchanged.

    For labels in module-level tables that are translated later, where they are shown: ``_(LABELS[key])``.
    Translating at import time would fix the language before ``QMKIT_LANG`` is read.
    """
    return message


def extract_python(
    fileobj: IO[bytes], keywords: Collection[str], comment_tags: Collection[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str | None, ...], list[str]]]:
    """Babel's extraction method for qmkit's modules (``babel.cfg``): the calls of ``keywords`` in the syntax tree.

    Babel's own Python extractor reads tokens and, before Python 3.12, sees an f-string as one token: the
    ``_()`` calls inside ``f"…{_('…')}…"`` would be missing on 3.11 and present on 3.12, so the template would
    depend on the Python that made it. The syntax tree has them on every version. Yields Babel's tuples (line,
    function, the positional arguments as literal strings or ``None``, no comments); Babel applies the keyword
    specs (``n_:1,2``) and writes the template.
    """
    import ast  # only at extraction time, never in the app

    tree = ast.parse(fileobj.read().decode(str(options.get("encoding", "utf-8"))))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in keywords:
            args = tuple(
                a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args
            )
            found.append((node.lineno, node.col_offset, node.func.id, args))
    for lineno, _col, name, literals in sorted(found):
        yield lineno, name, literals, []
