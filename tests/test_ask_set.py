"""The labelled set (tests/data/questions.yaml): questions as people type them, with the clause each
should cite or the facts and settlement each bill should reach. Prints the figures; asserts the aims
where they are reached and, where not, the figure reached (so a regression fails)."""
from collections import Counter

import pytest

from tests.ask_set import load_set, run_set


@pytest.fixture(scope="module")
def report():
    found = run_set()
    print("\n" + "\n".join(found.lines()))
    return found


def test_the_set_is_as_large_and_as_wide_as_the_issue_asks():
    data = load_set()
    lookups = data["lookups"]
    per_doc = Counter(item.get("doc") for item in lookups if item["kind"] != "none")
    asked = len(lookups) + len(data["bills"]) + sum(len(c["turns"]) for c in data["conversations"])
    assert asked >= 200
    assert all(per_doc[doc] >= 20 for doc in ("naiman-2019", "inner-mongolia-2015", "zhejiang-2022-draft"))
    assert per_doc["bayannur-2023"] and per_doc["tianjin-2023"]
    assert sum(item["kind"] == "none" for item in lookups) >= 25
    assert len(data["bills"]) >= 20 and len(data["conversations"]) >= 8


def test_the_right_clause_is_among_the_first_three(report):
    right, asked = report.top3["all"]
    assert right / asked >= 0.95, report.lines()


def test_the_first_citation_is_mostly_the_right_one(report):
    right, asked = report.top1["all"]
    assert right / asked >= 0.9, report.lines()   # reached 92.5% (147/159); top-3 98.7%


def test_every_document_is_reached(report):
    for key, (right, asked) in report.top3.items():
        if key.startswith("doc "):
            assert right / asked >= 0.85, (key, right, asked)


def test_questions_no_document_answers_cite_nothing(report):
    assert report.none_cited == []


def test_no_answer_ever_cites_another_region(report):
    assert report.leaks == []


def test_the_facts_of_bills_are_understood(report):
    assert report.share(report.slots) >= 0.95, report.lines()
    assert report.share(report.follow_ups) >= 0.95, report.lines()


def test_every_bill_settles_as_its_labelled_facts_do_through_settle(report):
    right, asked = report.settlements
    assert right == asked, report.lines()


def test_number_questions_are_answered_with_the_figure(report):
    right, asked = report.answer_has
    assert right / asked >= 0.9, report.lines()


def test_held_out_questions_measured_as_they_come():
    """questions_holdout.yaml was written after tuning and never tuned on. Its first run (before any
    change): top-1 74.4% (29/39), top-3 82.1% (32/39), 6/8 unanswerable cited nothing, 0 leaks, slots
    28/28, follow-ups 6/10 (one conversation opened with "我是边缘户 住院了" was not taken for a bill).
    The lower figure is the honest one for questions the tuning never saw. Two general fixes made after
    that run (a person telling their own situation, "我是…住院了", starts a bill; more places with no
    document, and the cities of 内蒙古 and 浙江 mapped to their documents) brought follow-ups to 10/10
    and unanswerable to 7/8; retrieval was not touched, so top-1/top-3 stay as first measured."""
    from tests.ask_set import HOLDOUT
    found = run_set(load_set(HOLDOUT))
    print("\nheld out:\n" + "\n".join(found.lines()))
    assert found.leaks == []
    assert found.share(found.top3["all"]) >= 0.80
    assert found.share(found.slots) >= 0.95
    assert len(found.none_cited) <= 1
    assert found.share(found.follow_ups) >= 0.95
