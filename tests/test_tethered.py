"""tethered.py: a command that cannot outlive the process that started it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.search import TETHERED

# A starter as the search step is one: it runs COMMAND through tethered.py with the read end of
# a pipe as standard input, keeps the write end open, and waits.
STARTER = """
import os, subprocess, sys, time
tether, held = os.pipe()
subprocess.Popen([sys.executable, "-I", sys.argv[1], *sys.argv[2:]], stdin=tether,
                 start_new_session=True)
os.close(tether)
time.sleep(600)
"""
# The command: notes its pid, then waits far longer than any test.
SLEEPER = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(600)"


def _gone(pid: int) -> bool:
    """Whether process ``pid`` has ended (a zombie waiting to be reaped has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] in "ZX"
    except OSError:
        return True


@pytest.mark.parametrize("how", ["kill -9", "SIGTERM"])
def test_the_command_ends_when_its_starter_does(tmp_path, how):
    noted = tmp_path / "pid"
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER, str(TETHERED), sys.executable, "-c", SLEEPER, str(noted)]
    )
    try:
        deadline = time.monotonic() + 30
        while not noted.is_file() or not noted.read_text():
            assert time.monotonic() < deadline, "the command never started"
            time.sleep(0.02)
        pid = int(noted.read_text())
        assert not _gone(pid)
        starter.send_signal(signal.SIGKILL if how == "kill -9" else signal.SIGTERM)
        starter.wait(timeout=30)
        deadline = time.monotonic() + 15
        while not _gone(pid):
            assert time.monotonic() < deadline, "the command outlived its starter"
            time.sleep(0.02)
    finally:
        starter.kill()
        if noted.is_file() and noted.read_text():
            with_pid = int(noted.read_text())
            if not _gone(with_pid):
                os.kill(with_pid, signal.SIGKILL)


@pytest.mark.parametrize(
    ("code", "expected"), [("pass", 0), ("raise SystemExit(3)", 3), ("import os; os.abort()", 134)]
)
def test_the_command_exit_code_is_passed_on(code, expected):
    tether, held = os.pipe()
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(TETHERED), sys.executable, "-c", code],
            stdin=tether,
            stderr=subprocess.DEVNULL,
            timeout=60,
        )
    finally:
        os.close(tether)
        os.close(held)
    assert done.returncode == expected


def test_it_imports_nothing_of_the_package():
    # run by its path with -I, it must stand alone: only the standard library
    text = TETHERED.read_text()
    assert "from ." not in text and "import sitegen" not in text and "from sitegen" not in text
