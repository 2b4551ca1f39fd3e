"""检查内容 / 现场检查记录表: the questions of a check item's checklist, and how answers are read.

A `Question` is yes / no / not applicable, single or multiple choice, a number (unit, range),
text, photo, location or date; required or optional; asked only when an earlier answer calls for
it (`ask_if`); with the answers that count as a finding, i.e. a problem found (`finding_if`); and
with the legal basis (法律依据) shown to the inspector. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


class QuestionType(StrEnum):
    """题型."""

    YES_NO = "yes_no"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    NUMBER = "number"
    TEXT = "text"
    PHOTO = "photo"
    LOCATION = "location"
    DATE = "date"


CHOICES = {QuestionType.YES_NO, QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
YES_NO_VALUES = {"yes": "yes", "no": "no", "na": "na", "是": "yes", "否": "no", "不适用": "na"}


def _listify(value: object) -> object:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _texts(value: object) -> object:
    return None if value is None else [str(v).strip() for v in _listify(value)]  # type: ignore[union-attr]


def _options(value: object) -> object:
    items = _listify(value)
    if not isinstance(items, list):
        return items
    return [{"value": str(o)} if isinstance(o, str | int) else o for o in items]


class Option(BaseModel):
    """A choice: the stored value and the label shown (the value when no label is given)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    value: str = Field(min_length=1)
    label: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.value


class Condition(BaseModel):
    """A test on one answer; every test given must hold.

    `in` / `not_in` list choice values (yes_no: yes / no / na, or 是 / 否 / 不适用; for a
    multiple choice `in` holds when any selected value is listed); `gt` / `ge` / `lt` / `le`
    compare a number; `answered` tests whether an optional question was answered at all.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    in_: Annotated[list[str] | None, BeforeValidator(_texts)] = Field(default=None, alias="in")
    not_in: Annotated[list[str] | None, BeforeValidator(_texts)] = None
    gt: Decimal | None = None
    ge: Decimal | None = None
    lt: Decimal | None = None
    le: Decimal | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _some_test(self) -> Condition:
        tests = (self.in_, self.not_in, self.gt, self.ge, self.lt, self.le, self.answered)
        if all(t is None for t in tests):
            raise ValueError("a condition needs one of in, not_in, gt, ge, lt, le, answered")
        return self

    def problems(self, question: Question) -> list[str]:
        """Why this condition cannot apply to answers of `question` (empty when it can)."""
        out = []
        numeric = any(t is not None for t in (self.gt, self.ge, self.lt, self.le))
        if numeric and question.type is not QuestionType.NUMBER:
            out.append(f"gt/ge/lt/le need a number question, {question.id!r} is {question.type}")
        listed = [*(self.in_ or []), *(self.not_in or [])]
        if listed and question.type not in CHOICES:
            out.append(f"in/not_in need a choice question, {question.id!r} is {question.type}")
        elif listed:
            allowed = question.allowed_values()
            unknown = [v for v in listed if _canon(question.type, v) not in allowed]
            if unknown:
                out.append(
                    f"{', '.join(unknown)} not among the answers of {question.id!r}: "
                    f"{', '.join(sorted(allowed))}"
                )
        return out

    def holds(self, question: Question, answer: Any) -> bool:
        """Whether `answer` (None when not answered) to `question` passes every test."""
        if self.answered is not None and (answer is not None) != self.answered:
            return False
        tested = (self.in_, self.not_in, self.gt, self.ge, self.lt, self.le)
        if all(t is None for t in tested):
            return True
        if answer is None:
            return False
        picked = {_canon(question.type, v) for v in _listify(answer)}  # type: ignore[union-attr]
        if self.in_ is not None and not picked & {_canon(question.type, v) for v in self.in_}:
            return False
        if self.not_in is not None and picked & {_canon(question.type, v) for v in self.not_in}:
            return False
        return _numeric_ok(self, answer)


def _canon(kind: QuestionType, value: object) -> str:
    text = str(value).strip()
    return YES_NO_VALUES.get(text, text) if kind is QuestionType.YES_NO else text


def _numeric_ok(c: Condition, answer: Any) -> bool:
    if all(t is None for t in (c.gt, c.ge, c.lt, c.le)):
        return True
    try:
        x = Decimal(str(answer))
    except ArithmeticError:
        return False
    return (
        (c.gt is None or x > c.gt)
        and (c.ge is None or x >= c.ge)
        and (c.lt is None or x < c.lt)
        and (c.le is None or x <= c.le)
    )


class AskIf(Condition):
    """追问条件: ask this question only when the answer to an earlier question passes."""

    question: str = Field(min_length=1)


class Question(BaseModel):
    """检查内容中的一项: one question of a checklist."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    text: str = Field(min_length=1)
    type: QuestionType
    required: bool = True
    basis: str = ""
    hint: str = ""
    options: Annotated[list[Option], BeforeValidator(_options)] = Field(default_factory=list)
    unit: str = ""
    min: Decimal | None = None
    max: Decimal | None = None
    ask_if: AskIf | None = None
    finding_if: Annotated[list[Condition], BeforeValidator(_listify)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _shape(self) -> Question:
        choice = self.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE)
        if choice and len(self.options) < 2:
            raise ValueError(f"a {self.type} question needs at least two options")
        if not choice and self.options:
            raise ValueError(f"options are only for choice questions, not {self.type}")
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("two options share a value")
        ranged = self.unit or self.min is not None or self.max is not None
        if self.type is not QuestionType.NUMBER and ranged:
            raise ValueError("unit, min and max are only for number questions")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        for cond in self.finding_if:
            problems = cond.problems(self)
            if problems:
                raise ValueError(f"finding_if: {'; '.join(problems)}")
        return self

    def allowed_values(self) -> set[str]:
        """The answer values a choice question accepts (yes/no/na for yes_no)."""
        if self.type is QuestionType.YES_NO:
            return {"yes", "no", "na"}
        return {o.value for o in self.options}


def checklist_problems(questions: Sequence[Question]) -> list[str]:
    """What is wrong with a checklist as a whole: repeated ids, follow-ups of unknown or later
    questions, conditions that cannot apply. Empty when it is sound."""
    out: list[str] = []
    seen: dict[str, Question] = {}
    for i, q in enumerate(questions):
        if q.id in seen:
            out.append(f"checklist[{i}]: question id {q.id!r} is used twice")
        if q.ask_if is not None:
            target = seen.get(q.ask_if.question)
            if target is None:
                out.append(
                    f"checklist[{i}] ({q.id}): ask_if names {q.ask_if.question!r}, "
                    "which is not an earlier question"
                )
            else:
                out += [f"checklist[{i}] ({q.id}): ask_if: {p}" for p in q.ask_if.problems(target)]
        seen.setdefault(q.id, q)
    return out


def should_ask(
    question: Question, answers: Mapping[str, Any], by_id: Mapping[str, Question]
) -> bool:
    """Whether to ask `question` given the answers so far (question id -> answer)."""
    if question.ask_if is None:
        return True
    earlier = by_id[question.ask_if.question]
    if not should_ask(earlier, answers, by_id):
        return False
    return question.ask_if.holds(earlier, answers.get(earlier.id))


def is_finding(question: Question, answer: Any) -> bool:
    """Whether `answer` counts as a finding (问题发现) for `question`."""
    return any(cond.holds(question, answer) for cond in question.finding_if)


def answer_problem(question: Question, answer: Any) -> str | None:
    """Why `answer` is not acceptable for `question` (None when it is)."""
    if answer is None:
        return "an answer is required" if question.required else None
    kind = question.type
    if kind in CHOICES:
        picked = _listify(answer) if kind is QuestionType.MULTIPLE_CHOICE else [answer]
        bad = [str(v) for v in picked if _canon(kind, v) not in question.allowed_values()]  # type: ignore[union-attr]
        return f"not an option: {', '.join(bad)}" if bad else None
    if kind is QuestionType.NUMBER:
        return _number_problem(question, answer)
    if kind is QuestionType.DATE and not isinstance(answer, date):
        return "expected a date"
    return None


def _number_problem(question: Question, answer: Any) -> str | None:
    try:
        x = Decimal(str(answer))
    except ArithmeticError:
        return "expected a number"
    if question.min is not None and x < question.min:
        return f"below the minimum {question.min} {question.unit}".rstrip()
    if question.max is not None and x > question.max:
        return f"above the maximum {question.max} {question.unit}".rstrip()
    return None
