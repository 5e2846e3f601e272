"""The printable 明白纸: one A4 page (PDF) that shows what a person pays, which rules produced the
figure, and a QR code that reopens the same case in the app.

Type is never below 12 pt (an older reader holds it at arm's length). When a long year does not
fit on one page, the lists (next steps, warnings, assumptions) keep their first items and say how
many more the app shows; the amounts and the table of tiers are always complete.

    summary_pdf(result, case, person_label="张三", reopen_url="http://…/?a=…") -> bytes
    summary_filename("张三", today) -> "三重保障明白纸_张*_2026-11-23.pdf"

Used by the self-check page and the cadre's workspace (per member; `family_summary_pdf` for a
household). No Streamlit here.
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
import threading
from decimal import Decimal
from xml.sax.saxutils import escape

from ..knowledge.store import documents
from ..lexicon import name_of
from .fonts import truetype_subset
from ..knowledge.store import tier_codes
from .present import money, person_line, share, tier_name

BODY_PT = 12  # the smallest type on the page
LEADING = 16.5
TITLE_PT = 18
BIG_PT = 22
MARGIN_MM = 13
QR_MM = 34
_SERIAL = itertools.count(1)  # each page registers its own font subset under a new name
_BUILD = threading.Lock()  # ReportLab's font registry is global: one page at a time


def masked(label: str | None) -> str:
    """A person's name as it may appear on paper and in a file name (张三 → 张*)."""
    if not label:
        return ""
    try:  # the project's one masking rule, when it is there
        from ..privacy import mask_name
        return mask_name(label)
    except ImportError:
        text = str(label).strip()
        return text[:1] + "*" * max(len(text) - 1, 1) if text else ""


def summary_filename(person_label: str | None = None, today: dt.date | None = None, *, family: bool = False) -> str:
    """File name with the person (masked) and the date, so two people's pages never share a name."""
    today = today or dt.date.today()
    who = masked(person_label)
    kind = "家庭明白纸" if family else "明白纸"
    return f"三重保障{kind}_{who + '_' if who else ''}{today.isoformat()}.pdf"


def basis_of(result: dict) -> dict:
    """Which rules produced the figure: the core's `basis` when it gives one, else what the result names."""
    basis = dict(result.get("basis") or {})
    docs = documents()
    doc = docs.get(basis.get("document") or "") or docs.get(result["policy"]) or next(
        (d for d in docs.values() if d.title == basis.get("document")), None)
    basis.setdefault("policy", result["policy"])
    if doc is not None:
        basis["title"] = doc.title
        basis["issuer"] = doc.issuer
        basis.setdefault("status", doc.status)
        basis["status_name"] = doc.status_name
    return basis


def _fingerprint_text(basis: dict) -> str:
    value = basis.get("fingerprint")
    return str(value)[:12] if value else "（本版本未提供）"


def _tier_clauses(result: dict, tier: str) -> str:
    found = []
    for visit in result["visits"]:
        for item in visit["tiers"]:
            if item["tier"] == tier:
                for citation in item["citations"]:
                    label = citation["clause"]
                    if citation["doc"] != result["policy"]:
                        doc = documents().get(citation["doc"])
                        label = f"《{(doc.title if doc else citation['doc'])[:10]}…》{label}"
                    found.append(label)
    return "、".join(dict.fromkeys(found))


def tier_rows(result: dict) -> tuple[list[tuple[str, Decimal, str]], list[str]]:
    """(name, year's amount, clauses) for each tier that paid, and the names of those that paid nothing."""
    paid, nothing = [], []
    seen = [t["tier"] for v in result["visits"] for t in v["tiers"]]
    for tier in dict.fromkeys([*tier_codes(), *seen]):
        if tier not in seen:
            continue
        amount = Decimal(result["totals"].get(tier, 0))
        if amount > 0:
            paid.append((tier_name(tier), amount, _tier_clauses(result, tier)))
        else:
            nothing.append(tier_name(tier))
    return paid, nothing


def threshold_lines(result: dict) -> list[str]:
    return [item["message"] for item in result.get("thresholds") or [] if item.get("message")]


def range_line(result: dict) -> str | None:
    """The least and most the person could pay over what they did not know, and why (the core's words)."""
    found = (result.get("range") or {}).get("out_of_pocket")
    if not found:
        return None
    because = list((result.get("range") or {}).get("because") or [])
    reasons = "；".join(because[:-1] if len(because) > 1 else because)  # the last line repeats the figures
    text = f"有些情况不清楚，实际自付可能在 {money(found['low'])} 元到 {money(found['high'])} 元之间"
    return text + (f"：{reasons}" if reasons else "") + "。"


# how many next steps, warnings and assumptions to keep when the page is full (None = all):
# assumptions go first, warnings last, since a warning may change what the person must do
KEEP = ((None, None, None), (None, None, 2), (3, None, 1), (2, 3, 1), (1, 2, 1), (1, 1, 0), (0, 1, 0), (0, 0, 0))
MORE_WORDS = "•……另有条次看病，扫描二维码在网页上查看码0123456789▶这个数字是怎么来的就诊"  # what a shortened list adds


def summary_pdf(result: dict, case: dict, *, person_label: str | None = None, reopen_url: str | None = None,
                notes: list[dict] | None = None, region: str | None = None, today: dt.date | None = None) -> bytes:
    """The 明白纸 of one person's year as PDF bytes (one A4 page, Noto Sans CJK embedded)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    facts = dict(result=result, case=case, person_label=person_label, reopen_url=reopen_url, notes=notes or [],
                 region=region or case.get("region") or "", today=today or dt.date.today())
    everything = "".join(_parts(**facts, keep=None)["texts"]) + MORE_WORDS
    regular, bold = truetype_subset(everything), truetype_subset(everything, "Bold")
    with _BUILD:
        serial = next(_SERIAL)
        fonts = (f"SC-Regular-{serial}", f"SC-Bold-{serial}")
        faces = [TTFont(fonts[0], regular), TTFont(fonts[1], bold)]
        for face in faces:
            pdfmetrics.registerFont(face)
        try:
            for keep in KEEP:
                data, pages = _render(_parts(**facts, keep=keep), fonts)
                if pages == 1:
                    break
            return data
        finally:
            for face in faces:  # ReportLab's registry is global and keyed by face name: forget this subset
                pdfmetrics._fonts.pop(face.fontName, None)
                pdfmetrics._dynFaceNames.pop(face.face.name, None)


def _parts(result, case, *, person_label, reopen_url, notes, region, today, keep) -> dict:
    """Every string the page draws (lists shortened to `keep` items)."""
    totals = result["totals"]
    basis = basis_of(result)
    paid, nothing = tier_rows(result)
    who = masked(person_label)

    keep = keep or (None, None, None)

    def items(lines: list[str], keep: int | None) -> list[str]:
        lines = list(dict.fromkeys(line for line in lines if line))
        if keep is None or len(lines) <= keep:
            return lines
        return lines[:keep] + [f"……另有 {len(lines) - keep} 条，扫描二维码在网页上查看。"]

    steps = items([f"{item['item']}：{item['result']}" for item in result.get("eligibility") or []], keep[0])
    flags = items([flag["message"] for flag in result.get("flags") or []], keep[1])
    assumed = items([note["text"] for note in notes] + list(result.get("assumptions") or []), keep[2])
    choice = (result.get("identity_choice") or {}).get("reason")

    # every string drawn, so the font subset holds every glyph
    head = "三重保障明白纸（估算）"
    who_line = " · ".join(x for x in (who, region, person_line(case), f"生成日期 {today.isoformat()}") if x)
    lead = (f"全年看病总费用 {money(totals['total'])} 元，各项保障共报销 "
            f"{money(Decimal(totals['total']) - Decimal(totals['out_of_pocket']))} 元，估计自己要付：")
    big = f"{money(totals['out_of_pocket'])} 元"
    share_line = f"占总费用的 {share(totals['out_of_pocket'], totals['total'])}"
    folded = f"没有报销的项目：{'、'.join(nothing)}（条件不满足，原因扫码查看）" if nothing else ""
    visit_rows = []
    if len(result["visits"]) > 1:
        for number, visit in enumerate(result["visits"], start=1):
            visit_rows.append([f"第{number}次 {visit['date']} {name_of('kind', visit['kind'])}",
                               money(visit["total"]), money(visit["out_of_pocket"])])
        if len(visit_rows) > 6:
            hidden = len(visit_rows) - 5
            visit_rows = visit_rows[:5] + [[f"……另有 {hidden} 次看病，扫码查看", "", ""]]
    status = basis.get("status_name") or basis.get("status") or ""
    basis_lines = [
        f"政策：《{basis.get('title', basis['policy'])}》（{basis.get('issuer', '')}，{status}）",
        f"计算规则版本：{basis['policy']}；规则读取日期：{basis.get('rules_read') or '（本版本未提供）'}；"
        f"参数指纹：{_fingerprint_text(basis)}",
    ]
    qr_caption = "扫码在手机上重新打开这次自查（答案都在链接里）" if reopen_url else ""
    disclaimer = "这是估算结果，只供参考；实际报销以定点医院“一站式”结算和医保经办机构审核为准。"
    sections = [("怎么分担的", None), ("可以享受的待遇和下一步", steps), ("请注意", flags), ("计算时用到的假设", assumed)]
    table_head = ["项目", "报销（元）", "依据条款"]
    texts = [head, who_line, lead, big, share_line, folded, choice or "", range_line(result) or "",
             *threshold_lines(result), *steps, *flags, *assumed, *basis_lines, qr_caption, disclaimer,
             *(title for title, _ in sections), *table_head, "个人自付", "每次看病", "总费用", "自付",
             *[c for row in visit_rows for c in row], *[f"{n}{c}" for n, _, c in paid]]
    return dict(locals())



def _render(parts: dict, fonts: tuple[str, str]) -> tuple[bytes, int]:
    """The page from its strings: (PDF bytes, number of pages)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = fonts
    result, totals, basis, paid = parts["result"], parts["totals"], parts["basis"], parts["paid"]
    head, who_line, lead, big, share_line = (parts[k] for k in ("head", "who_line", "lead", "big", "share_line"))
    folded, choice, visit_rows, basis_lines = parts["folded"], parts["choice"], parts["visit_rows"], parts["basis_lines"]
    reopen_url, qr_caption, disclaimer = parts["reopen_url"], parts["qr_caption"], parts["disclaimer"]
    sections, table_head, texts = parts["sections"], parts["table_head"], parts["texts"]
    body = ParagraphStyle("body", fontName=regular, fontSize=BODY_PT, leading=LEADING, alignment=TA_LEFT,
                          wordWrap="CJK", textColor=colors.HexColor("#1f2328"))
    small_gap = ParagraphStyle("gap", parent=body, spaceBefore=1)
    title = ParagraphStyle("title", parent=body, fontName=bold, fontSize=TITLE_PT, leading=TITLE_PT * 1.3)
    heading = ParagraphStyle("heading", parent=body, fontName=bold, fontSize=13, leading=17, spaceBefore=5,
                             spaceAfter=1, textColor=colors.HexColor("#0b3d91"))
    bigstyle = ParagraphStyle("big", parent=body, fontName=bold, fontSize=BIG_PT, leading=BIG_PT * 1.25,
                              textColor=colors.HexColor("#8a3b00"))
    bullet = ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=0, bulletFontName=regular,
                            bulletFontSize=BODY_PT)
    cell = ParagraphStyle("cell", parent=body, leading=15)
    cellb = ParagraphStyle("cellb", parent=cell, fontName=bold)

    def p(text, style=body):
        return Paragraph(escape(text), style)

    story = [p(head, title), p(who_line), Spacer(1, 3), p(lead), p(big, bigstyle), p(share_line)]
    for line in threshold_lines(result):
        story.append(p("▶ " + line, small_gap))
    if range_line(result):
        story.append(p(range_line(result), small_gap))
    if choice:
        story.append(p(choice, small_gap))
    story.append(p("怎么分担的", heading))
    rows = [[p(h, cellb) for h in table_head]]
    rows += [[p(name, cell), p(money(amount), cell), p(clauses, cell)] for name, amount, clauses in paid]
    rows.append([p("个人自付", cellb), p(money(totals["out_of_pocket"]), cellb), p("", cell)])
    width = A4[0] - 2 * MARGIN_MM * mm
    table = Table(rows, colWidths=[width * 0.3, width * 0.22, width * 0.48], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    story.append(table)
    if folded:
        story.append(p(folded, small_gap))
    if visit_rows:
        story.append(p("每次看病", heading))
        vrows = [[p(h, cellb) for h in ("就诊", "总费用", "自付")]]
        vrows += [[p(c, cell) for c in row] for row in visit_rows]
        vt = Table(vrows, colWidths=[width * 0.52, width * 0.24, width * 0.24], hAlign="LEFT")
        vt.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
                                ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]))
        story.append(vt)
    for name, lines in sections[1:]:
        if lines:
            story.append(p(name, heading))
            story += [Paragraph(escape(line), bullet, bulletText="•") for line in lines]
    story.append(p("这个数字是怎么来的", heading))
    basis_block = [p(line) for line in basis_lines]
    if reopen_url:
        import segno
        png = io.BytesIO()
        segno.make(reopen_url, error="m").save(png, kind="png", scale=6, border=2)
        png.seek(0)
        qr = Image(png, width=QR_MM * mm, height=QR_MM * mm)
        basis_block.append(p(qr_caption))
        block = Table([[basis_block, qr]], colWidths=[width - (QR_MM + 4) * mm, (QR_MM + 4) * mm])
        block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(block)
    else:
        story += basis_block
    story.append(Spacer(1, 4))
    note = Table([[p(disclaimer)]], colWidths=[width])
    note.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#9a6700")),
                              ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff8c5"))]))
    story.append(note)

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN_MM * mm, rightMargin=MARGIN_MM * mm,
                            topMargin=MARGIN_MM * mm, bottomMargin=MARGIN_MM * mm,
                            title="三重保障明白纸", author="三重保障助手", subject=f"{basis['policy']} {_fingerprint_text(basis)}",
                            creator="三重保障助手")
    doc.build(story)
    return out.getvalue(), doc.page


def summary_png(pdf: bytes, dpi: int = 110) -> bytes | None:
    """The 明白纸 as a picture, for phones whose browser cannot download a file (WeChat's): a long press
    saves it. Drawn by poppler's pdftoppm when it is installed; None otherwise (the PDF still works)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    program = shutil.which("pdftoppm")
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:  # removed at once: nothing of the person stays on disk
        source = Path(folder) / "page.pdf"
        source.write_bytes(pdf)
        done = subprocess.run([program, "-r", str(dpi), "-png", "-singlefile", str(source), str(Path(folder) / "page")],
                              capture_output=True, timeout=30)
        image = Path(folder) / "page.png"
        return image.read_bytes() if done.returncode == 0 and image.exists() else None
