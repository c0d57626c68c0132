"""A workbook someone sends, checked before it is opened: size, zip bombs, XML tricks, the wrong kind of file.

Every Excel upload (returned checklist, feedback report, certifier catalog) is opened here; cells are read as
text, formulas never evaluated.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from qmkit.errors import InputError
from qmkit.i18n import _

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 150 * 1024 * 1024  # all entries together, as the zip declares them
MAX_ENTRIES = 2000
MAX_RATIO = 150  # unpacked / packed per entry above 1 MB: more is a zip bomb, not a spreadsheet


class ImportFileError(InputError):
    """The file cannot be read as a qmkit checklist; the message says why, in German."""

    def __init__(self, message: str):
        super().__init__(message, "file")


def import_too_large(size: int) -> str:
    """The German refusal of a file over :data:`MAX_FILE_BYTES` (CLI, page and the browser's own check)."""
    return _("Die Datei ist {mb:.1f} MB groß; höchstens {limit} MB werden eingelesen.").format(
        mb=size / 1024 / 1024, limit=MAX_FILE_BYTES // 1024 // 1024
    )


def check_size(size: int, name: str) -> None:
    """Refuse a file over the limit before it is read (the CLI asks the file system, the page the upload)."""
    if size > MAX_FILE_BYTES:
        raise ImportFileError(_("„{name}“: ").format(name=name) + import_too_large(size))


def check_file(content: bytes, name: str = "Datei") -> None:
    """Refuse what is not a small, sane .xlsx before any parser reads it (German message naming the reason)."""
    check_size(len(content), name)
    if not content:
        raise ImportFileError(_("„{name}“ ist leer.").format(name=name))
    head = content[:8]
    if head.startswith(b"%PDF"):
        raise ImportFileError(_("„{name}“ ist eine PDF-Datei, keine Excel-Datei.").format(name=name))
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _(
                "„{name}“ ist passwortgeschützt oder im alten .xls-Format. Bitte ohne Kennwort als .xlsx "
                "speichern und erneut einlesen."
            ).format(name=name)
        )
    if not head.startswith(b"PK"):
        raise ImportFileError(
            _(
                "„{name}“ ist keine Excel-Datei (.xlsx) – vielleicht eine CSV- oder Textdatei mit falscher "
                "Endung. Bitte die exportierte Checkliste verwenden."
            ).format(name=name)
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                raise ImportFileError(_("„{name}“ enthält ungewöhnlich viele Teile.").format(name=name))
            total = 0
            for entry in entries:
                total += entry.file_size
                if entry.file_size > 1024 * 1024 and entry.file_size > MAX_RATIO * max(1, entry.compress_size):
                    raise ImportFileError(
                        _(
                            "„{name}“ ist verdächtig stark gepackt (eine sogenannte Zip-Bombe) und wird nicht geöffnet."
                        ).format(name=name)
                    )
            if total > MAX_UNPACKED_BYTES:
                raise ImportFileError(
                    _("„{name}“ wäre entpackt über {limit} MB groß und wird nicht geöffnet.").format(
                        name=name, limit=MAX_UNPACKED_BYTES // 1024 // 1024
                    )
                )
            if "xl/workbook.xml" not in {e.filename for e in entries}:
                raise ImportFileError(
                    _("„{name}“ ist ein Zip-Archiv, aber keine Excel-Arbeitsmappe.").format(name=name)
                )
    except zipfile.BadZipFile:
        raise ImportFileError(_("„{name}“ ist beschädigt und kann nicht gelesen werden.").format(name=name)) from None


def open_workbook(content: bytes, name: str) -> Any:
    """The workbook in ``content`` after the checks of :func:`check_file`, or a German :class:`ImportFileError`."""
    from openpyxl import load_workbook

    check_file(content, name)
    try:  # openpyxl uses defusedxml (a dependency): entity tricks are refused
        return load_workbook(io.BytesIO(content), data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        from defusedxml.common import DefusedXmlException

        chain: list[BaseException] = []
        link: BaseException | None = exc
        while link is not None and len(chain) < 10:  # openpyxl wraps the parser's exception
            chain.append(link)
            link = link.__cause__ or link.__context__
        if any(isinstance(e, DefusedXmlException) or "entit" in str(e).lower() for e in chain):
            raise ImportFileError(
                _("„{name}“ enthält unzulässige XML-Konstrukte und wird nicht geöffnet.").format(name=name)
            ) from None
        raise ImportFileError(
            _("„{name}“ kann nicht als Excel-Arbeitsmappe gelesen werden.").format(name=name)
        ) from None


def cell_text(value: Any) -> str:
    """A cell value as text: empty for nothing, "3" for 3.0, line breaks as \\n."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\r\n", "\n")
