"""`shuangsuiji emulator`: run the loopback Bot API emulator on its own.

Prints the base URL to point a bot at (`--base-url`), then, unless --quiet, reads the console:
a line of text is sent by the active user, and `!`-commands tap buttons, share a location, send
files, switch users and print the transcript. Every transcript line is printed as it happens.
"""

from __future__ import annotations

import argparse
import asyncio
import shlex
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.emulator import BotAPIEmulator, FakeUser

CONSOLE_HELP = """\
  text            the active user sends it (/start abc works)
  !tap LABEL      tap an inline (or reply keyboard) button
  !loc LAT LON    share a location
  !photo PATH     send a photo          !doc PATH   send a document
  !sticker        send a sticker        !user ID [NAME]   switch (or create) the active user
  !block          block the bot         !unblock
  !transcript     print this chat       !stats      counters
  !help           this text             !quit       stop"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "emulator",
        help="run the loopback Telegram Bot API emulator",
        description="Run the Bot API emulator on loopback and print its base URL.",
    )
    p.add_argument("--port", type=int, default=8081, help="port (0: any free port)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--token", default="123456:TEST-TOKEN", help="the bot token it accepts")
    p.add_argument("--user", action="append", default=[], metavar="ID:NAME",
                   help="a user to script from the console (repeatable; the first is active)")
    p.add_argument("--channel", action="append", default=[], metavar="ID:TITLE",
                   help="a channel the bot may post to (repeatable)")
    p.add_argument("--no-limits", action="store_true", help="switch the flood limits off")
    p.add_argument("--quiet", action="store_true", help="no console and no transcript output")
    p.set_defaults(func=run)


def _pair(text: str) -> tuple[int, str]:
    ident, _, name = text.partition(":")
    return int(ident), name or ident


def run(args: argparse.Namespace) -> int:
    try:
        return asyncio.run(_serve(args))
    except KeyboardInterrupt:
        return 0


async def _serve(args: argparse.Namespace) -> int:
    from bot.emulator import BotAPIEmulator, FloodLimits

    emu = BotAPIEmulator(
        args.token, None if args.no_limits else FloodLimits(), host=args.host, port=args.port
    )
    await emu.start()
    try:
        users = [emu.user(*_pair(u), started=True) for u in args.user]
        for c in args.channel:
            emu.channel(*_pair(c))
        print(f"Bot API emulator listening on http://{args.host}:{emu.port}", flush=True)
        print(f"  base_url:      {emu.base_url}", flush=True)
        print(f"  base_file_url: {emu.base_file_url}", flush=True)
        print(f"  token:         {emu.token}", flush=True)
        if args.quiet:
            await asyncio.Event().wait()
        emu.subscribe(lambda chat_id, line: print(f"[{chat_id}] {line}", flush=True))
        print("Type !help for console commands.", flush=True)
        await _console(emu, users)
    finally:
        await emu.stop()
    return 0


def _stdin_lines(loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
    """Read stdin on a daemon thread (it must not keep the process alive)."""

    def pump() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="emulator-console", daemon=True).start()


async def _console(emu: BotAPIEmulator, users: list[FakeUser]) -> None:
    queue: asyncio.Queue[str | None] = asyncio.Queue()
    _stdin_lines(asyncio.get_running_loop(), queue)
    active = users[0] if users else emu.user(10001, "测试用户")
    while True:
        line = await queue.get()
        if line is None:  # stdin closed: keep serving
            await asyncio.Event().wait()
        if not line.strip():
            continue
        try:
            active = await _command(emu, active, line) or active
        except SystemExit:
            return
        except Exception as exc:  # show it and carry on
            print(f"! {type(exc).__name__}: {exc}", flush=True)


async def _command(emu: BotAPIEmulator, user: FakeUser, line: str) -> FakeUser | None:
    if not line.startswith("!"):
        await user.send(line)
        return None
    cmd, *rest = shlex.split(line[1:]) or [""]
    if cmd == "quit":
        raise SystemExit
    if cmd == "help":
        print(CONSOLE_HELP, flush=True)
    elif cmd == "tap":
        await user.tap(" ".join(rest))
    elif cmd == "loc":
        await user.share_location(float(rest[0]), float(rest[1]))
    elif cmd == "photo":
        await user.send_photo(Path(rest[0]).read_bytes())
    elif cmd == "doc":
        await user.send_document(Path(rest[0]).read_bytes(), filename=Path(rest[0]).name)
    elif cmd == "sticker":
        await user.send_sticker()
    elif cmd == "user":
        new = emu.user(int(rest[0]), rest[1] if len(rest) > 1 else f"用户{rest[0]}")
        print(f"active user: {new.first_name} ({new.id})", flush=True)
        return new
    elif cmd in ("block", "unblock"):
        getattr(user, cmd)()
    elif cmd == "transcript":
        print(emu.render_transcript(user.id), flush=True)
    elif cmd == "stats":
        print(emu.stats.as_dict(), flush=True)
    else:
        print(f"unknown command !{cmd}; !help lists them", flush=True)
    return None


if __name__ == "__main__":  # also runnable as `python -m bot.commands.emulator --port 0`
    _parser = argparse.ArgumentParser(prog="emulator")
    register(_parser.add_subparsers())
    _ns = _parser.parse_args(["emulator", *sys.argv[1:]])
    sys.exit(_ns.func(_ns))
