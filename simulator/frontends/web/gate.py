"""The workshop code: made short and readable, checked on every request before anything runs."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from simulator.frontends.web.pages import code_page

COOKIE = "huikuan_code"
# No 0/O, 1/I/L: a code read out loud or copied off a projector should survive it.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_code(length: int = 6) -> str:
    """A fresh workshop code (31^6, about 900 million possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normal(code: str) -> str:
    """Codes compare without case and surrounding blanks: trainees type them by hand."""
    return code.strip().upper()


def given_code(request: web.Request) -> str | None:
    """The code a request carries: `?code=` first (a new link wins), else the cookie."""
    return request.query.get("code") or request.cookies.get(COOKIE)


def gate(code: str, lang: str) -> Middleware:
    """Middleware: 401 without a code, 403 with a wrong one, for every path (pages, the game's
    websocket, its scripts, the board), so no app process starts for a stranger."""
    expected = normal(code).encode("utf-8")

    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        given = given_code(request)
        if not given:
            return refuse(request, 401, lang)
        if not hmac.compare_digest(normal(given).encode("utf-8"), expected):
            return refuse(request, 403, lang)
        return await handler(request)

    return check


def refuse(request: web.Request, status: int, lang: str) -> web.Response:
    """A small page asking for the code (a browser), or a bare status (scripts, the websocket)."""
    if request.path in ("/", "/board") and request.method == "GET":
        page = code_page(request.path, wrong=status == 403, lang=request.query.get("lang", lang))
        return web.Response(status=status, text=page, content_type="text/html", charset="utf-8")
    return web.Response(status=status, text="workshop code required\n")


def remember(response: web.StreamResponse, request: web.Request) -> None:
    """Keep the code this browser came with, so the game's scripts and websocket pass the gate."""
    code = request.query.get("code")
    if code:
        response.set_cookie(COOKIE, code, httponly=True, samesite="Strict", path="/")
