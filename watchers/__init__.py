"""Watching the synced share: which files are ready, which to ignore, and when jobs run."""
