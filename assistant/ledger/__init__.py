"""The cadre's ledger: households, members, visits and their settled years in a real database.

SQLite file by default (data/ledger.db, no set-up), PostgreSQL when DATABASE_URL says so; the
schema is created and upgraded by the Alembic migrations in `migrations/` on every start.
Every change goes through `households` (access by village, a version check, an audit entry).
Nothing here imports streamlit; the pages in views/workspace*.py only ask and draw.
"""
from .db import Ledger, database_url  # noqa: F401
from .errors import EditConflict, LedgerError, NotAllowed  # noqa: F401
