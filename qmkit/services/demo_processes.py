"""The demo's process map (catalogs with ``process_map: true``, e.g. QESplus): a handful of realistic processes of
an adult-education centre, linked to the requirements whose titles fit – some requirements stay uncovered and one
process serves none, so the coverage card has something to say."""

from __future__ import annotations

from qmkit.services.process_map import ProcessMap

# name, kind, owner, purpose, inputs, outputs, words in a requirement's title it serves, words in a document's title
DEMO_PROCESSES: tuple[tuple[str, str, str, str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("Strategie und Leitbild", "fuehrung", "A. Keller (Leitung)",
     "Auftrag, Werte und Ziele der Einrichtung festlegen und jährlich überprüfen.",
     "Ergebnisse der Managementbewertung, Bedarfsanalysen, Trägerauftrag",
     "Leitbild, Jahresziele, Strategiepapier", ("Leitbild", "Qualitätsziel", "Managementbewertung"), ("Leitbild",)),
    ("Bedarfe erheben", "kern", "C. Brandt (Programmbereich)",
     "Bildungsbedarfe in der Region und bei Kooperationspartnern erkennen.",
     "Statistiken, Anfragen, Rückmeldungen der Teilnehmenden", "Bedarfsübersicht", ("Bedarf",), ("Bedarf",)),
    ("Angebote planen", "kern", "C. Brandt (Programmbereich)",
     "Aus den Bedarfen ein Programm mit klaren Angebotsbeschreibungen machen.",
     "Bedarfsübersicht, Budget, Dozierende", "Programmheft, Angebotsbeschreibungen", ("Angebot",),
     ("Angebot", "Programm")),
    ("Kurse durchführen", "kern", "Kursleitungen",
     "Kurse nach den vereinbarten Standards durchführen.",
     "Angebotsbeschreibung, Räume, Anmeldungen", "Durchgeführte Kurse, Teilnahmelisten", ("Durchführung",), ()),
    ("Auswerten", "kern", "B. Yilmaz (QMB)",
     "Rückmeldungen der Teilnehmenden auswerten und Verbesserungen anstoßen.",
     "Fragebögen, Gespräche", "Auswertungsbericht, Maßnahmen", ("rückmeldung",), ("Auswertung", "Fragebogen")),
    ("Personal", "unterstuetzung", "A. Keller (Leitung)",
     "Qualifizierte Mitarbeitende und Kursleitungen gewinnen, einarbeiten und fortbilden.",
     "Stellenplan, Fortbildungswünsche", "Fortbildungsplan, Einarbeitung", ("Qualifikation", "Fortbildung"),
     ("Fortbildung", "Personal")),
    ("Räume und Technik", "unterstuetzung", "D. Novak (Verwaltung)",
     "Räume und Technik für die Kurse bereitstellen und warten.",
     "Raumplanung, Meldungen von Mängeln", "Nutzbare Räume, Wartungsprotokolle", (), ()),
    ("Finanzen", "unterstuetzung", "D. Novak (Verwaltung)",
     "Haushalt planen, Entgelte abrechnen, Zuschüsse nachweisen.",
     "Haushaltsplan, Anmeldungen, Förderbescheide", "Abrechnungen, Verwendungsnachweise", ("Finanz", "Controlling"),
     ()),
)  # fmt: skip


def add_demo_processes(processes: ProcessMap) -> None:
    """The demo processes with links to the requirements and register documents whose titles fit."""
    if not processes.enabled or processes.processes():
        return
    requirements = processes.catalog.requirements()
    documents = processes.documents()
    for name, kind, owner, purpose, inputs, outputs, serves, described in DEMO_PROCESSES:
        made = processes.add(
            {"name": name, "kind": kind, "owner": owner, "purpose": purpose, "inputs": inputs, "outputs": outputs}
        )
        reqs = [r.id for r in requirements if any(w.casefold() in r.title.casefold() for w in serves)]
        if reqs:
            processes.set_requirements(made.id, reqs)
        docs = [d.id for d in documents if any(w.casefold() in d.title.casefold() for w in described)]
        if docs:
            processes.set_documents(made.id, docs[:3])
