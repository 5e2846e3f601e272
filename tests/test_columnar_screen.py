"""`screen` with the columnar engine (the default) gives the core's rows, member by member."""
import pytest

from assistant.roster.members import Member
from assistant.roster.screen import DEFAULT_ENGINE, screen
from assistant.screening.synthetic import generate

from columnar_reference import cases_of


def _members(n: int, seed: int) -> list[Member]:
    out = []
    for person, case in cases_of(generate(n, seed=seed, max_visits=4, invalid_share=0.01)):
        out.append(Member(f"H{person // 3:05d}", f"成员{person}", f"15280119800101{person:04d}",
                          tuple(case["identities"]), case.get("insurance"), case.get("contribution_tier"),
                          tuple(case["visits"]), tuple(range(2, 2 + len(case["visits"]))), (1,)))
    out.append(Member("H99999", "没有就诊", "", (), None, None, (), (), (9,)))
    return out


def test_columnar_is_the_default_and_gives_the_core_rows():
    assert DEFAULT_ENGINE == "columnar"
    for policy in ("bayannur-2023", "tianjin-2023"):
        members = _members(600, seed=11 if policy.startswith("b") else 12)
        members = [m for m in members]
        want = screen(members, policy=policy, engine="core", workers=1)
        seen = []
        got = screen(members, policy=policy, progress=lambda done, total: seen.append((done, total)))
        assert got == want
        assert seen[-1] == (len(members), len(members))
        assert sum(1 for row in got if row.error) > 0  # refusals come through with their row numbers
        assert sum(1 for row in got if not row.error and not row.monitoring and not row.notes) > 50


def test_members_holding_an_identity_go_to_the_core_at_once():
    """救助 is what an identity brings, and 救助 needs the core's words: settling such a member in
    columns first would only be done twice."""
    from assistant.screening.roster import _prepare
    members = _members(300, seed=13)
    table, rest = _prepare(members, "bayannur-2023", None, None)
    holding = {n for n, m in enumerate(members) if m.identities}
    assert holding and holding <= set(rest)
    in_columns = set(table.column("person").to_pylist())
    assert in_columns and not (in_columns & holding)
    assert in_columns | set(rest) == set(range(len(members)))


@pytest.mark.parametrize("wordy", [0.0, 1.0])
def test_after_the_first_members_the_rest_go_where_they_cost_least_and_rows_stay_the_core_s(monkeypatch, wordy):
    """PROBE members are settled in columns first; with WORDY 0 every later one goes to the core
    at once, with WORDY 1 every later one is settled in columns. The rows are the core's either way."""
    from assistant.screening import roster
    monkeypatch.setattr(roster, "PROBE", 40)
    monkeypatch.setattr(roster, "WORDY", wordy)
    members = _members(400, seed=14)
    prepared = []
    real = roster._prepare

    def counting(members, policy, region, income, indices):
        prepared.append(len(indices))
        return real(members, policy, region, income, indices)
    monkeypatch.setattr(roster, "_prepare", counting)
    want = screen(members, policy="bayannur-2023", engine="core", workers=1)
    assert screen(members, policy="bayannur-2023") == want
    assert prepared[0] == 40 and len(prepared) == (1 if wordy == 0.0 else 2)
