"""Tests of pipeline.classify: hand-written documents, the sample corpus, OCR noise, batch scans."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.classify import CONFIDENCE_THRESHOLD, classify_text, segment
from pipeline.record import DocType
from samples import ground_truth as truth
from samples.ground_truth import ocr_noise, strip_accents

SAMPLES = Path(__file__).resolve().parents[2] / "samples"

# --------------------------------------------------------------------------- hand-written texts
# Written for these tests in templates unlike the sample generator's, as
# entrepreneurs and other organisations really word them.

CONVENTION_OTHER_TEMPLATE = """\
SARL FORMA'SUD - membre de la Coopérative Exemple
8 rue de l'Aiguillerie 34000 Montpellier - NDA 76341234534

CONVENTION DE FORMATION PROFESSIONNELLE
(articles L.6353-1 et D.6353-1 du Code du travail)
Convention n° CF-2026-031

Entre les soussignés :
Coopérative Exemple, SCOP SA, représentée par Claire Bonnet, co-gérante,
ci-après « l'organisme de formation »
Et
Transports Lefèvre SAS, 12 avenue de la Gare, 30000 Nîmes
ci-après « l'entreprise bénéficiaire »

Article 1 - Objet
Intitulé de l'action : Prévenir les risques psychosociaux
Formatrice : Sophie Garnier
Dates : du 9 au 10 mars 2026
Durée : 14 heures (2 jours)
Stagiaires : Léa Martin (salariée), Paul Durand (salarié)

Article 2 - Dispositions financières
Coût total HT : 2 450,00 €
Les attestations de fin de formation et les feuilles d'émargement seront remises
à l'entreprise à l'issue de la formation.
Fait à Montpellier, le 2 mars 2026
Pour l'entreprise (cachet et signature)      Pour l'organisme de formation
"""

CONTRAT_PARTICULIER = """\
Contrat de formation professionnelle
(articles L.6353-3 à L.6353-7 du Code du travail)

Entre l'organisme de formation Coopérative Exemple et
Stagiaire : Mme Nadia Benali, 4 impasse des Oliviers, 34070 Montpellier
Intitulé de la formation : Initiation à la comptabilité de l'auto-entrepreneur
Formateur : Marc Olivier
Dates : les 16 et 17 avril 2026 — Durée : 12 heures
Prix total : 540,00 € net de taxe.
Délai de rétractation : à compter de la signature du présent contrat, le stagiaire
dispose d'un délai de 10 jours pour se rétracter par lettre recommandée.
Aucune somme ne peut être exigée avant l'expiration de ce délai.
"""

DEVIS_SOUS_TRAITANCE = """\
DEVIS N° D-2026-018
Date : 3 février 2026 — valable 30 jours
Client : Formapro Conseil (organisme de formation donneur d'ordre)
Prestation de formation en sous-traitance
Intitulé : Management d'équipe à distance
Intervenant : Julien Moreau
Dates prévues : du 02/03/2026 au 03/03/2026
Prix total HT : 1 800,00 €
Bon pour accord, date et signature du client :
"""

ATTESTATION_ASSIDUITE = """\
Coopérative Exemple — organisme de formation n° 76341234534

Attestation d'assiduité

Nous certifions que M. Karim Haddad, salarié de la société Bati-Plus,
a suivi l'action de formation « Habilitation électrique B0 H0V »
qui s'est déroulée du 12/01/2026 au 13/01/2026.
Durée de la formation : 14 h — Durée suivie : 14 h
"""

RECEIPT = """\
LE BISTROT DU PORT
12 quai de la Marine 34200 Sète
Table 7   Couverts 2   Serveur : Julien
2 Menu du jour        2 x 16,50     33,00
1 Carafe de vin                     12,00
TOTAL TTC                           45,00 EUR
dont TVA 10%                         4,09
Total HT                            40,91
CB SANS CONTACT                     45,00
Merci de votre visite, à bientôt !
"""

LETTER = """\
Sophie Garnier
12 rue des Lilas, 34000 Montpellier
                                    Transports Lefèvre
Objet : envoi de la convention de formation

Madame, Monsieur,

Suite à notre échange, veuillez trouver ci-joint la convention de formation
pour la session « Prévenir les risques psychosociaux » des 9 et 10 mars.
Vous recevrez ensuite la facture et les attestations de fin de formation.

Je vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.
"""

PLUMBER_INVOICE = """\
PLOMBERIE MARTINEZ
Facture n° 2026-114   Date : 05/02/2026
Remplacement chauffe-eau 200 L          890,00
Main d'oeuvre 3 h                       165,00
Total HT                              1 055,00
TVA 10 %                                105,50
Total TTC                             1 160,50
"""

PAYSLIP = """\
BULLETIN DE PAIE
Période du 01/03/2026 au 31/03/2026
Salarié : Sophie Garnier   Emploi : entrepreneure-salariée
Salaire de base 151,67 h     2 100,00
Net à payer avant impôt      1 640,12
"""

INSURANCE = """\
ATTESTATION D'ASSURANCE
Responsabilité civile professionnelle
Nous soussignés, Mutuelle Exemple, attestons que la Coopérative Exemple est assurée
au titre du contrat n° RC-889231 pour la période du 01/01/2026 au 31/12/2026.
"""

ONLINE_FORM_EXPORT = """\
Formulaire : Évaluation de fin de formation - Piloter un projet 2/9
Évaluation de fin de formation
Piloter un projet - animée par Julie Roche - 14/04/2026
Réponse n° 2 - horodatage 14/04/2026 17:12:00
Nom et prénom
Paul Lenoir
Clarté des objectifs
Pas satisfait Très satisfait
1 2 3 4 5
Qualité de l'animation
Pas satisfait Très satisfait
1 2 3 4 5
"""

SMILEY_QUESTIONNAIRE = """\
Votre avis nous intéresse !
Piloter un projet - session du 14/04/2026
Prénom / Nom : Paul Lenoir
L'accueil et l'organisation O O O O
Le contenu de la formation O O O O
Sur une échelle de 0 à 10, recommanderiez-vous cette formation à un collègue ?
0 1 2 3 4 5 6 7 8 9 10
"""

POSITIONING_TEST = """\
QUESTIONNAIRE DE POSITIONNEMENT
À remplir avant la formation « Piloter un projet »
Nom : Paul Lenoir
Quel est votre niveau actuel ? ☐ Débutant ☐ Intermédiaire ☐ Avancé
Pour chaque affirmation, cochez : 1 = pas du tout d'accord … 4 = tout à fait d'accord
"""

KNOWLEDGE_QUIZ = """\
Test de connaissances - Excel
Nom : Paul Lenoir
1. Quelle fonction additionne une plage ? ☒ SOMME ☐ MOYENNE
Bonnes réponses : 14 / 20     Note obtenue : 14/20
"""

CONVOCATION_LETTER = """\
Atelier Parole Claire - Noémie Berthier, formatrice
CONVOCATION
Formation « Animer une réunion » : votre inscription est confirmée.
Stagiaire : Jules Carrel
Dates : 2 et 3 mars 2026, de 9 h à 12 h 30 et de 13 h 30 à 17 h
Lieu : salle Garance, 4 place Bellecour, 69002 Lyon
Le programme de la formation vous sera remis le premier jour.
Accessibilité : pour tout besoin d'adaptation, contactez la formatrice.
"""

BPF_CERFA_FORM = """\
Direction régionale de l'économie, de l'emploi, du travail et des solidarités
BILAN PÉDAGOGIQUE ET FINANCIER
RETRAÇANT L'ACTIVITÉ DE DISPENSATEUR DE FORMATION PROFESSIONNELLE
Articles L. 6352-11 et R. 6352-22 du Code du travail      cerfa N° 10443*17
A. IDENTIFICATION DE L'ORGANISME DE FORMATION
Numéro de déclaration : |__|__| |__|__| |__|__|__|__|__|
C. BILAN FINANCIER HORS TAXES : ORIGINE DES PRODUITS DE L'ORGANISME
F. BILAN PÉDAGOGIQUE : STAGIAIRES ET HEURES-STAGIAIRES
"""

PEDAGOGICAL_REPORT = """\
BILAN PÉDAGOGIQUE 2025
Formatrice : Noémie Berthier
Actions de formation réalisées : 7 sessions, 38 stagiaires, 512 heures-stagiaires.
Taux de satisfaction à chaud : 94 %.
Axes d'amélioration pour 2026 : plus d'exercices filmés.
"""

HAND_WRITTEN: dict[str, tuple[str, DocType]] = {
    "convocation-letter-before-training": (CONVOCATION_LETTER, DocType.AUTRE),
    "bpf-cerfa-form-itself": (BPF_CERFA_FORM, DocType.AUTRE),
    "pedagogical-report-of-the-year": (PEDAGOGICAL_REPORT, DocType.BILAN_PEDAGOGIQUE),
    "evaluation-online-form-export": (ONLINE_FORM_EXPORT, DocType.EVALUATION_CHAUD),
    "evaluation-votre-avis-smileys": (SMILEY_QUESTIONNAIRE, DocType.EVALUATION_CHAUD),
    "positioning-questionnaire-before-training": (POSITIONING_TEST, DocType.AUTRE),
    "knowledge-quiz-results": (KNOWLEDGE_QUIZ, DocType.AUTRE),
    "convention-other-template": (CONVENTION_OTHER_TEMPLATE, DocType.CONVENTION),
    "contrat-particulier": (CONTRAT_PARTICULIER, DocType.CONTRAT),
    "devis-sous-traitance": (DEVIS_SOUS_TRAITANCE, DocType.BON_COMMANDE),
    "attestation-assiduite": (ATTESTATION_ASSIDUITE, DocType.ATTESTATION),
    "receipt-restaurant": (RECEIPT, DocType.AUTRE),
    "letter-cover": (LETTER, DocType.AUTRE),
    "invoice-plumber": (PLUMBER_INVOICE, DocType.AUTRE),
    "payslip": (PAYSLIP, DocType.AUTRE),
    "insurance-certificate": (INSURANCE, DocType.AUTRE),
    "internship-agreement": (
        "CONVENTION DE STAGE\nentre l'établissement d'enseignement, l'organisme d'accueil et "
        "l'étudiant\nStagiaire : Léa Martin\nTuteur de stage : Paul Durand\n",
        DocType.AUTRE,
    ),
    "meeting-minutes": (
        "Compte rendu de la réunion d'équipe du 12 mars 2026\nPrésents : Claire, Paul\n"
        "1. Point sur les formations du trimestre : trois sessions prévues.\n"
        "2. Le programme de l'assemblée générale est validé.\n",
        DocType.AUTRE,
    ),
    "empty": ("", DocType.AUTRE),
    "noise-only": ("~~ ## 12 .. ||\n\n  -- ", DocType.AUTRE),
}


@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written(name: str) -> None:
    text, expected = HAND_WRITTEN[name]
    doc_type, confidence = classify_text(text)
    assert doc_type is expected
    assert 0.0 <= confidence <= 1.0


@pytest.mark.parametrize("name", sorted(n for n, (_, t) in HAND_WRITTEN.items() if t != "autre"))
def test_training_documents_are_confident(name: str) -> None:
    assert classify_text(HAND_WRITTEN[name][0])[1] >= CONFIDENCE_THRESHOLD + 0.2


# --------------------------------------------------------------------------- OCR noise


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("name", sorted(HAND_WRITTEN))
def test_hand_written_survives_noise(name: str, seed: int) -> None:
    text, expected = HAND_WRITTEN[name]
    assert classify_text(ocr_noise(text, seed))[0] is expected


def test_upper_case_and_no_accents() -> None:
    text = strip_accents(CONVENTION_OTHER_TEMPLATE).upper()
    assert classify_text(text)[0] is DocType.CONVENTION


def test_title_split_over_two_lines() -> None:
    text = "FEUILLE D'\nEMARGEMENT\nFormation : Excel\nNom   Matin   Après-midi\nLéa Martin\n"
    assert classify_text(text)[0] is DocType.EMARGEMENT


def test_headings_beat_body_mentions() -> None:
    # A convention's body names attestations and attendance sheets; an invoice names the training.
    assert classify_text(CONVENTION_OTHER_TEMPLATE)[0] is DocType.CONVENTION
    invoice = (
        "FACTURE N° FA-2026-0142\nFormation « Programme de formation Excel »\nTotal HT 900 €\n"
    )
    assert classify_text(invoice)[0] is DocType.FACTURE


# --------------------------------------------------------------------------- segmentation


def test_segment_single_document() -> None:
    pages = CONVENTION_OTHER_TEMPLATE.split("Article 2")
    assert [(a, b, t) for a, b, t, _ in segment(pages)] == [(1, 2, DocType.CONVENTION)]


def test_segment_batch_scan() -> None:
    pages = [
        CONVENTION_OTHER_TEMPLATE,
        "Article 5 - Signatures\nPour l'entreprise            Pour l'organisme\n",
        ATTESTATION_ASSIDUITE,
        ATTESTATION_ASSIDUITE.replace("Karim Haddad", "Lina Roche"),
        "FEUILLE D'ÉMARGEMENT\nFormation : Excel\nNom   Matin   Après-midi\nLéa Martin\n",
    ]
    got = [(a, b, t) for a, b, t, _ in segment(pages)]
    assert got == [
        (1, 2, DocType.CONVENTION),
        (3, 3, DocType.ATTESTATION),
        (4, 4, DocType.ATTESTATION),
        (5, 5, DocType.EMARGEMENT),
    ]


def test_segment_online_form_export_one_respondent_per_page() -> None:
    pages = [ONLINE_FORM_EXPORT.replace("Paul Lenoir", name) for name in ("A B", "C D", "E F")]
    got = [(a, b, t) for a, b, t, _ in segment(pages)]
    assert got == [(n, n, DocType.EVALUATION_CHAUD) for n in (1, 2, 3)]


def test_segment_page_markers() -> None:
    sheet = (
        "FEUILLE D'ÉMARGEMENT  page {n}/2\nFormation : Excel\n"
        "Nom   Matin   Après-midi\nLéa Martin\n"
    )
    pages = [sheet.format(n=1), sheet.format(n=2), sheet.format(n=1), sheet.format(n=2)]
    assert [(a, b) for a, b, _, _ in segment(pages)] == [(1, 2), (3, 4)]


def test_segment_keeps_a_day_sheet_with_the_first_whose_title_ocr_garbled() -> None:
    # A scanned logo ran into the first page's title line; the content still says what it is.
    day = (
        "{title}\nFormation : Accueil du public\nSession : du 12/03/2026 au 13/03/2026\n"
        "N° NOM Prénom Fonction Matin (9h-12h30) Après-midi (13h30-17h)\n"
        "1 VASSEUR Odile\n2 LEBRETON Yannick\nSignature de l'intervenante : Inès Carrel\n"
    )
    pages = [
        day.format(title="Q#) Atelier Sud FEUILLE DE PRÉSENCE Journée du jeudi 12 mars"),
        day.format(title="FEUILLE DE PRÉSENCE\nJournée du vendredi 13 mars 2026"),
    ]
    assert [(a, b, t) for a, b, t, _ in segment(pages)] == [(1, 2, DocType.EMARGEMENT)]


def test_segment_empty() -> None:
    assert segment([]) == []


# --------------------------------------------------------------------------- the sample corpus


CORPUS = [(d.ident, d.text, d.expected) for d in truth.documents()]


@pytest.mark.skipif(not CORPUS, reason="samples/ not generated")
@pytest.mark.parametrize(("ident", "text", "doc"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_type(ident: str, text: str, doc: dict[str, Any]) -> None:
    assert classify_text(text)[0] == doc["type"]


@pytest.mark.skipif(not CORPUS, reason="samples/ not generated")
@pytest.mark.parametrize(("ident", "text", "doc"), CORPUS, ids=[c[0] for c in CORPUS])
def test_corpus_type_with_noise(ident: str, text: str, doc: dict[str, Any]) -> None:
    seed = int.from_bytes(ident.encode()[-4:], "big")
    assert classify_text(ocr_noise(text, seed))[0] == doc["type"]


def _corpus_files() -> list[tuple[str, list[str], list[tuple[int, int, str]]]]:
    expected = SAMPLES / "expected.json"
    if not expected.exists():
        return []
    files = []
    for entry in json.loads(expected.read_text(encoding="utf-8"))["files"]:
        truth = SAMPLES / "truth" / f"{entry['file']}.txt"
        docs = entry.get("documents", [])
        if truth.exists() and docs:
            pages = truth.read_text(encoding="utf-8").split("\f")
            ranges = [(d["pages"][0], d["pages"][1], d["type"]) for d in docs]
            files.append((entry["file"], pages, ranges))
    return files


FILES = _corpus_files()


@pytest.mark.skipif(not FILES, reason="samples/ not generated")
@pytest.mark.parametrize(("name", "pages", "ranges"), FILES, ids=[f[0] for f in FILES])
def test_corpus_segmentation(
    name: str, pages: list[str], ranges: list[tuple[int, int, str]]
) -> None:
    got = [(a, b, str(t)) for a, b, t, _ in segment(pages)]
    assert got == ranges


def test_corpus_ids_are_unique() -> None:
    assert len({c[0] for c in CORPUS}) == len(CORPUS)
    assert all(re.search(r"#\d+$", c[0]) for c in CORPUS)
