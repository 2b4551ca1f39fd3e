"""结果公开 rules (bot.domain.disclosure): wording, withholding, the disclosure figures."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from bot.domain.disclosure import (
    PUBLIC_HEADERS,
    CompletedInspection,
    DisclosureState,
    ItemInfo,
    PublicRow,
    WithholdReason,
    decide,
    decide_all,
    disclosure_figures,
    parse_reason,
    withheld_text,
)
from bot.domain.itemlist import parse_item_list
from bot.domain.results import Result

SITE = ItemInfo("site", "污染源日常监管", "综合执法大队")
WASTE = ItemInfo("waste", "危废规范化管理", "固废股")
SECRET = ItemInfo("rad", "辐射安全检查", "辐射股", WithholdReason.STATE_SECRET)


def visit(n: int = 1, items=(SITE,), result=Result.NO_PROBLEM, **kw) -> CompletedInspection:  # noqa: ANN001
    fields = {"credit_code": "91X", **kw}
    return CompletedInspection(
        inspection_id=n, period="2026Q3", entity_name=f"甲{n}厂", items=items,
        completed_on=date(2026, 8, n), result=result, **fields,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("result", "wording"),
    [
        (Result.NO_PROBLEM, "未发现问题"),
        (Result.ORDERED_TO_RECTIFY, "发现问题已责令整改"),
        (Result.CASE_FILED, "发现违法行为已立案调查"),
        (Result.REFERRED, "移送司法机关"),
    ],
)
def test_published_row_uses_the_standard_wording(result, wording):
    public, withheld = decide(visit(result=result))
    assert withheld is None
    assert public.cells(3) == [
        "3", "2026Q3", "甲1厂", "91X", "污染源日常监管", "2026-08-01", "综合执法大队", wording,
    ]  # fmt: skip
    assert len(public.cells(1)) == len(PUBLIC_HEADERS)


def test_confidential_record_is_withheld_whole_with_its_reason():
    public, withheld = decide(
        visit(confidential=WithholdReason.COMMERCIAL_SECRET, confidential_note="工艺配方")
    )
    assert public is None
    assert withheld.whole and withheld.reason is WithholdReason.COMMERCIAL_SECRET
    assert withheld.note == "工艺配方"


def test_confidential_item_is_left_out_and_a_visit_of_only_that_item_is_withheld():
    public, withheld = decide(visit(items=(SITE, SECRET, WASTE)))
    assert public.items == ("污染源日常监管", "危废规范化管理")
    assert public.departments == ("综合执法大队", "固废股")
    assert "辐射" not in "".join(public.cells(1))
    assert public.wording == "未发现问题（部分事项依法不予公开）"
    assert not withheld.whole and withheld.items == ("rad",)
    public, withheld = decide(visit(items=(SECRET,)))
    assert public is None and withheld.whole and withheld.reason is WithholdReason.STATE_SECRET


def test_no_credit_code_is_a_dash_and_rows_are_ordered():
    rows = decide_all([visit(3), visit(1, credit_code=None), visit(2)])
    assert [r.inspection_id for r in rows.public] == [1, 2, 3]
    assert rows.public[0].credit_code == "—"


def test_public_row_round_trips_through_json():
    row = decide(visit(items=(SITE, SECRET)))[0]
    assert PublicRow.from_json(row.to_json()) == row


def test_reasons_read_in_chinese_or_code():
    assert parse_reason("国家秘密") is WithholdReason.STATE_SECRET
    assert parse_reason("商业机密") is WithholdReason.COMMERCIAL_SECRET
    assert parse_reason(" personal_privacy ") is WithholdReason.PERSONAL_PRIVACY
    with pytest.raises(ValueError, match="国家秘密"):
        parse_reason("机密")


def test_withheld_text_counts_per_reason():
    counts = Counter({WithholdReason.COMMERCIAL_SECRET: 2, WithholdReason.STATE_SECRET: 1})
    assert withheld_text(counts) == "依法不予公开 3 条（国家秘密 1，商业秘密 2）"
    assert withheld_text(Counter()) == ""


def test_item_list_marks_an_item_confidential():
    text = """
bureau: 局
items:
  - id: rad
    name: 辐射
    department: 辐射股
    confidential: 个人隐私
    checklist: [{id: q, text: 问, type: yes_no}]
    groups: [{id: all, name: 全部, quota: {rule: count, count: 1}}]
"""
    assert parse_item_list(text, "x").items[0].confidential is WithholdReason.PERSONAL_PRIVACY
    with pytest.raises(Exception, match="not a reason to withhold"):
        parse_item_list(text.replace("个人隐私", "保密"), "x")


def test_disclosure_figures_count_on_time_late_overdue_and_withheld():
    due = date(2026, 8, 17)
    states = [
        DisclosureState(1, due, date(2026, 8, 17)),  # on time (the due day counts)
        DisclosureState(2, due, date(2026, 8, 18)),  # late
        DisclosureState(3, due, None),  # overdue on 08-20
        DisclosureState(4, date(2026, 8, 28), None),  # waiting
        DisclosureState(5, due, None, withheld=True),  # not owed
        DisclosureState(6, due, date(2026, 8, 21)),  # published after as_of: not yet
    ]
    f = disclosure_figures(states, date(2026, 8, 20))
    assert (f.completed, f.withheld, f.owed) == (6, 1, 5)
    assert (f.published, f.on_time, f.published_late) == (2, 1, 1)
    assert (f.overdue, f.waiting, f.late) == (2, 1, 3)
    assert f.rate == pytest.approx(2 / 5) and f.on_time_rate == pytest.approx(1 / 5)
    assert disclosure_figures([], date(2026, 8, 20)).rate is None
