"""Alembic environment: runs on the connection `db.migrate` hands over, or on sqlalchemy.url."""
from alembic import context
from sqlalchemy import create_engine

from assistant.ledger import tables  # noqa: F401  (the tables register on SQLModel.metadata)
from sqlmodel import SQLModel

config = context.config
target_metadata = SQLModel.metadata


def run(connection) -> None:
    # SQLite cannot ALTER most things: batch mode copies the table, keeping its rows
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


given = config.attributes.get("connection")
if given is not None:
    run(given)
else:
    from assistant.ledger.db import database_url
    engine = create_engine(database_url(config.get_main_option("sqlalchemy.url")))
    with engine.begin() as connection:
        run(connection)
