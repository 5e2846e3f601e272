"""How a result is shown to a resident: names, amounts, the split bar and the printable summary.

Plain functions over the result dict of CONTRACT.md (no Streamlit), so the app, the tests and
the printable page all show the same figures in the same words.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from decimal import ROUND_HALF_UP, Decimal

from .knowledge.store import documents, tier_codes, tiers
from .knowledge.store import tier_name  # noqa: F401  (pages import it from here)
from .lexicon import name_of
from .money import ZERO

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


def _e(text) -> str:
    return html.escape(str(text))


MAX_VISIT_ROWS = 6  # more visits than this do not fit one printed page beside the rest


PAGE_PT = 773  # A4 height less 2 × 12 mm margin, in points
LINE_PT_PER_SIZE = 1.45  # line height as a multiple of the type size (tables and lists a little more)
OVERHEAD_LINES = 34  # title, amount, bar and legend, headings, source and disclaimer, in body lines


def _width(text: str) -> float:
    """Width in em: Chinese characters are square, digits and Latin letters about half as wide."""
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in text)


def _strip_tags(text: str) -> str:
    return re.sub(r"<[^>]+>", "", text)


def _fit(fixed: list[str], flags: list[str], assumed: list[str], table_rows: int) -> tuple[float, int | None]:
    """(type size in pt, how many warnings and assumptions to keep) so the summary fits one A4 page."""
    def lines(size: float, keep: int | None) -> int:
        per_line = 186 / (size * 0.3528) - 2  # characters per line across the 186 mm text width
        shown = [*fixed, *flags[:keep], *assumed[:keep]] + (["……"] * 2 if keep is not None else [])
        count = sum(-(-int(_width(text)) // int(per_line)) for text in shown if text)
        return count + OVERHEAD_LINES + int(table_rows * 1.3)

    for size in (9.0, 8.0, 7.5):
        if lines(size, None) * size * LINE_PT_PER_SIZE <= PAGE_PT:
            return size, None
    for keep in (5, 4, 3, 2, 1):
        if lines(7.5, keep) * 7.5 * LINE_PT_PER_SIZE <= PAGE_PT:
            return 7.5, keep
    return 7.5, 0


def _items(lines: list[str], keep: int | None) -> str:
    shown = list(dict.fromkeys(lines))
    more = len(shown) - keep if keep is not None and len(shown) > keep else 0
    items = "".join(f"<li>{_e(line)}</li>" for line in shown[:len(shown) - more])
    if more:
        items += f"<li>……另有 {more} 条，见网页上的完整结果。</li>"
    return items


def summary_html(result: dict, case: dict, notes: list[dict], *, region: str,
                 referral: dict | None = None, identities: list[dict] | None = None,
                 today: dt.date | None = None) -> str:
    """A one-page A4 summary with a Chinese font stack, to print or save (no script, no external files)."""
    today = today or dt.date.today()
    totals = result["totals"]
    parts = paid_tiers(result)
    tier_rows = "".join(f"<tr><td>{_e(tier_name(t))}</td><td class='num'>{money(a)}</td></tr>" for t, a in parts)
    visit_rows = []
    for number, visit in enumerate(result["visits"], start=1):
        paid = visit["total"] - visit["out_of_pocket"]
        visit_rows.append(f"<tr><td>{number}. {_e(visit['date'])} {_e(name_of('kind', visit['kind']))}</td>"
                          f"<td class='num'>{money(visit['total'])}</td><td class='num'>{money(paid)}</td>"
                          f"<td class='num'>{money(visit['out_of_pocket'])}</td></tr>")
    if len(visit_rows) > MAX_VISIT_ROWS:
        hidden = len(visit_rows) - MAX_VISIT_ROWS + 1
        visit_rows = visit_rows[:MAX_VISIT_ROWS - 1] + [
            f"<tr><td colspan='4'>……另有 {hidden} 次看病，见网页上的完整结果。</td></tr>"]
    formulas = []
    if len(result["visits"]) == 1:
        for tier in result["visits"][0]["tiers"]:
            clauses = "、".join(dict.fromkeys(c["clause"] for c in tier["citations"]))
            source = f" <span class='src'>（{_e(clauses)}）</span>" if clauses else ""
            formulas.append(f"<li><b>{_e(tier_name(tier['tier']))} {money(tier['amount'])} 元</b>："
                            f"{_e(tier['formula'])}{source}</li>")
    year_table = (f"<table><tr><th>项目</th><th class='num'>金额（元）</th></tr>{tier_rows}"
                  f"<tr><td><b>个人自付</b></td><td class='num'><b>{money(totals['out_of_pocket'])}</b></td></tr></table>")
    if len(result["visits"]) > 1:
        visits_block = (f"<div class='cols'><div class='narrow'><h2>各项报销（全年）</h2>{year_table}</div><div>"
                        f"<h2>每次看病</h2><table><tr><th>就诊</th><th class='num'>总费用</th><th class='num'>报销</th>"
                        f"<th class='num'>自付</th></tr>{''.join(visit_rows)}</table></div></div>")
    else:
        visits_block = f"<h2>{_e(visit_title(1, result['visits'][0]))}</h2>"
    compare = []
    if referral:
        compare.append(f"同样的费用：已转诊 自付 {money(referral['referred']['out_of_pocket'])} 元；"
                       f"未转诊 自付 {money(referral['not_referred']['out_of_pocket'])} 元。")
    if identities:
        compare.append("不同身份下自付：" + "；".join(
            f"{row['name']} {money(row['out_of_pocket'])}" + ("（适用）" if row["applied"] else "")
            for row in identities) + "。")
    choice = result.get("identity_choice")
    steps = "".join(f"<li><b>{_e(item['item'])}</b>：{_e(item['result'])}</li>" for item in result["eligibility"])
    # one page: a long year gets a smaller type, then only the first few warnings and assumptions
    flag_lines = list(dict.fromkeys(flag["message"] for flag in result["flags"]))
    assumed_lines = list(dict.fromkeys([note["text"] for note in notes] + list(result["assumptions"])))
    fixed = [choice["reason"] if choice else "", " ".join(compare)] + [
        f"{item['item']}：{item['result']}" for item in result["eligibility"]] + [
        _strip_tags(formula) for formula in formulas]
    table_rows = max(len(parts) + 2, min(len(visit_rows), MAX_VISIT_ROWS) + 1) if len(result["visits"]) > 1 else 0
    size, keep = _fit(fixed, flag_lines, assumed_lines, table_rows)
    warnings = _items(flag_lines, keep)
    assumed = _items(assumed_lines, keep)
    doc = documents().get(result["policy"])
    source = f"{doc.title}（{doc.issuer}，{doc.date}，{doc.status_name}）" if doc else result["policy"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>三重保障自查结果</title>
<style>
@page {{ size: A4; margin: 12mm; }}
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_STACK}; font-size: {size}pt; line-height: 1.4; color: #1f2328; margin: 0; }}
.page {{ max-width: 186mm; margin: 0 auto; }}
h1 {{ font-size: 15pt; margin: 0 0 2mm 0; }}
h2 {{ font-size: 10pt; margin: 2.5mm 0 1mm 0; border-bottom: 1px solid #d0d7de; }}
.big {{ font-size: 22pt; font-weight: 700; }}
.lead {{ margin: 1mm 0 2mm 0; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #d0d7de; padding: .6mm 1.5mm; vertical-align: top; text-align: left; }}
.num {{ text-align: right; white-space: nowrap; }}
ul {{ margin: 0; padding-left: 5mm; }}
li {{ margin: 0.3mm 0; }}
.src, .small {{ color: #57606a; font-size: 7.5pt; }}
.cols {{ display: flex; gap: 5mm; }}
.cols > div {{ flex: 1; }}
.cols > div.narrow {{ flex: 0 0 38%; }}
{BAR_CSS}
.sc-bar {{ height: 6mm; -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.sc-dot {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.sc-legend {{ font-size: 8.5pt; }}
.disclaimer {{ margin-top: 3mm; padding: 2mm; border: 1px solid #bf8700; background: #fff8c5; }}
@media screen {{ body {{ padding: 8mm; }} }}
</style></head>
<body><div class="page" id="sc-summary">
<h1>三重保障自查结果（估算）</h1>
<div class="small">{_e(region)} · {_e(person_line(case))} · 生成日期 {today.isoformat()}</div>
<p class="lead">全年总费用 <b>{money(totals['total'])}</b> 元，估计自己要付
<span class="big">{money(totals['out_of_pocket'])}</span> 元，占总费用 {share(totals['out_of_pocket'], totals['total'])}。</p>
{bar_html(result)}
{visits_block}
{"<h2>怎么算的</h2><ul>" + "".join(formulas) + "</ul>" if formulas else ""}
{"<h2>身份</h2><p>" + _e(choice["reason"]) + "</p>" if choice else ""}
{"<h2>对比</h2><p>" + _e(" ".join(compare)) + "</p>" if compare else ""}
<h2>可以享受的待遇和下一步</h2><ul>{steps}</ul>
{"<h2>提醒</h2><ul>" + warnings + "</ul>" if warnings else ""}
<h2>计算时用到的假设</h2><ul class="small">{assumed}</ul>
<p class="small">政策依据：{_e(source)}</p>
<div class="disclaimer">这是估算结果，只供参考；实际报销以定点医院“一站式”结算和医保经办机构审核为准。</div>
</div></body></html>"""
