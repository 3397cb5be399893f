"""Classify the text of a document into a CONTRACT type, and split batch scans.

Reads only text (pages of a :class:`~pipeline.record.Doc`, or a string); sets
nothing itself: the runner stores the results in :class:`~pipeline.record.Part`.
Raises nothing: text with no evidence is :attr:`DocType.AUTRE`.

How: every type has *cues* (characteristic phrases). A cue found in a heading
line near the top of the first page weighs most; elsewhere it weighs less.
Matching works on folded text (no case, no accents) with all separators
removed, so OCR-split words ("con vention") still match, and falls back to
fuzzy matching (rapidfuzz ``partial_ratio``) so a misread letter still counts.
``AUTRE`` has cues too (receipts, letters, payslips), so a receipt with "TVA"
and "Total" beats a weak invoice reading instead of being forced into one.
Confidence combines the amount of evidence with the margin over the runner-up.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.parse import fold
from pipeline.record import DocType

__all__ = ["CONFIDENCE_THRESHOLD", "classify_text", "segment", "title_of_page", "scores"]

#: Below this confidence a document is reported as AUTRE. Measured (bench and
#: tests): corpus training documents score >= 0.66 clean and >= 0.63 with 3 % OCR
#: noise (median 0.94); non-training texts without any "autre" cue (minutes,
#: e-mails, newsletters) score <= 0.14. 0.35 sits in the gap, nearer the
#: non-training side so that badly OCRed training pieces still get through.
CONFIDENCE_THRESHOLD = 0.35

#: Evidence at which confidence saturates (a clear title plus a few body cues).
_STRENGTH_SCALE = 7.0
#: Non-empty lines of a page considered its top (where titles are).
_TOP_LINES = 14
#: A heading cue must start this close to the beginning of its line (compact chars:
#: room for "N°", "1." or a stray OCR mark, not for a sentence's first words).
_TITLE_LEAD = 3
#: ...and the line may not be much longer than the cue (sentences are not titles);
#: lines in capitals are titles even when they go on ("FEUILLE D'ÉMARGEMENT – session …").
_TITLE_SLACK = 60
_TITLE_SLACK_LOWER = 28
#: Extra weight for the type whose title comes first on the page (the real title,
#: not a later heading such as "Attestation" in a convention's annex list).
_FIRST_TITLE_BONUS = 4.0


@dataclass(frozen=True)
class Cue:
    """A characteristic phrase: its weight as a heading and in the body."""

    phrase: str
    title: float = 0.0
    body: float = 0.0
    cap: int = 1  # how many body occurrences count (grids repeat "matin")


def _cues(*specs: tuple[str, float, float] | tuple[str, float, float, int]) -> tuple[Cue, ...]:
    return tuple(Cue(*spec) for spec in specs)


# Weights: a title is worth ~10, a decisive body phrase 3-4, a common one 0.5-2.
CUES: dict[DocType, tuple[Cue, ...]] = {
    DocType.CONVENTION: _cues(
        ("convention de formation", 11, 2.5),
        ("convention simplifiee de formation", 12, 3),
        ("convention de formation professionnelle", 12, 3),
        ("convention", 5, 0.5),
        ("la presente convention", 0, 3),
        ("entre les soussignes", 0, 1.5),
        ("d.6353-1", 0, 1),
        ("l.6353-1", 0, 0.5),
        ("dispositions financieres", 0, 1),
        ("cachet de l'entreprise", 0, 1.5),
        ("pour l'entreprise", 0, 1),
        ("pour l'organisme de formation", 0, 1),
        ("l'entreprise beneficiaire", 0, 1.5),
        ("nombre de stagiaires", 0, 0.5),
        ("effectif", 0, 0.5),
    ),
    DocType.CONTRAT: _cues(
        ("contrat de formation", 11, 2.5),
        ("contrat de formation professionnelle", 12, 3),
        ("le present contrat", 0, 3),
        ("delai de retractation", 0, 3),
        ("retractation", 0, 1.5),
        ("l.6353-3", 0, 2),
        ("l.6353-4", 0, 1),
        ("l.6353-5", 0, 2),
        ("l.6353-6", 0, 1),
        ("l.6353-7", 0, 1),
        ("personne physique", 0, 2),
        ("a titre individuel", 0, 2),
        ("a ses frais", 0, 1.5),
        ("le stagiaire", 0, 1),
        ("entre les soussignes", 0, 1),
    ),
    DocType.BON_COMMANDE: _cues(
        ("bon de commande", 11, 2),
        ("devis", 9, 1),
        ("proposition commerciale", 7, 1),
        ("proposition financiere", 6, 1),
        ("contrat de sous-traitance", 8, 2),
        ("bon pour accord", 4, 4),
        ("devis signe", 0, 2),
        ("validite du devis", 0, 2),
        ("valable jusqu'au", 0, 1),
        ("date de validite", 0, 1),
        ("sous-traitance", 0, 1),
        ("sous-traitant", 0, 1),
        ("acompte", 0, 0.5),
        ("commande", 0, 0.5),
    ),
    DocType.EMARGEMENT: _cues(
        ("feuille d'emargement", 12, 3),
        ("feuille de presence", 12, 3),
        ("liste d'emargement", 12, 3),
        ("emargement", 9, 1),
        ("feuille de signatures", 9, 2),
        ("matin", 0, 0.6, 6),
        ("apres-midi", 0, 0.6, 6),
        ("signature du stagiaire", 0, 1),
        ("signature des stagiaires", 0, 1),
        ("signature du formateur", 0, 0.5),
        ("demi-journee", 0, 1),
        ("nom et prenom", 0, 0.5),
        ("nom prenom", 0, 0.5),
    ),
    DocType.ATTESTATION: _cues(
        ("attestation de fin de formation", 13, 3),
        ("certificat de realisation", 13, 3),
        ("attestation d'assiduite", 13, 3),
        ("attestation de formation", 11, 2),
        ("attestation de presence", 9, 1),
        ("attestation de stage", 9, 1),
        ("attestation individuelle", 9, 1),
        ("attestation", 5, 0),
        ("atteste que", 0, 3),
        ("certifie que", 0, 2),
        ("a suivi", 0, 2),
        ("a participe", 0, 1.5),
        ("a assiste", 0, 1.5),
        ("pour faire valoir ce que de droit", 0, 2),
        ("resultats de l'evaluation", 0, 1),
        ("acquis", 0, 0.5),
        ("assiduite", 0, 1),
        ("heures realisees", 0, 1),
    ),
    DocType.EVALUATION_CHAUD: _cues(
        ("evaluation a chaud", 13, 4),
        ("bilan a chaud", 13, 4),
        ("questionnaire a chaud", 13, 4),
        ("questionnaire de satisfaction", 10, 2),
        ("enquete de satisfaction", 9, 2),
        ("fiche d'evaluation", 6, 0.5),
        ("evaluation de la formation", 6, 0.5),
        ("appreciation de la formation", 6, 1),
        # A questionnaire at the end of a session, by its title or its lead-in.
        ("questionnaire d'evaluation a chaud", 13, 4),
        ("questionnaire d'evaluation", 9, 1),
        ("evaluation de fin de formation", 11, 2),
        ("evaluation de fin de stage", 11, 2),
        ("questionnaire de fin de formation", 11, 2),
        ("votre avis", 8, 1.5),
        ("a chaud", 0, 3),
        ("satisfaction", 0, 1),
        ("votre satisfaction", 0, 1),
        # The words of its scales and of the recommendation question.
        ("tres satisfait", 0, 2),
        ("pas satisfait", 0, 1.5),
        ("pas du tout satisfait", 0, 2),
        ("tout a fait d'accord", 0, 1.5),
        ("pas du tout d'accord", 0, 1.5),
        ("sur une echelle de", 0, 1.5),
        ("recommanderiez", 0, 2),
        ("recommandez-vous", 0, 1.5),
        ("points forts", 0, 1),
        ("points a ameliorer", 0, 1),
        ("vos commentaires", 0, 1),
    ),
    DocType.EVALUATION_FROID: _cues(
        ("evaluation a froid", 14, 5),
        ("bilan a froid", 14, 5),
        ("questionnaire a froid", 14, 5),
        ("questionnaire d'evaluation a froid", 14, 5),
        ("evaluation differee", 10, 3),
        ("a froid", 0, 4),
        ("depuis la formation", 0, 2),
        ("mis en pratique", 0, 1.5),
        ("mise en pratique", 0, 1.5),
        ("mise en application", 0, 1.5),
        ("transfert des acquis", 0, 2),
        ("apres la formation", 0, 1),
        ("dans votre poste", 0, 1),
        ("impact", 0, 1),
    ),
    DocType.CV: _cues(
        ("curriculum vitae", 13, 4),
        ("cv", 7, 0),
        ("experiences professionnelles", 3, 3),
        ("experience professionnelle", 3, 3),
        ("parcours professionnel", 2, 2),
        ("formations suivies", 2, 2),
        ("diplomes", 1, 2),
        ("centres d'interet", 1, 2),
        ("competences", 0, 1),
        ("langues", 0, 1),
        ("formation initiale", 0, 1),
        ("mise a jour", 0, 0.5),
        ("permis b", 0, 1),
    ),
    DocType.PROGRAMME: _cues(
        ("programme de formation", 11, 2),
        ("programme de la formation", 11, 2),
        ("presentation de la formation", 10, 2),
        ("fiche programme", 10, 2),
        ("programme detaille", 7, 2),
        ("fiche formation", 6, 1),
        ("programme", 5, 0.5),
        ("objectifs pedagogiques", 2, 3),
        ("methodes pedagogiques", 2, 3),
        ("moyens pedagogiques", 1, 2),
        ("modalites d'evaluation", 1, 2),
        ("public vise", 1, 2),
        ("public concerne", 1, 2),
        ("prerequis", 1, 2),
        ("pre-requis", 1, 2),
        ("accessibilite", 0, 1),
        ("delai d'acces", 0, 1.5),
        ("modalites d'acces", 0, 1.5),
        ("competences visees", 0, 1.5),
    ),
    DocType.FACTURE: _cues(
        ("facture", 11, 1),
        ("facture d'acompte", 12, 2),
        ("note d'honoraires", 8, 2),
        ("total ht", 0, 2),
        ("montant ht", 0, 1.5),
        ("tva", 0, 1),
        ("net a payer", 0, 2),
        ("total ttc", 0, 1.5),
        ("date d'echeance", 0, 1),
        ("conditions de paiement", 0, 1),
        ("penalites de retard", 0, 2),
        ("indemnite forfaitaire", 0, 2),
        ("iban", 0, 1),
        ("exoneration de tva", 0, 1.5),
        ("261-4-4", 0, 2),
    ),
    DocType.BILAN_PEDAGOGIQUE: _cues(
        ("bilan pedagogique", 13, 3),
        ("bilan annuel", 6, 1),
        ("bilan d'activite", 6, 1),
        ("actions de formation realisees", 0, 2),
        ("heures-stagiaires", 0, 2),
        ("heures stagiaires", 0, 1),
        ("taux de satisfaction", 0, 1.5),
        ("axes d'amelioration", 0, 1.5),
        ("actions d'amelioration", 0, 1.5),
        ("bilan de l'annee", 0, 2),
    ),
    DocType.AUTRE: _cues(
        # Questionnaires that are not about the training's quality: a level test before
        # it, a quiz of what was learnt.
        ("questionnaire de positionnement", 13, 4),
        ("test de positionnement", 13, 4),
        ("evaluation des acquis", 8, 2),
        ("questionnaire d'evaluation des acquis", 13, 3),
        ("test de connaissances", 12, 3),
        ("quiz", 10, 2),
        ("avant la formation", 0, 2),
        ("bonne reponse", 0, 1.5, 3),
        ("bonnes reponses", 0, 2),
        ("note obtenue", 0, 2),
        ("ticket", 6, 2),
        ("recu", 4, 1),
        ("quittance", 9, 3),
        ("releve de compte", 10, 3),
        ("bulletin de paie", 10, 3),
        ("bulletin de salaire", 10, 3),
        ("avis d'imposition", 10, 3),
        ("attestation d'assurance", 12, 3),
        ("convention de stage", 13, 3),  # an internship agreement, not training we sell
        ("etablissement d'enseignement", 0, 2),
        ("tuteur de stage", 0, 2),
        ("responsabilite civile", 0, 1.5),
        ("merci de votre visite", 0, 4),
        ("a bientot", 0, 1),
        ("couverts", 0, 2),
        ("serveur", 0, 2),
        ("table", 0, 1),
        ("carte bancaire", 0, 1),
        ("sans contact", 0, 2),
        ("madame, monsieur", 0, 4),
        ("veuillez agreer", 0, 5),
        ("je vous prie d'agreer", 0, 5),
        ("salutations distinguees", 0, 4),
        ("veuillez trouver ci-joint", 0, 3),
        ("ci-joint", 0, 1.5),
        ("bien cordialement", 0, 1.5),
        ("objet", 0, 1),
        ("lettre recommandee", 0, 3),
        # A convocation tells a trainee when and where to come: it is sent before the
        # training and proves nothing the dossier needs.
        ("convocation", 10, 2),
        ("convocation a la formation", 13, 3),
        ("votre inscription", 0, 1.5),
        # The internal rules given to trainees.
        ("reglement interieur", 12, 1),
        # The official BPF form itself (Cerfa 10443), blank or filled: the cooperative's
        # yearly return, not an entrepreneur's pedagogical report.
        ("bilan pedagogique et financier", 15, 3),
        ("cerfa", 0, 4),
        ("10443", 0, 3),
        ("dispensateur de formation", 0, 2),
    ),
}

#: Types whose phrases ("facture", "devis") exist outside training: without any
#: training word (searched in compact text, so split words count), their
#: evidence mostly goes to AUTRE so a plumber's invoice is not filed as training.
_NEEDS_TRAINING_CONTEXT = frozenset({DocType.FACTURE, DocType.BON_COMMANDE})
_TRAINING_WORDS = re.compile(r"formation|stagiaire|pedagog|formateur|formatrice|apprenant")


# --------------------------------------------------------------------------- text forms


def _spaced(text: str) -> str:
    """Folded text with every run of non-alphanumerics as one space (word boundaries kept)."""
    return " " + re.sub(r"[^a-z0-9]+", " ", fold(text)).strip() + " "


def _compact(text: str) -> str:
    """Folded text with no separators at all: OCR-split words join up again."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


@lru_cache(maxsize=512)
def _cue_forms(phrase: str) -> tuple[str, str]:
    return _spaced(phrase), _compact(phrase)


def _min_ratio(length: int) -> float | None:
    """Fuzzy threshold by phrase length: short words must match exactly."""
    if length < 6:
        return None
    return 84.0 if length < 10 else 87.0


# --------------------------------------------------------------------------- evidence


def _top_lines(page: str) -> list[str]:
    lines = [line for line in page.splitlines() if line.strip()]
    return lines[:_TOP_LINES]


@dataclass(frozen=True)
class _Heading:
    """A candidate title line (or two joined lines) in compact form."""

    compact: str
    upper: bool  # printed in capitals: a title even when long ("FEUILLE D'ÉMARGEMENT – …")
    index: int  # line number among the page's top lines


def _is_upper(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters)


def _heading_candidates(page: str) -> list[_Heading]:
    """Top lines, and pairs of lines (a title broken in two), as heading candidates."""
    lines = [(i, line, _compact(line)) for i, line in enumerate(_top_lines(page))]
    lines = [item for item in lines if item[2]]
    single = [_Heading(c, _is_upper(line), i) for i, line, c in lines]
    # A title after a lead-in: "Votre avis sur la formation — questionnaire à chaud".
    # Only after a short lead-in: in a sentence ("... avec subrogation de paiement : la
    # facture sera adressée"), what follows a colon is no title.
    tails = [
        _Heading(_compact(tail), _is_upper(tail), i)
        for i, line, _ in lines
        for tail in _tails(line)
        if _compact(tail)
    ]
    pairs = [
        _Heading(a[2] + b[2], _is_upper(a[1] + b[1]), a[0])
        for a, b in zip(lines, lines[1:], strict=False)
    ]
    return single + tails + pairs


#: Words a title's lead-in may have ("Votre avis sur la formation — questionnaire à chaud").
_LEAD_IN_WORDS = 8


def _tails(line: str) -> list[str]:
    """What follows each dash, colon or bar of ``line`` after a lead-in of a few words."""
    pieces = re.split(r"(\s[—–-]\s|:\s|\|)", line)
    out = []
    for at in range(2, len(pieces), 2):
        if len("".join(pieces[: at - 1]).split()) <= _LEAD_IN_WORDS:
            out.append(pieces[at])
    return out


def _fuzzy_find(cue: str, haystack: str) -> int | None:
    """Start of a near-exact occurrence of ``cue`` in ``haystack`` (OCR slips), or None.

    ``partial_ratio`` finds the best window cheaply; a Levenshtein check then
    allows only about one edit per nine letters, so "prestation de formation"
    is not read as "attestation de formation".
    """
    cutoff = _min_ratio(len(cue))
    # partial_ratio aligns the shorter string inside the longer: never let the
    # haystack be the shorter one, or "Et" would match every cue.
    if cutoff is None or len(haystack) < len(cue):
        return None
    found = fuzz.partial_ratio_alignment(cue, haystack, score_cutoff=cutoff)
    if found is None:
        return None
    allowed = max(1, len(cue) // 9)
    for start in range(max(0, found.dest_start - 1), found.dest_start + 2):
        for size in range(len(cue) - allowed, len(cue) + allowed + 1):
            window = haystack[start : start + size]
            if Levenshtein.distance(cue, window, score_cutoff=allowed) <= allowed:
                return start
    return None


def _in_heading(cue_compact: str, heading: _Heading) -> bool:
    """The cue opens the line (after at most a short prefix) and the line is title-sized."""
    slack = _TITLE_SLACK if heading.upper else _TITLE_SLACK_LOWER
    if len(heading.compact) > len(cue_compact) + slack:
        return False
    lead = heading.compact[: len(cue_compact) + _TITLE_LEAD]
    start: int | None = lead.find(cue_compact)
    if start is not None and start < 0:
        start = _fuzzy_find(cue_compact, lead)
    # Short cues ("cv", "devis") hide inside other words: they must open the line.
    limit = 0 if len(cue_compact) < 6 else _TITLE_LEAD
    return start is not None and 0 <= start <= limit


def _title_line(cue: Cue, headings: Sequence[_Heading]) -> int | None:
    """Index of the first top line where the cue stands as a title, or None."""
    compact = _cue_forms(cue.phrase)[1]
    hits = [h.index for h in headings if _in_heading(compact, h)]
    return min(hits) if hits else None


def _body_count(cue: Cue, spaced: str, compact: str) -> int:
    """Occurrences of a cue in the text: exact by words, else joined-up, else fuzzy."""
    cue_spaced, cue_compact = _cue_forms(cue.phrase)
    count = spaced.count(cue_spaced)
    if count or len(cue_compact) < 8:
        return count
    if cue_compact in compact:
        return 1
    return 1 if _fuzzy_find(cue_compact, compact) is not None else 0


@dataclass(frozen=True)
class _Text:
    """The forms of one document's text the scorers need, computed once."""

    headings: tuple[_Heading, ...]
    spaced: str
    compact: str

    @classmethod
    def of(cls, text: str) -> _Text:
        first_page = text.split("\f", 1)[0]
        return cls(tuple(_heading_candidates(first_page)), _spaced(text), _compact(text))


def _type_score(cues: Iterable[Cue], text: _Text) -> tuple[float, int | None]:
    """Evidence for one type, and the top line where its title first stands.

    Only the strongest title counts ("CONVENTION DE FORMATION" also contains
    "convention"); body cues add up.
    """
    titles: list[tuple[float, int]] = []
    body = 0.0
    for cue in cues:
        line = _title_line(cue, text.headings) if cue.title else None
        if line is not None:
            titles.append((cue.title, line))
        elif cue.body:
            body += cue.body * min(cue.cap, _body_count(cue, text.spaced, text.compact))
    if not titles:
        return body, None
    strong = [line for weight, line in titles if weight >= 5]
    return body + max(titles)[0], min(strong) if strong else None


def _training_context(compact: str) -> bool:
    """Any training word, even misread ("formati0n", "stag1aire")."""
    if _TRAINING_WORDS.search(compact):
        return True
    return any(_fuzzy_find(word, compact) is not None for word in ("formation", "stagiaire"))


def _scores(text: _Text) -> dict[DocType, float]:
    scored = {doc_type: _type_score(cues, text) for doc_type, cues in CUES.items()}
    result = {doc_type: total for doc_type, (total, _) in scored.items()}
    titled = [(line, doc_type) for doc_type, (_, line) in scored.items() if line is not None]
    if titled:
        result[min(titled)[1]] += _FIRST_TITLE_BONUS
    if not _training_context(text.compact):
        # An invoice or quote for anything but training is "autre" for this pipeline.
        for doc_type in _NEEDS_TRAINING_CONTEXT:
            result[DocType.AUTRE] += result[doc_type] * 0.8
            result[doc_type] *= 0.2
    return result


def scores(text: str) -> dict[DocType, float]:
    """Raw evidence per type (for the bench and for debugging a misclassification)."""
    return _scores(_Text.of(text))


def _confidence(best: float, second: float) -> float:
    """Evidence strength times margin: a clear title and a clear lead give ~0.9+."""
    if best <= 0:
        return 0.0
    strength = 1 - math.exp(-best / _STRENGTH_SCALE)
    margin = (best - second) / best
    return strength * (0.4 + 0.6 * margin)


def _ranked(evidence: dict[DocType, float]) -> list[tuple[DocType, float]]:
    return sorted(evidence.items(), key=lambda item: item[1], reverse=True)


def classify_text(text: str) -> tuple[DocType, float]:
    """The document type of ``text`` (pages separated by ``\\f``) and a confidence 0..1.

    Below :data:`CONFIDENCE_THRESHOLD`, or when non-training evidence wins, the
    answer is ``AUTRE`` with the confidence that the text is *not* a training piece.
    """
    ranked = _ranked(_scores(_Text.of(text)))
    (best_type, best), (_, second) = ranked[0], ranked[1]
    confidence = _confidence(best, second)
    if best_type is DocType.AUTRE:
        return DocType.AUTRE, round(max(confidence, 0.5), 3)
    if confidence < CONFIDENCE_THRESHOLD:
        return DocType.AUTRE, round(1 - confidence, 3)
    return best_type, round(confidence, 3)


# --------------------------------------------------------------------------- segmentation

#: Title evidence a page top needs to open a new document.
_TITLE_MIN = 8.0
_PAGE_OF = re.compile(r"\bpage\s*(\d{1,3})\s*(?:/|sur|of)\s*(\d{1,3})\b")
#: Types printed one page per person: a repeated title is a new document.
_ONE_PER_PAGE = frozenset({DocType.ATTESTATION, DocType.EVALUATION_CHAUD, DocType.EVALUATION_FROID})


def title_of_page(page: str) -> tuple[DocType, float]:
    """The type announced by a page's heading lines, with its title evidence (0 if none)."""
    headings = _heading_candidates(page)
    best: tuple[DocType, float] = (DocType.AUTRE, 0.0)
    for doc_type, cues in CUES.items():
        weight = sum(c.title for c in cues if c.title and _title_line(c, headings) is not None)
        if weight > best[1]:
            best = (doc_type, weight)
    return best


def _page_of(page: str) -> tuple[int, int] | None:
    m = _PAGE_OF.search(fold(page))
    return (int(m.group(1)), int(m.group(2))) if m else None


def _starts_document(page: str, current: DocType | None, previous: str | None) -> DocType | None:
    """The type a page opens a new document with, or ``None`` if it continues one."""
    if previous is None:
        return title_of_page(page)[0]
    marker = _page_of(page)
    if marker is not None and marker[0] > 1:
        return None
    title, weight = title_of_page(page)
    if weight < _TITLE_MIN:
        return None
    if title != current or (marker is not None and marker[0] == 1):
        return title
    before = _page_of(previous)
    finished = before is not None and before[0] == before[1]
    return title if finished or marker is None and title in _ONE_PER_PAGE else None


def _ranges(pages: Sequence[str]) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    current: DocType | None = None
    for number, page in enumerate(pages, start=1):
        previous = pages[number - 2] if number > 1 else None
        opened = _starts_document(page, current, previous)
        if opened is not None:
            ranges.append((number, number))
            # A first page whose title the OCR garbled is still typed by its content, so
            # that the next page's title of the same type continues it.
            untitled = previous is None and opened is DocType.AUTRE
            current = classify_text(page)[0] if untitled else opened
        else:
            ranges[-1] = (ranges[-1][0], number)
    return ranges


def segment(pages: list[str]) -> list[tuple[int, int, DocType, float]]:
    """Split the pages of one file into documents: ``(first, last, type, confidence)``.

    Page numbers are 1-based and inclusive. A page whose top carries a strong
    title of another type (or a fresh "page 1/…", or a repeated title on
    one-page-per-person documents) opens a document; other pages continue the
    previous one. Each range is then classified on its whole text.
    """
    result = []
    for first, last in _ranges(pages):
        doc_type, confidence = classify_text("\f".join(pages[first - 1 : last]))
        result.append((first, last, doc_type, confidence))
    return result
