"""A survey's result as an evidence entry: the report file in the register, serving the requirements it informs.

The page or the CLI builds the report (a Word or Excel file, see :mod:`qmkit.documents.survey_report`); this puts
it into the institution's register as *Bericht/Auswertung* and links it to every requirement of the survey's cycle
that a question of the instrument informs. Filing again replaces the earlier result of the same survey where it is
used only by these links (the register keeps one current result, not a pile); an entry someone also linked
elsewhere by hand stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from qmkit.domain.access import Right
from qmkit.domain.evidence import Document, DocumentKind
from qmkit.i18n import _
from qmkit.services.register import EvidenceRegister
from qmkit.services.surveys import SurveyService
from qmkit.store.files import EvidenceFiles


@dataclass(frozen=True)
class Filed:
    document: Document
    requirements: tuple[str, ...]
    replaced: int  # earlier entries of this survey's result taken out


def evidence_title(title: str) -> str:
    return _("Ergebnis der Befragung „{title}“").format(title=title)


def file_survey_result(
    surveys: SurveyService, survey_id: int, content: bytes, filename: str, files: EvidenceFiles | None = None
) -> Filed:
    """Store ``content`` (the report) as the survey's evidence entry and link it; needs the right *bearbeiten*."""
    survey, result, _institution = surveys.report(survey_id)
    institution_id = surveys.store.cycles.get(survey.cycle_id).institution_id
    surveys.access.require(institution_id, Right.EDIT)
    register = EvidenceRegister(surveys.store, institution_id, files, surveys.access)
    title = evidence_title(survey.title)
    earlier = [d for d in register.documents() if d.title == title]
    informs = tuple(sorted({r for q in survey.instrument.questions for r in q.informs}))
    stored = register.files.put(content, filename)
    answered = result.respondents.get("alle", 0)
    doc, _new = register.add_upload(
        stored,
        title=title,
        kind=DocumentKind.BERICHT.value,
        version=_("{n} Antworten").format(n=answered),
        effective_on=date.today().isoformat(),
        owner=surveys.access.who(),
    )
    for requirement in informs:
        register.link(survey.cycle_id, requirement, doc)
    usage = register.usage()
    replaced = 0
    for old in earlier:
        if old.id == doc.id:
            continue
        own = {(survey.cycle_id, r) for r in informs}
        if set(usage.get(old.id, [])) <= own:
            register.delete(old, unlink=True)
            replaced += 1
    return Filed(doc, informs, replaced)
