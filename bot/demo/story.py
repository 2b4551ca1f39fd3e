"""The demo story (演示剧本): a bureau comes alive in the bot, scene by scene.

Each scene uses the real bot over HTTP against the emulator; nothing below the Bot API is faked.
"""

from __future__ import annotations

import re
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo import scene_draw, scene_inspection, scene_late, scene_publish
from bot.demo.narrator import Narrator
from bot.domain.models import InspectorKind
from bot.domain.synthetic import generate_entities, generate_inspectors
from bot.harness import LocalBot
from bot.i18n import t
from bot.services.registry_io import import_registry, write_models
from bot.settings import load_settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ADMIN, COORDINATOR, MANAGER, INSPECTOR, STRANGER = 10001, 20001, 30001, 40001, 99999
CODE = re.compile(r"start=([A-Za-z0-9_-]+)")


@dataclass
class DemoOptions:
    """What `shuangsuiji demo` was asked for."""

    lang: str = "zh-CN"
    out: Path | None = None
    entities: int = 60
    inspectors: int = 12
    seed: int = 7


async def play(opts: DemoOptions) -> int:
    """Tell the story; returns the exit code."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shuangsuiji-demo-") as tmp:
        work = opts.out or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        settings = load_settings(
            bot_token="123456:DEMO-TOKEN",
            database_path=Path(tmp) / "demo.db",
            admin_ids=[ADMIN],
            items_file=EXAMPLES / "zunhua-2024.yaml",
            evidence_dir=Path(tmp) / "evidence",
            language=opts.lang,
            bureau_name=t(opts.lang, "demo_bureau"),
        )
        async with LocalBot(settings.database_path, settings=settings) as lb:
            story = Story(lb, Narrator(lb.emu, opts.lang, opts.out), opts, work)
            await story.run()
            saved = story.n.save()
    n_secs = time.monotonic() - started
    print(f"\n{t(opts.lang, 'demo_done', seconds=f'{n_secs:.1f}')}")
    if saved:
        print(t(opts.lang, "demo_saved", path=saved.parent))
    return 0


class Story:
    """The scenes, in order; each leaves the bureau a step further."""

    def __init__(self, lb: LocalBot, n: Narrator, opts: DemoOptions, work: Path) -> None:
        self.lb, self.n, self.opts, self.work = lb, n, opts, work
        self.lang = opts.lang
        self.tg_lang = "en" if opts.lang == "en" else "zh-hans"
        self.year = datetime.now(ZoneInfo(lb.settings.timezone)).year

    def user(self, uid: int, name: str):  # noqa: ANN201 (FakeUser)
        return self.lb.emu.user(uid, name, language_code=self.tg_lang)

    async def run(self) -> None:
        await self.registries()
        await self.staff()
        await self.import_in_chat()
        await self.inspector_joins()
        await self.plan()
        await scene_draw.play(self)  # 摇号: preview, commitment, own visits; reveal and verify
        await scene_inspection.play(self)  # 现场检查: check-in to record, 更正, 整改
        await scene_late.play(self)  # 更换执法人员, and a late visit escalated (督办)
        await self.stranger()
        await scene_publish.play(self)  # 一公开: publish, progress chart, reports; where they are

    async def registries(self) -> None:
        """The synthetic bureau's two registries, written as the workbooks a bureau keeps."""
        o = self.opts
        self.entities = generate_entities(o.seed, o.entities)
        ids = [e.stable_id for e in self.entities]
        self.inspectors = generate_inspectors(o.seed, o.inspectors, ids)
        self.entity_file = self.work / "检查对象名录.xlsx"
        self.inspector_file = self.work / "执法人员名录.xlsx"
        write_models(self.entity_file, "entities", self.entities)
        write_models(self.inspector_file, "inspectors", self.inspectors)
        self.n.scene(
            "demo_registries",
            entities=len(self.entities),
            inspectors=len(self.inspectors),
            folder=self.work,
        )

    async def invite(self, args: str) -> str:
        admin = self.user(ADMIN, t(self.lang, "demo_admin"))
        await admin.send(f"/invite {args}")
        reply = await admin.wait_reply(contains="start=")
        self.n.chat(ADMIN)
        return CODE.search(reply.text or "").group(1)

    async def bind(self, uid: int, name: str, args: str):  # noqa: ANN201
        code = await self.invite(args)
        person = self.user(uid, name)
        await person.send(f"/start {code}")
        await person.wait_reply(contains=name)
        self.n.chat(uid)
        return person

    async def staff(self) -> None:
        """The admin invites a coordinator and a manager; each binds by deep link."""
        self.n.scene("demo_invites")
        self.coord = await self.bind(COORDINATOR, "王综合", "coordinator 王综合")
        self.manager = await self.bind(MANAGER, "赵局", "manager 赵局")

    async def inspector_joins(self) -> None:
        """The admin imports the inspector registry from the console and invites one inspector."""
        self.n.scene("demo_inspectors")
        report = await import_registry(
            self.lb.db, self.lb.bureau_id, "inspectors", self.inspector_file
        )
        self.n.say(f"    $ shuangsuiji import inspectors {self.inspector_file.name}")
        for line in report.render(self.lang).splitlines():
            self.n.say(f"    {line}")
        staff = next(i for i in self.inspectors if i.kind is InspectorKind.STAFF and i.active)
        self.inspector = await self.bind(
            INSPECTOR, staff.name, f"inspector {staff.name} {staff.certificate_no}"
        )
        await self.inspector.send("/whoami")
        await self.inspector.wait_reply()
        self.n.chat(INSPECTOR)

    async def plan(self) -> None:
        """The manager reads the year's plan (年度抽查计划) from the item list and the registry."""
        self.n.scene("demo_plan", items="zunhua-2024.yaml")
        await self.manager.send(f"/plan {self.year}")
        await self.manager.wait_reply(timeout=20)
        await self.manager.wait_reply(timeout=20)  # the workbook
        self.n.chat(MANAGER)

    async def stranger(self) -> None:
        """Someone without an invite: one polite refusal, then silence."""
        self.n.scene("demo_stranger")
        s = self.user(STRANGER, t(self.lang, "demo_stranger_name"))
        await s.send(t(self.lang, "demo_stranger_says"))
        await s.wait_reply()
        await s.send("/help")
        self.n.chat(STRANGER)
        try:
            await s.wait_reply(timeout=1.0)
        except TimeoutError:
            self.n.say(f"    {t(self.lang, 'demo_silence')}")

    async def import_in_chat(self) -> None:
        """The coordinator sends the entity workbook in chat, then a broken one."""
        self.n.scene("demo_import")
        await self.coord.send_document(
            self.entity_file.read_bytes(),
            filename=self.entity_file.name,
            caption=t(self.lang, "import_kind_entities"),
        )
        await self._report(self.coord)
        self.n.scene("demo_bad_import")
        bad = self.work / "检查对象名录-有错.csv"
        text = self.entity_file.with_suffix(".csv")
        write_models(text, "entities", self.entities[:5])
        rows = text.read_text(encoding="utf-8-sig").splitlines()
        code = self.entities[1].stable_id
        rows[2] = rows[2].replace(code, code[:-1] + ("0" if code[-1] != "0" else "1"), 1)
        bad.write_text("\n".join(rows) + "\n", encoding="utf-8")
        text.unlink()
        await self.coord.send_document(bad.read_bytes(), filename=bad.name, caption="检查对象")
        await self._report(self.coord)

    async def _report(self, person) -> None:  # noqa: ANN001
        """Wait past the 'importing…' line for the import report, then show the chat."""
        running = t(self.lang, "import_running", filename="")[:4]
        while (await person.wait_reply(timeout=20)).text.startswith(running):
            pass
        self.n.chat(person.id)
