"""`make run`'s supervisor: one command starts the site and the worker, and stops both."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SUPERVISE = Path(__file__).resolve().parents[2] / "scripts" / "supervise"

CHILD = """
import os, signal, sys, time
from pathlib import Path
out = Path(sys.argv[1])
out.write_text(str(os.getpid()))
def stop(signum, frame):
    out.write_text("stopped cleanly")
    sys.exit(0)
signal.signal(signal.SIGINT, stop)
time.sleep(float(sys.argv[2]))
sys.exit(int(sys.argv[3]))
"""


def child(path: Path, lives: float = 60, status: int = 0) -> list[str]:
    return ["--", sys.executable, "-c", CHILD, str(path), str(lives), str(status)]


def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def started(*paths: Path):
    return lambda: all(p.exists() and p.read_text().isdigit() for p in paths)


def test_ctrl_c_stops_the_site_and_the_worker(tmp_path):
    site, worker = tmp_path / "site", tmp_path / "worker"
    supervisor = subprocess.Popen([sys.executable, SUPERVISE, *child(site), *child(worker)])
    wait_for(started(site, worker))

    supervisor.send_signal(signal.SIGINT)

    assert supervisor.wait(timeout=15) == 0
    assert site.read_text() == worker.read_text() == "stopped cleanly"


def test_when_the_worker_dies_the_site_is_stopped_too_and_its_status_returned(tmp_path):
    site, worker = tmp_path / "site", tmp_path / "worker"
    supervisor = subprocess.Popen([sys.executable, SUPERVISE, *child(site), *child(worker, lives=0.5, status=3)])
    assert supervisor.wait(timeout=15) == 3
    assert site.read_text() == "stopped cleanly"


def test_a_command_that_ignores_sigint_is_killed_after_the_grace(tmp_path):
    stubborn = tmp_path / "stubborn"
    ignore = (
        "import os, signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        f"open({str(stubborn)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    )
    env = {**os.environ, "SUPERVISE_GRACE": "0.5"}
    supervisor = subprocess.Popen([sys.executable, SUPERVISE, "--", sys.executable, "-c", ignore], env=env)
    wait_for(started(stubborn))
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=15) == 0
    try:
        os.kill(int(stubborn.read_text()), 0)
        raise AssertionError("the stubborn command is still running")
    except ProcessLookupError:
        pass
