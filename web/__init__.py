"""The archivist web UI (FastAPI + Jinja2)."""
