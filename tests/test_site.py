"""The static site: draws with commitment, the secret only once revealed, a published transcript
that `shuangsuiji verify` accepts; the plan without confidential items; the chart without a CJK
font."""

from __future__ import annotations

import logging
import re

from bot.cli import main
from bot.services import charts
from bot.services.publication import publish
from tests import publish_world as w
from tests.test_publication import env_for


async def test_draws_page_publishes_commitments_and_only_revealed_secrets(db, tmp_path, capsys):
    world = await w.build(db)
    draws = await w.add_draws(db, world)
    await publish(db, world.bureau_id, env_for(tmp_path, world))
    site = tmp_path / "site"
    page = (site / "draws.html").read_text(encoding="utf-8")
    assert draws.revealed_hash in page and draws.sealed_hash in page
    assert draws.revealed_secret in page
    every = "".join(p.read_text(encoding="utf-8") for p in site.iterdir() if p.suffix != ".png"
                    and p.suffix != ".xlsx")  # fmt: skip
    assert draws.sealed_secret not in every  # drawn, not revealed: the secret stays in the db
    assert not (site / "draw-2026Q3.json").exists()
    command = f"shuangsuiji verify draw-2026Q2.json --commitment {draws.revealed_hash}"
    assert command in page
    capsys.readouterr()
    code = main(["verify", str(site / "draw-2026Q2.json"), "--commitment", draws.revealed_hash])
    assert code == 0, capsys.readouterr().out
    assert "核验通过" in capsys.readouterr().out


async def test_site_links_resolve_and_the_plan_leaves_out_confidential_items(db, tmp_path):
    world = await w.build(db)
    out = await publish(db, world.bureau_id, env_for(tmp_path, world))
    site = out.site.root
    for page in site.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        for target in re.findall(r'(?:href|src)="([^"#:]+)"', html):
            assert (site / target).exists(), (page.name, target)
    plan = (site / "plan-2026.html").read_text(encoding="utf-8")
    assert "污染源日常监管随机抽查" in plan and "核技术利用单位辐射安全检查" not in plan
    assert "另有 1 项抽查事项依法不予公开" in plan
    assert set(out.site.files) >= {"index.html", "plan-2026.xlsx", "progress-2026Q3.png"}
    assert (site / "plan-2026.xlsx").stat().st_mode & 0o044 == 0o044  # readable by the web server


def test_chart_falls_back_to_ascii_labels_without_a_cjk_font(tmp_path, monkeypatch, caplog):
    from datetime import date

    from bot.domain.compliance import compute
    from bot.domain.periods import Period
    from tests.test_compliance import fact, target

    c = compute(Period.parse("2026Q3"), date(2026, 9, 30), [target()], [fact(1, "a")])
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    monkeypatch.setattr(charts, "_warned", [])
    with caplog.at_level(logging.WARNING):
        path = charts.progress_chart(c.groups, "2026年第三季度抽查进度", tmp_path / "p.png")
        charts.progress_chart(c.groups, "again", tmp_path / "q.png")
    assert path.read_bytes().startswith(b"\x89PNG")
    warnings = [r for r in caplog.records if "no CJK font" in r.getMessage()]
    assert len(warnings) == 1  # once per process
    assert charts._ascii("2026年第三季度抽查进度") == "2026"
    assert charts._label(c.groups[0], False, False) == "key 2026Q3"
    assert charts._label(c.groups[0], True, True) == "重点监管对象 2026Q3\n事项"
