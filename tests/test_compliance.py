"""执行情况 figures: pure rules, then the hand-built bureau of tests/publish_world.py whose
answers were counted by hand (see its docstring)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from bot.domain.compliance import GroupTarget, VisitFact, compute, percent
from bot.domain.periods import Period
from bot.domain.results import Result
from bot.services.figures import compliance_for, overlapping_labels
from tests import publish_world as w

Q3 = Period.parse("2026Q3")


def target(item="site", members=("a", "b", "c", "d"), minimum=2, risk=True) -> GroupTarget:  # noqa: ANN001
    return GroupTarget(
        item, "事项", "key", "重点监管对象", "重点", risk, Q3, len(members), minimum,
        frozenset(members),
    )  # fmt: skip


def fact(n, sid, items=("site",), status="submitted", on=date(2026, 8, 1), **kw) -> VisitFact:  # noqa: ANN001
    return VisitFact(n, sid, tuple(items), Q3, status, completed_on=on, **kw)


def test_percent_rounds_half_up_and_shows_nothing_for_no_value():
    assert percent(Fraction(2, 7)) == "28.6%"
    assert percent(Fraction(1, 8)) == "12.5%" and percent(Fraction(1, 16)) == "6.3%"
    assert percent(None) == "—" and percent(Fraction(1)) == "100.0%"


def test_achieved_counts_distinct_members_covering_the_item_by_as_of():
    visits = [
        fact(1, "a"),
        fact(2, "a"),  # the same entity twice counts once
        fact(3, "b", items=("waste",)),  # another item
        fact(4, "x"),  # not a member
        fact(5, "c", on=date(2026, 9, 2)),  # after as_of
        fact(6, "d", status="assigned", on=None),
    ]
    c = compute(Q3, date(2026, 8, 31), [target()], visits)
    g = c.groups[0]
    assert (g.achieved, g.met, g.shortfall) == (1, False, 1)
    assert g.achieved_share == Fraction(1, 4) and g.minimum_share == Fraction(1, 2)
    assert (c.visits, c.completed) == (6, 4)
    assert c.completion.value == Fraction(4, 6)


def test_joint_and_credit_risk_shares_against_targets():
    visits = [
        fact(1, "a", items=("site", "waste")),
        fact(2, "b"),
        fact(3, "x", items=("waste",)),
        fact(4, "y", items=("waste",)),
    ]
    c = compute(
        Q3, date(2026, 9, 30), [target(), target("waste", ("a", "x"), risk=False)], visits,
        joint_target=Fraction(35, 100), credit_risk_target=Fraction(85, 100),
    )  # fmt: skip
    assert (c.joint.numerator, c.joint.denominator, c.joint.met) == (1, 4, False)
    assert (c.credit_risk.numerator, c.credit_risk.denominator) == (2, 4)
    assert c.credit_risk.met is False
    assert compute(Q3, date(2026, 9, 30), [], []).joint.met is None


def test_violation_and_rectification_closure_as_of():
    visits = [
        fact(1, "a", result=Result.NO_PROBLEM),
        fact(2, "b", result=Result.ORDERED_TO_RECTIFY, rectification="closed",
             rectification_closed_on=date(2026, 9, 10)),
        fact(3, "c", result=Result.REFERRED, rectification="open"),
    ]  # fmt: skip
    early = compute(Q3, date(2026, 9, 1), [], visits)
    assert early.violation.value == Fraction(2, 3)
    assert early.rectification_closure.value == Fraction(0, 2)
    late = compute(Q3, date(2026, 9, 30), [], visits)
    assert late.rectification_closure.value == Fraction(1, 2)


def test_overlapping_labels_of_a_month():
    assert overlapping_labels(Period.parse("2026-08")) == ["2026-08", "2026Q3", "2026H2", "2026"]


async def test_known_answers_on_the_hand_built_bureau(db):
    world = await w.build(db)
    async with db.read() as conn:
        c = await compliance_for(
            conn, world.bureau_id, Q3, date(2026, 8, 20), world.item_list, w.TZ
        )
    got = {(g.target.item_id, g.target.group_id): g for g in c.groups}
    assert {k: (g.target.population, g.target.minimum, g.achieved) for k, g in got.items()} == {
        ("site", "key"): (4, 2, 2),
        ("site", "general"): (8, 2, 3),
        ("waste", "all"): (12, 2, 2),
        ("radiation", "all"): (12, 1, 2),
    }
    assert got[("site", "key")].target.category == "重点"
    assert got[("waste", "all")].target.risk_based is False
    assert (c.visits, c.completed) == (8, 7)
    assert (c.joint.numerator, c.joint.denominator) == (2, 7)
    assert c.joint.target == Fraction(35, 100) and c.joint.met is False
    assert (c.credit_risk.numerator, c.credit_risk.denominator) == (5, 7)
    assert c.credit_risk.met is False
    assert c.completion.value == Fraction(7, 8)
    assert c.violation.value == Fraction(2, 7)
    assert c.rectification_closure.value == Fraction(1, 2)
    # nothing tracked or published yet: no disclosure states
    assert (c.disclosure.numerator, c.disclosure.denominator) == (0, 0)
    before = await _compliance(db, world, date(2026, 8, 10))
    assert before.completed == 6  # G5 was submitted on 08-14


async def _compliance(db, world: w.World, as_of: date):  # noqa: ANN001, ANN202
    async with db.read() as conn:
        return await compliance_for(conn, world.bureau_id, Q3, as_of, world.item_list, w.TZ)
