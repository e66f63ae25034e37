"""The process-time report (docsite/process_time.py): every process a command starts is seen, its
CPU time counted under its kind and under what started it, and the command's exit status kept."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from docsite import process_time
from docsite.config import ROOT

BURN = "x = 0\nfor i in range(8_000_000): x += i"  # about half a second of one core


def test_a_grandchilds_cpu_time_is_counted_and_the_exit_status_kept():
    """The command (a shell) starts a shell that starts a Python burning CPU, then exits 3: the
    Python's time is counted under its own command line (the shells are the command's own), the
    report ends with the machine's busy time, and the tool exits 3."""
    burner = f"{sys.executable} -c '{BURN}'"
    done = subprocess.run(
        [sys.executable, "-m", "tools.process_time", "--", "sh", "-c", f'sh -c "{burner}"; exit 3'],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 3, done.stderr
    groups = done.stderr.split("by what the suite started them from")[1]
    line = next((ln for ln in groups.splitlines() if "for i in range" in ln), None)
    assert line is not None, done.stderr
    seconds = float(line.split()[0])
    assert seconds >= 0.2, done.stderr
    assert re.search(r"core-seconds in the processes sampled; the machine was busy", done.stderr)


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("/usr/lib/chromium/chromium --type=renderer --lang=en", "Chromium: renderers"),
        (".venv/bin/python /work/main/docsite/fork_server.py", "fork servers and their children"),
        (".venv/bin/python -m ipykernel_launcher -f /tmp/k.json", "notebook kernels"),
        (".venv/bin/python -m mkdocs build --strict", "mkdocs"),
        (".venv/bin/python -u -c import sys;exec(eval(sys.stdin.readline()))", "pytest-xdist"),
        ("", "other: (no command line: kernel threads)"),
    ],
)
def test_each_kind_of_process_is_named(command, expected):
    assert process_time.kind(command).startswith(expected)
