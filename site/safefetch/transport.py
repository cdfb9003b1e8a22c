"""The guard below httpx: every TCP connection (first request and each redirect hop) resolves the host
once, refuses unless every address is allowed, then dials the vetted address itself, so DNS rebinding
between check and connect is not possible. The original host name still goes to TLS, so SNI and
certificate checks are unchanged. Every read and write also respects the fetch's overall deadline.
"""

from __future__ import annotations

import socket
import time
import typing

import httpcore
import httpx

from .addresses import is_allowed_address, resolve_within
from .errors import BlockedAddress, Unreachable


class Deadline:
    """The whole fetch's time budget, shared by DNS, connect, TLS, every read and every write."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(self.seconds)
        return left

    def clamp(self, timeout: float | None) -> float:
        left = self.remaining()
        return left if timeout is None else min(timeout, left)

    def passed(self) -> bool:
        return time.monotonic() >= self.ends


class DeadlineExceeded(Exception):
    pass


class Progress:
    """A body must keep coming: at least ``min_bytes`` in every ``seconds`` window, or it has stalled.

    The total deadline alone lets a source that drips a byte a second hold a 30-minute media
    download for all of it; this ends such a download at the first window that falls short."""

    def __init__(self, min_bytes: int, seconds: float):
        self.min_bytes, self.seconds = min_bytes, seconds
        self.window_ends = time.monotonic() + seconds
        self.received = 0

    def add(self, size: int) -> None:
        self.received += size
        now = time.monotonic()
        if now < self.window_ends:
            return
        if self.received < self.min_bytes:
            raise Stalled(self.received)
        self.received, self.window_ends = 0, now + self.seconds


class Stalled(Exception):
    def __init__(self, received: int):
        super().__init__(received)
        self.received = received


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write also respects the fetch's overall deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline):
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self.inner.read(max_bytes, timeout=self.deadline.clamp(timeout))
        except httpcore.ReadTimeout:
            if self.deadline.passed():
                raise DeadlineExceeded(self.deadline.seconds) from None
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            self.inner.write(buffer, timeout=self.deadline.clamp(timeout))
        except httpcore.WriteTimeout:
            if self.deadline.passed():
                raise DeadlineExceeded(self.deadline.seconds) from None
            raise

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        inner = self.inner.start_tls(ssl_context, server_hostname, timeout=self.deadline.clamp(timeout))
        return _DeadlineStream(inner, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolve once, refuse unless every address is allowed, then dial the vetted address itself."""

    def __init__(self, deadline: Deadline):
        self.inner = httpcore.SyncBackend()
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            addresses = resolve_within(host, port, self.deadline.clamp(timeout))
        except (socket.gaierror, UnicodeError) as exc:
            raise Unreachable(f"The host {host} could not be found ({exc}).") from None
        blocked = [address for address in addresses if not is_allowed_address(address)]
        if blocked or not addresses:
            raise BlockedAddress(
                f"The host {host} resolves to {', '.join(blocked) or 'nothing'}, which is not a public internet "
                "address; only public addresses are fetched."
            )
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self.inner.connect_tcp(
                    address,
                    port,
                    timeout=self.deadline.clamp(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
                return _DeadlineStream(stream, self.deadline)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise Unreachable(f"Could not connect to {host}:{port} ({error or 'no address'}).")

    def connect_unix_socket(self, *args, **kwargs):
        raise BlockedAddress("Unix sockets are never fetched.")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    def __init__(self, deadline: Deadline):
        super().__init__(retries=0, http2=False)
        # httpx exposes no public hook for the network backend; pinned httpx 0.28 / httpcore 1.0.
        self._pool._network_backend = _GuardedBackend(deadline)
