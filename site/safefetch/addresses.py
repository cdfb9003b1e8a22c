"""Which addresses a fetch may connect to, and name resolution that cannot outlast the fetch.

The policy is an allow-list: an address passes only when Python's ``ipaddress`` calls it globally
routable (and it is none of the ranges older Pythons still call global), or when it lies in a network
the project allows explicitly (SAFEFETCH_ALLOWED_NETWORKS). IPv6 forms that carry an IPv4 address
inside (mapped, compatible, translated, 6to4, NAT64) reach that IPv4 host, so they are judged by it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import typing
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .errors import Unreachable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Ranges that some Python versions' ``is_global`` still lets through, though no web page lives there:
# multicast, reserved, 6to4 relays, site-local and local-use NAT64, new documentation and SRv6 blocks.
NOT_GLOBAL = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",
        "100.64.0.0/10",
        "192.0.0.0/24",
        "192.88.99.0/24",
        "198.18.0.0/15",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "100::/64",
        "2001::/23",
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "64:ff9b:1::/48",
        "fc00::/7",
        "fe80::/10",
        "fec0::/10",
        "ff00::/8",
    )
)
# IPv6 ranges whose last 32 bits are an IPv4 address that the connection really reaches.
EMBEDS_IPV4 = tuple(
    ipaddress.ip_network(net)
    for net in (
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "64:ff9b::/96",  # NAT64, well-known prefix
    )
)


@lru_cache(maxsize=8)
def _parse_networks(spec: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in spec)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SAFEFETCH_ALLOWED_NETWORKS must be comma-separated CIDRs: {exc}") from None


def allowed_networks() -> tuple[Network, ...]:
    spec = getattr(settings, "SAFEFETCH_ALLOWED_NETWORKS", ())
    if isinstance(spec, str):
        spec = spec.split(",")
    return _parse_networks(tuple(item.strip() for item in spec if item.strip()))


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition address stands for (6to4 in bits 16-48, the rest at the end)."""
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in EMBEDS_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_allowed_address(address: str) -> bool:
    """An allow-list: globally routable unicast, or inside an explicitly allowed network.

    An IPv6 address that embeds an IPv4 one (mapped, compatible, translated, 6to4, NAT64) is judged
    by that IPv4 address; Teredo (2001::/32) is refused whatever it embeds."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if any(ip in net for net in allowed_networks() if net.version == ip.version):
        return True
    if ip.version == 6:
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return is_allowed_address(str(embedded))
    return ip.is_global and not any(ip in net for net in NOT_GLOBAL if net.version == ip.version)


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IPv4 and IPv6), in resolver order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def resolve_within(host: str, port: int, seconds: float) -> list[str]:
    """``resolve`` bounded in time: getaddrinfo has no timeout of its own and can hang far past the
    fetch's deadline, so it runs in a daemon thread that is abandoned (left to finish alone) when late."""
    outcome: dict[str, typing.Any] = {}

    def run() -> None:
        try:
            outcome["addresses"] = resolve(host, port)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name=f"safefetch-resolve-{host}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise Unreachable(f"The host {host} could not be resolved within {seconds:.3g} seconds.")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["addresses"]
