"""A stored load of needs or offers data as the pages see it (no pandas here: the store and the participant
servers import this without the data stack)."""

from __future__ import annotations

from dataclasses import dataclass

from qmkit.domain.model import local_time_text
from qmkit.i18n import N_, _

KINDS = {"needs": N_("Bedarfsdaten"), "offers": N_("Angebotsverzeichnis")}


@dataclass(frozen=True)
class DataLoad:
    """One stored load of a table: what kind, from which file, who loaded it when, the column mapping used."""

    id: int
    institution_id: int
    kind: str  # needs | offers
    source: str
    mapping: dict[str, str]
    rows: int
    loaded_by: str
    loaded_at: str

    @property
    def kind_label(self) -> str:
        return _(KINDS[self.kind])

    @property
    def when(self) -> str:
        """When it was loaded, in local time (02.12.2026, 14:05)."""
        return local_time_text(self.loaded_at)

    @property
    def title(self) -> str:
        """E.g. „bedarfe.csv“ vom 02.12.2026, 14:05 (B. Yilmaz), in local time."""
        return _("„{source}“ vom {day} ({who})").format(source=self.source, day=self.when, who=self.loaded_by or "–")
