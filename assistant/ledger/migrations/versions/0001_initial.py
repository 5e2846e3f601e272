"""The first ledger: users, households, members (identities as one text column), visits, results, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_user",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("villages", sa.JSON, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ledger_user_username", "ledger_user", ["username"], unique=True)
    op.create_table(
        "household",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("village", sa.String(64), nullable=False),
        sa.Column("region", sa.String(32), nullable=False),
        sa.Column("address", sa.String(200), nullable=True),
        sa.Column("per_capita_income_fen", sa.BigInteger, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("village", "code", name="uq_household_village_code"),
    )
    op.create_index("ix_household_village", "household", ["village"])
    op.create_table(
        "member",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("id_number", sa.String(18), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("insurance", sa.String(16), nullable=False),
        sa.Column("contribution_tier", sa.String(16), nullable=True),
        sa.Column("identities", sa.Text, nullable=True),   # codes separated by commas (moved out in 0002)
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_member_household_id", "member", ["household_id"])
    op.create_table(
        "visit",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("hospital_level", sa.String(16), nullable=False),
        sa.Column("location", sa.String(24), nullable=False),
        sa.Column("referral", sa.String(16), nullable=False),
        sa.Column("total_fen", sa.BigInteger, nullable=False),
        sa.Column("out_of_catalog_fen", sa.BigInteger, nullable=False),
        sa.Column("category_b_fen", sa.BigInteger, nullable=False),
        sa.Column("basic_paid_fen", sa.BigInteger, nullable=True),
        sa.Column("disease", sa.String(100), nullable=True),
    )
    op.create_index("ix_visit_member_id", "visit", ["member_id"])
    op.create_table(
        "imported_row",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("household_id", sa.Integer, sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_imported_row_key", "imported_row", ["key"], unique=True)
    op.create_index("ix_imported_row_household_id", "imported_row", ["household_id"])
    op.create_table(
        "settled_year",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("member_id", sa.Integer, sa.ForeignKey("member.id", ondelete="CASCADE"), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("policy", sa.String(64), nullable=False),
        sa.Column("pack_version", sa.String(64), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("out_of_pocket_fen", sa.BigInteger, nullable=False),
        sa.Column("totals", sa.JSON, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("member_id", "year", name="uq_settled_member_year"),
    )
    op.create_index("ix_settled_year_member_id", "settled_year", ["member_id"])
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.Integer, nullable=True),
        sa.Column("household_id", sa.Integer, nullable=True),
        sa.Column("household_version", sa.Integer, nullable=True),
        sa.Column("village", sa.String(64), nullable=True),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    op.create_index("ix_audit_entry_user_id", "audit_entry", ["user_id"])
    op.create_index("ix_audit_entry_household_id", "audit_entry", ["household_id"])


def downgrade() -> None:
    for table in ("audit_entry", "settled_year", "imported_row", "visit", "member", "household", "ledger_user"):
        op.drop_table(table)
