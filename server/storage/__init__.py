"""Storage: SQLAlchemy 2 tables and the engines for SQLite (embedded) and PostgreSQL."""
