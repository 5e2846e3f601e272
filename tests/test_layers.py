"""Data flows one way: documents → packs → settlement → what's shown. Checked on the code itself.

- Nothing under assistant/ imports Streamlit (every module, found by walking the package).
- Pages (app.py, views/) ask and draw: they import no rule module, build no Decimal and do no
  arithmetic on an amount of a result; what they show comes from the core's public functions.
"""
from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from conftest import ROOT

PACKAGE = ROOT / "assistant"
# Every .py file under assistant/, folders without __init__.py included (pkgutil skips those).
MODULES = sorted(".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                 for path in PACKAGE.rglob("*.py"))
# A page known to compute, with where: kept failing-visible (strict xfail) until it asks the core instead.
KNOWN_COMPUTING_PAGES: dict[str, str] = {}
PAGES = [pytest.param(path, id=path.name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_COMPUTING_PAGES[path.name]))
         if path.name in KNOWN_COMPUTING_PAGES else pytest.param(path, id=path.name)
         for path in [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]]
# Modules that hold or apply rules: a page that imported one could compute a rule itself.
RULE_MODULES = ("assistant.settlement.", "assistant.knowledge.packs", "assistant.knowledge.plain",
                "assistant.eligibility", "assistant.money", "assistant.models", "assistant.checks", "decimal")
PUBLIC_OF_RULE_PACKAGES = {"assistant.settlement": {"settle"}}
# Keys under which a result carries an amount.
AMOUNT_KEYS = {"amount", "total", "policy_scope", "out_of_pocket", "basic", "critical_illness", "medical_aid",
               "tilted_aid", "major_illness_aid", "poverty_fund", "low", "high", "totals"}


def _imports(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names) for every import anywhere in the file, functions included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.append((node.module or "", [alias.name for alias in node.names]))
    return found


# Run by their tools, not imported: `python -m assistant` and alembic's migration scripts.
IMPORTABLE = [m for m in MODULES if not m.endswith("__main__") and ".migrations." not in m + "."]


def test_the_walk_finds_the_whole_package():
    assert len(MODULES) >= 20
    assert {"assistant.cli", "assistant.settlement.api", "assistant.knowledge.store", "assistant.jsonio"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_no_module_of_assistant_imports_streamlit(module):
    path = ROOT / module.replace(".", "/")
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name, _ in _imports(tree):
        assert name.split(".")[0] != "streamlit", f"{module} imports {name}"


def test_importing_every_module_of_assistant_loads_no_streamlit():
    code = ("import importlib, sys\n"
            f"for name in {IMPORTABLE!r}:\n    importlib.import_module(name)\n"
            "print('streamlit' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("page", PAGES)
def test_a_page_imports_no_rule(page):
    tree = ast.parse(page.read_text(encoding="utf-8"))
    for module, names in _imports(tree):
        allowed = PUBLIC_OF_RULE_PACKAGES.get(module)
        if allowed is not None:
            assert set(names) <= allowed, f"{page.name}: from {module} import {names}"
            continue
        assert not any(module == rule.rstrip(".") or module.startswith(rule) for rule in RULE_MODULES), \
            f"{page.name} imports {module}: pages ask the core, they do not hold rules"
        assert "packs" not in names, f"{page.name} imports the policy packs"


def _touches_an_amount(node: ast.AST) -> bool:
    """An amount of a result used as a number (shown inside an f-string is drawing, not computing)."""
    if isinstance(node, ast.JoinedStr):
        return False
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and node.slice.value in AMOUNT_KEYS:
        return True
    return any(_touches_an_amount(inner) for inner in ast.iter_child_nodes(node))


@pytest.mark.parametrize("page", PAGES)
def test_a_page_does_no_arithmetic_on_amounts(page):
    tree = ast.parse(page.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Decimal":
            pytest.fail(f"{page.name}:{node.lineno} builds a Decimal")
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and not isinstance(node.op, ast.Mod):
            sides = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.target, node.value]
            assert not any(_touches_an_amount(side) for side in sides), \
                f"{page.name}:{node.lineno} computes with an amount: {ast.unparse(node)}"
            ratios = [s for s in sides if isinstance(s, ast.Constant) and isinstance(s.value, float)]
            assert not ratios, f"{page.name}:{node.lineno} multiplies by a ratio: {ast.unparse(node)}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("sum", "min", "max"):
            assert not any(_touches_an_amount(arg) for arg in node.args), \
                f"{page.name}:{node.lineno} adds up amounts: {ast.unparse(node)}"


def test_the_page_check_catches_a_page_that_computes():
    """The check itself can fail: a page line that derives an amount is caught."""
    bad = ast.parse('x = totals["total"] - totals["out_of_pocket"]\ny = result["totals"]["total"] * 0.9')
    found = [n for n in ast.walk(bad) if isinstance(n, ast.BinOp) and
             (_touches_an_amount(n.left) or _touches_an_amount(n.right))]
    assert len(found) == 2
