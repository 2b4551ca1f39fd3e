"""`shuangsuiji demo` tells the story end to end, against the emulator, in under a minute."""

from __future__ import annotations

import time

from bot.demo.story import DemoOptions, play


async def test_demo_plays_in_chinese_and_writes_artefacts(tmp_path, capsys):
    started = time.monotonic()
    assert await play(DemoOptions(out=tmp_path, entities=40, inspectors=10)) == 0
    assert time.monotonic() - started < 60
    out = capsys.readouterr().out
    assert "仅供本局工作人员使用" in out  # the stranger's refusal
    assert "新增 40，更新 0，未变 0" in out  # the registry imported in chat
    assert "第 3 行「统一社会信用代码」" in out  # the bad workbook, named by row and column
    assert "（机器人不再回应）" in out
    assert "的检查人员由" in out and "督办日报" in out  # a replacement, and a late visit escalated
    assert "摇号预览" in out and "核验通过" in out  # the draw, its reveal and a passing verify
    assert "年度随机抽查计划" in out and "年度抽查计划.xlsx" in out  # the plan scene
    transcript = (tmp_path / "transcript.txt").read_text(encoding="utf-8")
    assert "/start" in transcript and (tmp_path / "检查对象名录.xlsx").exists()


async def test_demo_in_english(tmp_path, capsys):
    assert await play(DemoOptions(lang="en", entities=20, inspectors=6)) == 0
    out = capsys.readouterr().out
    assert "for its staff only" in out and "added 20, updated 0, unchanged 0" in out
