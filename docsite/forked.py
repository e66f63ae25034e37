"""Run `python script args` in a folder, either as a new interpreter or as a child forked from a
fork server (docsite/fork_server.py) that has already imported torch: the same run without the
second or so that starting Python and importing torch take.

    run(argv, cwd, env, timeout, fresh=False) -> Completed(returncode, stdout, stderr)

One server per environment (the variant's settings must be in place before torch loads) and per
concurrent caller, started on first use and kept until this process exits.
"""

from __future__ import annotations

import atexit
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

SERVER = Path(__file__).with_name("fork_server.py")  # run as a script, not imported


@dataclass
class Completed:
    returncode: int
    stdout: str
    stderr: str


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


class ForkServer:
    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            bufsize=0,
        )
        self._buffer = b""

    def _reply(self, timeout: float | None) -> dict | None:
        while b"\n" not in self._buffer:
            ready, _, _ = select.select([self.process.stdout], [], [], timeout)
            if not ready:
                return None
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"the fork server exited ({self.process.wait()})")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def run(self, argv: list[str], cwd: Path, timeout: float) -> Completed:
        with tempfile.TemporaryDirectory(prefix="forked-") as folder:
            out, err = Path(folder, "stdout"), Path(folder, "stderr")
            request = {"cwd": str(cwd), "argv": argv, "stdout": str(out), "stderr": str(err)}
            self.process.stdin.write(json.dumps(request).encode() + b"\n")
            pid = self._reply(timeout=60)["pid"]
            reply = self._reply(timeout)
            if reply is None:
                os.kill(pid, signal.SIGKILL)
                self._reply(timeout=60)
                raise subprocess.TimeoutExpired(argv, timeout)
            return Completed(reply["status"], _text(out), _text(err))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


FORKS = [0]  # children forked by this process's servers (tests/conftest.py reports them)
_idle: dict[tuple, list[ForkServer]] = {}
_all: list[ForkServer] = []
_lock = threading.Lock()


# Set by pytest for each test: not a setting of the run, so not a reason for another server.
VOLATILE = {"PYTEST_CURRENT_TEST"}


def _key(env: dict[str, str]) -> tuple:
    return tuple(sorted((k, v) for k, v in env.items() if k not in VOLATILE))


def _take(env: dict[str, str]) -> ForkServer:
    key = _key(env)
    with _lock:
        free = _idle.setdefault(key, [])
        if free:
            return free.pop()
    server = ForkServer(env)
    with _lock:
        _all.append(server)
    return server


def _give_back(env: dict[str, str], server: ForkServer) -> None:
    with _lock:
        _idle[_key(env)].append(server)


@atexit.register
def close_all() -> None:
    with _lock:
        for server in _all:
            server.close()
        _all.clear()
        _idle.clear()


def run(
    argv: list[str], cwd: Path, env: dict[str, str], timeout: float, fresh: bool = False
) -> Completed:
    """`python *argv` in `cwd` with `env`: a new interpreter when `fresh`, else a forked child."""
    if fresh:
        done = subprocess.run(
            [sys.executable, *argv],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return Completed(done.returncode, done.stdout, done.stderr)
    server = _take(env)
    FORKS[0] += 1
    try:
        result = server.run(argv, cwd, timeout)
    except BaseException:
        server.close()
        raise
    _give_back(env, server)
    return result
