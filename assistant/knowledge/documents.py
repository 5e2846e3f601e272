"""The source documents as clause-indexed text, validated on load."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import KnowledgeError
from .files import knowledge_path, read_yaml
from .plain import STATUS_NAMES, DocumentRules  # noqa: F401  (STATUS_NAMES for callers)
from .store import documents  # noqa: F401  (the loaded documents, for callers that import them from here)

Status = Literal["current", "historical", "draft", "framework"]


class Clause(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str
    heading: str | None = None
    path: list[str] = []
    text: str

    @field_validator("id", "text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value


class Document(BaseModel, DocumentRules):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    id: str
    title: str
    issuer: str
    number: str | None = None
    date: dt.date
    date_note: str | None = None
    effective: dt.date | None = None
    external_note: str | None = None
    status: Status
    region: str
    source_file: str
    clauses: list[Clause]

    @field_validator("clauses")
    @classmethod
    def _unique_ids(cls, clauses: list[Clause]) -> list[Clause]:
        seen = set()
        for clause in clauses:
            if clause.id in seen:
                raise ValueError(f"clause id {clause.id} appears twice")
            seen.add(clause.id)
        if not clauses:
            raise ValueError("a document needs at least one clause")
        return clauses


def describe_validation(path, error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{path.name}: field {where}: {first['msg']}"


def load_documents() -> dict[str, Document]:
    found = {}
    for path in sorted(knowledge_path("documents").glob("*.yaml")):
        try:
            doc = Document.model_validate(read_yaml(path))
        except ValidationError as error:
            raise KnowledgeError(describe_validation(path, error)) from None
        if doc.id != path.stem:
            raise KnowledgeError(f"{path.name}: field id: '{doc.id}' should match the file name")
        found[doc.id] = doc
    return found
