"""The Streamlit app through AppTest: a resident answers one question at a time and the page shows
the same amounts as the settlement core for the same case."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from streamlit.testing.v1 import AppTest

from assistant.settlement import settle
from conftest import ROOT

# .streamlit/config.toml hides error details from people; a failing test should show them
from streamlit import config as _streamlit_config  # noqa: E402
_streamlit_config.set_option("client.showErrorDetails", "full")

AMOUNT = re.compile(r'data-testid="(sc-out-of-pocket|sc-tier-amount)"(?: data-tier="(\w+)" data-visit="(\d+)")?'
                    r' data-amount="([\d.]+)"')


class Walk:
    """Answers the guided flow the way a person would, one screen at a time."""

    def __init__(self, start: bool = True, **query):
        self.at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        self.at.query_params.update(query)
        self.run()
        if start:
            assert self.step == "start"
            self.press("sc_start")
            assert self.step == "where"

    def run(self):
        self.at.run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        return self

    @property
    def step(self) -> str:
        return self.at.session_state["sc_step"]

    def choose(self, key: str, value):
        self.at.radio(key=key).set_value(value)
        return self.run()

    def tick(self, key: str, on: bool = True):
        self.at.checkbox(key=key).set_value(on)
        return self.run()

    def type(self, key: str, text: str):
        self.at.text_input(key=key).input(text)
        return self.run()

    def date(self, key: str, day: dt.date):
        """Tap the year, the month and the day (the date is three rows of buttons)."""
        for part, value in (("y", day.year), ("m", day.month), ("d", day.day)):
            self.at.button_group(key=f"{key}_{part}").set_value(value)
            self.run()
        return self

    def pad(self, key: str, text: str):
        """The kiosk's number pad: open it on the field, tap each key, tap 完成."""
        self.press(f"{key}_open")
        for char in text:
            self.press(f"{key}_pad_{ {'万': 'wan', '.': 'dot'}.get(char, char)}")
        return self.press(f"{key}_pad_done")

    @property
    def kiosk(self) -> bool:
        return bool(self.at.session_state["app_kiosk"]) if "app_kiosk" in self.at.session_state else False

    def amount(self, key: str, text: str):
        return self.pad(key, text) if self.kiosk else self.type(key, text)

    def press(self, key: str):
        self.at.button(key=key).click()
        return self.run()

    def next(self, expect: str | None = None):
        self.press("sc_next")
        if expect is not None:
            assert self.step == expect, (self.step, self.errors())
        return self

    def errors(self) -> list[str]:
        return [e.value for e in self.at.error]

    def where(self, region: str, day: dt.date):
        self.choose("sc_w_region", region).date("sc_w_date", day)
        return self.next("insurance")

    def person(self, insurance: str = "resident", identities=(), tier: str | None = None):
        self.choose("sc_w_insurance", insurance)
        if tier is not None:
            self.choose("sc_w_contribution_tier", tier)
        self.next("identities")
        for code in identities:
            self.tick(f"sc_w_id_{code}")
        if not identities:
            self.tick("sc_w_identity_none")
        return self.next("kind")

    def visit(self, index: int, *, kind="inpatient", level="level3", location="local", referral="referred",
              total="60000", out_of_catalog: str | None = "3000", basic_paid: str | None = None,
              day: dt.date | None = None):
        v = f"sc_w_v{index}_"
        if day is not None:
            self.date(v + "date", day)
        self.choose(v + "kind", kind).next("level")
        self.choose(v + "hospital_level", level).next("place")
        self.choose(v + "location", location).choose(v + "referral", referral).next("bill")
        self.amount(v + "total", total)
        if out_of_catalog is None:
            self.choose(v + "ooc_known", "unknown")
        else:
            self.choose(v + "ooc_known", "known").amount(v + "out_of_catalog", out_of_catalog)
        if basic_paid is not None:
            self.amount(v + "basic_paid", basic_paid)
        return self.next("visits")

    def review(self):
        self.press("sc_to_review")
        assert self.step == "review", self.errors()
        return self

    def result(self):
        if self.step != "review":
            self.review()
        self.press("sc_show_result")
        assert self.step == "result", self.errors()
        return self

    def texts(self) -> str:
        return " ".join([m.value for m in self.at.markdown] + [h.proto.body for h in self.at.get("html")])

    def shown(self) -> dict:
        """Amounts on the result page: {"out_of_pocket": x, (visit, tier): y}."""
        found = {}
        for block in [m.value for m in self.at.markdown] + [h.proto.body for h in self.at.get("html")]:
            for name, tier, visit, amount in AMOUNT.findall(block):
                key = "out_of_pocket" if name == "sc-out-of-pocket" else (int(visit), tier)
                found[key] = Decimal(amount)
        return found


def expected(result: dict) -> dict:
    found = {"out_of_pocket": result["totals"]["out_of_pocket"]}
    for number, visit in enumerate(result["visits"], start=1):
        for tier in visit["tiers"]:
            found[(number, tier["tier"])] = tier["amount"]
    return found


REGIONS = {"bayannur-2023": "巴彦淖尔市", "tianjin-2023": "天津市"}
JUNE = dt.date(2023, 6, 1)


@pytest.mark.parametrize("policy", ["bayannur-2023", "tianjin-2023"])
@pytest.mark.parametrize("identity", [None, "minimum_living", "extreme_poverty"],
                         ids=["ordinary", "minimum_living", "extreme_poverty"])
def test_a_resident_walks_the_flow_and_sees_the_cores_amounts(policy, identity):
    identities = [identity] if identity else []
    walk = Walk().where(REGIONS[policy], JUNE)
    tier = "high" if policy == "tianjin-2023" else None
    walk.person("resident", identities, tier=tier).visit(0, total="60000", out_of_catalog="3000").result()
    case = {"policy": policy, "insurance": "resident", "identities": identities,
            "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                        "referral": "referred", "total": "60000", "out_of_catalog": "3000"}]}
    if tier:
        case["contribution_tier"] = tier
    core = settle(case)
    shown = walk.shown()
    assert shown == expected(core)
    assert core["totals"]["out_of_pocket"] > 0
    assert any(f"{core['totals']['out_of_pocket']:,.2f} 元" in m.value for m in walk.at.markdown)


def test_two_visits_in_a_year_show_each_visits_tiers_as_the_core():
    walk = Walk().where("天津市", JUNE).person("resident", ["minimum_living"], tier="low")
    walk.visit(0, total="80000", out_of_catalog="5000")
    walk.press("sc_add_visit")
    assert walk.step == "kind"
    walk.visit(1, day=dt.date(2023, 9, 10), kind="outpatient", level="level2", total="3000.50",
               out_of_catalog="0").result()
    core = settle({"policy": "tianjin-2023", "insurance": "resident", "contribution_tier": "low",
                   "identities": ["minimum_living"], "visits": [
                       {"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                        "referral": "referred", "total": "80000", "out_of_catalog": "5000"},
                       {"date": "2023-09-10", "kind": "outpatient", "hospital_level": "level2", "location": "local",
                        "referral": "referred", "total": "3000.50", "out_of_catalog": "0"}]})
    assert walk.shown() == expected(core)
    assert (2, "medical_aid") in walk.shown()


def test_unknown_out_of_catalogue_uses_the_documents_limit_and_says_so():
    # bayannur 第十二条: 二级及以下 5%; 40000 × 5% = 2000 out of catalogue
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", ["extreme_poverty"])
    walk.visit(0, level="level2", total="40000", out_of_catalog=None).result()
    core = settle({"policy": "bayannur-2023", "insurance": "resident", "identities": ["extreme_poverty"],
                   "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level2",
                               "location": "local", "referral": "referred", "total": "40000",
                               "out_of_catalog": "2000"}]})
    assert walk.shown() == expected(core)
    texts = " ".join(m.value for m in walk.at.markdown)
    assert "40000.00 × 5% = 2000.00" in texts
    assert "二级及以下定点医疗机构目录外费用比例控制在5%以内" in texts


def test_going_back_keeps_every_answer():
    walk = Walk().where("天津市", JUNE).person("resident", ["minimum_living"], tier="low")
    walk.visit(0, total="12345.60", out_of_catalog="100", basic_paid="5000")
    for step in ("bill", "place", "level", "kind", "identities", "insurance", "where"):
        walk.press("sc_back")
        assert walk.step == step
    assert walk.at.radio(key="sc_w_region").value == "天津市"
    assert [walk.at.button_group(key=f"sc_w_date_{p}").value for p in "ymd"] == [2023, 6, 1]
    for step in ("insurance", "identities", "kind", "level", "place", "bill"):
        walk.next(step)
    assert walk.at.text_input(key="sc_w_v0_total").value == "12345.60"
    assert walk.at.text_input(key="sc_w_v0_basic_paid").value == "5000"
    assert walk.at.radio(key="sc_w_v0_ooc_known").value == "known"
    walk.press("sc_back")
    assert walk.at.radio(key="sc_w_v0_referral").value == "referred"


def test_switching_pages_keeps_what_was_typed():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"])
    walk.choose("sc_w_v0_kind", "inpatient").next("level").choose("sc_w_v0_hospital_level", "level2").next("place")
    walk.at.switch_page("views/documents.py")
    walk.run()
    assert walk.at.selectbox(key="doc_w_doc_pick") is not None
    walk.at.switch_page("views/selfcheck.py")
    walk.run()
    assert walk.step == "place"
    walk.press("sc_back")
    assert walk.at.radio(key="sc_w_v0_hospital_level").value == "level2"


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "总费用“abc”不是数字"),
    ("-5", "总费用不能是负数"),
    ("0", "总费用要大于 0 元"),
    ("12.345", "超过两位小数"),
])
def test_a_wrong_amount_is_explained_in_chinese_beside_the_field(typed, message):
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", [])
    walk.choose("sc_w_v0_kind", "inpatient").next("level").choose("sc_w_v0_hospital_level", "level2").next("place")
    walk.choose("sc_w_v0_location", "local").choose("sc_w_v0_referral", "not_needed").next("bill")
    walk.type("sc_w_v0_total", typed)
    assert any(message in text for text in walk.errors()), walk.errors()
    walk.next()
    assert walk.step == "bill"


def test_out_of_catalogue_above_the_total_is_refused_with_the_cores_words():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", [])
    walk.choose("sc_w_v0_kind", "inpatient").next("level").choose("sc_w_v0_hospital_level", "level2").next("place")
    walk.choose("sc_w_v0_location", "local").choose("sc_w_v0_referral", "not_needed").next("bill")
    walk.type("sc_w_v0_total", "1000").choose("sc_w_v0_ooc_known", "known").type("sc_w_v0_out_of_catalog", "2000")
    walk.next()
    assert walk.step == "bill"
    assert any("超过了总费用" in text for text in walk.errors())


@pytest.mark.parametrize("region", ["浙江省", "内蒙古自治区"])
def test_a_region_whose_document_cannot_settle_says_so(region):
    walk = Walk().choose("sc_w_region", region)
    assert any("只能在“政策原文”里查阅" in text for text in walk.errors())
    walk.date("sc_w_date", JUNE).next()
    assert walk.step == "where"


def test_a_date_outside_the_policy_cannot_be_chosen():
    """Years are buttons: only the years a policy of the region settles, up to this year, are offered."""
    walk = Walk().choose("sc_w_region", "巴彦淖尔市")
    years = walk.at.button_group(key="sc_w_date_y").options
    shown = [int(str(getattr(o, "content", o)).removesuffix("年")) for o in years]
    assert min(shown) == 2023 and max(shown) == dt.date.today().year
    walk.next()
    assert walk.step == "where"
    assert any("请选择看病的日期" in text for text in walk.errors()), walk.errors()


def test_nothing_chosen_means_no_step_forward():
    walk = Walk().next()
    assert walk.step == "where"
    assert "请选择看病所在的地区。" in walk.errors()


def test_identities_need_an_answer_and_unsure_explains_how_to_find_out():
    walk = Walk().where("巴彦淖尔市", JUNE).choose("sc_w_insurance", "resident").next("identities")
    walk.next()
    assert walk.step == "identities"
    walk.tick("sc_w_identity_unsure")
    assert any("嘎查（村）委会" in i.value for i in walk.at.info)  # 巴彦淖尔's words, from knowledge/help
    walk.next("kind")


def test_kiosk_mode_keeps_nothing_to_download_and_hides_the_navigation():
    walk = Walk(kiosk="1")
    assert walk.at.session_state["app_kiosk"] is True
    walk.where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"]).visit(0).result()
    assert not [b for b in walk.at.get("download_button")]
    assert walk.shown()["out_of_pocket"] > 0


def test_normal_mode_offers_the_printable_summary():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"]).visit(0).result()
    assert len(walk.at.get("download_button")) == 1


def test_restart_clears_the_answers():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", []).visit(0).result()
    walk.press("sc_restart")
    assert walk.step == "start"
    assert "a" not in walk.at.query_params
    walk.press("sc_start")
    assert walk.at.radio(key="sc_w_region").value is None


def test_the_comparison_shows_referral_and_each_identity_as_the_core():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", ["minimum_living"]).visit(0).result()
    walk.at.session_state["sc_more_compare"] = True  # the person opens “换一种情况会怎样”
    walk.run()
    base = {"policy": "bayannur-2023", "insurance": "resident",
            "visits": [{"date": "2023-06-01", "kind": "inpatient", "hospital_level": "level3", "location": "local",
                        "referral": "referred", "total": "60000", "out_of_catalog": "3000"}]}
    texts = " ".join(m.value for m in walk.at.markdown)
    not_referred = settle({**base, "identities": ["minimum_living"],
                           "visits": [{**base["visits"][0], "referral": "not_referred"}]})
    assert f"{not_referred['totals']['out_of_pocket']:,.2f}" in texts
    for code in ("extreme_poverty", "orphan", "near_minimum_living"):
        assert f"{settle({**base, 'identities': [code]})['totals']['out_of_pocket']:,.2f}" in texts


def test_documents_page_finds_clauses_by_the_words_people_use():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("views/documents.py").run()
    at.text_input(key="doc_w_doc_query").input("五保户 住院").run()
    assert not at.exception
    texts = " ".join(m.value for m in at.markdown)
    assert "找到" in " ".join(c.value for c in at.caption)
    assert "特困" in texts and "现行" in texts


def test_chat_and_about_pages_render():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page("views/chat.py").run()
    assert not at.exception
    assert any("用一句话提问" in c.value for c in at.caption)
    at.switch_page("views/about.py").run()
    assert not at.exception
    body = " ".join(m.value for m in at.markdown) + " ".join(w.value for w in at.warning)
    assert "一站式" in body and "估算" in body


def test_a_later_visit_after_today_is_refused_as_it_is_entered():
    walk = Walk().where("巴彦淖尔市", JUNE).person("resident", []).visit(0)
    walk.press("sc_add_visit")
    later = dt.date.today() + dt.timedelta(days=3)
    if later.year == dt.date.today().year:
        walk.date("sc_w_v1_date", later)
        assert any("晚于今天" in text for text in walk.errors()), walk.errors()
    walk.date("sc_w_v1_date", dt.date(2024, 2, 1))  # another year settles on its own (years in the result)
    assert not walk.errors()


def test_a_2019_naiman_stay_settles_like_the_core_and_says_the_policy_is_historical():
    day = dt.date(2019, 6, 1)
    walk = Walk().where("奈曼旗", day).person(identities=["registered_poor"])
    walk.visit(0, level="level2", referral="not_needed", total="20000", out_of_catalog="1600", basic_paid="14000")
    walk.result()
    case, _ = __import__("assistant.selfcheck.flow", fromlist=["build_case"]).build_case(walk.at.session_state["sc_answers"])
    result = settle(case)
    assert result["policy"] == "naiman-2019"
    assert result["totals"]["out_of_pocket"] == Decimal("4590.00")   # as worked in tests/cases/naiman-2019.yaml
    shown = walk.shown()
    assert shown == {k: v for k, v in expected(result).items() if k in shown} and shown["out_of_pocket"] == Decimal("4590.00")
    page = " ".join(block.value for block in walk.at.markdown) + " ".join(w.value for w in walk.at.warning)
    assert "历史文件" in page


def test_a_listed_disease_is_asked_for_a_naiman_stay_and_settled_at_ninety_percent():
    day = dt.date(2019, 6, 1)
    walk = Walk().where("奈曼旗", day).person(identities=["registered_poor"])
    walk.choose("sc_w_v0_kind", "inpatient")
    walk.at.selectbox(key="sc_w_v0_disease").set_value("终末期肾病")
    walk.run().next("level")
    walk.choose("sc_w_v0_hospital_level", "level2").next("place")
    walk.choose("sc_w_v0_location", "local").choose("sc_w_v0_referral", "not_needed").next("bill")
    walk.type("sc_w_v0_total", "50000").choose("sc_w_v0_ooc_known", "known").type("sc_w_v0_out_of_catalog", "0")
    walk.type("sc_w_v0_basic_paid", "30000").next("visits")
    walk.result()
    shown = walk.shown()
    assert shown["out_of_pocket"] == Decimal("5000.00")      # 50000 × 10%（二（四））
    assert shown[(1, "poverty_fund")] == Decimal("15000.00")  # 20000 − 5000


def test_a_bayannur_stay_is_not_asked_about_listed_diseases():
    walk = Walk().where("巴彦淖尔市", JUNE).person()
    walk.choose("sc_w_v0_kind", "inpatient")
    assert not [s for s in walk.at.selectbox if s.key == "sc_w_v0_disease"]


def test_the_documents_page_shows_the_frame_check_beside_an_inner_mongolia_pack():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.session_state["app_goto"] = "documents"
    at.session_state["doc_pick"] = "bayannur-2023"
    at.run()
    assert not at.exception
    headings = [e.label for e in at.expander]
    assert any("4 项符合，1 项不符合" in h for h in headings), headings
