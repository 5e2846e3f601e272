"""Where the knowledge folder is and how its YAML is read (the C loader when present)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "knowledge"


def knowledge_path(*parts: str) -> Path:
    return ROOT.joinpath(*parts)


def read_yaml(path: Path):
    import yaml  # only when knowledge is (re)validated, not on a cached start
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=loader)
    except yaml.YAMLError as error:
        from ..errors import KnowledgeError
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise KnowledgeError(f"{path.name}:{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
