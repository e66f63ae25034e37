"""Where a command's CPU time goes, process by process (psutil).

    python -m tools.process_time -- make test
    python -m tools.process_time --top 30 -- .venv/bin/pytest tests/test_browser.py

While the command runs, every process on the machine is sampled (psutil) every SAMPLE_S
seconds: its CPU time (user + system) so far, and the command line it had when first seen. A
process's share is its last sample less its first (or the whole of it, for one started during
the run). The report groups them twice: by kind (`kind`: Chromium's renderers, a fork server's
children, a notebook's kernel, mkdocs, ...) and by what the suite started them from (each
process under its highest ancestor below the suite's own: the command, its children and
pytest-xdist's workers; so a scratch copy's pytest counts with everything it started), and ends
with the machine's busy time over the run (`machine_busy`, which the suite's report uses too),
of which a process that lived less than one sample is in no line.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil

SAMPLE_S = 0.1


@dataclass
class Process:
    pid: int
    parent: int
    command: str
    first: float  # CPU seconds at the first sample (0 for a process started during the run)
    last: float

    @property
    def seconds(self) -> float:
        return self.last - self.first


def machine_busy() -> float | None:
    """Seconds of CPU the whole machine has spent busy since it started (all cores), or None
    where psutil cannot say."""
    try:
        times = psutil.cpu_times()
    except (OSError, RuntimeError):  # pragma: no cover - platforms without the counters
        return None
    # Not busy here: idle, waiting on the disk, or taken by the host (steal); guest time is
    # counted in user time already.
    other = ("idle", "iowait", "steal", "guest", "guest_nice")
    return sum(times) - sum(getattr(times, name, 0.0) for name in other)


class Sampler:
    """Samples every process (psutil) in a thread until `stop()`; `processes` keyed by (pid,
    start time)."""

    def __init__(self):
        self.processes: dict[tuple[int, float], Process] = {}
        self._done = threading.Event()
        self._first_round = True
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._sample()
        self._first_round = False
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()
        self._sample()

    def _run(self) -> None:
        while not self._done.wait(SAMPLE_S):
            self._sample()

    def _sample(self) -> None:
        for found in psutil.process_iter(["ppid", "cmdline", "cpu_times", "create_time"]):
            info = found.info
            if info["cpu_times"] is None:  # gone, or not ours to read
                continue
            seconds = info["cpu_times"].user + info["cpu_times"].system
            key = (found.pid, info["create_time"])
            known = self.processes.get(key)
            if known is None:
                first = seconds if self._first_round else 0.0
                command = " ".join(info["cmdline"] or [])
                known = Process(found.pid, info["ppid"] or 0, command, first, seconds)
                self.processes[key] = known
            known.last = seconds


# What a process is, from its command line: the first rule that matches names its kind.
KINDS = [
    (r"--type=renderer", "Chromium: renderers"),
    (r"--type=gpu-process", "Chromium: GPU process"),
    (r"--type=(utility|zygote)", "Chromium: other processes"),
    (r"chrom", "Chromium: browser"),
    (r"playwright|node ", "Playwright's driver"),
    (r"ipykernel", "notebook kernels"),
    (r"fork_server\.py", "fork servers and their children (page runs)"),
    (r"torch\.distributed\.run", "torchrun"),
    (r"ddp_worker", "DDP workers"),
    (r"exec\(eval\(sys\.stdin", "pytest-xdist workers"),
    (r"-m pytest|/pytest ", "pytest"),
    (r"-m mkdocs", "mkdocs"),
    (r"^\S*python\S* \S+\.py\b", "Python scripts (a page as one script, ...)"),
    (r"^\S*python", "other Python"),
]


def kind(command: str) -> str:
    for pattern, name in KINDS:
        if re.search(pattern, command):
            return name
    return "other: " + (command.split(" ", 1)[0] or "(no command line: kernel threads)")


def _short(command: str) -> str:
    """The command on one line, each path by its last part: `python fork_server.py`."""
    words = [Path(w).name if "/" in w and not w.startswith("-") else w for w in command.split()]
    return " ".join(words)[:100]


def report(processes: list[Process], root: int, busy: float, top: int) -> list[str]:
    """The lines of the report on `processes`, for the command started as `root`."""
    by_pid = {p.pid: p for p in processes}
    lines = [f"{'core-s':>8}  {'procs':>5}  by kind"]
    kinds, counts = Counter(), Counter()
    for p in processes:
        name = kind(p.command)
        kinds[name] += p.seconds
        counts[name] += 1
    lines += [f"{s:8.1f}  {counts[k]:5d}  {k}" for k, s in kinds.most_common() if s >= 0.05]

    # By what started them: the suite's own processes (the command, its children, pytest-xdist's
    # workers) are a group; any other process counts under its highest ancestor below them.
    own = {root} | {
        p.pid for p in processes if p.parent == root or kind(p.command) == "pytest-xdist workers"
    }

    def head(p: Process) -> Process | None:
        while p.parent not in own:
            if p.parent not in by_pid:
                return None  # not started by the command
            p = by_pid[p.parent]
        return p

    groups, members = Counter(), Counter()
    for p in processes:
        found = p if p.pid in own else head(p)
        if found is None:
            continue
        label = "the command, its children, pytest's workers" if p.pid in own else found.command
        label = _short(label)
        groups[label] += p.seconds
        members[label] += 1
    lines += ["", f"{'core-s':>8}  {'procs':>5}  by what the suite started them from"]
    lines += [f"{s:8.1f}  {members[g]:5d}  {g}" for g, s in groups.most_common(top)]
    seen = sum(p.seconds for p in processes)
    lines += [
        "",
        f"{seen:.1f} core-seconds in the processes sampled; the machine was busy {busy:.1f} "
        "(the rest: processes that lived under one sample, and the kernel's own work)",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=20, help="how many groups to list")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- the command to run")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("name the command to run after --")
    sampler = Sampler()
    me = psutil.Process()
    mine = sum(me.cpu_times()[:2])
    busy = machine_busy()
    sampler.start()
    started = time.monotonic()
    child = subprocess.Popen(command)
    returncode = child.wait()
    sampler.stop()
    busy = (machine_busy() or 0.0) - (busy or 0.0)
    wall = time.monotonic() - started
    own = os.getpid()
    processes = [p for p in sampler.processes.values() if p.pid != own]
    print(f"\n{' '.join(command)}: exit {returncode}, {wall:.1f} s of wall time", file=sys.stderr)
    for line in report(processes, child.pid, busy, args.top):
        print(line, file=sys.stderr)
    mine = sum(me.cpu_times()[:2]) - mine
    print(f"(of which this sampling: {mine:.1f})", file=sys.stderr)
    return returncode
