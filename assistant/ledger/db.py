"""Where the ledger lives and how it is opened: the database URL, the engine, the migrations.

`Ledger(url)` opens (and creates or upgrades, through Alembic) the database and hands out
sessions. The URL is DATABASE_URL when set, else a SQLite file data/ledger.db beside the code,
so a cadre's laptop needs no set-up; a PostgreSQL URL (postgresql://…) uses psycopg 3.
"""
from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DEFAULT_FILE = ROOT / "data" / "ledger.db"


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else DATABASE_URL, else the SQLite file data/ledger.db."""
    url = url or os.environ.get("DATABASE_URL")
    if not url:
        DEFAULT_FILE.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{DEFAULT_FILE}"
    # a plain postgres:// or postgresql:// URL means psycopg 3 (the driver the project installs)
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Streamlit serves each session on its own thread; SQLite serialises the writes itself
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")  # deleting a household for good takes its rows with it
    cursor.close()


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False)
                               .replace("%", "%%"))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (head by default), carrying every row along."""
    _run(engine, command.upgrade, revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Back to an older revision (the migrations carry the data back too)."""
    _run(engine, command.downgrade, revision)


def _run(engine: Engine, step, revision: str) -> None:
    config = alembic_config(engine)
    sqlite = engine.url.get_backend_name() == "sqlite"
    with engine.connect() as connection:
        if sqlite:
            # SQLite changes a table by copying it and dropping the old one; with foreign keys on,
            # that drop would cascade and delete the rows that point at it (identities, visits).
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            step(config, revision)
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


class Ledger:
    """One database: opened once per process (the app keeps it in st.cache_resource)."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True):
        self.url = database_url(url)
        self.engine = make_engine(self.url)
        if upgrade:
            migrate(self.engine)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.engine.url.get_backend_name()

    def dispose(self) -> None:
        self.engine.dispose()
