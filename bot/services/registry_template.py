"""名录库模板: the blank registry workbook a coordinator fills in.

The first sheet has the Chinese headers (in the import layout), drop-down lists for every column
with fixed values, and text format for code columns (so Excel keeps 18-digit credit codes whole);
the second sheet, 说明, explains each column and its allowed values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from bot.domain.registry_format import SHEET_TITLES, Kind, columns, headers


def write_template(path: Path, kind: Kind) -> None:
    """A blank XLSX with the Chinese headers, drop-down lists for the enum columns, text format
    for code columns, and a second sheet 说明 explaining every column and its allowed values."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLES[kind]
    ws.append(list(headers(kind)))
    ws.freeze_panes = "A2"
    for i, col in enumerate(columns(kind), 1):
        letter = get_column_letter(i)
        ws.cell(1, i).font = Font(bold=True)
        ws.column_dimensions[letter].width = max(10, 2 * len(col.header) + 2)
        note = COLUMN_NOTES[col.header]
        if note.text_format:
            ws.column_dimensions[letter].number_format = "@"
        if col.labels:
            choices = ",".join(dict.fromkeys(col.labels.values()))
            dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
            dv.error, dv.errorTitle, dv.showErrorMessage = f"请选择：{choices}", col.header, True
            dv.add(f"{letter}2:{letter}1048576")
            ws.add_data_validation(dv)
    notes = wb.create_sheet("说明")
    notes.append(["列名", "必填", "说明", "允许的值", "示例"])
    for col in columns(kind):
        note = COLUMN_NOTES[col.header]
        allowed = "/".join(dict.fromkeys(col.labels.values())) if col.labels else note.allowed
        notes.append([col.header, note.required, note.meaning, allowed, note.example])
    for letter, width in zip("ABCDE", (18, 14, 60, 36, 40), strict=True):
        notes.column_dimensions[letter].width = width
    for cell in notes[1]:
        cell.font = Font(bold=True)
    tmp = Path(path).with_name(Path(path).name + ".part")
    wb.save(tmp)
    tmp.replace(path)


@dataclass(frozen=True)
class Note:
    """How the 说明 sheet of the template explains one column."""

    required: str
    meaning: str
    example: str = ""
    allowed: str = ""
    text_format: bool = False


# fmt: off
COLUMN_NOTES: dict[str, Note] = {
    "统一社会信用代码": Note("企业必填", "18 位（GB 32100-2015），含校验码；该列为文本格式",
                     "91130281MA07L8QH25", "18 位字母数字（不用 I、O、S、V、Z）", True),
    "对象编号": Note("无信用代码时必填", "稳定编号，摇号按它识别对象；填了信用代码时留空或与之相同",
                 "SYD-130281-001", "", True),
    "名称": Note("必填", "单位、项目或区域名称，最长 200 字", "遵化市鑫源水泥有限公司"),
    "对象类型": Note("否（空 = 企业）", "检查对象的类型", "企业"),
    "地址": Note("否", "详细地址", "河北省唐山市遵化市堡子店镇工业园区兴业路 18 号"),
    "所属区域": Note("否", "乡镇、街道或园区", "堡子店镇"),
    "行业代码": Note("否", "国民经济行业分类（GB/T 4754-2017）代码", "3011",
                 "2-4 位数字，可带门类字母，如 2611、C3011", True),
    "监管类别": Note("必填", "一般、重点或特殊监管对象（也接受“重点排污单位”等全称）", "重点"),
    "排污许可管理类别": Note("否", "排污许可管理类别；无排污许可时留空", "简化管理"),
    "信用评价": Note("否", "生态环境信用评价结果", "良好", "如 诚信、良好、警示、不良"),
    "正面清单": Note("否（空 = 否）", "是否列入生态环境监督执法正面清单（非现场监管）", "否"),
    "标签": Note("否", "名称=值，多个以 ; 分隔", "排放类型=废水;重污染天气绩效分级=B",
               "如 排放类型、重污染天气绩效分级、竣工日期=YYYY-MM-DD"),
    "状态": Note("必填", "经营状态；剔除的对象不参加摇号", "在产"),
    "状态原因": Note("剔除时必填", "停产、关闭或剔除的原因", "已注销"),
    "状态决定人": Note("剔除时必填", "谁决定剔除（人员或会议）", "综合科 王磊"),
    "纬度": Note("否（与经度同填）", "十进制度数", "40.189300", "-90 至 90"),
    "经度": Note("否（与纬度同填）", "十进制度数", "117.965800", "-180 至 180"),
    "最近违法日期": Note("否", "最近一次被查实违法的日期", "2025-06-30", "YYYY-MM-DD"),
    "核实投诉次数": Note("否（空 = 0）", "经核实的信访投诉次数", "2", "非负整数"),
    "挂牌督办": Note("否（空 = 否）", "是否被挂牌督办", "否"),
    "姓名": Note("必填", "姓名，最长 50 字", "王磊"),
    "部门": Note("必填", "所在科室或中队", "执法大队一中队"),
    "执法证号": Note("执法人员必填", "生态环境行政执法证编号；只有持证人员可被抽为执法人员",
                 "130281190012", "", True),
    "专家编号": Note("无执法证的辅助检查人员必填", "专家库编号", "ZJ-2026-003", "", True),
    "业务专长": Note("否", "以 ; 或 、 分隔", "水;大气;危废",
                 "常用：水、大气、固废、危废、辐射、土壤、噪声、环评"),
    "从业年限": Note("否（空 = 0）", "从事生态环境执法的年数", "8", "0 至 60 的整数"),
    "人员类别": Note("必填", "执法人员或辅助检查人员（专家，单独成库）", "执法人员"),
    "在岗": Note("必填", "不在岗的人员不参加摇号", "是"),
    "回避": Note("否", "对象编号:理由，多个以 ; 分隔；对象编号即信用代码或对象编号列的值",
               "91130281MA07L8QH25:近亲属任职"),
}
# fmt: on
