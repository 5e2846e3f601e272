"""Province-scale screening: the packs compiled to exact integer-fen columns (no explanations).

`settle_table(visits)` gives, per person-year, what each tier pays and what the person pays, the
same fen as `assistant.settlement.settle` would; a cadre asks the explained core for any one person.
"""
from .engine import INPUT_SCHEMA, AMOUNTS, flag_codes, output_schema, settle_table  # noqa: F401
