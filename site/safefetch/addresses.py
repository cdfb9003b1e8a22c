"""Which addresses a fetch may connect to, and name resolution that cannot outlast the fetch."""

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

# Ranges that ipaddress.is_global lets through but no web page should live in.
EXTRA_BLOCKED = tuple(
    ipaddress.ip_network(net)
    for net in ("100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "64:ff9b::/96", "64:ff9b:1::/48", "2002::/16")
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


def is_allowed_address(address: str) -> bool:
    """Public unicast addresses, or any address inside an explicitly allowed network."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed_networks() if net.version == ip.version):
        return True
    return (
        ip.is_global
        and not ip.is_multicast
        and not any(ip in net for net in EXTRA_BLOCKED if net.version == ip.version)
    )


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
