"""检查结果 (the result of an inspection) in the standard wording that records and disclosures use.

The four outcomes a 现场检查记录表 may state, worst last. Their Chinese wording is fixed (it is
what gets published, 结果公开), whatever the language of the person who chose it. Pure.
"""

from __future__ import annotations

from enum import StrEnum


class Result(StrEnum):
    """检查结果: one of the four standard outcomes."""

    NO_PROBLEM = "no_problem"
    ORDERED_TO_RECTIFY = "ordered_to_rectify"
    CASE_FILED = "case_filed"
    REFERRED = "referred"

    @property
    def wording(self) -> str:
        """The standard Chinese wording (规范表述) used in records and publications."""
        return WORDING[self]

    @property
    def needs_finding(self) -> bool:
        """Every outcome but 未发现问题 states that a problem was found."""
        return self is not Result.NO_PROBLEM

    @property
    def opens_rectification(self) -> bool:
        """Whether the outcome orders the entity to fix what was found (责令改正).

        Filing a case or referring it does not excuse the fix: 《行政处罚法》第二十八条 requires
        the authority to order the violation corrected when it imposes a penalty.
        """
        return self.needs_finding


WORDING: dict[Result, str] = {
    Result.NO_PROBLEM: "未发现问题",
    Result.ORDERED_TO_RECTIFY: "发现问题已责令整改",
    Result.CASE_FILED: "发现违法行为已立案调查",
    Result.REFERRED: "移送司法机关",
}

RESULTS: tuple[Result, ...] = tuple(Result)


def result_problem(result: Result, finding_count: int) -> str | None:
    """Why `result` contradicts the answers (a catalogue key), or None when it fits.

    A record with findings cannot say 未发现问题, and one without any cannot say a problem
    was found: the answers and the result must tell the same story.
    """
    if finding_count and not result.needs_finding:
        return "sub_result_has_findings"
    if not finding_count and result.needs_finding:
        return "sub_result_no_findings"
    return None
