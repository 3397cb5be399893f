"""dossiers: read, classify and file the training documents of a cooperative's entrepreneurs."""

__version__ = "0.1.0"
