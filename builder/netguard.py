"""Which URLs and network addresses the server may connect to on a user's behalf (SSRF guard).

Shared by run webhooks and LLM provider base URLs: a URL a user gives must not become a
way into the server's own network. Public addresses are fine; private, loopback and
reserved ones only where a setting allows them; link-local ones (169.254.0.0/16, where
cloud metadata services answer, and fe80::/10) never for provider URLs.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata endpoints outside the link-local ranges (Alibaba; AWS over IPv6).
_METADATA = {ipaddress.ip_address("100.100.100.200"), ipaddress.ip_address("fd00:ec2::254")}


def unmapped(address: Address) -> Address:
    """An IPv4-mapped IPv6 address (``::ffff:10.0.0.1``) as the IPv4 address it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_public(address: Address) -> bool:
    """Routable on the internet: not private, loopback, link-local, reserved or multicast."""
    address = unmapped(address)
    return address.is_global and not address.is_multicast


def is_link_local(address: Address) -> bool:
    """Link-local or a known metadata endpoint: never a place for a user's URL."""
    address = unmapped(address)
    return address.is_link_local or address in _METADATA


def literal_address(host: str) -> Address | None:
    """``host`` as an address when it is one (``[::1]``'s brackets already stripped)."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def resolve(host: str, port: int) -> list[Address]:
    """Every address ``host`` resolves to (raises OSError when it does not resolve)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]


def split_url(url: str) -> urllib.parse.SplitResult:
    """``url``'s parts, when it has the shape a user's URL may have: http or https, a
    host, no user info, a valid port. Raises ValueError saying what is wrong."""
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        raise ValueError(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise ValueError("only http and https URLs are allowed")
    if not parts.hostname:
        raise ValueError("the URL has no host")
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials in the URL are not allowed")
    return parts


def port_of(parts: urllib.parse.SplitResult) -> int:
    """The port a URL's request goes to (its scheme's default when it names none)."""
    return parts.port or (443 if parts.scheme == "https" else 80)
