"""Fields of contractual pieces and invoices laid out as two-column tables, lists and
parties, whatever their wording: the text a PDF layer or OCR gives of them."""

from __future__ import annotations

from pipeline.extract import extract
from pipeline.record import DocType

# A one-page convention as a two-column table: the text layer joins each label cell to
# its value cell with a single space, no colon.
TABLE_CONVENTION = """\
Atelier Horizon
CONVENTION DE FORMATION
Réf. CV-2026-118
Organisme de formation Coopérative Exemple - 3 place du Marché, 30000 Nîmes
Client Syndicat Mixte - Vallée du Gardon, 4 route d'Alès, 30140 Anduze
Représenté par Odile Ferrand, Présidente
Intitulé de la formation Conduire une réunion efficace
Dates du 12/05/2026 au 13/05/2026
Durée 10,5 heures par participant
Formateur·rice Gaspard Lemaire
Participants 3 : Yvette Morin, Basile Chauvet, Anne
Sophie Lenoir, Rémi Tessier
Prix 1 890,00 € HT
Le client
Odile Ferrand
Présidente
"""


def test_two_column_table_read_as_text_gives_each_label_its_value() -> None:
    fields = extract(DocType.CONVENTION, TABLE_CONVENTION, default_year=2026)
    assert fields["client"] == "Syndicat Mixte - Vallée du Gardon"
    assert fields["training_title"] == "Conduire une réunion efficace"
    assert fields["duration_hours"] == 10.5
    assert fields["trainer"] == "Gaspard Lemaire"
    assert fields["trainees"] == [
        "Yvette Morin",
        "Basile Chauvet",
        "Anne Sophie Lenoir",
        "Rémi Tessier",
    ]


def test_running_text_is_not_taken_for_a_label_and_its_value() -> None:
    text = "CONVENTION DE FORMATION\nFormation professionnelle continue des salariés\n"
    assert "training_title" not in extract(DocType.CONVENTION, text)


INVOICE = """\
Coopérative Exemple
FACTURE
N° FA-2026-0311
Date : 02/06/2026
Intitulé Prendre soin de sa voix
Durée par stagiaire 7 h
Nombre de stagiaires 2
Stagiaires Maëlle Dorval, Quentin Abadie
Formateur·rice Irène Castagné
Total HT 700,00 €
"""


def test_invoice_heading_and_number_are_never_the_client() -> None:
    fields = extract(DocType.FACTURE, INVOICE, default_year=2026)
    assert "client" not in fields
    assert fields["trainees"] == ["Maëlle Dorval", "Quentin Abadie"]
    assert fields["trainer"] == "Irène Castagné"
    assert fields["duration_hours"] == 7


def test_invoice_date_printed_with_its_number() -> None:
    text = (
        "FACTURE\nN° FA-2026-0077 — du 18/02/2026\nClient : Menuiserie Rivière\nTotal HT 300,00 €"
    )
    assert extract(DocType.FACTURE, text, default_year=2026)["date"] == "2026-02-18"


def test_invoice_issue_date_by_its_number_is_not_the_training_period() -> None:
    # The period in a two-column table, its label glued to "du …": the first "du <date>"
    # of the page is the invoice's own, printed with its number.
    text = (
        "FACTURE\nN° FA-2026-0077 — du 18/02/2026\nClient : Menuiserie Rivière\n"
        "Intitulé de la formation Prendre soin de sa voix\nDates du 09/02/2026 au 10/02/2026\n"
        "Total HT 300,00 €"
    )
    fields = extract(DocType.FACTURE, text, default_year=2026)
    assert (fields["start_date"], fields["end_date"]) == ("2026-02-09", "2026-02-10")
    assert fields["date"] == "2026-02-18"


CONTRACT_PARTIES = """\
CONTRAT DE FORMATION PROFESSIONNELLE
Entre les soussignés :
1) Coopérative Exemple, organisme de formation, représentée par Joëlle Marin,
ci-après « l'organisme » ;
2) Madame Clémence Baudry, demeurant 4 rue des Tilleuls, 34000 Montpellier,
ci-après « le stagiaire ».
Article 1 - Objet
L'organisme s'engage à organiser l'action de formation intitulée « Italien pour voyager ».
Le stagiaire Pour l'organisme de formation La formatrice
Clémence Baudry Joëlle Marin Paola Rinaldi
"""


def test_contract_reads_the_party_designated_as_trainee_not_a_signature_heading() -> None:
    fields = extract(DocType.CONTRAT, CONTRACT_PARTIES, default_year=2026)
    assert fields["client"] == "Clémence Baudry"
    assert fields["trainees"] == ["Clémence Baudry"]


CONVENTION_PARTIES_AND_LIST = """\
CONVENTION DE FORMATION PROFESSIONNELLE CONTINUE
Entre les soussignés :
Coopérative Exemple, SCOP, représentée par Joëlle Marin,
ci-après dénommée « l'organisme de formation »,
Et
Office de Tourisme - Pays de Sommières, 2 quai Gaussorgues, 30250 Sommières, représenté(e) par
Henri Vidalenc, Directeur, ci-après dénommé(e) « le client ».
Article 5 - Stagiaires
Le client inscrit à cette action les personnes suivantes :

- Lucie Arnal
- Bastien Roque

- Margot Delpech

Article 6 - Moyens pédagogiques
Pour le client
Henri Vidalenc
"""


def test_convention_client_is_the_designated_party_and_trainees_its_listed_people() -> None:
    fields = extract(DocType.CONVENTION, CONVENTION_PARTIES_AND_LIST, default_year=2026)
    assert fields["client"] == "Office de Tourisme - Pays de Sommières"
    assert fields["trainees"] == ["Lucie Arnal", "Bastien Roque", "Margot Delpech"]


def test_trainer_keeps_a_name_but_not_a_description_in_brackets() -> None:
    text = "CONTRAT DE FORMATION\nIntervenant-e Agathe Peyre (titulaire d'un master de droit)\n"
    assert extract(DocType.CONTRAT, text)["trainer"] == "Agathe Peyre"


LETTER_INVOICE = """\
Coopérative Exemple
5 rue des Tanneurs - 30000 Nîmes
FACTURE
N° FA-2026-0412
Date : 11/09/2026
Échéance : 11/10/2026
Cave Coopérative des Costières
À l'attention de Loïc Sabran
Chemin du Moulin
30800 Saint-Gilles
Objet : action de formation « Vendre au caveau »
Total HT 980,00 €
"""


def test_invoice_client_is_the_address_block_after_its_title_not_the_issuer() -> None:
    fields = extract(DocType.FACTURE, LETTER_INVOICE, default_year=2026)
    assert fields["client"] == "Cave Coopérative des Costières"


def test_a_stamp_under_the_signature_is_no_address_block() -> None:
    text = "FACTURE\nN° FA-2026-0413\nTotal HT 980 €\nCachet\nCAVE DES COSTIÈRES\n30800 Gilles\n"
    assert "client" not in extract(DocType.FACTURE, text, default_year=2026)


PURCHASE_ORDER = """\
INSTITUT PYRÉNÉES COMPÉTENCES
7 cours Foch - 66000 Perpignan
BON DE COMMANDE N° BC-2026-118
Date de commande 02/03/2026
Fournisseur Coopérative Exemple - 5 rue des Tanneurs, 30000 Nîmes
Intervenant Romane Balaguer
Action Tableaux de bord : piloter son activité
Date(s) de réalisation 24/03/2026
Montant HT 720,00 €
"""


def test_purchase_order_client_is_its_issuer_when_it_names_the_supplier() -> None:
    fields = extract(DocType.BON_COMMANDE, PURCHASE_ORDER, default_year=2026)
    assert fields["client"] == "INSTITUT PYRÉNÉES COMPÉTENCES"
    assert fields["training_title"] == "Tableaux de bord : piloter son activité"
    assert fields["trainer"] == "Romane Balaguer"
    assert (fields["start_date"], fields["end_date"]) == ("2026-03-24", "2026-03-24")
    assert fields["amount_ht"] == 720


def test_convention_number_after_ref_even_with_a_colon_for_its_dash() -> None:
    assert extract(DocType.CONVENTION, "CONVENTION\nRéf. CV-2026-031\n")["invoice_number"] == (
        "CV-2026-031"
    )
    scanned = "CONVENTION DE FORMATION\nConvention n° CV:2026-032\n"
    assert extract(DocType.CONVENTION, scanned)["invoice_number"] == "CV-2026-032"


def test_amount_label_at_a_line_end_does_not_read_the_next_paragraphs_number() -> None:
    text = (
        "Le coût de l'action s'élève à 1 540,00 € HT.\n"
        "Le client règle le coût de la formation.\n\nArticle 8 - Dédit\n"
    )
    assert extract(DocType.CONVENTION, text)["amount_ht"] == 1540


WORD_CONVENTION = """\
CONVENTION DE FORMATION PROFESSIONNELLE
Entre Coopérative Exemple, 5 rue des Tanneurs, 30000 Nîmes, représentée par Joëlle Marin,
et Librairie des Arènes, 2 boulevard Victor Hugo, 30000 Nîmes, représentée par Jules Bonnafoux,
il est convenu ce qui suit.
Article 3 - Organisation
Dates : 09/03/2026, 10/03/2026. Durée : 14 heures par stagiaire. Formateur : Rémy Causse.
"""


def test_labels_one_after_another_in_sentences_and_parties_without_soussignes() -> None:
    fields = extract(DocType.CONVENTION, WORD_CONVENTION, default_year=2026)
    assert fields["duration_hours"] == 14
    assert fields["trainer"] == "Rémy Causse"
    assert fields["client"] == "Librairie des Arènes"


def test_ocr_specks_after_a_name_are_dropped() -> None:
    text = "CONVENTION\nFormateur-rice Paulette Icard s .\n"
    assert extract(DocType.CONVENTION, text)["trainer"] == "Paulette Icard"


def test_dates_and_duration_given_on_one_labelled_line() -> None:
    text = "Contrat de formation individuel\nDates et durée 07/09/2026, 08/09/2026 - 14 heures\n"
    fields = extract(DocType.CONTRAT, text, default_year=2026)
    assert (fields["start_date"], fields["end_date"]) == ("2026-09-07", "2026-09-08")
    assert fields["duration_hours"] == 14


def test_quoted_title_wrapped_at_the_line_end() -> None:
    text = (
        "CONTRAT DE FORMATION\nL'organisme s'engage à organiser l'action intitulée « Italien : "
        "converser\nau quotidien ».\n"
    )
    assert extract(DocType.CONTRAT, text)["training_title"] == "Italien : converser au quotidien"


def test_signature_block_name_between_scanner_specks() -> None:
    text = "ATTESTATION DE FIN DE FORMATION\nLa formatrice\n$ Odette Rames à ï\n"
    assert extract(DocType.ATTESTATION, text)["trainer"] == "Odette Rames"


def test_a_numbered_heading_is_not_a_label_and_its_value() -> None:
    text = "PROGRAMME DE FORMATION\nVendre au caveau\nObjectifs\nModule 1 : Accueillir le client\n"
    assert extract(DocType.PROGRAMME, text)["training_title"] == "Vendre au caveau"


def test_a_quote_under_the_entrepreneurs_brand_never_takes_the_brand_for_the_client() -> None:
    text = (
        "Atelier Horizon\nDEVIS N° D-2026-014\nPrestataire Coopérative Exemple - 30000 Nîmes\n"
        "Intitulé Tableaux de bord\nTotal HT 720,00 €\n"
    )
    assert "client" not in extract(DocType.BON_COMMANDE, text, default_year=2026)


def test_a_purchase_order_addressed_to_the_supplier_is_not_its_client() -> None:
    text = (
        "INSTITUT PYRÉNÉES COMPÉTENCES\nBON DE COMMANDE N° BC-2026-119\nCoopérative Exemple\n"
        "5 rue des Tanneurs\n30000 Nîmes\nFournisseur Coopérative Exemple\nMontant HT 720,00 €\n"
    )
    assert extract(DocType.BON_COMMANDE, text)["client"] == "INSTITUT PYRÉNÉES COMPÉTENCES"


# A scanned convention's parties, a speck after "et" read by OCR as a full stop.
SCANNED_PARTIES = """\
CONVENTION DE FORMATION
Entre les soussignés :
Coopérative Exemple, SCOP SA à capital variable, 8 rue de l'Aiguillerie, 34000 Montpellier,
représentée par Claire Bonnet, co-gérante, ci-après « l'organisme de formation »,

et.

Camping Les Oliviers, 4 chemin des Dunes, 34300 Agde, représentée par M. Gilles Roque,
gérant, ci-après « le client ».

I — Désignation de l'action
"""


def test_convention_client_after_an_and_that_ocr_read_with_a_full_stop() -> None:
    fields = extract(DocType.CONVENTION, SCANNED_PARTIES, default_year=2026)
    assert fields["client"] == "Camping Les Oliviers"


# A scanned certificate's letterhead as OCR gives it: specks, and blank lines between lines.
SCANNED_LETTERHEAD = """\
..

. Coopérative Exemple

SCOP SA à capital variable — 8 rue de l'Aiguillerie, 34000 Montpellier
SIRET 12345678900012 — Déclaration d'activité n° 76341234534

Gaëlle Rivière, formatrice en communication

Certificat de réalisation
Je soussignée, Claire Bonnet, représentant légal du dispensateur de l'action concernée,
atteste que :
Lucien Vidal
a suivi l'action : Prendre la parole en réunion
"""


def test_trainer_from_a_scanned_letterhead_whose_lines_ocr_spaced_out() -> None:
    fields = extract(DocType.ATTESTATION, SCANNED_LETTERHEAD, default_year=2026)
    assert fields["trainer"] == "Gaëlle Rivière"
    assert fields["trainee"] == "Lucien Vidal"


# OCR read "atteste que", printed at the right of the signer's sentence, after the page.
CERTIFICATE_WORDS_MOVED = """\
Certificat de réalisation :
Je soussignée, Claire Bonnet, représentant légal du dispensateur de l'action concernée,
Coopérative Exemple,

Maëlys Fournier
salarié(e) de l'entreprise Imprimerie Fournier,
a suivi l'action : Anglais au téléphone
qui s'est déroulée du 26/05/2026 au 26/05/2026, pour une durée de 7 heures.
Fait à Montpellier, le 26/05/2026
Signature et cachet
Claire Bonnet

atteste que
"""


def test_certificate_trainee_is_the_name_above_what_they_did_when_ocr_moved_atteste_que() -> None:
    fields = extract(DocType.ATTESTATION, CERTIFICATE_WORDS_MOVED, default_year=2026)
    assert fields["trainee"] == "Maëlys Fournier"
