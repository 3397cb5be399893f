"""The plan of the drop tree: which file holds which documents, how it is rendered,
and what the pipeline is expected to do with it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date as D

from . import docs
from .data import ELODIE, HELENE, KARIM, THOMAS, by_number
from .model import APREM, MATIN, Entrepreneur, Invoice, Slot, days_slots
from .pen import Pen

Build = Callable[[Pen], dict]


@dataclass
class DocSpec:
    type: str | None
    invoice: str | None
    entrepreneur: str
    build: Build | None = None
    reason: str | None = None
    candidates: list[str] | None = None


@dataclass
class FileSpec:
    path: str  # relative to partage/
    rendering: str  # digital | scan | photo | docx | png | bad
    outcome: str  # attached | entrepreneur | set_aside | ignored
    docs: list[DocSpec]
    purpose: str
    turn: int = 0  # scans: quarter turns (1 = sideways, 2 = upside down)
    color: bool = False  # scans: colour (yellowish paper)
    raw: bytes | None = None  # bad / ignored files: exact bytes
    raw_kind: str = ""  # bad files: encrypted | truncated
    docx: Callable[[], tuple[bytes, str, dict]] | None = None
    same_as: str | None = None  # doublon: copy the bytes of that file


ALL3 = ("organisme", "client", "formateur")
CONTRAT3 = ("organisme", "stagiaire", "formateur")


def _answers(rng: random.Random, lo: int, hi: int, n: int, mood: float = 0.8) -> list[int]:
    return [
        max(lo, min(hi, round(lo + (hi - lo) * mood + rng.uniform(-1.2, 0.6)))) for _ in range(n)
    ]


def plan() -> list[FileSpec]:
    inv_of = by_number()
    rng = random.Random(2026)
    files: list[FileSpec] = []

    def d(t: str, inv: str | None, es: Entrepreneur, build: Build, **kw) -> DocSpec:
        return DocSpec(t, inv, es.name, build, **kw)

    def attestations(inv: Invoice, model: str, trainees: list[str] | None = None) -> list[DocSpec]:
        return [
            d(
                "attestation",
                inv.number,
                inv.es,
                lambda p, t=t: docs.attestation(p, inv, t, model=model, doc_date=inv.end),
            )
            for t in (trainees or inv.trainees)
        ]

    def hot(
        inv: Invoice, form: str, trainees: list[str], comments: tuple[str, ...] = ()
    ) -> list[DocSpec]:
        out = []
        for i, t in enumerate(trainees):
            hi = 4 if form == "smileys" else 5
            ans = _answers(rng, 1, hi, len(docs.HOT_QUESTIONS), rng.uniform(0.7, 0.95))
            com = comments[i] if i < len(comments) else ""
            out.append(
                d(
                    "evaluation_chaud",
                    inv.number,
                    inv.es,
                    lambda p, t=t, a=ans, c=com: docs.evaluation_chaud(
                        p, inv, t, a, form=form, comment=c
                    ),
                )
            )
        return out

    E, K, H, T = ELODIE, KARIM, HELENE, THOMAS
    ef, kb, hm, tg = E.folder, K.folder, H.folder, T.folder

    # ================= Élodie Faure (folder differs from name) =================
    i = inv_of["FA-2026-0101"]
    files += [
        FileSpec(
            f"{ef}/Convention Transports Garrigue.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    E,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2025, 11, 24)
                    ),
                )
            ],
            "2-page born-digital convention, no number; training straddling 2025-12 -> 2026-01",
        ),
        FileSpec(
            f"{ef}/Émargement décembre janvier/scan0034.pdf",
            "scan",
            "attached",
            [d("emargement", i.number, E, lambda p, i=i: docs.emargement_grid(p, i))],
            "grid layout over 3 days spanning the new year, in a subfolder",
        ),
        FileSpec(
            f"{ef}/Numérisation_20260109.pdf",
            "scan",
            "attached",
            attestations(i, "fin"),
            "batch scan: 3 attestations, one per page (split into 3 documents)",
        ),
        FileSpec(
            f"{ef}/bilans a chaud garrigue.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees, ("Très concret, merci.",)),
            "3 hot evaluations exported from an online form (marks printed as text)",
        ),
        FileSpec(
            f"{ef}/evaluation a froid Garrigue.pdf",
            "scan",
            "attached",
            [
                d(
                    "evaluation_froid",
                    i.number,
                    E,
                    lambda p, i=i: docs.evaluation_froid(
                        p, i, "Sophie Arnaud", [4, 3, 4], doc_date=D(2026, 4, 2)
                    ),
                )
            ],
            "cold evaluation, 3 months later",
        ),
    ]
    i = inv_of["FA-2026-0142"]
    files += [
        FileSpec(
            f"{ef}/Convention signée Dupain (1).pdf",
            "scan",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    E,
                    lambda p, i=i: docs.convention(
                        p, i, number=True, signed=ALL3, doc_date=D(2026, 2, 16)
                    ),
                )
            ],
            "2-page scanned convention carrying 'Convention "
            "n° FA-2026-0142'; same title as FA-2026-0150",
        ),
        FileSpec(
            f"{ef}/scan0041.pdf",
            "scan",
            "attached",
            [
                d(
                    "emargement",
                    i.number,
                    E,
                    lambda p, i=i: docs.emargement_grid(p, i, abs_word="ABS"),
                )
            ],
            "grid; Hugo Blanc 'ABS' on 10/03 afternoon (trainee-hours 52,5 not 56)",
        ),
        FileSpec(
            f"{ef}/Dupain mars/attestations.pdf",
            "digital",
            "attached",
            attestations(i, "fin"),
            "4 attestations in one digital PDF; Hugo Blanc's states 10,5 h attended",
        ),
        FileSpec(
            f"{ef}/Dupain mars/IMG_2291.jpg",
            "photo",
            "attached",
            hot(i, "cases", ["Léa Martin"], ("Formatrice très à l'écoute !",)),
            "phone photo of a hot evaluation; dates printed -> FA-2026-0142",
        ),
        FileSpec(
            f"{ef}/Dupain mars/questionnaires.pdf",
            "scan",
            "attached",
            hot(i, "cases", ["Paul Durand", "Inès Morel"]),
            "2 hot evaluations in one scan; Hugo Blanc's is missing",
        ),
        FileSpec(
            f"{ef}/Facture FA-2026-0142.pdf",
            "digital",
            "attached",
            [d("facture", i.number, E, lambda p, i=i: docs.facture(p, i))],
            "the invoice itself, with all mandatory training mentions",
        ),
    ]
    i2 = inv_of["FA-2026-0150"]
    files += [
        FileSpec(
            f"{ef}/doc.pdf",
            "scan",
            "set_aside",
            [
                DocSpec(
                    "evaluation_chaud",
                    None,
                    E.name,
                    lambda p, i=i: docs.evaluation_chaud(
                        p, i2, None, [5, 4, 5, 4, 4, 5], form="cases", dated=False
                    ),
                    reason="facture-ambigue",
                    candidates=["FA-2026-0142", "FA-2026-0150"],
                )
            ],
            "anonymous, undated hot evaluation of the training sold twice to Boulangerie Dupain",
        ),
        FileSpec(
            f"{ef}/Convention Dupain mai.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i2.number,
                    E,
                    lambda p, i=i: docs.convention(
                        p,
                        i2,
                        number=False,
                        signed=("organisme", "formateur"),
                        doc_date=D(2026, 4, 20),
                    ),
                )
            ],
            "convention WITHOUT the client's signature (signature_missing); matched by dates",
        ),
        FileSpec(
            f"{ef}/FA-2026-0150/emargement.pdf",
            "digital",
            "attached",
            [d("emargement", i2.number, E, lambda p, i=i: docs.emargement_daily(p, i2))],
            "manual attachment: file under a folder named after the invoice; one page per day",
        ),
    ]
    i = inv_of["FA-2026-0163"]
    files += [
        FileSpec(
            f"{ef}/Convention OPCO Vidal.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    E,
                    lambda p, i=i: docs.convention(
                        p, i, number=True, signed=ALL3, doc_date=D(2026, 3, 16)
                    ),
                )
            ],
            "OPCO-paid: the convention's client is the "
            "employer, the invoice's client is OPCO Atlas",
        ),
        FileSpec(
            f"{ef}/IMG_2304.jpg",
            "photo",
            "attached",
            [d("emargement", i.number, E, lambda p, i=i: docs.emargement_grid(p, i))],
            "phone photo of a one-day grid attendance sheet",
        ),
        FileSpec(
            f"{ef}/certificats realisation vidal.pdf",
            "digital",
            "attached",
            attestations(i, "certificat"),
            "2 'Certificat de réalisation' (national model wording); no hot evaluations at all",
        ),
    ]
    from .office import cv_docx, programme_docx

    files += [
        FileSpec(
            f"{ef}/CV 2026 final V2.docx",
            "docx",
            "entrepreneur",
            [DocSpec("cv", None, E.name, None)],
            "CV as Word document, updated 05/01/2026",
            docx=lambda: cv_docx(E, D(2026, 1, 5)),
        ),
        FileSpec(
            f"{ef}/Programme gestion du stress.pdf",
            "digital",
            "entrepreneur",
            [
                d(
                    "programme",
                    None,
                    E,
                    lambda p, i=i: docs.programme(p, inv_of["FA-2026-0142"], with_eval=True),
                )
            ],
            "complete programme (4 sections)",
        ),
        FileSpec(
            f"{ef}/Bilan pédagogique 2025.pdf",
            "digital",
            "entrepreneur",
            [
                d(
                    "bilan_pedagogique",
                    None,
                    E,
                    lambda p, i=i: docs.bilan_pedagogique(
                        p,
                        E,
                        2025,
                        [
                            (
                                "Manager une équipe au quotidien",
                                "Transports Garrigue SAS",
                                3,
                                42,
                                "92 %",
                            ),
                            ("Gestion du stress au travail", "Clinique Saint-Roch", 8, 112, "95 %"),
                            ("Conduire l'entretien annuel", "Mairie de Lattes", 6, 42, "88 %"),
                        ],
                        D(2026, 3, 20),
                    ),
                )
            ],
            "yearly pedagogical summary 2025, dropped in March 2026",
        ),
        FileSpec(
            f"{ef}/Nouveau document.pdf",
            "bad",
            "set_aside",
            [DocSpec(None, None, E.name, reason="vide")],
            "empty file (0 bytes)",
            raw=b"",
        ),
        FileSpec(
            f"{ef}/~$nvention Dupain mai.docx",
            "bad",
            "ignored",
            [],
            "Word owner/lock file: never processed",
            raw=b"\x0cElodie Faure"
            + b"\x00" * 41
            + b"\x0c\x00E\x00l\x00o\x00d\x00i\x00e"
            + b"\x00" * 100,
        ),
    ]

    # ================= Karim Benali =================
    i = inv_of["FA-2026-0115"]
    files += [
        FileSpec(
            f"{kb}/scan0052.pdf",
            "scan",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    K,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 1, 12)
                    ),
                )
            ],
            "2-page convention fed SIDEWAYS into the scanner (pages rotated 90°)",
            turn=1,
        ),
        FileSpec(
            f"{kb}/emargement lundi mardi.pdf",
            "scan",
            "attached",
            [d("emargement", i.number, K, lambda p, i=i: docs.emargement_daily(p, i))],
            "layout B: one attendance page per day (2 pages, one document)",
        ),
        FileSpec(
            f"{kb}/attestations_garage_martinez.pdf",
            "digital",
            "attached",
            attestations(i, "assiduite"),
            "5 'Attestation d'assiduité' in one digital PDF",
        ),
        FileSpec(
            f"{kb}/Évaluations à chaud TCD.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees),
            "5 hot evaluations (online form export)",
        ),
        FileSpec(
            f"{kb}/Convention Martinez protégée.pdf",
            "bad",
            "set_aside",
            [DocSpec(None, None, K.name, reason="chiffre")],
            "PDF encrypted with a user password ('martinez')",
            raw_kind="encrypted",
        ),
    ]
    i = inv_of["FA-2026-0128"]
    files += [
        FileSpec(
            f"{kb}/Contrat Julien Moreau.pdf",
            "digital",
            "attached",
            [
                d(
                    "contrat",
                    i.number,
                    K,
                    lambda p, i=i: docs.contrat(p, i, signed=CONTRAT3, doc_date=D(2026, 2, 2)),
                )
            ],
            "contrat with a private person (L.6353-3): 10-day withdrawal, 30 % cap",
        ),
        FileSpec(
            f"{kb}/emargement.png",
            "png",
            "attached",
            [d("emargement", i.number, K, lambda p, i=i: docs.emargement_grid(p, i))],
            "PNG export; single trainee over 3 days",
        ),
        FileSpec(
            f"{kb}/Numérisation_20260226.pdf",
            "scan",
            "attached",
            attestations(i, "fin"),
            "scanned attestation",
        ),
        FileSpec(
            f"{kb}/IMG_2388.jpg",
            "photo",
            "attached",
            hot(i, "smileys", ["Julien Moreau"], ("Super, j'ai enfin compris les formules",)),
            "phone photo of a 4-level (Très satisfait .. Pas satisfait) hot evaluation",
        ),
    ]
    i = inv_of["FA-2026-0156"]
    files += [
        FileSpec(
            f"{kb}/Formavenir/Devis D-2026-031 signé.pdf",
            "scan",
            "attached",
            [
                d(
                    "bon_commande",
                    i.number,
                    K,
                    lambda p, i=i: docs.bon_commande(
                        p, i, quote_no="D-2026-031", doc_date=D(2026, 4, 27), order_ref="BC-FV-8841"
                    ),
                )
            ],
            "subcontracting (reçue, C10): signed quote 'Bon pour accord' replaces the convention",
            color=True,
        ),
        FileSpec(
            f"{kb}/Formavenir/feuille presence copie.pdf",
            "digital",
            "attached",
            [d("emargement", i.number, K, lambda p, i=i: docs.emargement_grid(p, i))],
            "copy of the attendance sheet sent to the contracting organisation",
        ),
    ]
    i = inv_of["FA-2026-0177"]
    files += [
        FileSpec(
            f"{kb}/Convention Jardins Partagés.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    K,
                    lambda p, i=i: docs.convention(
                        p, i, number=True, signed=ALL3, doc_date=D(2026, 5, 11)
                    ),
                )
            ],
            "distance learning (Distanciel total), two mornings one week apart",
        ),
        FileSpec(
            f"{kb}/emargement distanciel.pdf",
            "digital",
            "attached",
            [d("emargement", i.number, K, lambda p, i=i: docs.emargement_grid(p, i))],
            "attendance of a remote training (morning columns only)",
        ),
        FileSpec(
            f"{kb}/attestations jardins.pdf",
            "scan",
            "attached",
            attestations(i, "fin"),
            "batch scan of 3 attestations",
        ),
        FileSpec(
            f"{kb}/questionnaires jardins.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees),
            "3 hot evaluations (online export)",
        ),
    ]
    files += [
        FileSpec(
            f"{kb}/Programme TCD.pdf",
            "digital",
            "entrepreneur",
            [
                d(
                    "programme",
                    None,
                    K,
                    lambda p, i=i: docs.programme(p, inv_of["FA-2026-0115"], with_eval=False),
                )
            ],
            "programme WITHOUT 'Modalités d'évaluation' (programme_incomplete)",
        ),
        FileSpec(
            f"{kb}/cv karim benali.pdf",
            "scan",
            "entrepreneur",
            [d("cv", None, K, lambda p, i=i: docs.cv(p, K, D(2025, 9, 1)))],
            "scanned CV last updated 01/09/2025 (before the sample year)",
        ),
        FileSpec(
            f"{kb}/Thumbs.db",
            "bad",
            "ignored",
            [],
            "Windows thumbnail cache: never processed",
            raw=bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504,
        ),
        FileSpec(
            f"{kb}/scan.pdf.part",
            "bad",
            "ignored",
            [],
            "partial download of the sync tool",
            raw=b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog",
        ),
    ]

    # ================= Hélène Marchand =================
    i = inv_of["FA-2026-0108"]
    files += [
        FileSpec(
            f"{hm}/Convention Hôtel Les Pins.pdf",
            "scan",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    H,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 1, 5)
                    ),
                )
            ],
            "scanned convention, other template (roman-numbered "
            "headings, 'CONVENTION DE FORMATION')",
        ),
        FileSpec(
            f"{hm}/Scans/scan0059.pdf",
            "scan",
            "set_aside",
            [DocSpec("convention", "FA-2026-0108", H.name, None, reason="doublon")],
            "same bytes as 'Convention Hôtel Les Pins.pdf', dropped again later in a subfolder "
            "under another name (it sorts after the original in path order)",
            same_as=f"{hm}/Convention Hôtel Les Pins.pdf",
        ),
        FileSpec(
            f"{hm}/scan0058.pdf",
            "scan",
            "attached",
            [
                d(
                    "emargement",
                    i.number,
                    H,
                    lambda p, i=i: docs.emargement_grid(p, i, abs_word="absent"),
                )
            ],
            "grid 3 days; Antoine Serre 'absent' on 21/01 morning",
        ),
        FileSpec(
            f"{hm}/attestations les pins.pdf",
            "scan",
            "attached",
            attestations(i, "fin"),
            "3-page batch scanned UPSIDE DOWN (180°)",
            turn=2,
        ),
        FileSpec(
            f"{hm}/IMG_2317.jpg",
            "photo",
            "attached",
            hot(i, "cases", ["Clara Dumas"], ("Very good!",)),
            "photo of one hot evaluation; the two others are missing",
        ),
    ]
    i = inv_of["FA-2026-0133"]
    files += [
        FileSpec(
            f"{hm}/Contrat Camille Roussel.pdf",
            "scan",
            "attached",
            [
                d(
                    "contrat",
                    i.number,
                    H,
                    lambda p, i=i: docs.contrat(p, i, signed=CONTRAT3, doc_date=D(2026, 3, 2)),
                )
            ],
            "scanned contrat with a private person; duration 10,5 h",
        ),
        FileSpec(
            f"{hm}/emargement Camille.pdf",
            "digital",
            "attached",
            [d("emargement", i.number, H, lambda p, i=i: docs.emargement_grid(p, i))],
            "grid with 3 half-day columns (2nd day morning only)",
        ),
        FileSpec(
            f"{hm}/attestation Camille Roussel.pdf",
            "digital",
            "attached",
            attestations(i, "fin"),
            "single attestation",
        ),
        FileSpec(
            f"{hm}/Numérisation_20260318.pdf",
            "scan",
            "attached",
            hot(i, "cases", ["Camille Roussel"]),
            "scanned hot evaluation",
        ),
    ]
    i = inv_of["FA-2026-0147"]
    files += [
        FileSpec(
            f"{hm}/Convention Bastide Export.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    H,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 3, 23)
                    ),
                )
            ],
            "training given to another organisation (Sous-traitance confiée, F-2): outside trainer",
        ),
        FileSpec(
            f"{hm}/emargement bastide.pdf",
            "scan",
            "attached",
            [d("emargement", i.number, H, lambda p, i=i: docs.emargement_daily(p, i))],
            "copy from the subcontractor, one page per day; no attestations, no evaluations",
        ),
    ]
    i = inv_of["FA-2026-0169"]
    files += [
        FileSpec(
            f"{hm}/Convention Imprimerie Cazals OPCO EP.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    H,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 5, 4)
                    ),
                )
            ],
            "OPCO-paid convention (client printed: Imprimerie Cazals; invoice client: OPCO EP)",
        ),
        FileSpec(
            f"{hm}/Cazals/emargement 26 mai.pdf",
            "digital",
            "attached",
            [d("emargement", i.number, H, lambda p, i=i: docs.emargement_daily(p, i))],
            "one-day sheet (layout B), in a subfolder",
        ),
        FileSpec(
            f"{hm}/Cazals/scan0063.pdf",
            "scan",
            "attached",
            attestations(i, "certificat"),
            "3 certificats de réalisation, batch scan",
        ),
        FileSpec(
            f"{hm}/Cazals/questionnaires.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees),
            "3 hot evaluations",
        ),
    ]
    files += [
        FileSpec(
            f"{hm}/CV Hélène Marchand 2026.pdf",
            "scan",
            "entrepreneur",
            [d("cv", None, H, lambda p, i=i: docs.cv(p, H, D(2026, 1, 12)))],
            "scanned CV, updated 12/01/2026",
        ),
        FileSpec(
            f"{hm}/Bilan pédagogique 2025.pdf",
            "digital",
            "entrepreneur",
            [
                d(
                    "bilan_pedagogique",
                    None,
                    H,
                    lambda p, i=i: docs.bilan_pedagogique(
                        p,
                        H,
                        2025,
                        [
                            ("Anglais professionnel", "Camping Le Soleil", 4, 84, "90 %"),
                            ("Anglais au téléphone", "Imprimerie Cazals", 2, 14, "100 %"),
                        ],
                        D(2026, 3, 27),
                    ),
                )
            ],
            "yearly pedagogical summary 2025",
        ),
        FileSpec(
            f"{hm}/scan0061.pdf",
            "bad",
            "set_aside",
            [DocSpec(None, None, H.name, reason="illisible")],
            "truncated PDF (the sync stopped halfway): unreadable",
            raw_kind="truncated",
        ),
        FileSpec(
            f"{hm}/.~lock.Convention Bastide Export.odt#",
            "bad",
            "ignored",
            [],
            "LibreOffice lock file: never processed",
            raw=b",Helene Marchand,PC-HELENE,27.03.2026 10:12,file:///C:/Users/helene/AppData/Roaming/LibreOffice/4;",
        ),
    ]

    # ================= Thomas Girard =================
    i = inv_of["FA-2026-0121"]
    files += [
        FileSpec(
            f"{tg}/Convention Mutuelle Solidaire.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    T,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 1, 19)
                    ),
                )
            ],
            "convention, no number",
        ),
        FileSpec(
            f"{tg}/emargement prise de parole.pdf",
            "scan",
            "attached",
            [
                d(
                    "emargement",
                    i.number,
                    T,
                    lambda p, i=i: docs.emargement_grid(p, i, ref=f"Réf. convention : {i.number}"),
                )
            ],
            "grid; Franck Baron absent the whole 2nd day; the sheet prints the convention number",
        ),
        FileSpec(
            f"{tg}/attestations mutuelle.pdf",
            "digital",
            "attached",
            attestations(i, "fin"),
            "5 attestations; Franck Baron 7 h attended",
        ),
        FileSpec(
            f"{tg}/bilans à chaud mutuelle.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees),
            "5 hot evaluations",
        ),
    ]
    i = inv_of["FA-2026-0139"]
    files += [
        FileSpec(
            f"{tg}/Convention CC Pic Saint-Loup.pdf",
            "scan",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    T,
                    lambda p, i=i: docs.convention(
                        p, i, number=True, signed=ALL3, doc_date=D(2026, 3, 2)
                    ),
                )
            ],
            "public employer (C3), scanned convention",
        ),
        FileSpec(
            f"{tg}/emargement 24 mars.pdf",
            "scan",
            "attached",
            [d("emargement", i.number, T, lambda p, i=i: docs.emargement_daily(p, i))],
            "one-day sheet",
        ),
        FileSpec(
            f"{tg}/attestations pic saint loup.pdf",
            "scan",
            "attached",
            attestations(i, "fin"),
            "4 attestations, batch scan",
        ),
        FileSpec(
            f"{tg}/evaluations pic saint loup.pdf",
            "digital",
            "attached",
            hot(i, "online", i.trainees),
            "4 hot evaluations",
        ),
    ]
    i = inv_of["FA-2026-0158"]
    files += [
        FileSpec(
            f"{tg}/Convention Éditions du Lez.pdf",
            "digital",
            "attached",
            [
                d(
                    "convention",
                    i.number,
                    T,
                    lambda p, i=i: docs.convention(
                        p, i, number=False, signed=ALL3, doc_date=D(2026, 4, 13)
                    ),
                )
            ],
            "convention",
        ),
        FileSpec(
            f"{tg}/scan0070.pdf",
            "scan",
            "attached",
            [
                d(
                    "emargement",
                    i.number,
                    T,
                    lambda p, i=i: docs.emargement_grid(
                        p,
                        i,
                        empty={(t, D(2026, 4, 28), APREM) for t in i.trainees},
                        trainer_missing={(D(2026, 4, 28), APREM)},
                    ),
                )
            ],
            "afternoon half-day left EMPTY (no trainee nor trainer signature): a missing half-day",
        ),
        FileSpec(
            f"{tg}/attestations Lez.pdf",
            "digital",
            "attached",
            attestations(i, "fin"),
            "2 attestations; no hot evaluations in this dossier",
        ),
    ]
    ghost = Invoice(
        "FA-0000-0000",
        D(2026, 3, 6),
        T,
        "Festival des Arts de Rue",
        "entreprise",
        0,
        title="Storytelling pour les associations",
        place="Salle Pétrarque, 34000 Montpellier",
        slots=days_slots(D(2026, 3, 5)),
        trainees=["Aurélie Combes"],
        objectives=("Construire un récit", "Raconter son projet en 3 minutes"),
    )
    receipt_doc = DocSpec("autre", None, T.name, docs.receipt, reason="type-inconnu")
    files += [
        FileSpec(
            f"{tg}/Programme prise de parole.docx",
            "docx",
            "entrepreneur",
            [DocSpec("programme", None, T.name, None)],
            "programme as Word document (complete)",
            docx=lambda: programme_docx(inv_of["FA-2026-0121"]),
        ),
        FileSpec(
            f"{tg}/CV Thomas Girard.png",
            "png",
            "entrepreneur",
            [d("cv", None, T, lambda p, i=i: docs.cv(p, T, D(2026, 2, 1)))],
            "CV exported as PNG image",
        ),
        FileSpec(
            f"{tg}/attestation storytelling.pdf",
            "scan",
            "set_aside",
            [
                DocSpec(
                    "attestation",
                    None,
                    T.name,
                    lambda p, i=i: docs.attestation(
                        p, ghost, "Aurélie Combes", model="fin", doc_date=D(2026, 3, 5)
                    ),
                    reason="sans-facture",
                )
            ],
            "attestation of a training that was never invoiced",
        ),
        FileSpec(
            f"{tg}/IMG_2410.jpg",
            "photo",
            "set_aside",
            [receipt_doc],
            "restaurant receipt: classified 'autre', never attached",
        ),
        FileSpec(
            f"{tg}/facture.pdf",
            "bad",
            "set_aside",
            [DocSpec(None, None, T.name, reason="format-non-supporte")],
            "an HTML page saved with a .pdf extension",
            raw=(
                '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>Facture '
                "FA-2026-0158</title></head>\n<body><h1>Votre "
                "facture est disponible</h1><p>Connectez-vous "
                "à votre espace client pour la télécharger.</p></body></html>\n"
            ).encode(),
        ),
    ]
    return files


def file_map() -> dict[str, FileSpec]:
    return {f.path: f for f in plan()}


_ = (MATIN, Slot)  # re-exported names used by callers' type hints
