"""A cadre's day in a real browser: log in, import a roster, open a flagged member, print the family's page.

The server runs on its own SQLite ledger (DATABASE_URL), with the cadre's account made beforehand.
Every step waits on the app's markers (the run counter, `.st-key-*` containers), never on a sleep.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .app_driver import App
from .conftest import CHROMIUM, DESKTOP, ROOT, SHOTS, TIMEOUT_MS, free_port, stop_server, wait_healthy

pytestmark = pytest.mark.browser

ROSTER = "\n".join([
    "户编号,姓名,身份证号,身份,参保类型,就诊日期,就诊类型,医院等级,就医地,转诊,总费用,目录外费用,乙类费用,基本医保已支付",
    "H1,张父,,低保户,城乡居民,2023-06-01,住院,三级,本地,已转诊,60000,3000,0,30000",
    "H1,张孩,,,城乡居民,,,,,,,,,",
    "H2,李四,,边缘户,城乡居民,2023-03-01,住院,三级,本地,已转诊,80000,5000,,",
    "H2,李四,,边缘户,城乡居民,2023-09-01,门诊慢特病,二级,本地,已转诊,6000,,,",
    "H2,李小四,,,城乡居民,,,,,,,,,",
    "H3,王五,,贫困边缘,城乡居民,2023-04-01,住院,二级,本地,已转诊,5000,,,",   # unknown identity: rejected
]) + "\n"


@pytest.fixture(scope="module")
def workspace_server(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian chromium is not installed (bash scripts/setup.sh test installs it)")
    folder = tmp_path_factory.mktemp("workspace")
    url = f"sqlite:///{folder / 'ledger.db'}"
    sys.path.insert(0, str(ROOT / "tests"))
    from ledger_helpers import staff

    from assistant.ledger import Ledger
    ledger = Ledger(url)
    staff(ledger)
    ledger.dispose()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    with open(SHOTS.parent / "streamlit-workspace.log", "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(port, process)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_server(process)


def test_a_cadres_day_login_import_flagged_member_family_page(browser, workspace_server, tmp_path):
    from ledger_helpers import PASSWORD
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    app = App(page, workspace_server, SHOTS)
    try:
        app.open(path="workspace")
        page.wait_for_selector(".st-key-ws-login")
        page.locator(".st-key-ws_login_user input").fill("wang")
        page.locator(".st-key-ws_login_password input").fill(PASSWORD)
        app.act(page.locator(".st-key-ws-login button").filter(has_text="登录").first.click)
        page.wait_for_selector(".st-key-ws_section")

        # import the roster into 红星村
        app.choose("ws_section", "导入花名册")
        page.wait_for_selector(".st-key-ws-import")
        roster = tmp_path / "花名册.csv"
        roster.write_text(ROSTER, encoding="utf-8")
        page.locator(".st-key-ws_imp_file input[type=file]").set_input_files(str(roster))
        page.wait_for_selector(".st-key-ws_imp_go button:not([disabled])")
        app.wait_idle()
        app.press("ws_imp_go")
        done = page.wait_for_selector(".st-key-ws-import-done")
        assert "新增 5 行（2 户、4 人、3 次就诊）" in done.inner_text()
        assert "1 行有错误" in done.inner_text()
        page.wait_for_selector(".st-key-ws_imp_errors button")
        app.screenshot("workspace-import")

        # the households: open the one with a flagged member
        app.choose("ws_section", "农户")
        page.wait_for_selector(".st-key-ws-households")
        row = page.locator("[class*='st-key-ws-row-']").filter(has_text="H2").first
        assert "因病" in row.inner_text()  # the list says who crosses a monitoring line
        app.act(row.locator("button").filter(has_text="打开").first.click)
        page.wait_for_selector(".st-key-ws-household")
        flagged = page.locator("[class*='st-key-ws-member-row-']").filter(
            has=page.locator("[data-testid='ws-flagged']")).first
        assert "李四" in flagged.inner_text()
        app.act(flagged.locator("button").filter(has_text="查看").first.click)
        member = page.wait_for_selector(".st-key-ws-member")
        assert page.locator("[data-testid='ws-monitoring']").count() >= 1
        assert "第十条" in member.inner_text() or page.locator(".st-key-ws-member details").count() > 0
        oop = app.amount("[data-testid='ws-member-oop']")
        household_oop = app.amount("[data-testid='ws-household-oop']")
        assert oop == household_oop  # 李小四 had no visit this year

        # print the family's page
        app.press("ws_family_make")
        page.wait_for_selector(".st-key-ws_family_get button")
        with page.expect_download() as event:
            page.locator(".st-key-ws_family_get button").click()
        download = event.value
        assert download.suggested_filename.startswith("三重保障家庭明白纸_H2_2023_")
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")
        app.wait_idle()
        app.screenshot("workspace-household")
    finally:
        context.close()
