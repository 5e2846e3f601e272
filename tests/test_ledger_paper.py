"""The printable 明白纸 from the workspace: a family's cover and each member's page, names masked,
no ID number, phone or diagnosis on paper."""
from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal

import pytest

from assistant.ledger import Ledger, settling
from assistant.ledger.paper import family_filename, family_lines, family_pdf, member_filename, member_pdf

from ledger_helpers import FATHER_ID, FATHER_PHONE, family, staff


@pytest.fixture
def year(tmp_path):
    ledger = Ledger(f"sqlite:///{tmp_path / 'ledger.db'}")
    people = staff(ledger)
    ids = family(ledger, people.wang)
    with ledger.session() as s:
        found = settling.household_year(s, people.wang, ids["household"], 2023)
    ledger.dispose()
    return found


def _text(data: bytes, tmp_path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) is not installed")
    path = tmp_path / "page.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_family_page_has_every_member_the_totals_and_what_to_do(year, tmp_path):
    lines = family_lines(year)
    assert [r[0] for r in lines["rows"]] == ["李*兰", "李*国", "李*明", "全家合计"]
    assert lines["rows"][-1][2:5] == ["83000.00", f"{year.totals['total'] - year.totals['out_of_pocket']:.2f}",
                                      f"{year.totals['out_of_pocket']:.2f}"]
    assert any("因病返贫监测" in n and "第十条" in n for n in lines["notes"])
    data = family_pdf(year)
    assert data.startswith(b"%PDF")
    text = _text(data, tmp_path)
    squeezed = "".join(text.split())
    assert "三重保障家庭明白纸" in squeezed and "李*国" in squeezed
    assert f"{year.totals['out_of_pocket']:.2f}" in squeezed
    for secret in ("李建国", FATHER_ID, FATHER_PHONE, "肺癌"):
        assert secret not in squeezed, secret
    from pypdf import PdfReader
    import io
    settled = [i for i in year.members if i.result]
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1 + len(settled)


def test_a_member_page_and_file_names_never_show_the_whole_name(year, tmp_path):
    father = next(i for i in year.members if i.result)
    text = "".join(_text(member_pdf(father), tmp_path).split())
    assert f"{father.result['totals']['out_of_pocket']:.2f}" in text
    assert "李建国" not in text and "肺癌" not in text
    assert "李建国" not in member_filename(father) and "李*国" in member_filename(father)
    assert family_filename(year).startswith("三重保障家庭明白纸_H001_2023_")
    assert father.result["totals"]["out_of_pocket"] > Decimal(0)
