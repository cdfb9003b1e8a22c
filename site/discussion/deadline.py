"""An httpx transport whose whole exchange ends by one deadline, for calls made on a reader's behalf.

httpx's timeouts are per operation: a server that sends one byte every second never trips a
two-second read timeout and can hold the caller for as long as it likes. Here the name lookup
(getaddrinfo has no timeout, so it runs in a thread that is abandoned when late), the connect, the
TLS handshake and every read and write get at most what is left of one deadline; when it has passed
they fail with httpx's own timeout errors, which clients such as `akismet` already handle.
"""

from __future__ import annotations

import functools
import socket
import ssl
import threading
import time
import typing

import httpcore
import httpx


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def clamp(self, timeout: float | None, error: type[Exception] = httpcore.ReadTimeout) -> float:
        left = self.ends - time.monotonic()
        if left <= 0:
            raise error(f"The whole exchange took longer than {self.seconds:g} seconds.")
        return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream, deadline: Deadline):
        self.inner, self.deadline = inner, deadline

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, timeout=self.deadline.clamp(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, timeout=self.deadline.clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore.NetworkStream:
        inner = self.inner.start_tls(ssl_context, server_hostname, timeout=self.deadline.clamp(timeout))
        return _Stream(inner, self.deadline)

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


def _resolve(host: str, port: int, seconds: float) -> str:
    outcome: dict[str, typing.Any] = {}

    def run() -> None:
        try:
            outcome["address"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][4][0]
        except OSError as error:
            outcome["error"] = error

    worker = threading.Thread(target=run, name=f"resolve-{host}", daemon=True)
    worker.start()
    worker.join(seconds)
    if worker.is_alive():
        raise httpcore.ConnectTimeout(f"{host} could not be resolved within {seconds:.3g} seconds.")
    if "error" in outcome:
        raise httpcore.ConnectError(f"{host} could not be resolved ({outcome['error']}).")
    return outcome["address"]


class _Backend(httpcore.NetworkBackend):
    def __init__(self, deadline: Deadline):
        self.inner = httpcore.SyncBackend()
        self.deadline = deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        address = _resolve(host, port, self.deadline.clamp(timeout, httpcore.ConnectTimeout))
        stream = self.inner.connect_tcp(
            address,
            port,
            timeout=self.deadline.clamp(timeout, httpcore.ConnectTimeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return _Stream(stream, self.deadline)

    def connect_unix_socket(self, *args, **kwargs):
        raise httpcore.ConnectError("Unix sockets are not used here.")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """httpx's default TLS settings (certifi's CAs), made once: loading the CA bundle costs ~40 ms of
    CPU, which a transport made per call would otherwise pay on every Akismet check."""
    return httpx.create_ssl_context()


class DeadlineTransport(httpx.HTTPTransport):
    """One use: the deadline starts when the transport is made (make one per call)."""

    def __init__(self, seconds: float):
        super().__init__(retries=0, verify=tls_context())
        # httpx has no public hook for the network backend (same approach as safefetch.transport; httpx 0.28).
        self._pool._network_backend = _Backend(Deadline(seconds))
