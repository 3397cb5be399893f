"""The invented cooperative of the sample year 2026."""

from __future__ import annotations

from datetime import date as D

from .model import APREM, MATIN, Cooperative, Entrepreneur, Invoice, Slot, Style, days_slots

YEAR = 2026
COOP = Cooperative()

ELODIE = Entrepreneur(
    name="Élodie Faure",
    email="elodie.faure@example.org",
    folder="elodie.faure",
    trade="Formatrice RH & management",
    city="Montpellier",
    style=Style(header="bandeau", headings="articles", accent=(0.35, 0.12, 0.35)),
    titles=(
        "Master 2 Gestion des ressources humaines",
        "Praticienne certifiée en gestion du stress",
    ),
)
KARIM = Entrepreneur(
    name="Karim Benali",
    email="karim.benali@example.org",
    folder="Karim Benali",
    trade="Formateur bureautique (Excel, Word)",
    city="Castelnau-le-Lez",
    style=Style(
        font="Helvetica",
        bold="Helvetica-Bold",
        italic="Helvetica-Oblique",
        header="ligne",
        headings="numeros",
        accent=(0.05, 0.4, 0.2),
        ink=(0.05, 0.05, 0.08),
    ),
    titles=("Certification TOSA Excel Expert", "Titre professionnel Formateur pour adultes"),
)
HELENE = Entrepreneur(
    name="Hélène Marchand",
    email="helene.marchand@example.org",
    folder="Hélène Marchand",
    trade="Formatrice en anglais professionnel",
    city="La Grande-Motte",
    style=Style(
        font="Times-Roman",
        bold="Times-Bold",
        italic="Times-Italic",
        header="centre",
        headings="romains",
        accent=(0.1, 0.2, 0.55),
    ),
    titles=("CELTA (Cambridge)", "Licence LLCE Anglais"),
)
THOMAS = Entrepreneur(
    name="Thomas Girard",
    email="thomas.girard@example.org",
    folder="Thomas Girard",
    trade="Formateur communication et prise de parole",
    city="Montpellier",
    style=Style(
        header="bandeau", headings="numeros", accent=(0.75, 0.35, 0.05), ink=(0.1, 0.1, 0.3)
    ),
    titles=("Licence Information-Communication", "Comédien, 10 ans de scène"),
)

ENTREPRENEURS = [ELODIE, KARIM, HELENE, THOMAS]

STRESS_OBJ = (
    "Identifier les sources de stress au travail",
    "Comprendre les mécanismes physiologiques du stress",
    "Mettre en place des techniques de régulation adaptées",
)
STRESS_MOD = (
    "Module 1 : Qu'est-ce que le stress ? Mécanismes et signaux d'alerte",
    "Module 2 : Identifier ses stresseurs et ses ressources",
    "Module 3 : Techniques de respiration, de relaxation et de recul",
    "Module 4 : Plan d'action personnel",
)


def _stress(
    number: str, inv_date: D, days: tuple[D, D], trainees: list[str], absences: set, amount: float
) -> Invoice:
    return Invoice(
        number,
        inv_date,
        ELODIE,
        "Boulangerie Dupain SARL",
        "entreprise",
        amount,
        title="Gestion du stress au travail",
        place="12 rue des Lilas, 34000 Montpellier",
        slots=days_slots(*days),
        trainees=trainees,
        absences=absences,
        bpf="C1",
        objective="F3d",
        nsf="413",
        client_address="12 rue des Lilas, 34000 Montpellier",
        client_rep="M. Bernard Dupain, gérant",
        objectives=STRESS_OBJ,
        modules=STRESS_MOD,
    )


def invoices() -> list[Invoice]:
    """All invoices of the export, training and non-training."""
    inv: list[Invoice] = []
    # ---- Élodie Faure (HR / management) -----------------------------------
    inv.append(
        Invoice(
            "FA-2026-0101",
            D(2026, 1, 16),
            ELODIE,
            "Transports Garrigue SAS",
            "entreprise",
            2940.0,
            title="Manager une équipe au quotidien",
            place="ZA du Salaison, 34740 Vendargues",
            slots=days_slots(D(2025, 12, 11), D(2025, 12, 12), D(2026, 1, 8)),
            trainees=["Sophie Arnaud", "Marc Olivier", "Nadia Haddad"],
            bpf="C1",
            objective="F3d",
            nsf="315",
            client_address="ZA du Salaison, 34740 Vendargues",
            client_rep="Mme Agnès Garrigue, présidente",
            objectives=(
                "Adopter une posture de manager de proximité",
                "Conduire un entretien de recadrage",
                "Animer une réunion d'équipe efficace",
            ),
            modules=(
                "Jour 1 : Les rôles du manager de proximité",
                "Jour 2 : Communication et feedback",
                "Jour 3 : Situations difficiles et plan d'action",
            ),
        )
    )
    inv.append(
        _stress(
            "FA-2026-0142",
            D(2026, 3, 13),
            (D(2026, 3, 9), D(2026, 3, 10)),
            ["Léa Martin", "Paul Durand", "Inès Morel", "Hugo Blanc"],
            {("Hugo Blanc", D(2026, 3, 10), APREM)},
            2450.0,
        )
    )
    inv.append(
        _stress(
            "FA-2026-0150",
            D(2026, 5, 15),
            (D(2026, 5, 11), D(2026, 5, 12)),
            ["Chloé Petit", "Yanis Lopez", "Manon Chevalier"],
            set(),
            1950.0,
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0163",
            D(2026, 4, 10),
            ELODIE,
            "OPCO Atlas",
            "opco",
            1100.0,
            title="Conduire l'entretien professionnel",
            place="Cabinet Vidal Associés, 5 avenue de Toulouse, 34070 Montpellier",
            slots=days_slots(D(2026, 4, 7)),
            trainees=["Julie Fabre", "Olivier Castel"],
            bpf="C2h",
            objective="F3d",
            nsf="315",
            beneficiary="Cabinet Vidal Associés",
            client_address="5 avenue de Toulouse, 34070 Montpellier",
            client_rep="Me Pierre Vidal, associé",
            objectives=(
                "Connaître le cadre légal de l'entretien professionnel",
                "Préparer et conduire l'entretien",
                "Formaliser le compte rendu",
            ),
            modules=(
                "Le cadre légal (art. L.6315-1)",
                "Préparer l'entretien",
                "Mises en situation",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0171",
            D(2026, 4, 20),
            ELODIE,
            "SCOP Les Tisserands",
            "entreprise",
            1800.0,
            note="Mission de conseil RH (diagnostic), hors formation",
        )
    )
    # ---- Karim Benali (office software) -----------------------------------
    inv.append(
        Invoice(
            "FA-2026-0115",
            D(2026, 2, 6),
            KARIM,
            "Garage Martinez Frères",
            "entreprise",
            2100.0,
            title="Excel perfectionnement : tableaux croisés dynamiques",
            place="45 route de Nîmes, 34170 Castelnau-le-Lez",
            slots=days_slots(D(2026, 2, 2), D(2026, 2, 3)),
            trainees=[
                "Lucas Martinez",
                "Emma Roux",
                "Kevin Garcia",
                "Sandrine Vidal",
                "Paul Mercier",
            ],
            bpf="C1",
            objective="F3d",
            nsf="324",
            client_address="45 route de Nîmes, 34170 Castelnau-le-Lez",
            client_rep="M. José Martinez, gérant",
            objectives=(
                "Structurer une base de données Excel",
                "Créer et mettre en forme un tableau croisé dynamique",
                "Construire des graphiques croisés dynamiques",
            ),
            modules=(
                "Préparer ses données : tableaux, filtres, doublons",
                "Tableaux croisés dynamiques : champs, calculs, regroupements",
                "Segments, chronologies et graphiques croisés",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0128",
            D(2026, 2, 27),
            KARIM,
            "Julien Moreau",
            "particulier",
            690.0,
            title="Excel initiation",
            place="Coworking La Ruche, 3 place Carnot, 34000 Montpellier",
            slots=days_slots(D(2026, 2, 23), D(2026, 2, 24), D(2026, 2, 25)),
            trainees=["Julien Moreau"],
            status="particulier",
            bpf="C9",
            objective="F3d",
            nsf="324",
            client_address="17 rue du Faubourg Figuerolles, 34070 Montpellier",
            objectives=(
                "Saisir et mettre en forme des données",
                "Utiliser les formules de base",
                "Imprimer et partager un classeur",
            ),
            modules=(
                "Découverte de l'interface",
                "Formules et fonctions simples",
                "Mise en page et impression",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0156",
            D(2026, 5, 22),
            KARIM,
            "Formavenir SAS",
            "organisme de formation",
            1400.0,
            title="Excel — fonctions avancées et macros VBA",
            place="Formavenir, 210 rue Léon Blum, 34000 Montpellier",
            slots=days_slots(D(2026, 5, 18), D(2026, 5, 19)),
            trainees=["Aurélien Costa", "Fatima Belkacem", "Romain Perrin", "Justine Lacroix"],
            bpf="C10",
            objective="F3d",
            nsf="324",
            subcontracting="reçue",
            client_address="210 rue Léon Blum, 34000 Montpellier",
            client_rep="Mme Sylvie Renard, directrice",
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0177",
            D(2026, 6, 9),
            KARIM,
            "Association Les Jardins Partagés",
            "entreprise",
            840.0,
            title="Word et Excel : les essentiels à distance",
            place="distanciel",
            slots=[Slot(D(2026, 6, 1), MATIN), Slot(D(2026, 6, 8), MATIN)],
            trainees=["Gilles Fontaine", "Amandine Rey", "Sébastien Noël"],
            bpf="C1",
            objective="F3d",
            nsf="324",
            distance="total",
            client_address="Maison des associations, 34090 Montpellier",
            client_rep="Mme Odile Fontaine, présidente",
            objectives=(
                "Mettre en forme un courrier sous Word",
                "Réaliser un tableau simple sous Excel",
            ),
            modules=(
                "Séance 1 : Word, styles et publipostage",
                "Séance 2 : Excel, tableaux et calculs",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0184",
            D(2026, 6, 26),
            KARIM,
            "Pharmacie du Port",
            "entreprise",
            980.0,
            title="Excel : construire des tableaux de bord",
            place="2 quai d'Alger, 34200 Sète",
            slots=days_slots(D(2026, 6, 22), D(2026, 6, 23)),
            trainees=["Laure Bonnefoy", "Denis Aubert"],
            bpf="C1",
            objective="F3d",
            nsf="324",
        )
    )
    # ---- Hélène Marchand (English) -----------------------------------------
    inv.append(
        Invoice(
            "FA-2026-0108",
            D(2026, 1, 23),
            HELENE,
            "Hôtel Les Pins",
            "entreprise",
            2205.0,
            title="Anglais professionnel — accueil de la clientèle",
            place="Hôtel Les Pins, 110 avenue du Grau, 34280 La Grande-Motte",
            slots=days_slots(D(2026, 1, 19), D(2026, 1, 20), D(2026, 1, 21)),
            trainees=["Clara Dumas", "Antoine Serre", "Mélanie Brun"],
            absences={("Antoine Serre", D(2026, 1, 21), MATIN)},
            bpf="C1",
            objective="F3d",
            nsf="136",
            client_address="110 avenue du Grau, 34280 La Grande-Motte",
            client_rep="M. Frédéric Lambert, directeur",
            objectives=(
                "Accueillir un client en anglais",
                "Répondre au téléphone et prendre une réservation",
                "Gérer une réclamation simple",
            ),
            modules=(
                "Welcome and check-in",
                "On the phone: bookings and requests",
                "Complaints and small talk",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0133",
            D(2026, 3, 20),
            HELENE,
            "Camille Roussel",
            "particulier",
            525.0,
            title="Anglais : réussir un entretien d'embauche",
            place="Coworking Le Lab, 12 rue Foch, 34000 Montpellier",
            slots=[
                Slot(D(2026, 3, 16), MATIN),
                Slot(D(2026, 3, 16), APREM),
                Slot(D(2026, 3, 17), MATIN),
            ],
            trainees=["Camille Roussel"],
            status="particulier",
            bpf="C9",
            objective="F3d",
            nsf="136",
            client_address="5 impasse des Oliviers, 34970 Lattes",
            objectives=(
                "Se présenter en anglais",
                "Répondre aux questions classiques d'un recruteur",
            ),
            modules=("Elevator pitch", "Common interview questions", "Mock interview"),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0147",
            D(2026, 4, 17),
            HELENE,
            "Ets Bastide Export",
            "entreprise",
            1300.0,
            title="Anglais commercial : négocier à l'international",
            place="8 chemin des Vignes, 30000 Nîmes",
            slots=days_slots(D(2026, 4, 13), D(2026, 4, 14)),
            trainees=["Bruno Bastide", "Karine Meyer"],
            bpf="C1",
            objective="F3d",
            nsf="136",
            subcontracting="confiée",
            trainer_override="James Porter (Lingua Sud Formation)",
            client_address="8 chemin des Vignes, 30000 Nîmes",
            client_rep="M. Bruno Bastide, gérant",
            objectives=("Présenter une offre en anglais", "Mener une négociation simple"),
            modules=("Presenting your products", "Negotiation language", "Role plays"),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0169",
            D(2026, 5, 29),
            HELENE,
            "OPCO EP",
            "opco",
            1050.0,
            title="Anglais au téléphone",
            place="Imprimerie Cazals, 17 rue de la Gare, 34400 Lunel",
            slots=days_slots(D(2026, 5, 26)),
            trainees=["Pascale Cazals", "Yves Terrier", "Lina Bouzid"],
            bpf="C2h",
            objective="F3d",
            nsf="136",
            beneficiary="Imprimerie Cazals",
            client_address="17 rue de la Gare, 34400 Lunel",
            client_rep="Mme Pascale Cazals, gérante",
            objectives=("Décrocher et orienter un appel en anglais", "Prendre un message"),
            modules=("Phone basics", "Taking messages", "Spelling, numbers, dates"),
        )
    )
    # ---- Thomas Girard (communication) -------------------------------------
    inv.append(
        Invoice(
            "FA-2026-0121",
            D(2026, 2, 13),
            THOMAS,
            "Mutuelle Solidaire du Languedoc",
            "entreprise",
            2300.0,
            title="Prise de parole en public",
            place="27 boulevard Renouvier, 34000 Montpellier",
            slots=days_slots(D(2026, 2, 9), D(2026, 2, 10)),
            trainees=[
                "Aline Vasseur",
                "Damien Roche",
                "Estelle Guérin",
                "Franck Baron",
                "Gaëlle Picard",
            ],
            absences={
                ("Franck Baron", D(2026, 2, 10), MATIN),
                ("Franck Baron", D(2026, 2, 10), APREM),
            },
            bpf="C1",
            objective="F3d",
            nsf="320",
            client_address="27 boulevard Renouvier, 34000 Montpellier",
            client_rep="Mme Hélène Costes, DRH",
            objectives=(
                "Structurer une intervention orale",
                "Gérer son trac",
                "Utiliser la voix, le regard et le geste",
            ),
            modules=(
                "Préparer son message",
                "La voix et le corps",
                "Exercices filmés et débriefing",
            ),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0139",
            D(2026, 3, 27),
            THOMAS,
            "Communauté de communes du Pic Saint-Loup",
            "public",
            950.0,
            title="Réseaux sociaux : animer la page de la collectivité",
            place="25 allée de l'Espérance, 34270 Saint-Mathieu-de-Tréviers",
            slots=days_slots(D(2026, 3, 24)),
            trainees=["Marion Teissier", "Rémi Vialle", "Nathalie Cros", "Jérôme Pagès"],
            status="autre",
            bpf="C3",
            objective="F3d",
            nsf="320",
            client_address="25 allée de l'Espérance, 34270 Saint-Mathieu-de-Tréviers",
            client_rep="M. Alain Brunel, directeur général des services",
            objectives=("Définir une ligne éditoriale", "Planifier et rédiger des publications"),
            modules=("Panorama des réseaux", "Ligne éditoriale", "Atelier de rédaction"),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0158",
            D(2026, 4, 30),
            THOMAS,
            "Éditions du Lez",
            "entreprise",
            560.0,
            title="Rédiger pour le web",
            place="4 rue du Lez, 34000 Montpellier",
            slots=days_slots(D(2026, 4, 28)),
            trainees=["Sarah Benoît", "Tristan Leroy"],
            bpf="C1",
            objective="F3d",
            nsf="320",
            client_address="4 rue du Lez, 34000 Montpellier",
            client_rep="Mme Anne Sabatier, éditrice",
            objectives=(
                "Écrire des textes lisibles à l'écran",
                "Optimiser un texte pour le référencement",
            ),
            modules=("Lire à l'écran", "Structurer un article", "Référencement naturel"),
        )
    )
    inv.append(
        Invoice(
            "FA-2026-0165",
            D(2026, 5, 12),
            THOMAS,
            "Domaine de la Garrigue",
            "entreprise",
            1200.0,
            note="Conception d'une plaquette commerciale, hors formation",
        )
    )
    return sorted(inv, key=lambda i: i.number)


def by_number() -> dict[str, Invoice]:
    return {i.number: i for i in invoices()}
