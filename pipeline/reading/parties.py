"""Which party a signature block's label names, by the meaning of its words.

A label names a party with a noun ("organisme", "client", "employeur", "stagiaire",
"intervenant·e"...) said the way a block's caption says it: after "Pour", an article or a
signing instruction ("Signature du", "Bon pour accord - date, cachet et signature du"),
and followed by nothing but the noun's complement ("de formation", "bénéficiaire",
"d'ordre"), another noun of the same party ("Le formateur / la formatrice") or more of
the instruction ("précédée de la mention « Lu et approuvé »"). A sentence ("Le client
s'engage à payer...") or a preamble line ("L'organisme de formation : Coopérative ...")
carries other words and is not a label; neither is a bare noun in a table cell ("Client").

The vocabulary is general French for the parties of a training agreement, not one
template's wording; nouns are compared with a small tolerance for OCR slips.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from rapidfuzz import fuzz

from pipeline.parse import fold

Party = Literal["organisme", "client", "formateur", "stagiaire"]


def vocabulary(words: str) -> frozenset[str]:
    """A set of folded words written as one string."""
    return frozenset(words.split())


#: The nouns naming each party (folded, singular; plurals and inclusive endings are cut).
NOUNS: dict[str, Party] = {
    "organisme": "organisme",
    "of": "organisme",  # "Pour l'OF"
    "prestataire": "organisme",
    "cooperative": "organisme",
    "fournisseur": "organisme",
    "soustraitant": "organisme",
    "centre": "organisme",
    "client": "client",
    "cliente": "client",
    "entreprise": "client",
    "employeur": "client",
    "donneur": "client",  # "le donneur d'ordre"
    "commanditaire": "client",
    "acheteur": "client",
    "etablissement": "client",
    "structure": "client",
    "formateur": "formateur",
    "formatrice": "formateur",
    "intervenant": "formateur",
    "intervenante": "formateur",
    "animateur": "formateur",
    "animatrice": "formateur",
    "consultant": "formateur",
    "consultante": "formateur",
    "stagiaire": "stagiaire",
    "apprenant": "stagiaire",
    "apprenante": "stagiaire",
    "participant": "stagiaire",
    "participante": "stagiaire",
    "beneficiaire": "stagiaire",
}
#: Words that may stand before the noun: "Pour", articles, a signing instruction.
LEAD = vocabulary(
    "pour le la l les un une du de des d signature signatures et cachet tampon visa date "
    "bon accord nom prenom qualite representant representante legal legale"
)
#: Words that may follow the noun: its complement, the inclusive endings, the instruction.
TAIL = vocabulary(
    "de d du la le l formation formations professionnelle continue beneficiaire ordre ordres "
    "accueil e s es trice rice ice euse x signature signatures cachet tampon date nom prenom "
    "qualite et precedee precede precedes de la mention manuscrite lu approuve bon pour accord "
    "representant representante legal legale ou son sa habilite"
)
#: Openings that make a label on their own (a quote returned signed by the client).
OWN_LABELS: tuple[tuple[str, Party], ...] = (
    ("bon pour accord", "client"),
    ("signature et cachet", "organisme"),  # a certificat de réalisation's only block
)
#: A label is short: a block caption, not a paragraph.
MAX_WORDS = 16
#: Folded nouns are compared with this rapidfuzz ratio (one OCR slip in a long word).
NOUN_RATIO = 84.0
#: "Pour <cooperative's name>" is compared with this ratio.
NAME_RATIO = 86.0


def party_of(text: str, organisme_names: Sequence[str] = ()) -> Party | None:
    """The party a run of printed words names as a signature block's label, or None."""
    tokens = tokens_of(text)
    if not tokens or len(tokens) > MAX_WORDS:
        return None
    folded = " ".join(tokens)
    for opening, party in OWN_LABELS:
        if folded == opening:
            return party
    if _names_organisme(tokens, organisme_names):
        return "organisme"
    return _noun_label(tokens)


def is_own_label(text: str) -> bool:
    """The label is one of :data:`OWN_LABELS` ("Bon pour accord"): it names no party."""
    folded = " ".join(tokens_of(text))
    return any(folded == opening for opening, _ in OWN_LABELS)


def tokens_of(text: str) -> list[str]:
    """Folded words: apostrophes, slashes, the inclusive dot and brackets split words;
    "sous-traitant" is one word."""
    folded = fold(text).replace("’", "'")
    folded = re.sub(r"sous[\s-]+trait", "soustrait", folded)
    return re.findall(r"[a-z]+", folded)


def _noun_label(tokens: list[str]) -> Party | None:
    for at, token in enumerate(tokens):
        party = noun_party(token)
        if party is None:
            if not _said(token, LEAD):
                return None  # a word that is no caption's: a sentence, a heading
            continue
        if at == 0:
            return None  # a bare noun is a table's row header, not a block
        if all(_said(t, TAIL) or noun_party(t) == party for t in tokens[at + 1 :]):
            return party
        return None
    return None


def noun_party(token: str) -> Party | None:
    """The party a folded word names, allowing a plural and an OCR slip in a long word."""
    word = token[:-1] if token.endswith(("s", "x")) and token[:-1] in NOUNS else token
    if word in NOUNS:
        return NOUNS[word]
    if len(word) < 7:
        return None
    best = max(NOUNS, key=lambda noun: fuzz.ratio(word, noun))
    return NOUNS[best] if fuzz.ratio(word, best) >= NOUN_RATIO else None


def _said(token: str, vocabulary: frozenset[str]) -> bool:
    """``token`` is a word of ``vocabulary``, or a long one read with one OCR slip."""
    if token in vocabulary:
        return True
    return len(token) >= 6 and any(
        len(word) >= 6 and fuzz.ratio(token, word) >= NOUN_RATIO for word in vocabulary
    )


def _names_organisme(tokens: list[str], names: Sequence[str]) -> bool:
    """ "Pour <the cooperative's name>" (a letterhead without "Pour" is not a block)."""
    if not names or tokens[0] != "pour":
        return False
    rest = tokens[1:]
    while rest and rest[0] in ("le", "la", "l", "les"):
        rest = rest[1:]
    said = " ".join(rest)
    return any(fuzz.ratio(said, " ".join(tokens_of(name))) >= NAME_RATIO for name in names)
