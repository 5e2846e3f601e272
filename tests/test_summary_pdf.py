"""The printable 明白纸 as a person gets it: one A4 page, Chinese drawn by an embedded Noto font at
12 pt or more, the figures of `settle`, the rules that produced them, a QR code that reopens the case."""
from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from assistant.selfcheck.present import money
from assistant.selfcheck.summary_pdf import summary_filename, summary_pdf
from assistant.settlement import settle

ROOT = Path(__file__).resolve().parents[1]
CASE = json.loads((ROOT / "docs" / "example-case.json").read_text(encoding="utf-8"))
URL = "http://127.0.0.1:8501/selfcheck?s=review&a=eyJyIjoiYmF5YW5udXIifQ"
needs = pytest.mark.skipif(not all(shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdffonts", "pdfinfo")),
                           reason="poppler-utils not installed")


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def one_stay(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "one.pdf"
    result = settle(CASE)
    path.write_bytes(summary_pdf(result, CASE, person_label="王小明", reopen_url=URL, region="巴彦淖尔市",
                                 today=dt.date(2023, 7, 1)))
    return path, result


@needs
def test_one_a4_page_with_the_figures_of_settle(one_stay):
    path, result = one_stay
    info = run("pdfinfo", str(path))
    assert re.search(r"Pages:\s+1\n", info)
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4
    text = run("pdftotext", "-layout", str(path), "-")
    assert "三重保障明白纸" in text
    assert money(result["totals"]["out_of_pocket"]) == "6,000.00" and "6,000.00 元" in text
    for tier in ("基本医保", "大病保险", "医疗救助"):
        assert tier in text
    assert "30,000.00" in text and "17,000.00" in text and "7,000.00" in text
    assert "第九条（二）" in text  # the clause beside the 大病保险 amount
    assert "没有报销的项目：倾斜救助" in text  # a tier that paid nothing is one line, not a row of 0.00
    assert "bayannur-2023" in text and "王*" in text and "王小明" not in text


@needs
def test_chinese_is_drawn_by_the_embedded_noto_font_at_12pt_or_more(one_stay, tmp_path):
    path, _ = one_stay
    fonts = run("pdffonts", str(path))
    assert "NotoSansCJKsc-Regular" in fonts and "NotoSansCJKsc-Bold" in fonts
    for line in fonts.splitlines()[2:]:
        if "NotoSansCJK" in line:
            assert " yes yes " in line  # embedded, subset
    # every glyph's size, from pdftotext's bounding boxes: no text line is shorter than 12 pt
    html = run("pdftotext", "-bbox", str(path), "-")
    heights = [float(y2) - float(y1) for y1, y2 in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', html)]
    assert heights and min(heights) >= 12 * 0.95, min(heights)
    # and it renders: the page image has ink where the title is (not an empty page)
    run("pdftoppm", "-r", "50", "-png", "-singlefile", str(path), str(tmp_path / "page"))
    from PIL import Image
    image = Image.open(tmp_path / "page.png").convert("L")
    assert abs(image.size[0] - 413) <= 1 and abs(image.size[1] - 585) <= 1  # A4 at 50 dpi
    top = image.crop((30, 25, 380, 60))
    assert sum(1 for value in top.tobytes() if value < 128) > 300


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools not installed")
@needs
def test_the_qr_code_decodes_to_the_url_that_reopens_the_case(one_stay, tmp_path):
    path, _ = one_stay
    run("pdftoppm", "-r", "150", "-png", "-singlefile", str(path), str(tmp_path / "page"))
    found = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page.png")], capture_output=True,
                           text=True, timeout=60).stdout.strip()
    assert found == URL


@needs
def test_a_long_year_still_fits_one_page_and_says_what_it_left_out(tmp_path):
    case = copy.deepcopy(CASE)
    case["visits"] = [dict(CASE["visits"][0], date=f"2023-{month:02d}-01") for month in range(1, 12)]
    result = settle(case)
    path = tmp_path / "long.pdf"
    path.write_bytes(summary_pdf(result, case, reopen_url=URL))
    assert re.search(r"Pages:\s+1\n", run("pdfinfo", str(path)))
    text = run("pdftotext", str(path), "-")
    assert "另有 6 次看病" in text
    assert money(result["totals"]["out_of_pocket"]) in text
    total_paid = sum(Decimal(result["totals"][t]) for t in ("basic", "critical_illness", "medical_aid",
                                                             "tilted_aid", "major_illness_aid"))
    assert total_paid + Decimal(result["totals"]["out_of_pocket"]) == Decimal(result["totals"]["total"])


def test_file_names_carry_the_masked_person_and_the_date():
    from assistant.selfcheck.summary_pdf import masked
    day = dt.date(2023, 7, 1)
    name = summary_filename("王小明", day)
    assert name == f"三重保障明白纸_{masked('王小明')}_2023-07-01.pdf"
    assert "王小明" not in name and "*" in name
    assert summary_filename(None, day) == "三重保障明白纸_2023-07-01.pdf"
    assert summary_filename("王小明", day) != summary_filename("李四", day)
    assert summary_filename("王小明", day, family=True).startswith(f"三重保障家庭明白纸_{masked('王小明')}")


@needs
def test_the_page_as_a_picture_for_phones_that_cannot_download(one_stay):
    from assistant.selfcheck.summary_pdf import summary_png
    path, _ = one_stay
    image = summary_png(path.read_bytes(), dpi=60)
    assert image and image[:8] == b"\x89PNG\r\n\x1a\n"
    from io import BytesIO

    from PIL import Image
    width, height = Image.open(BytesIO(image)).size
    assert abs(height / width - 297 / 210) < 0.01  # the A4 page, upright
