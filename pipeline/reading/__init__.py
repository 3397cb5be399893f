"""Readers of what is on a page: shapes, marks and their meaning."""
