"""``python -m pipeline`` runs the ``dossiers`` command."""

from pipeline.cli import main

main()
