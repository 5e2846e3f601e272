"""Printable 明白纸 for the workspace: one member's page (the self-check's own builder) and a family's.

The family's PDF is a cover page — each member's figures side by side, the household's totals, who
crosses a monitoring line and what to apply for, with the clause — followed by every settled
member's own one-page 明白纸 from `assistant.selfcheck.summary_pdf`, joined with pypdf.
Names are masked on paper and in file names (张*明); no ID number, phone or diagnosis is printed.
"""
from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from ..lexicon import name_of
from ..privacy import mask_name
from ..knowledge.store import tier_codes, tier_name
from .settling import HouseholdYear, MemberYear, advice, aid_tiers, monitoring

DISCLAIMER = "本页为按政策文件估算的结果，实际以定点医院“一站式”结算和医保经办机构的审核为准。"


def _private_case(case: dict) -> dict:
    """The case as printed: diagnoses are not put on paper."""
    return {**case, "visits": [{k: v for k, v in visit.items() if k != "disease"} for visit in case["visits"]]}


def member_pdf(item: MemberYear, *, today: dt.date | None = None) -> bytes:
    """The self-check's own one-page 明白纸 for this member (a plainer page of ours until it is installed)."""
    try:
        from ..selfcheck.summary_pdf import summary_pdf
    except ImportError:
        return _pages(member_lines(item), f"三重保障明白纸（{mask_name(item.member.name)}）")
    return summary_pdf(item.result, _private_case(item.case), person_label=item.member.name, today=today)


def member_filename(item: MemberYear, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"三重保障明白纸_{mask_name(item.member.name)}_{today.isoformat()}.pdf"


def member_lines(item: MemberYear) -> dict:
    """A member's page as strings (used only while the self-check's PDF builder is not installed)."""
    result = item.result
    totals = result["totals"]
    who = mask_name(item.member.name)
    rows = [[tier_name(t), f"{totals[t]:.2f}", "、".join(dict.fromkeys(
        c["clause"] for v in result["visits"] for tier in v["tiers"] if tier["tier"] == t for c in tier["citations"]))]
        for t in tier_codes() if totals[t] > 0]
    rows.append(["个人自付", f"{totals['out_of_pocket']:.2f}", ""])
    notes = [f"{m['what']}。{m['message']}{_clauses(m['citations'])}" for m in monitoring(result)]
    notes += [f"{a['what']}。{a['need']}{_clauses(a['citations'])}" for a in advice(result)]
    notes += [f"假设：{a}" for a in result.get("assumptions", [])]
    return {"title": f"三重保障明白纸 · {who}",
            "who": f"{who} · 按{name_of('identities', result['identity_applied'])}计算 · 总费用 {totals['total']:.2f} 元",
            "head": ["项目", "金额（元）", "依据条款"], "rows": rows, "aid": "", "notes": notes,
            "basis": f"计算依据：{result['policy']}（依据指纹 {_fingerprint(result)}）", "disclaimer": DISCLAIMER,
            "widths": (0.3, 0.25, 0.45)}


def _fingerprint(result: dict) -> str:
    from .settling import fingerprint
    return fingerprint(result)


def family_filename(year: HouseholdYear, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return f"三重保障家庭明白纸_{year.household.code}_{year.year}_{today.isoformat()}.pdf"


def family_lines(year: HouseholdYear) -> dict:
    """Every string the cover page draws (also what the page shows), names masked."""
    rows = []
    notes = []
    for item in year.members:
        who = mask_name(item.member.name)
        if item.result is None:
            rows.append([who, "—", "0.00", "0.00", "0.00", item.error or ""])
            continue
        totals = item.result["totals"]
        paid = totals["total"] - totals["out_of_pocket"]
        rows.append([who, name_of("identities", item.result["identity_applied"]), f"{totals['total']:.2f}",
                     f"{paid:.2f}", f"{totals['out_of_pocket']:.2f}", ""])
        for line in monitoring(item.result):
            notes.append(f"{who}：{line['what']}。{line['message']}{_clauses(line['citations'])}")
        for line in advice(item.result):
            notes.append(f"{who}：{line['what']}。{line['need']}{_clauses(line['citations'])}")
    totals = year.totals
    rows.append(["全家合计", "", f"{totals['total']:.2f}", f"{totals['total'] - totals['out_of_pocket']:.2f}",
                 f"{totals['out_of_pocket']:.2f}", ""])
    aid = "、".join(f"{name} {totals[t]:.2f} 元" for t, name in aid_tiers().items() if totals[t] > 0)
    basis = sorted({f"{i.result['policy']}（依据指纹 {_fingerprint(i.result)}）" for i in year.members if i.result})
    return {"title": f"三重保障家庭明白纸（{year.year}年）",
            "who": f"户编号 {year.household.code} · {year.household.village} · {year.household.region}",
            "head": ["成员", "适用身份", "总费用", "各项报销", "个人自付", "说明"], "rows": rows,
            "aid": f"全家享受{aid}。" if aid else "", "notes": notes,
            "basis": "计算依据：" + "；".join(basis) if basis else "", "disclaimer": DISCLAIMER}


def _clauses(citations: list[dict]) -> str:
    seen = list(dict.fromkeys(c["clause"] for c in citations))
    return f"（依据{'、'.join(seen)}）" if seen else ""


def family_pdf(year: HouseholdYear, *, today: dt.date | None = None) -> bytes:
    """The cover page and each settled member's 明白纸, as one PDF."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter()
    for part in [_cover(year)] + [member_pdf(item, today=today) for item in year.members if item.result]:
        for page in PdfReader(io.BytesIO(part)).pages:
            writer.add_page(page)
    writer.add_metadata({"/Title": "三重保障家庭明白纸", "/Creator": "三重保障助手"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _cover(year: HouseholdYear) -> bytes:
    return _pages(family_lines(year), family_lines(year)["title"])


def _fonts(text: str):
    """Registered (regular, bold) font names and a function that forgets them again.
    Noto Sans CJK subset embedded by the self-check's font helper; before it is installed,
    ReportLab's built-in STSong-Light (drawn by the reader's own Chinese font)."""
    from reportlab.pdfbase import pdfmetrics
    try:
        from ..selfcheck.fonts import truetype_subset
        from ..selfcheck import summary_pdf as paper
    except ImportError:
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
        return ("STSong-Light", "STSong-Light"), None, (lambda: None)
    from reportlab.pdfbase.ttfonts import TTFont
    regular, bold = truetype_subset(text), truetype_subset(text, "Bold")
    serial = next(paper._SERIAL)
    faces = [TTFont(f"SC-Regular-{serial}", regular), TTFont(f"SC-Bold-{serial}", bold)]
    for face in faces:
        pdfmetrics.registerFont(face)

    def forget():  # ReportLab's registry is global and keyed by face name
        for face in faces:
            pdfmetrics._fonts.pop(face.fontName, None)
            pdfmetrics._dynFaceNames.pop(face.face.name, None)
    return (faces[0].fontName, faces[1].fontName), paper._BUILD, forget


def _pages(parts: dict, title_text: str) -> bytes:
    import contextlib

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    text = "".join([parts["title"], parts["who"], *parts["head"], *[c for r in parts["rows"] for c in r],
                    parts["aid"], *parts["notes"], parts["basis"], parts["disclaimer"], "需要关注的事计算依据•"])
    names, lock, forget = _fonts(text)
    with lock or contextlib.nullcontext():
        try:
            body = ParagraphStyle("body", fontName=names[0], fontSize=12, leading=16.5, wordWrap="CJK")
            strong = ParagraphStyle("strong", parent=body, fontName=names[1])
            title = ParagraphStyle("title", parent=body, fontName=names[1], fontSize=18, leading=24)
            heading = ParagraphStyle("heading", parent=body, fontName=names[1], fontSize=13, leading=17,
                                     spaceBefore=6, textColor=colors.HexColor("#0b3d91"))
            widths = parts.get("widths", (0.13, 0.17, 0.15, 0.15, 0.15, 0.25))
            story = [Paragraph(escape(parts["title"]), title), Paragraph(escape(parts["who"]), body), Spacer(1, 6)]
            width = A4[0] - 26 * mm
            rows = [[Paragraph(escape(h), strong) for h in parts["head"]]]
            rows += [[Paragraph(escape(c), strong if r[0] == "全家合计" else body) for c in r] for r in parts["rows"]]
            table = Table(rows, colWidths=[width * w for w in widths], hAlign="LEFT")
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.6, colors.HexColor("#8c959f")),
                                       ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eaeef2")),
                                       ("VALIGN", (0, 0), (-1, -1), "TOP")]))
            story.append(table)
            if parts["aid"]:
                story += [Spacer(1, 4), Paragraph(escape(parts["aid"]), body)]
            if parts["notes"]:
                story.append(Paragraph("需要关注的事", heading))
                story += [Paragraph(escape(line), body, bulletText="•") for line in parts["notes"]]
            if parts["basis"]:
                story += [Spacer(1, 6), Paragraph(escape(parts["basis"]), body)]
            story += [Spacer(1, 6), Paragraph(escape(parts["disclaimer"]), body)]
            out = io.BytesIO()
            SimpleDocTemplate(out, pagesize=A4, leftMargin=13 * mm, rightMargin=13 * mm, topMargin=13 * mm,
                              bottomMargin=13 * mm, title=title_text, creator="三重保障助手").build(story)
            return out.getvalue()
        finally:
            forget()
