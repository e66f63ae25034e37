"""Run a page's blocks as a reader would: in order, in a new Python process, in a scratch folder.

`PageRun` runs them one by one in the page worker (docsite/page_worker.py), so each block's
output, error and use of random numbers is known; the tests compare those with the page.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from docsite import forked
from docsite.config import GENERATED, ROOT
from docsite.pages import Block, Page

WORKER = Path(__file__).with_name("page_worker.py")  # run as a script, not imported
PAGE_TIMEOUT = 900  # seconds for one page; the slowest takes well under a minute


@dataclass
class Result:
    output: str = ""
    error: str | None = None  # formatted traceback
    random_so_far: bool = False  # a random generator was used by this block or an earlier one
    unseeded_draw: bool = False  # it drew random numbers while the page had not seeded torch
    missing_name: str | None = None  # it read a name that no block before it defined
    seconds: float = 0.0  # the block's wall time
    # The calls its code made (docsite/page_worker.py's CallRecorder), when the run records them
    calls: list[dict] = field(default_factory=list)


class PageRun:
    """Runs one page's blocks in order in a brand-new Python process (`docsite/page_worker.py`),
    in a scratch working directory, exactly as a reader who copies them into a new interpreter.
    The files the page writes there are read back and the directory removed. The process is a
    new interpreter when `fresh`, else a child forked from a Python that has only imported torch
    (docsite/fork_server.py: the same start, a second shorter).

    Nothing is configured first: the page itself must seed, import and set up what it uses.
    The process's environment is this one's, with `snippets` importable from this checkout.
    """

    def __init__(
        self, page: Page, device: str = "cpu", share=None, env=None, fresh=False, calls=False
    ):
        self.page = page
        self.calls = calls  # record the calls the page's code makes (docsite/cheatsheet.py)
        self.fresh = fresh  # a new interpreter; else a child of a fork server (docsite/forked.py)
        self.device = device
        self.results: list[Result] = []
        self.files: dict[str, bytes] = {}
        self.stderr = ""  # what the page's process printed on stderr
        self.seconds = 0.0  # wall time of the page's process (when this process ran it)
        self._share = share  # see PageRuns
        self._env = env or {}  # added to the reader's environment (e.g. one thread)
        self._running = threading.Lock()  # one run, whichever thread asks first

    def result(self, index: int) -> Result:
        self.run_all()
        return self.results[index]

    def run_all(self) -> list[Result]:
        with self._running:
            return self._run_all()

    def _run_all(self) -> list[Result]:
        if not self.results and self.page.blocks:
            if self._share is None:
                self.results = self._run()
            else:
                key = f"{self.page.stem}-{self.device}"
                self.results, self.files, self.stderr = self._share(key, self._run_and_files)
        return self.results

    def _run_and_files(self) -> tuple[list[Result], dict[str, bytes], str]:
        return self._run(), self.files, self.stderr

    def failed_before(self, index: int) -> Block | None:
        for block, result in zip(self.page.blocks[:index], self.results, strict=False):
            if result.error is not None:
                return block
        return None

    def problem(self, block: Block) -> str | None:
        """Why the block failed, naming the page, its line and what it relied on; None if it ran."""
        result = self.result(block.index)
        if result.unseeded_draw:
            return (
                f"{block.where()} draws random numbers before the page seeds them: call "
                "torch.manual_seed(...) in this block or one above it, where the reader sees it "
                "(a new interpreter's generator starts from torch's fixed default seed, so the "
                "numbers would only match by accident)"
            )
        if result.error is None:
            return None
        earlier = self.failed_before(block.index)
        if earlier is not None:
            return f"{block.where()} not run: an earlier block ({earlier.where()}) failed"
        if result.missing_name is not None:
            return (
                f"{block.where()} reads `{result.missing_name}`, which no block above it on "
                "the page creates (each page runs on its own, in a new Python process):\n"
                + result.error
            )
        return f"{block.where()} raised on {self.device}:\n{result.error}"

    def written_files(self) -> dict[str, bytes]:
        self.run_all()
        return self.files

    def _run(self) -> list[Result]:
        with tempfile.TemporaryDirectory(prefix=f"page-{self.page.path.stem}-") as folder:
            return self._run_in(Path(folder))

    def _run_in(self, workdir: Path) -> list[Result]:
        spec = workdir / ".page-spec.json"
        out = workdir / ".page-result.json"
        blocks = []
        for block in self.page.blocks:
            filename, first_line = code_location(block)
            blocks.append({"code": block.code, "filename": filename, "first_line": first_line})
        spec.write_text(
            json.dumps(
                {
                    "device": self.device,
                    "calls": self.calls,
                    "script": script_name(self.page),
                    "blocks": blocks,
                }
            ),
            encoding="utf-8",
        )
        started = time.perf_counter()
        run = forked.run(
            [str(WORKER), str(spec), str(out)],
            cwd=workdir,
            env=reader_env(self._env),
            timeout=PAGE_TIMEOUT,
            fresh=self.fresh,
        )
        self.seconds = time.perf_counter() - started
        self.stderr = run.stderr
        spec.unlink()
        if run.returncode != 0 or not out.is_file():
            error = (
                f"the page's Python process exited with status {run.returncode}:\n"
                f"{run.stderr[-4000:]}"
            )
            return [Result(error=error) for _ in self.page.blocks]
        results = [Result(**item) for item in json.loads(out.read_text(encoding="utf-8"))]
        out.unlink()
        self.files = files_under(workdir)
        return results


def files_under(folder: Path, skip=lambda path: False) -> dict[str, bytes]:
    """Every file under `folder` (none if it does not exist), keyed by its path relative to it."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not skip(p)
    }


def committed_files(page: Page) -> dict[str, bytes]:
    """The files a page's code writes, as committed under docs/generated/<page>/."""
    return files_under(GENERATED / page.stem)


def differing_files(page: Page, written: dict[str, bytes], all_committed: bool = True) -> list[str]:
    """The names of the files a run of the page wrote otherwise than committed under
    docs/generated/<page>/, or did not write (only among those it wrote, without
    `all_committed`: a run of part of the page)."""
    committed = committed_files(page)
    names = written.keys() | (committed.keys() if all_committed else set())
    return sorted(name for name in names if written.get(name) != committed.get(name))


def reader_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """This environment, with this checkout's `snippets` importable (as `make setup` installs
    it), and `extra` on top. No variable that changes what torch computes is added."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.update(extra or {})
    return env


def code_location(block: Block) -> tuple[str, int]:
    """File and first line to compile a block with, so a traceback points at the snippet file's
    own line numbers when the block comes from one section."""
    sources = {(o.source, o.section) for o in block.origins}
    if len(sources) == 1 and block.origins[0].source is not None:
        return str(block.origins[0].source), block.origins[0].source_line
    return str(block.page.path), block.fence_line + 1


DEVICE_SUFFIX = re.compile(r", device='cuda(:\d+)?'")


def normalise_device(text: str) -> str:
    """Make a CUDA run's printout comparable with the CPU one."""
    text = DEVICE_SUFFIX.sub("", text)
    text = re.sub(r"device\(type='cuda', index=\d+\)", "device(type='cpu')", text)
    return re.sub(r"\bcuda(:\d+)?\b", "cpu", text)


class PageRuns:
    """One `PageRun` per page and device for a whole test session, so each page runs once however
    many tests read its results (and `make update-outputs` writes what those runs printed).

    `share(key, compute)`, when given, runs `compute` once for all the processes of a session
    (the test workers) and hands each the same (results, files). `calls`: the CPU runs also
    record the torch calls the page makes (docsite/cheatsheet.py), for a session that reads them.
    """

    def __init__(self, share=None, calls: bool = True) -> None:
        self._runs: dict[tuple[str, str], PageRun] = {}
        self._share = share
        self._calls = calls

    def get(self, page: Page, device: str = "cpu") -> PageRun:
        key = (page.name, device)
        if key not in self._runs:
            # The CPU run also records the torch calls the page makes (docsite/cheatsheet.py):
            # the cheat sheet's check reads them from this run, not from a run of its own.
            calls = self._calls and device == "cpu"
            self._runs[key] = PageRun(page, device, share=self._share, calls=calls)
        return self._runs[key]

    def start(self, wanted: list[tuple[Page, str]], jobs: int) -> None:
        """Start these runs now, `jobs` at a time, each in a thread that waits on its page's
        process: a test that reads one later finds it done or under way (PageRun.run_all waits),
        and the pages use every core while the tests read them in order."""
        pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="page-run")
        for page, device in wanted:
            pool.submit(self.get(page, device).run_all)
        pool.shutdown(wait=False)

    def started(self, device: str = "cpu") -> list[PageRun]:
        """The runs of `device` that have run, in the order they were asked for."""
        return [run for (_, d), run in self._runs.items() if d == device and run.results]


def script_name(page: Page) -> str:
    """The file a reader copies the page's blocks into: part03-math.py."""
    return f"{page.path.stem}.py"


def script(blocks: list[Block]) -> str:
    """The blocks in order, as a reader copies them into one file."""
    return "\n".join(block.code.rstrip("\n") + "\n" for block in blocks)


def first_differing_block(blocks: list[Block], actual: str) -> Block:
    """The block whose output is the first to differ from the page's (outputs are in order)."""
    position = 0
    for block in blocks:
        expected = block.expected or ""
        if actual[position : position + len(expected)] != expected:
            return block
        position += len(expected)
    return blocks[-1]
