"""Load from wrk (Debian package `wrk`), a C client that keeps up with nginx, unlike a Python one.

wrk runs a small Lua script whose `done()` prints one line of JSON, so nothing here parses wrk's
human output. GET runs count every answer outside 2xx; the comment run posts a distinct comment
per request (the duplicate check would refuse repeats), each from its own address in
X-Forwarded-For (the app trusts one proxy), and counts every answer but `303 See Other`.
"""

from __future__ import annotations

import http.client
import itertools
import json
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

THREADS = 2
CONNECTIONS = 16

COMMON_LUA = r"""
local threads, next_id = {}, 1
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function done(summary, latency, requests)
  local unexpected = 0
  for _, thread in ipairs(threads) do unexpected = unexpected + thread:get("unexpected") end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %.0f, "p50_us": %.0f, "p99_us": %.0f, '
    .. '"unexpected": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), unexpected,
    e.connect + e.read + e.write + e.timeout))
end
"""

GET_LUA = (
    COMMON_LUA
    + r"""
unexpected = 0
function response(status, headers, body)
  if status < 200 or status > 299 then unexpected = unexpected + 1 end
end
"""
)

# args: the form's own fields (urlencoded), a run tag, the pause in ms, then extra headers ("Name: value").
COMMENT_LUA = (
    COMMON_LUA
    + r"""
unexpected, sent = 0, 0
function init(args)
  fields, run, pause = args[1], args[2], tonumber(args[3])
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  for i = 4, #args do
    local name, value = args[i]:match("^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
end
function request()
  sent = sent + 1
  local tag = run .. "-" .. id .. "-" .. sent
  -- each comment from its own reader: a form token is single-use per client address
  -- (IPv4: an IPv6 sender counts per /64), each run from its own, so a run after another finds its tokens unused
  local block = (id - 1) * 125 + math.floor(sent / 250) % 125
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", run, block, sent % 250)
  local body = fields .. "&author_name=Bench+reader+" .. tag .. "&author_email=reader" .. tag
    .. "%40example.com&content=A+benchmark+comment%2C+number+" .. tag .. "."
  return wrk.format(nil, nil, nil, body)
end
function delay()
  return pause  -- ms before this connection's next POST (0: at once); not counted in the latency
end
function response(status, headers, body)
  if status ~= 303 then unexpected = unexpected + 1 end
end
"""
)


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    unexpected: int  # answers outside 2xx (GET) or other than 303 (comment POST), plus socket errors

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def parse(output: str) -> Load:
    """The figures from the `WRK {...}` line the Lua script prints."""
    line = next((line for line in output.splitlines() if line.startswith("WRK {")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    data = json.loads(line[4:])
    return Load(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        unexpected=data["unexpected"] + data["socket_errors"],
    )


def wrk_binary() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed: `make bench` installs it as root (Debian package wrk).")
    return found


def run_wrk(url: str, script: str, *args: str, seconds: float, connections: int = CONNECTIONS) -> Load:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", prefix="bench-") as lua:
        lua.write(script)
        lua.flush()
        command = [wrk_binary(), f"-t{THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s"]
        command += ["-s", lua.name, url]
        if args:
            command += ["--", *args]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr or result.stdout}")
    return parse(result.stdout)


def load_get(url: str, *, seconds: float) -> Load:
    return run_wrk(url, GET_LUA, seconds=seconds)


_runs = itertools.count(secrets.randbelow(250))


def load_comments(url: str, fields: str, headers: dict[str, str], *, seconds: float, pause: float = 0) -> Load:
    """Comment POSTs from 16 connections, each one a new reader's comment: at full load, or each
    connection waiting `pause` seconds between its POSTs (readers who write, not a flood)."""
    run = str(next(_runs) % 250)  # a second run on the same data sends new comments from new readers
    sent = [f"{name}: {value}" for name, value in headers.items()]
    return run_wrk(url, COMMENT_LUA, fields, run, str(round(pause * 1000)), *sent, seconds=seconds)


@dataclass(frozen=True)
class Fetched:
    status: int
    body: bytes
    headers: dict[str, str]
    set_cookies: list[str]


def fetch(url: str, headers: dict[str, str] | None = None) -> Fetched:
    """One GET on a fresh connection, as a reader's first request."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        answer = connection.getresponse()
        headers = answer.getheaders()
        cookies = [value for name, value in headers if name.lower() == "set-cookie"]
        return Fetched(answer.status, answer.read(), {k.lower(): v for k, v in headers}, cookies)
    finally:
        connection.close()


def single_ms(url: str, times: int = 15) -> float:
    """Median wall time of `times` GETs one after another: what one reader waits, with no load."""
    samples = []
    for _ in range(times):
        started = time.perf_counter()
        answer = fetch(url)
        samples.append(time.perf_counter() - started)
        if answer.status != 200:
            raise RuntimeError(f"{url} answered {answer.status}")
    return statistics.median(samples) * 1000


def wait_until_up(url: str, timeout: float = 60.0) -> None:
    """Poll until `url` answers below 500, up to `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fetch(url).status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout:.0f}s")
