"""docs/further03-more-processes.md starts two processes with torchrun (`snippets/ddp_worker.py`).

A rank that fails mid-training must not leave the other one waiting in an all-reduce (gloo's
default timeout is 30 minutes) nor leave any process behind: the page's launch block raises,
with torchrun's report naming the failing rank's error, within seconds. And the equality the
page prints is checked by the suite: a rank training on the wrong half fails the page.
Both run on scratch copies; the reader's code has no test-only switch.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import psutil
import pytest

from docsite import config, running
from docsite import pages as docpages
from tests.scratch_project import copy_project, replace_once, run_pytest

PAGE = config.DOCS / "further03-more-processes.md"
WORKER = "snippets/ddp_worker.py"
MARKER = "MORE_PROCESSES_TEST_RUN"  # set for the launched script; torchrun's processes inherit it
SECONDS_AFTER_FAILURE = 20  # from the injected error to the launch block's exception


def _block(page: docpages.Page, section: str) -> docpages.Block:
    return next(block for block in page.blocks if block.section == section)


def _processes_marked(marker: str) -> list[psutil.Process]:
    """Every process still alive whose environment carries this test's marker."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get(MARKER) == marker and process.status() != "zombie":
                found.append(process)
        except psutil.Error:  # gone meanwhile, or not ours to read
            continue
    return found


def test_the_process_scan_sees_a_marked_process(tmp_path):
    """The check below would notice a process left behind."""
    marker = str(tmp_path)
    sleeper = subprocess.Popen(["sleep", "60"], env={**os.environ, MARKER: marker})
    try:
        deadline = time.monotonic() + 10
        while not _processes_marked(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [p.pid for p in _processes_marked(marker)] == [sleeper.pid]
    finally:
        sleeper.kill()
        sleeper.wait()
    assert not _processes_marked(marker)


def test_a_failing_rank_stops_the_run_quickly_and_leaves_no_process(tmp_path):
    launch = _block(docpages.load_page(PAGE), "launch")
    scratch = tmp_path / "project"
    shutil.copytree(
        config.ROOT / "snippets",
        scratch / "snippets",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    failed_at = tmp_path / "failed-at"
    # Rank 1 raises halfway through training; rank 0 is then waiting in DDP's all-reduce.
    replace_once(
        scratch / WORKER,
        "        optimizer.step()  # the same update on every rank\n",
        "        optimizer.step()  # the same update on every rank\n"
        "        if rank == 1 and step == 50:\n"
        "            import os, time\n"
        "            Path(os.environ['FAILED_AT']).write_text(repr(time.time()))\n"
        "            raise RuntimeError('injected failure in rank 1')\n",
    )
    (tmp_path / "launch.py").write_text(launch.code, encoding="utf-8")
    env = running.reader_env({MARKER: str(tmp_path), "FAILED_AT": str(failed_at)})
    env["PYTHONPATH"] = os.pathsep.join([str(scratch), env["PYTHONPATH"]])  # the copy first
    system_temp = tmp_path / "tmp"  # the processes' temporary directory, to see what stays there
    system_temp.mkdir()
    env["TMPDIR"] = str(system_temp)

    run = subprocess.run(
        [sys.executable, "launch.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    ended = time.time()

    assert run.returncode == 1, run.stdout + run.stderr
    assert "RuntimeError: torchrun exited with status 1" in run.stderr, run.stderr
    root_cause = run.stderr[run.stderr.index("Root Cause") :]
    assert "rank      : 1" in root_cause and "injected failure in rank 1" in root_cause, root_cause
    assert failed_at.is_file(), "rank 1 never reached the injected failure"
    waited = ended - float(failed_at.read_text())
    assert waited < SECONDS_AFTER_FAILURE, (
        f"the launch block raised {waited:.1f} s after the failure"
    )
    left = _processes_marked(str(tmp_path))
    assert not left, [(p.pid, p.cmdline()) for p in left]
    logs = sorted(p.name for p in system_temp.glob("torchelastic_*"))
    assert not logs, f"torchrun left its logs in the temporary directory: {logs}"


@pytest.mark.runs_long
def test_a_rank_training_on_the_wrong_half_fails_the_page(tmp_path):
    page = docpages.load_page(PAGE)
    same_result = _block(page, "same-result")

    project = copy_project(tmp_path)
    # Both ranks take the first half: DDP averages two equal gradients of the wrong batch.
    replace_once(
        project / WORKER,
        "X.chunk(world_size)[rank], y.chunk(world_size)[rank]",
        "X.chunk(world_size)[0], y.chunk(world_size)[0]",
    )

    run = run_pytest(project, select="further03")
    report = run.stdout + run.stderr
    assert run.returncode == 1, report
    assert f"{same_result.where()}: the page's output differs from a real run on cpu" in report
    printed = "largest difference from one process below 1e-6: "
    assert f"\n-{printed}True\n+{printed}False\n" in report, report
