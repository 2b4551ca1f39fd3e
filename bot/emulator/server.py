"""The aiohttp side: routes `/bot<token>/<method>` and `/file/bot<token>/<path>`, checks the
token, records calls, fires injected faults and turns results and APIErrors into Telegram's
JSON envelope."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.emulator import methods_bot, methods_messages  # noqa: F401  (register the methods)
from bot.emulator.params import APIError, parse_request, too_many
from bot.emulator.registry import METHODS

if TYPE_CHECKING:
    from bot.emulator.emulator import BotAPIEmulator

EMU_KEY: web.AppKey[BotAPIEmulator] = web.AppKey("emulator")
_BAD_GATEWAY = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status,
        body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        content_type="application/json",
    )


def _error(emu: BotAPIEmulator, err: APIError) -> web.Response:
    emu.stats.errors[err.code] += 1
    if err.code == 429:
        emu.stats.too_many_requests += 1
    return _json(err.code, err.payload())


async def handle_api(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMU_KEY]
    if request.match_info["token"] != emu.token:
        return _error(emu, APIError(401, "Unauthorized"))
    method = METHODS.get(request.match_info["method"].lower())
    if method is None:
        return _error(emu, APIError(404, "Not Found"))
    emu.stats.per_method[method.name] += 1
    try:
        params = await parse_request(request)
    except APIError as err:
        return _error(emu, err)
    except web.HTTPRequestEntityTooLarge:
        return _error(emu, APIError(413, "Request Entity Too Large"))
    if method.name != "getUpdates":
        emu.calls.append((method.name, params))

    fault = emu._take_fault(method.name)
    if fault is not None:
        emu.stats.faults_fired += 1
        if fault.kind == "429":
            return _error(emu, too_many(fault.retry_after))
        if fault.kind == "500":
            return _error(emu, APIError(500, "Internal Server Error"))
        if fault.kind == "502":
            emu.stats.errors[502] += 1
            return web.Response(status=502, text=_BAD_GATEWAY, content_type="text/html")
        await asyncio.sleep(fault.delay)
        if fault.kind == "timeout":
            if request.transport is not None:
                request.transport.close()  # no answer at all, and nothing was done
            return web.Response(status=504)  # never reaches the client

    try:
        if method.is_async:
            result = await method.func(emu, params)
        else:
            result = method.func(emu, params)
    except APIError as err:
        return _error(emu, err)
    return _json(200, {"ok": True, "result": result})


async def handle_file(request: web.Request) -> web.StreamResponse:
    emu = request.app[EMU_KEY]
    if request.match_info["token"] != emu.token:
        return _error(emu, APIError(401, "Unauthorized"))
    stored = emu.files.by_path.get(request.match_info["path"])
    if stored is None:
        return _error(emu, APIError(404, "Not Found"))
    emu.stats.per_method["<file download>"] += 1
    ctype = stored.mime_type or "application/octet-stream"
    return web.Response(body=stored.data, content_type=ctype)


async def handle_other(request: web.Request) -> web.StreamResponse:
    return _error(request.app[EMU_KEY], APIError(404, "Not Found"))


def build_app(emu: BotAPIEmulator) -> web.Application:
    app = web.Application(client_max_size=52 * 1024 * 1024)
    app[EMU_KEY] = emu
    app.router.add_route("*", "/bot{token}/{method}", handle_api)
    app.router.add_get("/file/bot{token}/{path:.+}", handle_file)
    app.router.add_route("*", "/{tail:.*}", handle_other)
    return app
