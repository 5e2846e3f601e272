"""The worked-case runner can fail: its arithmetic reader and its checks, tried on wrong cases."""
import copy

import pytest

from arithmetic import ArithmeticError_, amount, evaluate
from test_worked_cases import ALL, check_well_formed, check_worked

EXAMPLE = next(p.values[0] for p in ALL if "CONTRACT.md 示例" in p.values[0]["name"])


@pytest.mark.parametrize(("text", "value"), [
    ("(27000 − 7000) × 85%", "17000"), ("(27000 - 7000) * 0.85", "17000"), ("10% × 48976", "4897.6"),
    ("1 + 2 × 3", "7"), ("(1 + 2) × 3", "9"), ("−5 + 10", "5"), ("9 ÷ 4", "2.25"), ("9 / 4 - 1", "1.25"),
    ("min(82000 × 70%, 50000)", "50000"), ("max(0, 3 − 5)", "0"), ("min(1, 2，3)", "1"),
])
def test_the_reader_follows_the_usual_order_of_operations(text, value):
    assert evaluate(text) == evaluate(value)


@pytest.mark.parametrize("text", ["__import__('os')", "1 +", "(1 + 2", "2 ** 3", "1e3", "x = 5", "min 1", "3 %% 2"])
def test_the_reader_reads_only_arithmetic(text):
    with pytest.raises(ArithmeticError_):
        evaluate(text)


def test_a_working_must_add_up_at_every_step_and_round_only_where_it_says():
    assert amount("0.01 × 80% = 0.008 → 0.01") == amount("0.01")
    for wrong in ("(27000 − 7000) × 85% = 17001", "0.01 × 80% = 0.008 → 0.00", "2 × 3 = 6 = 7", "1 ÷ 3",
                  "0.01 × 80%"):
        with pytest.raises(ArithmeticError_):
            amount(wrong)


def _broken(change):
    item = copy.deepcopy(EXAMPLE)
    change(item)
    return item


@pytest.mark.parametrize("change", [
    lambda i: i["expect"]["totals"].update(critical_ilness="17000.00"),          # misspelt tier
    lambda i: i["expect"]["visits"][0].update(medical_aids="7000.00"),
    lambda i: i["expect"].update(flag=["monitoring_return_to_poverty"]),          # misspelt key
    lambda i: i["expect"]["flags"].append("monitoring_return_to_poverti"),        # misspelt flag
    lambda i: i["expect"]["totals"].update(medical_aid="10000 × 70% = 7001"),      # wrong working
    lambda i: i.pop("clause"),                                                      # no clause named
    lambda i: i.update(clause="第九十九条"),                                         # a clause the document lacks
], ids=["tier", "visit tier", "key", "flag", "working", "no clause", "unknown clause"])
def test_a_malformed_case_is_refused(change):
    check_well_formed(EXAMPLE)
    with pytest.raises((AssertionError, ArithmeticError_)):
        check_well_formed(_broken(change))


@pytest.mark.parametrize("change", [
    lambda i: i["case"]["visits"].append({**i["case"]["visits"][0], "date": "2023-07-01"}),  # a visit left out
    lambda i: i["expect"]["totals"].update(out_of_pocket="6000.01"),
    lambda i: i.update(clause="第六条"),                   # named (参保资助), but not what these amounts rest on
    lambda i: i["expect"].update(error=True, field="date"),   # a refusal that does not happen
], ids=["missing visit", "amount", "clause not cited", "no refusal"])
def test_a_wrong_expectation_fails(change):
    check_worked(EXAMPLE)
    with pytest.raises((AssertionError, pytest.fail.Exception)):
        check_worked(_broken(change))


def test_a_refusal_must_name_the_right_field():
    refusal = next(p.values[0] for p in ALL if p.values[0]["expect"].get("field") == "basic_paid")
    check_worked(refusal)
    with pytest.raises(AssertionError):
        check_worked({**refusal, "expect": {**refusal["expect"], "field": "total"}})
    with pytest.raises(AssertionError):
        check_well_formed({**refusal, "expect": {"error": True}})
