"""The error tree, the stable reasons a file is set aside, and exit codes.

The library raises typed errors; only the runner (per file) and the CLI (per
command) turn them into quarantine records, digest lines or exit codes.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import ClassVar


class ExitCode(IntEnum):
    OK = 0
    NEEDS_PERSON = 1  # ran, but something waits for a person
    USAGE = 2  # bad usage or bad configuration
    DEPENDENCY = 3  # a missing or broken external dependency


class Reason(StrEnum):
    """Why a file or document was set aside. Stable: database value, folder name, digest label."""

    EMPTY = "vide"
    UNREADABLE = "illisible"
    ENCRYPTED = "chiffre"
    UNSUPPORTED = "format-non-supporte"
    TOO_LARGE = "trop-volumineux"
    DUPLICATE = "doublon"
    OUTSIDE_SHARE = "hors-partage"
    UNKNOWN_ENTREPRENEUR = "entrepreneur-inconnu"
    UNCLASSIFIED = "type-inconnu"
    NO_MATCH = "sans-facture"
    AMBIGUOUS = "facture-ambigue"
    INTERNAL = "erreur-interne"
    CONFLICT = "copie-en-conflit"
    DETACHED = "detache"
    CANCELLED = "facture-annulee"


#: What a person should do, in French, for each reason (digest, status files).
ADVICE: dict[Reason, str] = {
    Reason.EMPTY: "Le fichier est vide (0 octet) : déposez-le à nouveau une fois la "
    "synchronisation terminée.",
    Reason.UNREADABLE: "Le fichier est endommagé ou illisible : réenregistrez-le ou "
    "numérisez à nouveau le document, puis déposez-le.",
    Reason.ENCRYPTED: "Le PDF est protégé par un mot de passe : déposez une version sans "
    "mot de passe.",
    Reason.UNSUPPORTED: "Ce format n'est pas pris en charge : déposez un PDF, une photo "
    "(JPEG, PNG, TIFF) ou un document Word (DOCX).",
    Reason.TOO_LARGE: "Le fichier dépasse la taille ou le nombre de pages autorisés : "
    "déposez les documents séparément.",
    Reason.DUPLICATE: "Ce fichier a déjà été reçu à l'identique : rien à faire, l'original "
    "est déjà classé.",
    Reason.OUTSIDE_SHARE: "Ce fichier est un raccourci (lien) qui mène hors de votre dossier "
    "ou nulle part : il n'est pas lu. Déposez le fichier lui-même, pas un raccourci.",
    Reason.UNKNOWN_ENTREPRENEUR: "Ce dossier ne correspond à aucun entrepreneur connu : "
    "ajoutez-le à la liste des entrepreneurs de la configuration.",
    Reason.UNCLASSIFIED: "Le document n'a pas été reconnu comme une pièce de formation : "
    "s'il en est une, rangez-le dans le dossier portant le numéro de la facture.",
    Reason.NO_MATCH: "Aucune facture de formation ne correspond à ce document : vérifiez "
    "que la facture a été importée, ou rangez le fichier dans le dossier portant le "
    "numéro de la facture.",
    Reason.AMBIGUOUS: "Plusieurs factures correspondent à ce document : rangez-le dans le "
    "dossier portant le bon numéro de facture, ou rattachez-le avec « dossiers attach ».",
    Reason.CONFLICT: "Votre outil de synchronisation a créé une copie en conflit : comparez-la "
    "avec l'original, gardez la bonne version et supprimez l'autre.",
    Reason.INTERNAL: "Erreur inattendue du logiciel : le fichier est conservé dans l'archive ; "
    "signalez-le à l'équipe technique avec le journal.",
    Reason.DETACHED: "Détaché de sa facture par l'équipe d'appui : rattachez-le à la bonne "
    "facture avec « dossiers attach », ou laissez-le de côté.",
    Reason.CANCELLED: "Sa facture a été annulée dans le module de facturation : rattachez-le "
    "à la facture qui la remplace avec « dossiers attach », ou rangez le fichier dans le "
    "dossier portant le nouveau numéro.",
}


class DossiersError(Exception):
    """Base of every error the library raises on purpose."""


class DocumentError(DossiersError):
    """This file is set aside with a reason; processing carries on with the next one."""

    reason: ClassVar[Reason]

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or ADVICE[self.reason])
        self.detail = detail

    @property
    def advice(self) -> str:
        return ADVICE[self.reason]


class EmptyFile(DocumentError):
    reason = Reason.EMPTY


class UnreadableFile(DocumentError):
    reason = Reason.UNREADABLE


class EncryptedFile(DocumentError):
    reason = Reason.ENCRYPTED


class UnsupportedFile(DocumentError):
    reason = Reason.UNSUPPORTED


class FileTooLarge(DocumentError):
    reason = Reason.TOO_LARGE


class DuplicateFile(DocumentError):
    reason = Reason.DUPLICATE

    def __init__(self, detail: str = "", original_id: int | None = None) -> None:
        super().__init__(detail)
        self.original_id = original_id


class OutsideShare(DocumentError):
    reason = Reason.OUTSIDE_SHARE


class UnknownEntrepreneur(DocumentError):
    reason = Reason.UNKNOWN_ENTREPRENEUR


class ConflictCopy(DocumentError):
    reason = Reason.CONFLICT


class EnvironmentFault(DossiersError):
    """Something outside the file is wrong (OCR engine, database, SMTP).

    Nothing is set aside: the file is retried later, or the command exits.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.DEPENDENCY
    #: Which part of the environment (French, stable): one fault episode per kind is
    #: reported once by the daemon, and its end once.
    kind: ClassVar[str] = "environnement"


class OcrUnavailable(EnvironmentFault):
    """The OCR engine or its French language data is missing, or the engine failed."""

    kind = "OCR"


class DatabaseFault(EnvironmentFault):
    """The database cannot be opened or written (locked by another program, unreadable)."""

    kind = "base de données"


class DiskFull(EnvironmentFault):
    """The archive's disk is full (or the file size limit is reached): nothing was filed."""

    kind = "disque"


class ConfigError(DossiersError):
    """The configuration is wrong; the message names the key and the fix."""

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE


class UsageError(DossiersError):
    """A command was called with arguments that cannot work."""

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE
