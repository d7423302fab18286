"""Where the room can reach the server: this machine's LAN addresses, and a QR code of one."""

from __future__ import annotations

import ipaddress
import socket

ALL_INTERFACES = ("0.0.0.0", "::", "")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, the default route's first."""
    found: list[str] = []
    try:
        # A UDP "connect" sends nothing; it only picks the address the default route leaves by.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("10.255.255.255", 1))
            found.append(probe.getsockname()[0])
    except OSError:
        pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        infos = []
    found += [str(info[4][0]) for info in infos]
    unique = []
    for address in found:
        if address not in unique and not ipaddress.ip_address(address).is_loopback:
            unique.append(address)
    return unique


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def urls(host: str, port: int, path: str = "/", query: str = "") -> list[str]:
    """The addresses to give the room for a server bound to `host`."""
    hosts = (lan_addresses() or ["127.0.0.1"]) if host in ALL_INTERFACES else [host]
    shown = [f"[{h}]" if ":" in h else h for h in hosts]
    return [f"http://{h}:{port}{path}{query}" for h in shown]


def qr_text(url: str) -> str | None:
    """A QR code of `url` drawn with block characters (segno), or None if segno is missing."""
    try:
        import io

        import segno
    except ImportError:
        return None
    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()
