"""The demo's narrator: scene titles from the catalogue, and each chat's new lines."""

from __future__ import annotations

from pathlib import Path

from bot.emulator import BotAPIEmulator
from bot.i18n import t


class Narrator:
    """Prints scenes and chat lines; keeps the whole transcript for `--out`."""

    def __init__(self, emu: BotAPIEmulator, lang: str, out: Path | None) -> None:
        self.emu, self.lang, self.out = emu, lang, out
        self.lines: list[str] = []
        self._shown: dict[int, int] = {}

    def say(self, line: str) -> None:
        """Print one line and keep it."""
        print(line, flush=True)
        self.lines.append(line)

    def scene(self, key: str, **params: object) -> None:
        """A scene title from the catalogue (demo_* keys)."""
        self.say("")
        self.say(f"▶ {t(self.lang, key, **params)}")

    def chat(self, chat_id: int) -> None:
        """The lines of one chat that have not been shown yet, indented under its name."""
        lines = self.emu.transcript(chat_id)
        start = self._shown.get(chat_id, 0)
        if start >= len(lines):
            return
        self.say(f"  ── {self.emu.chats[chat_id].display_name} ──")
        for line in lines[start:]:
            first, *rest = line.split("\n")
            self.say(f"    {first}")
            self.lines.extend(f"      {r}" for r in rest)
            for r in rest[:6]:
                print(f"      {r}")
            if len(rest) > 6:
                print(f"      … ({len(rest) - 6} more lines)")
        self._shown[chat_id] = len(lines)

    def save(self) -> Path | None:
        """Write the full transcript to OUT/transcript.txt."""
        if self.out is None:
            return None
        path = self.out / "transcript.txt"
        path.write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return path
