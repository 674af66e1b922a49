"""Alembic's environment and revisions for the server's schema (run by server/storage/migrate.py).

A package, so that a non-editable install (`pip install .`) carries the revisions with the server.
"""
