"""The address policy: an allow-list of globally routable unicast plus the networks we allow, with every
IPv6 transition form judged by the IPv4 address it carries; a refused address is never dialled."""

import ipaddress
import socket

import httpcore
import pytest
from hypothesis import given
from hypothesis import strategies as st

from safefetch import addresses, fetch
from tests.safefetch.conftest import AGENT

REFUSED = [
    # IPv4: private, loopback, link-local and metadata, CGNAT, "this network", protocol and benchmark
    # blocks, documentation, 6to4 relays, multicast, reserved, broadcast
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "127.0.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 (an address to refuse, not one to bind)
    "0.1.2.3",
    "192.0.0.8",
    "198.18.0.1",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "192.88.99.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    # IPv6: unspecified, loopback, unique local, link-local (with a zone), site-local, multicast,
    # documentation (old and new), discard, SRv6, IETF protocol assignments
    "::",
    "::1",
    "fc00::1",
    "fd12:3456::1",
    "fe80::1",
    "fe80::1%eth0",
    "fec0::1",
    "feff::1",
    "ff02::1",
    "ff0e::1",
    "2001:db8::1",
    "3fff::1",
    "100::1",
    "5f00::1",
    "2001:2::1",
    # IPv4-compatible ::/96 carrying private, loopback and metadata addresses
    "::10.0.0.1",
    "::127.0.0.1",
    "::169.254.169.254",
    # IPv4-mapped ::ffff:0:0/96
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "::ffff:169.254.169.254",
    # IPv4-translated ::ffff:0:0:0/96
    "::ffff:0:10.0.0.1",
    "::ffff:0:127.0.0.1",
    # 6to4 2002::/16 with a private v4 inside
    "2002:a00:1::1",
    "2002:7f00:1::",
    "2002:a9fe:a9fe::1",
    "2002:c0a8:101::1",
    # Teredo 2001::/32, whatever it carries (here a public server and client)
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",
    "2001:0:808:808::1",
    # NAT64 64:ff9b::/96 with a private v4; the local-use NAT64 prefix 64:ff9b:1::/48 always
    "64:ff9b::10.0.0.1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::169.254.169.254",
    "64:ff9b:1::8.8.8.8",
]

ALLOWED = [
    "8.8.8.8",
    "93.184.216.34",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8",  # mapped
    "::8.8.8.8",  # compatible
    "::ffff:0:8.8.8.8",  # translated
    "2002:808:808::1",  # 6to4 of 8.8.8.8
    "64:ff9b::93.184.216.34",  # NAT64 of a public host: what DNS64 hands an IPv6-only machine
]


@pytest.fixture(autouse=True)
def nothing_allowed_beyond_the_public_internet(settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = []


@pytest.mark.parametrize("address", REFUSED)
def test_addresses_outside_the_public_internet_are_refused(address):
    assert not addresses.is_allowed_address(address)


@pytest.mark.parametrize("address", ALLOWED)
def test_globally_routable_addresses_are_allowed_in_any_spelling(address):
    assert addresses.is_allowed_address(address)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("::ffff:10.1.2.3", "10.1.2.3"),
        ("::10.1.2.3", "10.1.2.3"),
        ("::ffff:0:10.1.2.3", "10.1.2.3"),
        ("2002:a01:203::", "10.1.2.3"),
        ("64:ff9b::a01:203", "10.1.2.3"),
        ("2606:4700::1111", None),
    ],
)
def test_the_ipv4_inside_a_transition_address_is_found(address, expected):
    embedded = addresses.embedded_ipv4(ipaddress.IPv6Address(address))
    assert (str(embedded) if embedded else None) == expected


def test_an_allowed_network_also_lets_its_addresses_through_in_ipv6_spellings(settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    for address in ("10.1.2.3", "::ffff:10.1.2.3", "64:ff9b::10.1.2.3", "2002:a01:203::1"):
        assert addresses.is_allowed_address(address), address
    assert not addresses.is_allowed_address("::ffff:192.168.1.1")


@pytest.mark.parametrize("address", ["::10.0.0.1", "::ffff:0:127.0.0.1", "fec0::1", "2002:a00:1::1", "64:ff9b::a00:1"])
def test_a_name_resolving_to_a_transition_address_is_never_dialled(monkeypatch, address):
    def resolver(host, port, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, port, 0, 0))]

    dialled = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", lambda self, *args, **kwargs: dialled.append(args))
    with pytest.raises(fetch.BlockedAddress):
        fetch.get("http://sneaky.example/", agent=AGENT)
    assert dialled == []


@given(st.ip_addresses(v=4))
def test_every_ipv6_spelling_of_an_ipv4_address_gets_the_ipv4_verdict(ipv4):
    value = int(ipv4)
    spellings = [
        ipaddress.IPv6Address(value),  # ::a.b.c.d
        ipaddress.IPv6Address(0xFFFF << 32 | value),  # ::ffff:a.b.c.d
        ipaddress.IPv6Address(0xFFFF << 48 | value),  # ::ffff:0:a.b.c.d
        ipaddress.IPv6Address(0x64FF9B << 96 | value),  # 64:ff9b::a.b.c.d
        ipaddress.IPv6Address(0x2002 << 112 | value << 80 | 1),  # 2002:aabb:ccdd::1
    ]
    verdict = addresses.is_allowed_address(str(ipv4))
    assert not verdict or ipv4.is_global
    assert {spelling: addresses.is_allowed_address(str(spelling)) for spelling in spellings} == dict.fromkeys(
        spellings, verdict
    )
