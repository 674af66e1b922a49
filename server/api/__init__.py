"""The HTTP API (API.md): thin FastAPI routes around server.office.Office."""
