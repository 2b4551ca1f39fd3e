"""`shuangsuiji emulator`: registers its subcommand, serves, prints the base URL."""

from __future__ import annotations

import argparse
import asyncio
import sys

import httpx

from bot.commands import emulator as emulator_command


def test_register_adds_the_subcommand() -> None:
    parser = argparse.ArgumentParser()
    emulator_command.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["emulator", "--port", "0", "--user", "111:张三", "--no-limits"])
    assert args.func is emulator_command.run
    assert (args.port, args.user, args.no_limits) == (0, ["111:张三"], True)


async def test_standalone_emulator_prints_its_base_url_and_answers() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.commands.emulator", "--port", "0", "--quiet",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    try:
        base_url = None
        while base_url is None:
            line = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode()
            assert line, (await proc.stderr.read()).decode()
            if line.strip().startswith("base_url:"):
                base_url = line.split()[-1]
        async with httpx.AsyncClient() as client:
            r = await client.get(f"{base_url}123456:TEST-TOKEN/getMe")
        assert r.json()["result"]["is_bot"] is True
    finally:
        proc.terminate()
        await proc.wait()
