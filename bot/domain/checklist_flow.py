"""检查流程: walking a visit's checklist one question at a time. Pure: no I/O, no clock.

A visit covers one or more check items; its checklist is their questions in item order, frozen
(`FrozenChecklist`) when the checklist is first opened, so a later edit of the item list never
changes what a record means. Answers are a mapping from question key (``item/question``) to a
JSON value; ``None`` means an optional question was skipped, a missing key means not answered.

Who may answer what: on a joint visit each inspector answers the items of their own department;
an item whose department nobody on the visit belongs to may be answered by anyone on it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from bot.domain.checklist import Question, is_finding, should_ask
from bot.domain.itemlist import ItemList

Answers = Mapping[str, Any]
May = Callable[["FrozenQuestion"], bool]


@dataclass(frozen=True, slots=True)
class FrozenQuestion:
    """One question of a visit's frozen checklist, with the item it belongs to."""

    index: int
    item_id: str
    item_name: str
    department: str
    question: Question
    # ``item/question``: unique within a visit. Worked out once (the flow reads it of every
    # question several times per answer).
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.item_id}/{self.question.id}")


@dataclass(frozen=True)
class FrozenChecklist:
    """检查表快照: the questions a visit asks, as they stood when it was frozen."""

    questions: tuple[FrozenQuestion, ...]
    source: str = ""

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON: two snapshots with the same digest ask the same."""
        return hashlib.sha256(self.to_json().encode("utf-8")).hexdigest()

    @cached_property
    def _by_key(self) -> dict[str, FrozenQuestion]:
        return {fq.key: fq for fq in self.questions}

    @cached_property
    def _by_item(self) -> dict[str, dict[str, Question]]:
        out: dict[str, dict[str, Question]] = {}
        for fq in self.questions:
            out.setdefault(fq.item_id, {})[fq.question.id] = fq.question
        return out

    @cached_property
    def _triggers(self) -> tuple[str, ...]:
        """Keys of the questions some `ask_if` names: the only answers `askable` reads."""
        return tuple(
            dict.fromkeys(
                f"{fq.item_id}/{fq.question.ask_if.question}"
                for fq in self.questions
                if fq.question.ask_if is not None
            )
        )

    @cached_property
    def _asked(self) -> dict[tuple[Any, ...], tuple[FrozenQuestion, ...]]:
        """`askable`'s answers by the trigger answers they depend on (the snapshot never
        changes, so neither does what a given set of trigger answers asks)."""
        return {}

    @cached_property
    def _found(self) -> dict[tuple[Any, ...], bool]:
        """`finding_in`'s answers by question and (short scalar) answer."""
        return {}

    def get(self, key: str) -> FrozenQuestion | None:
        """The question with `key`, or None."""
        return self._by_key.get(key)

    def at(self, index: int) -> FrozenQuestion | None:
        """The question at `index`, or None when out of range."""
        return self.questions[index] if 0 <= index < len(self.questions) else None

    @property
    def departments(self) -> list[str]:
        """The items' departments, in order, without repeats."""
        return list(dict.fromkeys(fq.department for fq in self.questions))

    def to_json(self) -> str:
        """Canonical JSON (sorted keys, no spaces): what is stored and hashed."""
        rows = [
            {
                "item_id": fq.item_id,
                "item_name": fq.item_name,
                "department": fq.department,
                "question": fq.question.model_dump(mode="json", by_alias=True, exclude_none=True),
            }
            for fq in self.questions
        ]
        doc = {"source": self.source, "questions": rows}
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> FrozenChecklist:
        """The snapshot stored by `to_json`."""
        doc = json.loads(text)
        questions = tuple(
            FrozenQuestion(
                i,
                r["item_id"],
                r["item_name"],
                r["department"],
                Question.model_validate(r["question"]),
            )
            for i, r in enumerate(doc["questions"])
        )
        return cls(questions, doc.get("source", ""))


def freeze(item_list: ItemList, item_ids: Sequence[str]) -> FrozenChecklist:
    """The checklist of a visit covering `item_ids` (KeyError names an item not in the list)."""
    out: list[FrozenQuestion] = []
    for item_id in item_ids:
        item = item_list.item(item_id)
        for q in item.checklist:
            out.append(FrozenQuestion(len(out), item.id, item.name, item.department, q))
    source = " ".join(p for p in (item_list.bureau, item_list.title, item_list.source) if p)
    return FrozenChecklist(tuple(out), source)


def _item_answers(checklist: FrozenChecklist, answers: Answers, item_id: str) -> dict[str, Any]:
    prefix = item_id + "/"
    return {k[len(prefix) :]: v for k, v in answers.items() if k.startswith(prefix)}


_ASKED_MOST = 256  # remembered trigger answers per snapshot (free text could vary without end)
_SCALARS = (str, int, float, bool, type(None))


def askable(checklist: FrozenChecklist, answers: Answers) -> tuple[FrozenQuestion, ...]:
    """The questions to ask given the answers so far (follow-ups only when called for).

    Only the answers of the questions some `ask_if` names matter, so the result is remembered
    on the snapshot by those answers (with their types: 1 and True are different answers);
    an answer that is a list or an object is worked out each time."""
    if not checklist._triggers:
        return checklist.questions
    key = tuple(
        (v.__class__, repr(v) if v.__class__ is float else v)  # -0.0 and nan as written
        for v in map(answers.get, checklist._triggers)
    )
    if all(c in _SCALARS for c, _ in key):
        memo = checklist._asked
        found = memo.get(key)
        if found is None:
            if len(memo) >= _ASKED_MOST:
                memo.clear()
            found = memo[key] = _askable(checklist, answers)
        return found
    return _askable(checklist, answers)


_FOUND_MOST = 1024  # remembered (question, answer) findings per snapshot


def finding_in(checklist: FrozenChecklist, fq: FrozenQuestion, value: Any) -> bool:
    """`is_finding` for a question of `checklist`, remembered on the (immutable) snapshot for
    short scalar answers (with their types, as `askable`); lists, objects and long texts are
    worked out each time. The review asks it of every line, each time it is shown."""
    cls = value.__class__
    if cls not in _SCALARS or (cls is str and len(value) > 64):
        return is_finding(fq.question, value)
    key = (fq.key, cls, repr(value) if cls is float else value)
    memo = checklist._found
    found = memo.get(key)
    if found is None:
        if len(memo) >= _FOUND_MOST:
            memo.clear()
        found = memo[key] = is_finding(fq.question, value)
    return found


def _askable(checklist: FrozenChecklist, answers: Answers) -> tuple[FrozenQuestion, ...]:
    per_item: dict[str, dict[str, Any]] = {}
    out = []
    for fq in checklist.questions:
        if fq.question.ask_if is None:
            out.append(fq)
            continue
        item_answers = per_item.get(fq.item_id)
        if item_answers is None:
            item_answers = per_item[fq.item_id] = _item_answers(checklist, answers, fq.item_id)
        if should_ask(fq.question, item_answers, checklist._by_item[fq.item_id]):
            out.append(fq)
    return tuple(out)


@lru_cache(maxsize=4096)
def department_matches(item_department: str, person_department: str) -> bool:
    """Whether a person of `person_department` belongs to the item's department.

    Names are compared after dropping the bureau's name (up to the last 局) and a squad suffix
    (一中队…), and one must contain the other: 综合执法大队一中队 belongs to 某某分局综合执法大队.
    """
    a, b = _unit(item_department), _unit(person_department)
    return bool(a and b) and (a in b or b in a)


_SQUAD = re.compile(r"[一二三四五六七八九十\d]+(中队|组|分队)$")


def _unit(name: str) -> str:
    tail = name.rsplit("局", 1)[-1] if "局" in name[:-1] else name
    return _SQUAD.sub("", tail.strip())


def may_answer(
    fq: FrozenQuestion, person_department: str, visit_departments: Sequence[str]
) -> bool:
    """Whether a person of `person_department` may answer `fq` on a visit staffed by people of
    `visit_departments`: their own department's items, and items nobody on the visit owns."""
    if department_matches(fq.department, person_department):
        return True
    return not any(department_matches(fq.department, d) for d in visit_departments)


def mine(checklist: FrozenChecklist, answers: Answers, may: May) -> list[FrozenQuestion]:
    """The askable questions this person may answer, in order."""
    return [fq for fq in askable(checklist, answers) if may(fq)]


def next_question(
    checklist: FrozenChecklist, answers: Answers, may: May, after: int = -1
) -> FrozenQuestion | None:
    """The first unanswered question this person may answer after index `after`, else the first
    unanswered one before it; None when everything they may answer is answered."""
    return next_in(mine(checklist, answers, may), answers, after)


def next_in(
    own: Sequence[FrozenQuestion], answers: Mapping[str, Any], after: int = -1
) -> FrozenQuestion | None:
    """`next_question` within `own` (as `mine` gives them; `answers` only by key)."""
    open_ = [fq for fq in own if fq.key not in answers]
    later = [fq for fq in open_ if fq.index > after]
    return (later or open_ or [None])[0]


def previous_question(
    checklist: FrozenChecklist, answers: Answers, may: May, before: int
) -> FrozenQuestion | None:
    """The askable question this person may answer just before index `before`, or None."""
    return previous_in(mine(checklist, answers, may), before)


def previous_in(own: Sequence[FrozenQuestion], before: int) -> FrozenQuestion | None:
    """The question of `own` (as `mine` gives them) just before index `before`, or None."""
    earlier = [fq for fq in own if fq.index < before]
    return earlier[-1] if earlier else None


def progress(
    checklist: FrozenChecklist, answers: Answers, may: May, current: FrozenQuestion
) -> tuple[int, int]:
    """(position of `current`, number of questions) among those this person is asked: "3/12"."""
    return progress_in(mine(checklist, answers, may), current)


def progress_in(own: Sequence[FrozenQuestion], current: FrozenQuestion) -> tuple[int, int]:
    """`progress` within `own` (as `mine` gives them): the last position if `current` is not."""
    keys = [fq.key for fq in own]
    position = keys.index(current.key) + 1 if current.key in keys else len(keys)
    return position, len(own)


def missing_required(
    checklist: FrozenChecklist,
    answers: Answers,
    asked: Sequence[FrozenQuestion] | None = None,
) -> list[FrozenQuestion]:
    """Askable required questions without an answer: the record cannot be submitted yet
    (`asked`: the askable questions, when the caller has them already)."""
    if asked is None:
        asked = askable(checklist, answers)
    return [fq for fq in asked if fq.question.required and answers.get(fq.key) is None]


def findings(checklist: FrozenChecklist, answers: Answers) -> list[FrozenQuestion]:
    """Askable questions whose answer counts as a finding (问题发现)."""
    return [
        fq
        for fq in askable(checklist, answers)
        if fq.key in answers
        and answers[fq.key] is not None
        and is_finding(fq.question, answers[fq.key])
    ]
