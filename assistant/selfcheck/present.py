"""How a result is shown to a resident: names, amounts and the split bar (the printable 明白纸 is summary_pdf).

Plain functions over the result dict of CONTRACT.md (no Streamlit), so the app, the tests and
the printable page all show the same figures in the same words.
"""
from __future__ import annotations

import html
from decimal import ROUND_HALF_UP, Decimal

from ..knowledge.store import documents, tier_codes, tiers
from ..knowledge.store import tier_name  # noqa: F401  (pages import it from here)
from ..lexicon import name_of
from ..money import ZERO

# Tier names, order and help text are knowledge (knowledge/tiers.yaml); only the colours are the page's.
TIER_COLORS = {
    "basic": "#1f6feb",
    "critical_illness": "#2da44e",
    "medical_aid": "#bf8700",
    "tilted_aid": "#8250df",
    "major_illness_aid": "#cf222e",
    "poverty_fund": "#0a7f8c",
}
SELF_COLORS = {"outside": "#57606a", "inside": "#8c959f"}
HOSPITAL_COLOR = "#6e7781"
STATUS_SHORT = {"current": "现行", "historical": "历史", "draft": "草案", "framework": "框架"}
FONT_STACK = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'
ASSUMPTION_HELP = ("“假设”是您没有填写、政策文件里也没有写明的数字（比如基本医保的起付线和报销比例），"
                   "这里先按常见的数估算。拿到医院结算单后，把“基本医保已报销”填进去，结果会更准。")


def money(amount) -> str:
    """Decimal yuan → '12,345.67' (two decimals, thousands separated)."""
    return f"{Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def share(part, whole) -> str:
    """Part of whole as '9.3%' (one decimal); '0%' when whole is 0."""
    whole = Decimal(whole)
    if whole <= 0:
        return "0%"
    value = (Decimal(part) / whole * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{value.normalize():f}%" if value == value.to_integral() else f"{value}%"


def tier_help(tier: str) -> str:
    """What a tier is, in everyday words ('' for an unknown code)."""
    return next((t["help"] for t in tiers() if t["code"] == tier), "")


def doc_title(doc_id: str) -> str:
    doc = documents().get(doc_id)
    return doc.title if doc else doc_id


def doc_status(doc_id: str) -> tuple[str, str]:
    """(short status 现行/历史/草案/框架, long status name)."""
    doc = documents().get(doc_id)
    if doc is None:
        return "未知", "未知文件"
    return STATUS_SHORT[doc.status], doc.status_name


def clause_text(doc_id: str, clause_id: str) -> str | None:
    doc = documents().get(doc_id)
    clause = doc.clause(clause_id) if doc else None
    return clause.text if clause else None


def paid_tiers(result: dict) -> list[tuple[str, Decimal]]:
    """(tier, year's amount) for every tier that paid something, in cascade order."""
    return [(tier, result["totals"][tier]) for tier in tier_codes()
            if result["totals"].get(tier, ZERO) > 0]


def paid_total(result: dict) -> Decimal:
    """What every tier together paid this year (the page shows it; it never subtracts amounts itself)."""
    return sum((amount for _, amount in paid_tiers(result)), ZERO)


def self_pay_parts(result: dict) -> tuple[Decimal, Decimal]:
    """The person's share split: (outside the policy scope: 目录外 and 乙类先行自付, inside it)."""
    totals = result["totals"]
    outside = totals["total"] - totals["policy_scope"] - totals.get("hospital_borne", ZERO)  # 目录外 the hospital bears
    outside = min(max(outside, ZERO), totals["out_of_pocket"])
    return outside, totals["out_of_pocket"] - outside


def segments(result: dict) -> list[dict]:
    """The bill split into what each tier paid and what the person pays, for the bar chart."""
    total = result["totals"]["total"]
    parts = [{"key": tier, "name": tier_name(tier), "amount": amount, "color": TIER_COLORS[tier]}
             for tier, amount in paid_tiers(result)]
    borne = result["totals"].get("hospital_borne", ZERO)
    if borne > 0:  # naiman-2019: 目录外 above the limit is the hospital's, not the family's
        parts.append({"key": "hospital_borne", "name": "医院承担：超比例的目录外", "amount": borne,
                      "color": HOSPITAL_COLOR})
    outside, inside = self_pay_parts(result)
    if outside > 0:
        parts.append({"key": "self_outside", "name": "自付：目录外等", "amount": outside,
                      "color": SELF_COLORS["outside"]})
    if inside > 0:
        parts.append({"key": "self_inside", "name": "自付：目录内", "amount": inside,
                      "color": SELF_COLORS["inside"]})
    for part in parts:
        part["share"] = share(part["amount"], total)
    return parts


def bar_html(result: dict) -> str:
    """A stacked bar of the bill with a legend (plain HTML and CSS: prints, and needs no script)."""
    parts = segments(result)
    total = result["totals"]["total"]
    label = "；".join(f"{p['name']} {money(p['amount'])} 元（{p['share']}）" for p in parts)
    cells = []
    for part in parts:
        width = float(part["amount"] / total * 100) if total > 0 else 0
        cells.append(f'<div class="sc-seg sc-seg-{part["key"]}" style="width:{width:.3f}%;background:{part["color"]}"'
                     f' title="{html.escape(part["name"])} {money(part["amount"])} 元"></div>')
    legend = "".join(
        f'<li><span class="sc-dot" style="background:{p["color"]}"></span>{html.escape(p["name"])}'
        f' <b>{money(p["amount"])}</b> 元 <span class="sc-muted">{p["share"]}</span></li>' for p in parts)
    return (f'<div class="sc-bar-wrap" data-testid="sc-bar"><div class="sc-bar" role="img" '
            f'aria-label="总费用 {money(total)} 元的分担：{html.escape(label)}">{"".join(cells)}</div>'
            f'<ul class="sc-legend">{legend}</ul></div>')


BAR_CSS = """
.sc-bar{display:flex;width:100%;height:28px;border-radius:6px;overflow:hidden;background:#eaeef2}
.sc-seg{height:100%;min-width:2px}
.sc-legend{list-style:none;padding:0;margin:.5rem 0 0 0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
.sc-legend li{margin:0}
.sc-legend b{white-space:nowrap}
.sc-dot{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.sc-muted{color:#57606a}
"""


def visit_title(number: int, visit: dict) -> str:
    return (f"第{number}次看病：{visit['date']} {name_of('kind', visit['kind'])} · "
            f"{name_of('hospital_level', visit['hospital_level'])}")


def person_line(case: dict) -> str:
    insurance = name_of("insurance", case.get("insurance", "resident"))
    tier = case.get("contribution_tier")
    if tier:
        insurance += "（缴费档次不清楚）" if tier == "unknown" else f"（{name_of('contribution_tier', tier)}）"
    held = "、".join(name_of("identities", code) for code in case.get("identities") or []) or "普通参保人"
    return f"{insurance}；身份：{held}"
