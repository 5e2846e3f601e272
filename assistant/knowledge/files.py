"""Where the knowledge folder is and how its YAML is read (the C loader when present)."""
from pathlib import Path

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader

ROOT = Path(__file__).resolve().parents[2] / "knowledge"


def knowledge_path(*parts: str) -> Path:
    return ROOT.joinpath(*parts)


def read_yaml(path: Path):
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)
