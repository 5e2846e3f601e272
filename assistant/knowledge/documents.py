"""The source documents as clause-indexed text, validated on load."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from ..errors import KnowledgeError
from .files import knowledge_path, read_yaml

Status = Literal["current", "historical", "draft", "framework"]
STATUS_NAMES = {"current": "现行有效", "historical": "历史文件（已过期）", "draft": "征求意见稿（未生效）",
                "framework": "框架性文件（原则要求）"}


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


class Document(BaseModel):
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

    def clause(self, clause_id: str) -> Clause | None:
        return self._index().get(clause_id)

    def _index(self) -> dict[str, Clause]:
        index = self.__dict__.get("_clause_index")
        if index is None:
            index = {c.id: c for c in self.clauses}
            self.__dict__["_clause_index"] = index
        return index

    @property
    def status_name(self) -> str:
        return STATUS_NAMES[self.status]


def describe_validation(path, error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{path.name}: field {where}: {first['msg']}"


def documents() -> dict[str, Document]:
    from .store import knowledge
    return knowledge()["documents"]


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
