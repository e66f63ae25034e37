"""The pages on the torch a reader has: every page run on other torch releases, and the record of
what each release printed (docs/torch-versions.json), which the site and the notebooks show.

    make test-torch TORCH=2.9.1       # python -m tools.test_torch 2.9.1

For one release, `make test-torch` makes (or reuses) a side environment under
~/.cache/pytorch-in-one-hour/torch-<release>/ that never touches .venv: that torch (on Linux
without an NVIDIA GPU from torch's CPU wheel index when it answers, as `make setup` installs it,
else PyPI's build), the packages the pages' code imports, pinned as in requirements.txt, ipykernel
for the notebooks, and this project (editable, no dependencies), so `snippets` imports. Then each
page runs as tests/test_as_a_reader_runs_it.py runs it (its blocks as one script, a new `python`
of that environment, nothing before them): its stdout must be the page's outputs byte for byte,
its files those under docs/generated/<page>/, its stderr empty (a deprecation warning fails). And
each page's notebook runs in a Jupyter kernel of that environment (nbclient from .venv), every
cell's stdout compared with its block's output on the page, as tests/test_notebooks.py does.

The record keeps, per release and page: "same", "different" (the first differing block, its page
line and a diff, and what the release printed for each differing block) or "error" (the stderr
or the exception, and the block it came from), with the page's fingerprint (its blocks' code and
outputs, the files it writes, the helper files its code uses) and the run's seconds. Only this
command writes it; a run replaces its release's entry for the pages it ran. An entry whose
fingerprint is not the page's any more is stale: nothing is claimed from it until it is run again.

What the site shows (docsite/hooks/verified_with.py): each page's footer names the releases on
which its outputs are the same, and under a block that a release prints otherwise, that
release's output. Each notebook's set-up cell names the releases verified for its page
(docsite/notebooks.py).
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import difflib
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from docsite import config, prose, running, verified
from docsite import pages as docpages

RECORD_NAME = "torch-versions.json"  # beside docs/verified-with.json
COMMAND = "make test-torch TORCH={release}"
CPU_INDEX = "https://download.pytorch.org/whl/cpu"  # the Makefile's, for Linux without NVIDIA
REQUIREMENTS = config.ROOT / "requirements.txt"
PIP_PIN = "pip==26.3"  # as the Makefile's setup
KERNEL_EXTRA = ("ipykernel",)  # what the notebooks need besides what the pages import
SCRIPT_TIMEOUT = 900  # seconds for one page run as one script
CELL_TIMEOUT = 600  # seconds for one notebook cell
# How threads that wait for their peers wait (sleeping, not spinning), never what they compute:
# as in the suite's parallel workers (tests/conftest.py), a page that trains on every core would
# otherwise run many times slower while another process holds a core. An environment's own wins.
WAIT_POLICY = {"OMP_WAIT_POLICY": "PASSIVE"}
LATEST = "latest"  # `make test-torch TORCH=latest`: the newest torch the index serves, unpinned
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # a kernel's colours, not part of what it printed

SAME, DIFFERENT, ERROR = "same", "different", "error"


def say(text: str) -> None:
    print(text, flush=True)  # as it happens, also into a log file


# --- versions --------------------------------------------------------------------------------


def release(version: str) -> str:
    """'2.13.0+cpu' -> '2.13.0' (the local label names the build, not the release)."""
    return version.split("+", 1)[0]


def version_key(version: str) -> tuple[int, ...]:
    """A release as numbers, for ordering and for "nearest" ('2.9.1' -> (2, 9, 1))."""
    numbers = [int(n) for n in re.findall(r"\d+", release(version))[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


def pinned_torch(requirements: Path = REQUIREMENTS) -> str:
    """The torch release requirements.txt pins (the one every output on the pages comes from)."""
    for line in requirements.read_text(encoding="utf-8").splitlines():
        if line.strip().lower().startswith("torch=="):
            return release(line.split("==", 1)[1].strip())
    raise LookupError(f"{requirements} pins no torch")


# --- the record ------------------------------------------------------------------------------


def record_path(docs: Path = config.DOCS) -> Path:
    return docs / RECORD_NAME


def recorded(docs: Path = config.DOCS) -> dict:
    """docs/torch-versions.json ({"versions": {}} when there is none)."""
    path = record_path(docs)
    if not path.is_file():
        return {"versions": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def fingerprint(page: docpages.Page) -> str:
    """What a run of the page is compared with: each block's code and output, the files the page
    writes (docs/generated/<page>/) and the helper files its code uses. Prose is not in it."""
    parts = {
        "blocks": [[block.code, block.expected or ""] for block in page.blocks],
        "files": {
            name: hashlib.sha256(data).hexdigest()
            for name, data in running.committed_files(page).items()
        },
        "helpers": {
            name: verified.file_hash(path) for name, path in verified.helpers_used(page).items()
        },
    }
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[: verified.HASH_LENGTH]


@dataclasses.dataclass
class Claims:
    """What the record says about one page, from the entries that are current (their fingerprint
    is the page's): the releases with the same outputs, those that print something else (their
    entries), and those on which it fails; stale entries say nothing."""

    same: list[str]
    different: dict[str, dict]
    failing: dict[str, dict]
    stale: list[str]


def claims(page: docpages.Page, record: dict) -> Claims:
    current = fingerprint(page)
    result = Claims([], {}, {}, [])
    for version in sorted(record.get("versions", {}), key=version_key):
        entry = record["versions"][version].get("pages", {}).get(page.name)
        if entry is None:
            continue
        if entry.get("fingerprint") != current:
            result.stale.append(version)
        elif entry["result"] == SAME:
            result.same.append(version)
        elif entry["result"] == DIFFERENT:
            result.different[version] = entry
        else:
            result.failing[version] = entry
    return result


def verified_releases(page: docpages.Page, docs: Path = config.DOCS) -> list[str]:
    """The releases a notebook's set-up cell treats as verified: those with the same outputs in
    the record, and the release the outputs were written with (docs/verified-with.json)."""
    found = set(claims(page, recorded(docs)).same)
    written_with = verified.recorded(docs).get("torch")
    if written_with:
        found.add(release(written_with))
    return sorted(found, key=version_key)


def problems(record: dict, pages: Iterable[docpages.Page], pinned: str) -> list[str]:
    """Why the record does not cover the pages on the pinned torch: a page with code with no
    entry for it, a stale one (the page's code, outputs, files or helpers changed since), or one
    that is not the same. [] when it covers them."""
    found = []
    entries = record.get("versions", {}).get(pinned, {}).get("pages", {})
    fix = COMMAND.format(release=pinned)
    for page in pages:
        entry = entries.get(page.name)
        if entry is None:
            found.append(f"{page.relpath}: no run on the pinned torch {pinned}; run `{fix}`")
        elif entry.get("fingerprint") != fingerprint(page):
            found.append(
                f"{page.relpath}: its entry for torch {pinned} is stale (its code, outputs, "
                f"files or helpers changed since); run `{fix}`"
            )
        elif entry["result"] != SAME:
            found.append(
                f"{page.relpath}: on the pinned torch {pinned} the record says "
                f"{entry['result']!r}: {summary(entry)}"
            )
    return found


def summary(entry: dict, lines: bool = True) -> str:
    """One line on a page's entry that is not "same" (`lines`: naming the block's page line)."""
    first = entry.get("first_difference") or {}
    where = f" at line {first['line']}" if lines and first.get("line") else ""
    if entry["result"] == DIFFERENT:
        if entry.get("files") and not entry.get("blocks"):
            return f"writes other files: {', '.join(entry['files'])}"
        return (
            f"prints something else from line {first.get('line')} on"
            if lines
            else ("prints something else")
        )
    if entry.get("stderr_only"):
        return f"writes to stderr{where}: {message(entry)}"
    return f"fails{where}: {message(entry)}"


def message(entry: dict) -> str:
    """What a failing run said last: the exception, or the warning it wrote to stderr."""
    text = entry.get("error", "")
    if entry.get("stderr_only"):
        warning = next((w for w in text.splitlines() if "Warning:" in w), None)
        return (warning or last_line(text)).split(": ", 1)[-1].strip()
    return last_line(text)


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Warning)\b.*")


def last_line(text: str) -> str:
    """A traceback's exception line (its message may span lines), else the last line."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    raised = [line for line in lines if EXCEPTION_LINE.match(line)]
    return (raised or lines or [""])[-1].strip()


def merged(record: dict, version: str, entry: dict) -> dict:
    """`record` with `entry` (one run of one release) in place: the pages it ran replace theirs,
    others of that release are kept unless their page is gone; the release's seconds are the sum
    of its pages'."""
    versions = dict(record.get("versions", {}))
    old = versions.get(version, {})
    pages = {
        name: value
        for name, value in old.get("pages", {}).items()
        if (config.DOCS / name).is_file() or name in entry["pages"]
    }
    pages.update(entry["pages"])
    new = {key: value for key, value in entry.items() if key != "pages"}
    new["seconds"] = round(sum(p.get("seconds", 0.0) for p in pages.values()), 1)
    new["pages"] = dict(sorted(pages.items()))
    versions[version] = new
    ordered = dict(sorted(versions.items(), key=lambda item: version_key(item[0])))
    return {**{k: v for k, v in record.items() if k != "versions"}, "versions": ordered}


def write_record(record: dict, docs: Path = config.DOCS) -> Path:
    path = record_path(docs)
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# --- the side environment --------------------------------------------------------------------


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "pytorch-in-one-hour"


def torch_index(log: Callable[[str], None] = say) -> str | None:
    """Where torch comes from, as `make setup` decides: $TORCH_INDEX when set (empty: PyPI);
    else on Linux without an NVIDIA GPU torch's CPU wheel index, when it answers; else PyPI."""
    if "TORCH_INDEX" in os.environ:
        return os.environ["TORCH_INDEX"] or None
    nvidia = shutil.which("nvidia-smi") or Path("/proc/driver/nvidia/version").exists()
    if platform.system() != "Linux" or nvidia:
        return None
    try:
        with urllib.request.urlopen(CPU_INDEX + "/torch/", timeout=10):
            return CPU_INDEX
    except OSError as error:
        log(f"torch's CPU index does not answer ({error}); taking PyPI's build")
        return None


def imported_distributions() -> list[str]:
    """The installed distributions the pages' code imports: every module a page's block or a
    file of snippets/ imports, outside the standard library and this project, mapped to its
    distribution in this environment (torch, matplotlib, ...)."""
    modules: set[str] = set()
    sources = [p.read_text(encoding="utf-8") for p in sorted(config.SNIPPETS.rglob("*.py"))]
    sources += [block.code for page in docpages.pages_with_code() for block in page.blocks]
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
    own = {"snippets", "docsite", "tests", "tools"}
    by_module = importlib.metadata.packages_distributions()
    found = set()
    for module in modules - set(sys.stdlib_module_names) - own:
        if module == "__future__":
            continue
        if module not in by_module:
            raise LookupError(f"the pages import {module}, which no installed package provides")
        found.update(by_module[module])
    return sorted(found, key=str.lower)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(requirements: Path = REQUIREMENTS) -> dict[str, str]:
    """requirements.txt as normalised name -> its line ('numpy' -> 'numpy==2.4.6')."""
    found = {}
    for line in requirements.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            found[_normal(line.split("==", 1)[0])] = line
    return found


@dataclasses.dataclass
class SideEnv:
    python: Path
    index: str | None  # where torch came from (None: PyPI)
    created_seconds: float = 0.0  # 0 when the cached one was used


def env_spec(version: str, index: str | None) -> dict:
    """What an environment is made of; a cached one with another spec is made anew."""
    wanted = [n for n in imported_distributions() if _normal(n) != "torch"] + list(KERNEL_EXTRA)
    pinned = pins()
    missing = [name for name in wanted if _normal(name) not in pinned]
    if missing:
        raise LookupError(f"requirements.txt pins no version of {', '.join(missing)}")
    return {
        "torch": version,
        "index": index,
        "python": platform.python_version(),
        "packages": sorted(pinned[_normal(name)] for name in wanted),
        "constraints": sorted(v for k, v in pinned.items() if k != "torch"),
        "pip": PIP_PIN,
    }


def _pip(python: Path, *args: str, log_file: Path) -> None:
    command = [str(python), "-m", "pip", "install", "--quiet", *args]
    with log_file.open("a", encoding="utf-8") as log:
        log.write("$ " + " ".join(command) + "\n")
        log.flush()
        done = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, check=False)
    if done.returncode:
        tail = "".join(log_file.read_text(encoding="utf-8").splitlines(keepends=True)[-30:])
        raise RuntimeError(f"pip failed ({' '.join(args)}); the end of {log_file}:\n{tail}")


def _same_env(made: dict, wanted: dict) -> bool:
    """Whether an environment made for `made` serves `wanted`: the same torch from the same
    index, the same Python, the same pinned packages. A change in another pin of
    requirements.txt (a transitive one) does not make a 6 GB environment anew; `--fresh` does."""
    keys = ("torch", "index", "python", "packages")
    return all(made.get(key) == wanted.get(key) for key in keys)


def side_env(
    version: str,
    envs: Path | None = None,
    log: Callable[[str], None] = say,
    fresh: bool = False,
) -> SideEnv:
    """The cached environment for torch `version` (or LATEST), made when missing, when what it
    is made of changed (`_same_env`), or when `fresh`. Never .venv; each under `envs` (default
    ~/.cache/pytorch-in-one-hour/)."""
    envs = envs or cache_dir()
    folder = envs / f"torch-{version}"
    index = torch_index(log)
    spec = env_spec(version, index)
    marker = folder / ".made-for.json"
    python = folder / "bin" / "python"
    if not fresh and marker.is_file() and _same_env(json.loads(marker.read_text("utf-8")), spec):
        if version == LATEST:  # the newest, each time: pip updates torch if a newer one is out
            _install_torch(python, version, index, folder / "install.log")
        return SideEnv(python, index)
    started = time.perf_counter()
    where = index or "PyPI"
    log(f"making {folder} (torch {version} from {where}; pip's log: {folder / 'install.log'})")
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    install_log = folder / "install.log"
    _pip(python, spec["pip"], log_file=install_log)
    # torch's own dependencies as requirements.txt pins them where that torch accepts them (an
    # older torch may ask for another sympy, say: then as it asks) ...
    constraints = folder / "constraints.txt"
    constraints.write_text("\n".join(spec["constraints"]) + "\n", encoding="utf-8")
    try:
        _install_torch(python, version, index, install_log, constraints)
    except RuntimeError:
        log(f"torch {version} does not accept requirements.txt's pins; its own choice instead")
        _install_torch(python, version, index, install_log)
    # ... then what the pages import and ipykernel, pinned, leaving torch's choices as they are.
    installed = {_normal(d.metadata["Name"]) for d in _distributions(python)}
    kept = [line for line in spec["constraints"] if _normal(line.split("==")[0]) not in installed]
    constraints.write_text("\n".join(kept) + "\n", encoding="utf-8")
    _pip(python, *spec["packages"], "-c", str(constraints), log_file=install_log)
    _pip(python, "--no-deps", "--editable", str(config.ROOT), log_file=install_log)
    marker.write_text(json.dumps(spec, indent=2) + "\n", encoding="utf-8")
    return SideEnv(python, index, time.perf_counter() - started)


def _install_torch(
    python: Path, version: str, index: str | None, log_file: Path, constraints: Path | None = None
) -> None:
    requirement = "torch" if version == LATEST else f"torch=={version}"
    extra = ["--extra-index-url", index] if index else []
    extra += ["-c", str(constraints)] if constraints else []
    _pip(python, "--upgrade", *extra, requirement, log_file=log_file)


def _distributions(python: Path) -> list:
    done = subprocess.run(
        [str(python), "-c", "import sys; print('\\n'.join(sys.path))"],
        capture_output=True,
        text=True,
        check=True,
    )
    paths = [p for p in done.stdout.splitlines() if p and "site-packages" in p]
    return list(importlib.metadata.distributions(path=paths))


def describe(python: Path) -> dict:
    """The torch (and Python) a side environment runs."""
    probe = (
        "import json, platform, torch; print(json.dumps({'torch': torch.__version__, "
        "'cuda': torch.version.cuda, 'python': platform.python_version(), "
        "'machine': platform.machine()}))"
    )
    done = subprocess.run([str(python), "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


# --- one page as one script --------------------------------------------------------------------


@dataclasses.dataclass
class ScriptRun:
    returncode: int
    stdout: str
    stderr: str
    files: dict[str, bytes]
    seconds: float


def run_script(page: docpages.Page, python: Path) -> ScriptRun:
    """The page's blocks as one script, run by a new `python` (the side environment's) in a
    scratch folder, with this checkout's `snippets` importable and nothing else set up."""
    with tempfile.TemporaryDirectory(prefix=f"torch-{page.path.stem}-") as folder:
        workdir = Path(folder)
        name = running.script_name(page)
        (workdir / name).write_text(running.script(page.blocks), encoding="utf-8")
        started = time.perf_counter()
        try:
            done = subprocess.run(
                [str(python), name],
                cwd=workdir,
                env=_run_env(),
                capture_output=True,
                text=True,
                timeout=SCRIPT_TIMEOUT,
                check=False,
            )
            returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
        except subprocess.TimeoutExpired as error:
            returncode, stdout = -9, error.stdout or ""
            stderr = f"timed out after {SCRIPT_TIMEOUT} s"
            stdout = stdout.decode() if isinstance(stdout, bytes) else stdout
        seconds = time.perf_counter() - started
        files = running.files_under(workdir, skip=lambda path: path.name == name)
    return ScriptRun(returncode, stdout, stderr, files, seconds)


def _diff(expected: str, actual: str, theirs: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            fromfile=theirs,
            tofile=label,
        )
    )


def _block_of_traceback(page: docpages.Page, stderr: str, name: str) -> docpages.Block | None:
    """The block that was running: the one holding the script's line a traceback names first
    (the statement at the top level; deeper frames may be in a function an earlier block
    defined), or the line a warning names."""
    # A traceback's 'File ".../page.py", line N', a warning's '.../page.py:N: FutureWarning: ...'
    lines = re.findall(rf'File ".*{re.escape(name)}", line (\d+)', stderr)
    lines = lines or re.findall(rf"{re.escape(name)}:(\d+): \w+", stderr)
    if not lines:
        return None
    target, start = int(lines[0]), 1
    for block in page.blocks:
        end = start + len(block.code.rstrip("\n").splitlines())
        if start <= target < end + 1:
            return block
        start = end + 1  # the blank line between two blocks
    return None


def script_result(page: docpages.Page, run: ScriptRun, label: str) -> dict:
    """A script run compared as tests/test_as_a_reader_runs_it.py compares it."""
    where = f"{page.relpath} run as one script by a new python ({label})"
    if run.returncode != 0 or run.stderr:
        block = _block_of_traceback(page, run.stderr, running.script_name(page))
        what = f"exited with status {run.returncode}" if run.returncode else "printed on stderr"
        found = {"result": ERROR, "error": f"{where} {what}:\n{run.stderr[-4000:]}"}
        if not run.returncode:
            found["stderr_only"] = True  # it ran to the end, and wrote to stderr (a warning)
        if block is not None:
            found["first_difference"] = _block_fields(block)
            kind = "stderr" if not run.returncode else "error"
            text = run.stderr[-4000:] if not run.returncode else last_line(run.stderr)
            found["blocks"] = [{**_block_fields(block), kind: text}]
        return found
    expected = "".join(block.expected or "" for block in page.blocks)
    if run.stdout != expected:
        block = running.first_differing_block(page.blocks, run.stdout)
        theirs = f"{page.relpath} (the page's outputs, in order)"
        return {
            "result": DIFFERENT,
            "first_difference": {
                **_block_fields(block),
                "diff": _diff(expected, run.stdout, theirs, f"a new python ({label})"),
            },
        }
    committed = running.committed_files(page)
    changed = sorted(
        n for n in run.files.keys() | committed.keys() if run.files.get(n) != committed.get(n)
    )
    if changed:
        folder = (config.GENERATED / page.stem).relative_to(config.ROOT)
        return {
            "result": DIFFERENT,
            "files": changed,
            "first_difference": {"where": f"{where} writes other files than those under {folder}"},
        }
    return {"result": SAME}


def _block_fields(block: docpages.Block) -> dict:
    return {"line": block.page_line, "index": block.index, "where": block.where()}


# --- one page as a notebook --------------------------------------------------------------------


@dataclasses.dataclass
class NotebookRun:
    cells: list | None  # the executed cells holding the page's blocks (None: did not start)
    error: str | None
    seconds: float


def _run_env() -> dict[str, str]:
    """The reader's environment (this checkout's `snippets` importable), waiting politely."""
    return running.reader_env({k: v for k, v in WAIT_POLICY.items() if k not in os.environ})


def _kernel_env() -> dict[str, str]:
    env = _run_env()
    env["PIP_NO_INDEX"] = "1"  # `snippets` imports from this checkout: the install never runs
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # debugpy's note about frozen modules
    env["CUDA_VISIBLE_DEVICES"] = ""  # the pages run on the CPU, as on the site
    return env


def run_notebook(page: docpages.Page, python: Path) -> NotebookRun:
    """The page's notebook (docsite/notebooks.py, generated from the page as it is now) executed
    by nbclient from this environment in a kernel that runs `python` (the side environment's
    ipykernel), in a scratch folder."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    from docsite import notebooks

    nb = notebooks.build(page)
    name = "torch-side-env"
    with tempfile.TemporaryDirectory(prefix=f"torch-nb-{page.path.stem}-") as folder:
        spec = Path(folder) / "kernels" / name
        spec.mkdir(parents=True)
        argv = [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
        kernel = {"argv": argv, "display_name": name, "language": "python"}
        (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
        specs = KernelSpecManager(kernel_dirs=[str(spec.parent)], ensure_native_kernel=False)
        manager = AsyncKernelManager(kernel_name=name, kernel_spec_manager=specs)
        workdir = Path(folder) / "work"
        workdir.mkdir()
        client = NotebookClient(
            nb,
            km=manager,
            kernel_name=name,
            timeout=CELL_TIMEOUT,
            allow_errors=False,
            resources={"metadata": {"path": str(workdir)}},
        )
        started = time.perf_counter()
        error = None
        # The kernel's own log (ipykernel's notes) goes to a file, read back if it dies.
        kernel_log = Path(folder) / "kernel.log"
        with kernel_log.open("w", encoding="utf-8") as log:
            try:
                asyncio.run(client.async_execute(env=_kernel_env(), stderr=log))
            except CellExecutionError as raised:
                error = ANSI.sub("", str(raised))
            except Exception as raised:  # the kernel did not start or died: no cell to name
                tail = kernel_log.read_text(encoding="utf-8")[-2000:]
                return NotebookRun(None, f"{type(raised).__name__}: {raised}\n{tail}", 0.0)
        seconds = time.perf_counter() - started
    return NotebookRun(notebooks.code_cells(nb), error, seconds)


def _stream(cell, name: str) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("name") == name)


def notebook_blocks(page: docpages.Page, run: NotebookRun) -> list[dict]:
    """Each block whose notebook cell did not print exactly the page's output, or printed
    anything else (stderr, a value, an error): its page line and what the cell printed."""
    found = []
    for block, cell in zip(page.blocks, run.cells or [], strict=False):
        item = _block_fields(block)
        stdout = _stream(cell, "stdout")
        stderr = _stream(cell, "stderr")
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        values = [o for o in cell.get("outputs", []) if o.get("output_type") == "execute_result"]
        expected = block.expected or ""
        if stdout != expected and not (errors and expected.startswith(stdout)):
            item["output"] = stdout  # (a cell that failed after printing its start is a failure)
        if stderr:
            item["stderr"] = stderr
        if errors:
            item["error"] = ANSI.sub("", f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
        if values:
            item["error"] = "shows a value: " + values[0].get("data", {}).get("text/plain", "")
        if len(item) > 3:
            found.append(item)
        if errors:
            break  # the cells below it never ran
    return found


def notebook_result(page: docpages.Page, run: NotebookRun) -> dict:
    rel = config.notebook_path(page.name).relative_to(config.ROOT)
    if run.cells is None:
        return {"result": ERROR, "error": f"{rel} did not run: {run.error}", "blocks": []}
    blocks = notebook_blocks(page, run)
    if run.error is not None or any("stderr" in b or "error" in b for b in blocks):
        detail = run.error or "\n".join(
            f"{b['where']}: {b.get('error') or b.get('stderr')}" for b in blocks
        )
        return {
            "result": ERROR,
            "error": f"{rel} in a Jupyter kernel:\n{detail[-4000:]}",
            "blocks": blocks,
        }
    return {"result": DIFFERENT if blocks else SAME, "blocks": blocks}


# --- a page, and a release ---------------------------------------------------------------------


def check_page(page: docpages.Page, python: Path, label: str, notebook: bool = True) -> dict:
    """One page on the torch of `python`: its entry in the record."""
    ran = run_script(page, python)
    entry = {"fingerprint": fingerprint(page), **script_result(page, ran, label)}
    seconds = ran.seconds
    if notebook:
        nb_run = run_notebook(page, python)
        seconds += nb_run.seconds
        nb = notebook_result(page, nb_run)
        entry["notebook"] = nb["result"]
        if nb["result"] == ERROR and entry["result"] != ERROR:
            entry["result"], entry["error"] = ERROR, nb["error"]
            entry.pop("first_difference", None)
            if nb["blocks"]:
                first = nb["blocks"][0]
                entry["first_difference"] = {k: first[k] for k in ("line", "index", "where")}
        elif nb["result"] == DIFFERENT and entry["result"] == SAME:
            entry["result"] = DIFFERENT
            first = next(b for b in page.blocks if b.index == nb["blocks"][0]["index"])
            entry["first_difference"] = {
                **_block_fields(first),
                "diff": _diff(
                    first.expected or "",
                    nb["blocks"][0]["output"],
                    f"{first.where()} (the page's output)",
                    f"its notebook cell ({label})",
                ),
            }
        if nb["blocks"]:  # what each block printed, cell by cell, with what the script said
            by_index = {b["index"]: dict(b) for b in nb["blocks"]}
            for item in entry.get("blocks", []):
                by_index[item["index"]] = {**item, **by_index.get(item["index"], {})}
            entry["blocks"] = [by_index[i] for i in sorted(by_index)]
    if entry["result"] == DIFFERENT and "blocks" not in entry and "files" not in entry:
        # No notebook run to say what each block printed: cut the script's stdout by the
        # page's line counts, when they add up.
        outputs = prose.split_output(page, page.blocks, ran.stdout)
        entry["blocks"] = [
            {**_block_fields(b), "output": outputs[b.index]}
            for b in page.blocks
            if b.index in outputs and outputs[b.index] != (b.expected or "")
        ]
    if entry.get("first_difference") is None:
        entry.pop("first_difference", None)
    entry["seconds"] = round(seconds, 1)
    return entry


def check_release(
    python: Path,
    pages: list[docpages.Page],
    notebook: bool = True,
    log: Callable[[str], None] = say,
    index: str | bool | None = False,
) -> tuple[str, dict]:
    """Every page in `pages` on the torch of `python`: (its release, its entry in the record)."""
    info = describe(python)
    label = f"torch {info['torch']}"
    entry = {
        "torch": info["torch"],
        "build": f"CUDA {info['cuda']}" if info["cuda"] else "CPU",
        "python": info["python"],
        "machine": f"{platform.system()} {info['machine']}",
        "pages": {},
    }
    if index is not False:  # False: an existing Python, installed from who knows where
        entry["index"] = index or "PyPI"
    for page in pages:
        result = check_page(page, python, label, notebook=notebook)
        entry["pages"][page.name] = result
        line = f"{result['result']:9} {page.relpath} ({result['seconds']:.1f} s)"
        if result["result"] != SAME:
            line += ": " + summary(result)
        log(line)
    return release(info["torch"]), entry


def report(page_name: str, entry: dict) -> str:
    """What a page that is not the same prints in full: the block, its page line, the diff."""
    first = entry.get("first_difference") or {}
    text = [f"docs/{page_name}: {entry['result']}"]
    if first.get("where"):
        text.append(f"  from {first['where']}")
    if entry.get("files"):
        text.append(f"  files: {', '.join(entry['files'])}")
    if first.get("diff"):
        text.append(first["diff"].rstrip("\n"))
    if entry.get("error"):
        text.append(entry["error"].rstrip("\n"))
    for block in entry.get("blocks", []):
        if "output" in block:
            text.append(f"  docs/{page_name}:{block['line']} prints on this torch:")
            text.append(block["output"].rstrip("\n"))
    return "\n".join(text)


# --- the command -------------------------------------------------------------------------------


def find_pages(names: list[str]) -> list[docpages.Page]:
    """The pages with code, or those `names` pick (a file name under docs/, its stem, a prefix)."""
    if not names:
        return list(docpages.pages_with_code())
    paths = sorted(config.DOCS.glob("*.md"))
    chosen = []
    for name in names:
        found = [p for p in paths if name in (p.name, p.stem)] or [
            p for p in paths if p.name.startswith(name)
        ]
        if len(found) != 1:
            raise SystemExit(f"{name!r} names {len(found)} pages")
        chosen.append(docpages.load_page(found[0]))
    return [page for page in chosen if page.blocks]


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "torch",
        nargs="?",
        help=f"a torch release (2.9.1), or {LATEST!r} for the newest the index serves",
    )
    parser.add_argument(
        "--python",
        type=Path,
        help="run the pages with this Python (and its torch) instead of a side environment",
    )
    parser.add_argument("--page", action="append", default=[], help="only this page (repeat)")
    parser.add_argument(
        "--stale",
        action="store_true",
        help="only the pages whose entry for this release is missing or stale",
    )
    parser.add_argument("--envs", type=Path, help=f"where side environments live ({cache_dir()})")
    parser.add_argument(
        "--fresh", action="store_true", help="make the side environment anew, even if cached"
    )
    parser.add_argument(
        "--no-notebooks",
        action="store_true",
        help="run the pages' scripts only, and record nothing (a quicker look)",
    )
    parser.add_argument(
        "--record-only",
        action="store_true",
        help="write the record but leave docs/notebooks/ as it is (else each notebook whose "
        "set-up cell names other verified releases is regenerated)",
    )
    args = parser.parse_args(argv)
    if not args.torch and not args.python:
        parser.error("name a torch release (make test-torch TORCH=2.9.1) or --python")
    started = time.perf_counter()
    index = False
    if args.python is None:
        env = side_env(args.torch, args.envs, fresh=args.fresh)
        python, index = env.python, env.index
        if env.created_seconds:
            say(f"made the environment in {env.created_seconds:.0f} s")
    else:
        python = args.python.absolute()  # not resolved: a venv's python is a link
    info = describe(python)
    if args.torch not in (None, LATEST) and release(info["torch"]) != release(args.torch):
        raise SystemExit(f"{python} runs torch {info['torch']}, not {args.torch}")
    pages = find_pages(args.page)
    if args.stale:  # only those with no current entry for this release
        entries = recorded().get("versions", {}).get(release(info["torch"]), {}).get("pages", {})
        pages = [p for p in pages if entries.get(p.name, {}).get("fingerprint") != fingerprint(p)]
    say(
        f"torch {info['torch']} ({python}): {len(pages)} pages, each as one script"
        + ("" if args.no_notebooks else " and as a notebook")
    )
    version, entry = check_release(python, pages, notebook=not args.no_notebooks, index=index)
    record = merged(recorded(), version, entry)
    if args.no_notebooks:  # half a check: nothing is recorded from it
        say(f"not recorded: {config.DOCS.name}/{RECORD_NAME} records pages run as notebooks too")
    else:
        say(f"wrote {write_record(record).relative_to(config.ROOT)}")
    if not args.record_only and not args.no_notebooks:
        from docsite import notebooks

        for path in notebooks.write_all():
            say(f"updated {path.relative_to(config.ROOT)}")
    others = {name: e for name, e in entry["pages"].items() if e["result"] != SAME}
    for name, page_entry in others.items():
        say("\n" + report(name, page_entry))
    seconds = time.perf_counter() - started
    same = len(pages) - len(others)
    ran = sum(e["seconds"] for e in entry["pages"].values())
    recorded_pages = record["versions"][version]
    say(
        f"\ntorch {info['torch']}: {same} of {len(pages)} pages print the same outputs "
        f"({ran:.0f} s of page runs, {seconds:.0f} s in all; the record's "
        f"{len(recorded_pages['pages'])} pages on it: {recorded_pages['seconds']:.0f} s)"
    )
    return 1 if others else 0
