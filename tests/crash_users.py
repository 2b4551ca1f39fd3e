"""Scripted people for the crash-safety test: inspectors answering checklists and a coordinator
running draws, against a bot that may die at any moment.

They behave like careful people: act on what the screen shows, wait for the bot's answer, and when
none comes (the bot was killed) re-tap the same button if the message is unchanged, or else open
the visit again with `/tasks N` and carry on from what it shows. An answer counts as
acknowledged only when, after it was given, the bot showed a later step of the checklist.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bot.domain.checklist import Question
from bot.domain.periods import Period
from bot.emulator import FakeUser
from bot.services.plan import read_item_list
from tests.crash_world import ITEM, ITEMS_FILE, Visit

ACK_TIMEOUT = 6.0  # longer than a restart (about 2 s), so a slow answer is not taken for none
POSITION = re.compile(r"第 (\d+)/(\d+) 题")
YES_NO = {"是": "yes", "否": "no", "不适用": "na"}
SCREENS = [  # (what the text contains, screen kind), first match wins
    ("按钮已过期", "stale"),
    ("检查记录已提交", "submitted"),
    ("已提交，记录不可更改", "closed"),
    ("找不到编号为", "closed"),
    ("📋 汇总 · ", "review"),
    ("请输入被检查单位在场负责人", "sub_name"),
    ("请选择检查结果", "sub_result"),
    ("请确认提交", "sub_confirm"),
    ("发送当前位置完成签到", "checkin"),
    ("检查对象：", "card"),
]
NOTICES = ("你已签到", "现在不需要位置", "请在汇总中点", "请点按钮作答", "没有理解您的意思")


def questions() -> dict[str, Question]:
    """The checklist of the item every scripted visit has, by question text."""
    item = next(i for i in read_item_list(ITEMS_FILE).items if i.id == ITEM)
    return {q.text: q for q in item.checklist}


QUESTIONS = questions()


def classify(text: str | None) -> str | None:
    """What kind of screen a bot message is, or None for anything else (a notification)."""
    text = text or ""
    if POSITION.search(text) and "事项：" in text:
        return "question"
    for marker, kind in SCREENS:
        if marker in text:
            return kind
    return "notice" if any(n in text for n in NOTICES) else None


def question_of(text: str) -> Question:
    """The question a question screen shows (the longest question text it contains)."""
    found = [q for t, q in QUESTIONS.items() if t in text]
    assert found, text
    return max(found, key=lambda q: len(q.text))


@dataclass
class Tally:
    """What the scripted people saw: acknowledged answers and submissions, and every retry."""

    acked: dict[tuple[int, str], Any] = field(default_factory=dict)  # (visit, question) -> value
    acked_at: dict[tuple[int, str], float] = field(default_factory=dict)  # monotonic time seen
    intended: dict[tuple[int, str], Any] = field(default_factory=dict)
    submitted_acked: set[int] = field(default_factory=set)
    finished: set[int] = field(default_factory=set)
    draws_acked: set[str] = field(default_factory=set)
    draws_done: set[str] = field(default_factory=set)
    no_ack: Counter[str] = field(default_factory=Counter)  # kind of action -> unanswered tries
    latency: list[float] = field(default_factory=list)  # seconds from an action to its answer


@dataclass
class Action:
    """One thing a person does: tap a label on a message, type text, or share a location."""

    kind: str  # tap | text | location
    label: str = ""
    message_id: int | None = None
    lat: float = 0.0
    lon: float = 0.0

    async def do(self, u: FakeUser) -> None:
        if self.kind == "tap":
            await u.tap(self.label, message_id=self.message_id)
        elif self.kind == "text":
            await u.send(self.label)
        else:
            await u.share_location(self.lat, self.lon)


async def next_screen(u: FakeUser, timeout: float = ACK_TIMEOUT) -> Any:
    """The bot's next message or edit in u's chat that is a screen of the flow, or None."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while (left := end - loop.time()) > 0:
        try:
            msg = await u.wait_reply(timeout=left, wait_edit=True)
        except TimeoutError:
            return None
        if classify(msg.text) is not None:
            return msg
    return None


class Inspector:
    """One inspector answering each of their visits alone, then submitting it."""

    def __init__(self, u: FakeUser, visits: list[Visit], rng: random.Random, tally: Tally):
        self.u, self.visits, self.rng, self.tally = u, visits, rng, tally

    def plan(self, visit: Visit) -> dict[str, tuple[str, str, Any]]:
        """Question id -> (action kind, label or text, the value it stores); fixed per visit, so
        a retry gives the same answer."""
        r = self.rng
        reading = f"{r.randint(1, 999)}.{r.randint(1, 9)}"
        note = f"现场检查#{visit.id}：{r.choice(['正常', '已提醒整改台账', '设备维护中'])}"
        taps = {"eia": "是", "acceptance": "是", "permit": "是", "evasion": "否"}
        taps |= {k: r.choice(["是", "不适用"]) for k in ("online-monitoring", "hazardous-waste")}
        plan = {k: ("tap", v, YES_NO[v]) for k, v in taps.items()}
        plan["facilities"] = ("tap", "正常运行", "正常运行")
        plan["field-reading"] = ("text", reading, reading)
        plan["notes"] = ("text", note, note)
        plan["check-in"] = ("location", "", (visit.latitude, visit.longitude))
        for qid, (_, _, value) in plan.items():
            self.tally.intended[(visit.id, qid)] = value
        return plan

    async def run(self) -> None:
        for visit in self.visits:
            await self.do_visit(visit)

    async def open_visit(self, visit: Visit) -> Any:
        """`/tasks N` until the bot shows something of the flow."""
        for _ in range(20):
            await self.u.send(f"/tasks {visit.id}")
            screen = await next_screen(self.u)
            if screen is not None:
                return screen
            self.tally.no_ack["/tasks"] += 1
        raise AssertionError(f"/tasks {visit.id} never answered\n{self.u.render_transcript()}")

    def decide(self, screen: Any, visit: Visit, plan: dict) -> tuple[Action | None, tuple]:
        """What to do on this screen, and the answer it gives (visit, question, value) if any."""
        kind, mid = classify(screen.text), screen.message_id
        if kind == "card":
            for label in ("📍 签到", "▶ 继续检查", "▶ 开始检查"):
                if label in screen.buttons:
                    return Action("tap", label, mid), ()
        if kind == "checkin":
            return Action("location", lat=visit.latitude, lon=visit.longitude), ()
        if kind == "question":
            q = question_of(screen.text)
            how, label, value = plan[q.id]
            lat, lon = value if how == "location" else (0.0, 0.0)
            action = Action(how, label, mid if how == "tap" else None, lat, lon)
            return action, (visit.id, q.id, value)
        steps = {
            "review": Action("tap", "✅ 提交", mid),
            "sub_name": Action("text", "刘建国 副总经理"),
            "sub_result": Action("tap", "未发现问题", mid),
            "sub_confirm": Action("tap", "✅ 确认提交", mid),
        }
        return steps.get(kind or ""), ()

    async def do_visit(self, visit: Visit) -> None:
        plan = self.plan(visit)
        screen = await self.open_visit(visit)
        for _ in range(300):
            kind = classify(screen.text)
            if kind in ("submitted", "closed"):
                if kind == "submitted":
                    self.tally.submitted_acked.add(visit.id)
                self.tally.finished.add(visit.id)
                return
            action, answer = self.decide(screen, visit, plan)
            if action is None:  # out of date, a notice, or nothing to do here: look again
                screen = await self.open_visit(visit)
                continue
            shown, began = screen.text, time.monotonic()
            try:
                await action.do(self.u)
            except (LookupError, ValueError):  # the button is gone: the screen changed
                screen = await self.open_visit(visit)
                continue
            new = await next_screen(self.u)
            if new is not None:
                self.tally.latency.append(time.monotonic() - began)
            if new is None and action.kind == "tap" and screen.text == shown:
                self.tally.no_ack[f"{kind} (re-tapped)"] += 1
                await action.do(self.u)  # unchanged and unanswered: tap it again
                new = await next_screen(self.u)
            if new is None:
                self.tally.no_ack[kind or "?"] += 1
                screen = await self.open_visit(visit)
                continue
            if answer and self._moved_on(new.text, answer[1]):
                self.tally.acked[answer[:2]] = answer[2]
                self.tally.acked_at[answer[:2]] = time.monotonic()
            screen = new
        raise AssertionError(f"visit {visit.id} did not finish\n{self.u.render_transcript()}")

    @staticmethod
    def _moved_on(text: str, qid: str) -> bool:
        """The bot shows a later step than question `qid`: the answer was taken."""
        kind = classify(text)
        return kind == "review" or (kind == "question" and question_of(text).id != qid)


async def run_draw(coord: FakeUser, period: str, tally: Tally, timeout: float = 8.0) -> None:
    """/draw PERIOD, confirm the preview; again from the start whenever no answer comes."""
    for _ in range(15):
        await coord.send(f"/draw {period}")
        for _ in range(8):
            try:
                msg = await coord.wait_reply(timeout=timeout, wait_edit=True)
            except TimeoutError:
                tally.no_ack["/draw"] += 1
                break
            text = msg.text or ""
            if "摇号完成" in text and Period.parse(period).label_zh in text:
                tally.draws_acked.add(period)
                tally.draws_done.add(period)
                return
            if "已经摇号" in text:
                tally.draws_done.add(period)
                return
            if "摇号预览" in text and "确认摇号" in msg.buttons:
                await coord.tap("确认摇号", message_id=msg.message_id)
    raise AssertionError(f"draw {period} never done\n{coord.render_transcript()}")
