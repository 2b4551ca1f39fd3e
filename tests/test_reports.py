"""The XLSX reports read back with openpyxl and checked cell by cell against the database
(expected values come from SQL written here, not from the report code)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from openpyxl import load_workbook

from bot.domain.periods import Period
from bot.services.errors import Refusal
from bot.services.publication import publish
from bot.services.report_layouts import (
    DETAIL_HEADERS,
    DISPATCH_HEADERS,
    ENTITY_HEADERS,
    INDICATOR_HEADERS,
    INSPECTOR_HEADERS,
    PROGRESS_HEADERS,
    RESULT_HEADERS,
)
from bot.services.reports import write_report
from tests import publish_world as w
from tests.test_publication import env_for, rows

WORDING = {"no_problem": "未发现问题", "ordered_to_rectify": "发现问题已责令整改",
           "case_filed": "发现违法行为已立案调查", "referred": "移送司法机关"}  # fmt: skip
ITEM_NAMES = {"site": "污染源日常监管随机抽查", "waste": "危险废物规范化管理抽查",
              "radiation": "核技术利用单位辐射安全检查"}  # fmt: skip


def section(ws, headers) -> list[list]:  # noqa: ANN001
    """The data rows under the row holding exactly `headers`, up to the next empty row."""
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(values) if tuple(r[: len(headers)]) == tuple(headers))
    out = []
    for r in values[start + 1 :]:
        if all(v is None for v in r):
            break
        out.append(r[: len(headers)])
    return out


def pct(n: int, d: int) -> str:
    return "—" if d == 0 else f"{round(n * 1000 / d) / 10:.1f}%"


async def published_world(db, tmp_path):  # noqa: ANN001, ANN201
    world = await w.build(db)
    await publish(db, world.bureau_id, env_for(tmp_path, world))
    return world


async def scalar(db, sql: str, *args) -> int:  # noqa: ANN001
    return (await rows(db, sql, *args))[0][0]


TEAM = "FROM inspection_inspectors a JOIN inspections i ON i.id = a.inspection_id"
SUBMITTED = "FROM inspections i WHERE i.status = 'submitted' AND i.period = '2026Q3'"
LATEST = ("(SELECT r.result FROM inspection_records r WHERE r.inspection_id = i.id"
          " ORDER BY r.version DESC LIMIT 1)")  # fmt: skip


async def test_quarterly_report_cell_by_cell(db, tmp_path):
    world = await published_world(db, tmp_path)
    env = env_for(tmp_path, world, now=datetime(2026, 10, 5, 2, tzinfo=UTC))
    quarter = Period.parse("2026Q3")
    made = await write_report(db, world.bureau_id, quarter, env, tmp_path / "q.xlsx")
    wb = load_workbook(made.path)
    ws = wb["季度报表"]
    assert ws["A1"].value == "测试分局2026年第三季度“双随机、一公开”随机抽查工作季度报表"
    assert ws["A2"].value == "填报单位：测试分局　　统计截至：2026-09-30　　报送时限：2026-10-10前"
    # 一、分类抽查完成情况: population and achieved counted here with SQL
    expected = []
    groups = [("site", "key", "重点", "重点监管对象", "e.category = 'key'", 2),
              ("site", "general", "一般", "一般监管对象", "e.category = 'general'", 2),
              ("waste", "all", "全部对象", "全部对象", "1 = 1", 2),
              ("radiation", "all", "全部对象", "全部对象", "1 = 1", 1)]  # fmt: skip
    for n, (item, _, cat, gname, where, minimum) in enumerate(groups, start=1):
        population = await scalar(db, f"SELECT COUNT(*) FROM entities e WHERE {where}")
        achieved = await scalar(
            db, f"SELECT COUNT(DISTINCT e.id) FROM inspections i JOIN entities e"
            f" ON e.id = i.entity_id WHERE i.status = 'submitted' AND {where}"
            " AND EXISTS (SELECT 1 FROM json_each(i.items_json) j WHERE j.value = ?)", item,
        )  # fmt: skip
        expected.append(
            [n, cat, f"{ITEM_NAMES[item]}／{gname}", "2026年第三季度", population, minimum,
             pct(minimum, population), achieved, pct(achieved, population),
             "是" if achieved >= minimum else "否"]
        )  # fmt: skip
    assert section(ws, PROGRESS_HEADERS) == expected
    # 二、工作指标
    done = await scalar(db, f"SELECT COUNT(*) {SUBMITTED}")
    live = await scalar(db, "SELECT COUNT(*) FROM inspections WHERE status != 'cancelled'")
    joint = await scalar(db, f"SELECT COUNT(*) {SUBMITTED} AND json_array_length(items_json) > 1")
    problems = await scalar(db, f"SELECT COUNT(*) {SUBMITTED} AND {LATEST} != 'no_problem'")
    ordered = await scalar(db, "SELECT COUNT(*) FROM rectifications")
    closed = await scalar(db, "SELECT COUNT(*) FROM rectifications WHERE status = 'closed'")
    published = await scalar(db, "SELECT COUNT(*) FROM disclosures WHERE status = 'published'")
    withheld = await scalar(db, "SELECT COUNT(*) FROM disclosures WHERE status = 'withheld'")
    on_time = await scalar(
        db, "SELECT COUNT(*) FROM disclosures WHERE status = 'published' AND published_on <= due_on"
    )
    risk = 5  # K1, K2, G1, G4, G5: entities in the key/general groups of `site` (by hand)
    assert section(ws, INDICATOR_HEADERS) == [
        [1, "内部联合抽查占比", pct(joint, done), joint, done, "35.0%", "否"],
        [2, "运用信用风险分级分类的抽查占比", pct(risk, done), risk, done, "85.0%", "否"],
        [3, "任务完成率", pct(done, live), done, live, "—", "—"],
        [4, "问题发现率", pct(problems, done), problems, done, "—", "—"],
        [5, "整改完结率", pct(closed, ordered), closed, ordered, "—", "—"],
        [6, "结果公开率", pct(published, done - withheld), published, done - withheld, "—", "—"],
        [7, "及时公开率", pct(on_time, done - withheld), on_time, done - withheld, "—", "—"],
    ]
    results = [[WORDING[k], await scalar(db, f"SELECT COUNT(*) {SUBMITTED} AND {LATEST} = ?", k)]
               for k in WORDING]  # fmt: skip
    assert section(ws, RESULT_HEADERS) == [*results, ["合计", done]]
    assert section(ws, ("项目", "数量"))[1] == ["已公开", published]
    await _details(db, wb["检查结果明细"], world)


async def _details(db, ws, world: w.World) -> None:  # noqa: ANN001
    got = section(ws, DETAIL_HEADERS)
    sql = (
        "SELECT i.id, e.name, e.credit_code, i.items_json, i.period, i.confidential, d.status,"
        " d.published_on, d.withheld_reason, k.status,"
        " (SELECT MIN(r.submitted_at) FROM inspection_records r WHERE r.inspection_id = i.id),"
        f" {LATEST} FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " LEFT JOIN disclosures d ON d.inspection_id = i.id"
        " LEFT JOIN rectifications k ON k.inspection_id = i.id"
        " WHERE i.status = 'submitted' ORDER BY i.id"
    )
    want = await rows(db, sql)
    assert len(got) == len(want) == 7
    rect = {None: "—", "open": "整改中", "closed": "已完成整改"}
    for n, (row, db_row) in enumerate(zip(got, want, strict=True), start=1):
        iid, name, code, items, period, secret, status, on, reason, rstatus, at, result = db_row
        day = datetime.fromisoformat(at).astimezone(w.TZ).date().isoformat()
        if secret:
            assert row == [n, "（涉密记录，依法不予列示）", "—", "—", period, day, "—", "—", "—",
                           "不予公开"]  # fmt: skip
            continue
        disclosed = (f"已公开（{on}）" if status == "published" else
                     {"state_secret": "不予公开（国家秘密）"}[reason])  # fmt: skip
        assert row == [
            n, name, code, "；".join(ITEM_NAMES[i] for i in json.loads(items)), period, day,
            "张三、李四", WORDING[result], rect[rstatus], disclosed,
        ]  # fmt: skip


async def test_monthly_dispatch_report_cell_by_cell(db, tmp_path):
    world = await published_world(db, tmp_path)
    env = env_for(tmp_path, world, now=datetime(2026, 9, 3, 2, tzinfo=UTC))
    month = Period.parse("2026-08")
    made = await write_report(db, world.bureau_id, month, env, tmp_path / "m.xlsx")
    wb = load_workbook(made.path)
    ws = wb["调度表"]
    assert ws["A1"].value == "测试分局2026年8月“双随机、一公开”随机抽查工作调度表"
    assert ws["A2"].value.endswith("统计截至：2026-08-31　　报送时限：2026-09-05前")
    got = section(ws, DISPATCH_HEADERS)
    departments = {"site": "综合执法大队", "waste": "固体废物管理股", "radiation": "辐射安全股"}
    cover = "EXISTS (SELECT 1 FROM json_each(i.items_json) j WHERE j.value = ?)"
    expected = []
    for n, item in enumerate(["site", "waste", "radiation", None], start=1):
        where, args = (cover, (item,)) if item else ("1 = 1", ())
        base = f"FROM inspections i WHERE i.status = 'submitted' AND {where}"
        count = await scalar(db, f"SELECT COUNT(*) {base}", *args)
        joint = await scalar(db, f"SELECT COUNT(*) {base} AND json_array_length(items_json) > 1",
                             *args)  # fmt: skip
        by = [await scalar(db, f"SELECT COUNT(*) {base} AND {LATEST} = ?", *args, k)
              for k in WORDING]  # fmt: skip
        closed = await scalar(
            db, f"SELECT COUNT(*) {base} AND EXISTS (SELECT 1 FROM rectifications k WHERE"
            " k.inspection_id = i.id AND k.status = 'closed' AND k.closed_at < '2026-09')", *args,
        )  # fmt: skip
        pub = await scalar(
            db, f"SELECT COUNT(*) {base} AND EXISTS (SELECT 1 FROM disclosures d WHERE"
            " d.inspection_id = i.id AND d.status = 'published')", *args,
        )  # fmt: skip
        head = [n, ITEM_NAMES[item], departments[item]] if item else ["合计", None, None]
        expected.append([*head, count, joint, *by, closed, pub])
    assert got == expected
    assert got[-1][3] == 7  # all seven completions fell in August
    assert len(section(wb["本月检查明细"], DETAIL_HEADERS)) == 7
    assert section(wb["季度进度"], PROGRESS_HEADERS)[0][7] == 2


async def test_annual_counts_cell_by_cell(db, tmp_path):
    world = await published_world(db, tmp_path)
    made = await write_report(db, world.bureau_id, Period.parse("2026"),
                              env_for(tmp_path, world), tmp_path / "y.xlsx")  # fmt: skip
    wb = load_workbook(made.path)
    people = section(wb["执法人员"], INSPECTOR_HEADERS)
    want = await rows(
        db, "SELECT p.name, p.certificate_no, p.department,"
        f" (SELECT COUNT(*) {TEAM}"
        "  WHERE a.inspector_id = p.id AND a.active = 1 AND i.status != 'cancelled'),"
        f" (SELECT COUNT(*) {TEAM}"
        "  WHERE a.inspector_id = p.id AND a.role = 'lead' AND i.status != 'cancelled'),"
        f" (SELECT COUNT(*) {TEAM}"
        "  WHERE a.inspector_id = p.id AND i.status = 'submitted')"
        " FROM inspectors p ORDER BY p.department, p.name",
    )  # fmt: skip
    assert people == [[n, *r] for n, r in enumerate(want, start=1)]
    assert people[0][4:] == [8, 8, 7]  # 张三 led all eight live visits
    entities = section(wb["检查对象"], ENTITY_HEADERS)
    want = await rows(
        db, "SELECT e.name, e.credit_code, e.category, COUNT(*),"
        " SUM(i.status = 'submitted') FROM inspections i JOIN entities e ON e.id = i.entity_id"
        " WHERE i.status != 'cancelled' GROUP BY e.id ORDER BY e.stable_id",
    )  # fmt: skip
    labels = {"key": "重点", "general": "一般"}
    assert [r[:6] for r in entities] == [
        [n, name, code, labels[cat], drawn, done]
        for n, (name, code, cat, drawn, done) in enumerate(want, start=1)
    ]
    g5 = next(r for r in entities if r[1] == w.entity_name("G5"))
    assert g5[6] == "2026-08-14"


async def test_half_year_has_no_report(db, tmp_path):
    world = await w.build(db)
    with pytest.raises(Refusal) as refused:
        await write_report(db, world.bureau_id, Period.parse("2026H2"), env_for(tmp_path, world))
    assert refused.value.key == "reports_bad_period"
