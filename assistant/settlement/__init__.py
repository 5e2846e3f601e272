"""The settlement core: a year of visits settled tier by tier, to the fen, with reasons."""
from .api import settle, settle_json  # noqa: F401
