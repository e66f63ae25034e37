"""Run one page's blocks in this brand-new Python process, as a reader would, block by block.

Started by `docsite/running.py` (`PageRun`) as ``python docsite/page_worker.py SPEC RESULT`` in a
scratch working directory. SPEC is a JSON file: ``{"device": "cpu", "script": "part03-math.py",
"blocks": [{"code": ..., "filename": ..., "first_line": ...}, ...]}`` (``script``: the file a
reader runs, the page's sys.argv); RESULT receives one JSON object per block:
``output`` (what it printed), ``error`` (a traceback, or None), ``random_so_far`` (a random
generator changed during it or an earlier block), ``unseeded_draw`` (it drew random numbers while
the page had not seeded torch), ``missing_name`` (the name of a NameError), ``seconds`` (the
block's wall time) and, when SPEC has ``"calls": true``, ``calls``: the torch callables the
block's code called (`CallRecorder`), which the cheat sheet lists (docsite/cheatsheet.py): the
calls made in this process, and in the Python processes the page starts (torchrun's workers on
Going further 3) by the code of the page's own files (`record_in_child`).

Nothing is set up before the first block: no seed, no thread count, no print options, nothing a
reader's new interpreter would not have. The one exception is the CUDA run of the suite, where
the default device is CUDA (``torch.set_default_device``), which is that run's whole point. (A
run that records calls also sets three environment variables, for the processes the page starts:
`_record_children`. What the page prints does not depend on them: the same page's reader runs,
which record nothing, must print the same bytes.)
This module imports nothing from the project, so no project state leaks into the page.
"""

import ast
import atexit
import builtins
import contextlib
import dis
import functools
import inspect
import io
import json
import os
import sys
import time
import traceback
import types

CALL_OPCODES = {dis.opmap[name] for name in ("CALL", "CALL_FUNCTION_EX") if name in dis.opmap}


class CallRecorder:
    """Every call the page's own code makes while its blocks run: where (the code's file and the
    call expression's span, from the calling instruction's position) and what (the callee's
    module and qualified name, and the type of the object a method is bound to, or the class a
    constructor builds). Only calls made by code compiled from a block count, the bodies of the
    functions and classes the page defines included; what torch (or any library) calls inside
    is not the page's. The callee is recorded as found, not resolved: naming it publicly is
    docsite/cheatsheet.py's job, in the suite's process.

    How, cheaply: a global trace function (`sys.settrace`) turns on per-instruction events in
    the page's own frames only; before each call instruction there, the profiler
    (`sys.setprofile`) is armed, sees the one call the instruction makes (a C function or a
    method descriptor, ``torch.zeros`` or ``x.sum()``: ``c_call``; a Python function,
    ``loss.backward()``, ``nn.Linear(1, 1)``'s ``__init__``: ``call``) and disarms itself, so
    nothing inside the callee is seen. A decorated function's wrapper (``optimizer.step``) is
    recorded as the function it wraps. A call that raises no event at all (a type implemented
    in C, ``torch.device("cpu")``; a generator function, ``model.parameters()``) is ``silent``,
    and a call in a function the page defines but this process never runs is ``never-ran``:
    both are named from the call's text, without running any code (`_static_callee`)."""

    def __init__(self) -> None:
        self.code_ids: set[int] = set()
        self._codes: list = []  # kept alive, so that no id in code_ids is reused
        self.calls: dict[tuple, dict] = {}  # in the order first made; one per site and callee
        self.block = 0
        self._seen: set[tuple] = set()
        self._call_offsets: dict[int, frozenset[int]] = {}
        # (code, offset, frame) of the call being made, while the profiler is set
        self._pending = None
        self.sources: dict[str, list[str]] = {}  # each block's file's lines, where blocks are
        self.ran: set[int] = set()  # the page's code objects that ran in this process

    def add_block(self, code, source: str) -> None:
        """A block's code, compiled from `source` (padded to its first line)."""
        lines = self.sources.setdefault(code.co_filename, [])
        for number, text in enumerate(source.splitlines()):
            if text:
                lines.extend([""] * (number + 1 - len(lines)))
                lines[number] = text
        self.add(code)

    def add(self, code) -> None:
        """A block's code and every function, class body and comprehension compiled with it."""
        self._codes.append(code)
        self.code_ids.add(id(code))
        self._call_offsets[id(code)] = frozenset(
            i.offset for i in dis.get_instructions(code) if i.opcode in CALL_OPCODES
        )
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                self.add(const)

    def _record(self, code, lasti: int, how: str, callee=None) -> None:
        line, end_line, col, end_col = _positions(code)[lasti // 2]
        module = getattr(callee, "__module__", None)
        owner = getattr(callee, "__self__", None)
        if owner is None or isinstance(owner, types.ModuleType):
            owner_type = getattr(callee, "__objclass__", None)
        else:
            owner_type = owner if isinstance(owner, type) else type(owner)
        call = {
            "block": self.block,
            "filename": code.co_filename,
            "span": [line, col, end_line, end_col],
            "how": how,  # c, py, silent or never-ran
            "module": module if isinstance(module, str) else None,
            "qualname": getattr(callee, "__qualname__", None),
            "owner": _type_name(owner_type),
        }
        key = tuple(str(value) for key, value in call.items() if key != "block")
        self.calls.setdefault(key, call)

    def start(self) -> None:
        sys.settrace(self._global_trace())

    def never_ran(
        self, namespace: dict, elsewhere: set[tuple[str, str, int]] = frozenset()
    ) -> None:
        """The calls in the bodies of the page's functions that ran in no process (neither here
        nor, `elsewhere`, in a process the page started: (file, name, first line) of the code that
        ran there), found from the code's text where the callee is a global name or a chain of
        attributes of one (`dist.all_reduce`, `DDP`); a method of a local (`model.no_sync()`)
        is not found, which is why the processes a page starts record their calls too."""
        scopes = (namespace, builtins.__dict__)
        for code in self._codes:
            where = (os.path.realpath(code.co_filename), code.co_name, code.co_firstlineno)
            if id(code) in self.ran or code.co_name == "<module>" or where in elsewhere:
                continue
            local = {*code.co_varnames, *code.co_cellvars, *code.co_freevars}
            for lasti in sorted(self._call_offsets[id(code)]):
                callee = _static_callee(self.sources, code, lasti, scopes, local)
                if callee is not None:
                    self._record(code, lasti, "never-ran", callee)

    def stop(self) -> None:
        sys.settrace(None)
        sys.setprofile(None)
        self._settle()

    def _settle(self) -> None:
        """The call being made raised no event: a type implemented in C (`torch.device(...)`),
        or a generator function (`model.parameters()`, whose frame starts when iterated). Its
        callee is found from the call's text, if it is a name or a chain of attributes, without
        running any code (`inspect.getattr_static`)."""
        if self._pending is not None:
            code, lasti, frame = self._pending
            if (id(code), lasti) not in self._seen:
                self._seen.add((id(code), lasti))
                scopes = (frame.f_locals, frame.f_globals, builtins.__dict__)
                callee = _static_callee(self.sources, code, lasti, scopes)
                if callee is not None:
                    self._record(code, lasti, "silent", callee)
            self._pending = None

    def _global_trace(self):
        """The global trace function, called as each Python frame starts (a million times on
        some pages, so as lean as it can be): only a page's frames are traced further, one event
        per instruction (no event per line)."""
        code_ids, trace_page, ran = self.code_ids, self.trace_page, self.ran

        def trace(frame, event, arg, _id=id):
            if _id(frame.f_code) in code_ids:
                ran.add(_id(frame.f_code))
                frame.f_trace_lines = False
                frame.f_trace_opcodes = True
                return trace_page
            return None

        return trace

    def trace_page(self, frame, event, arg):
        """Before each instruction of the page's code: a call arms the profiler; any other
        instruction (an operator, whose dunder the page does not call by name) disarms it."""
        if event == "opcode":
            armed = self._pending is not None
            self._settle()
            if frame.f_lasti in self._call_offsets[id(frame.f_code)]:
                if not armed:
                    sys.setprofile(self.profile)
                self._pending = (frame.f_code, frame.f_lasti, frame)
            elif armed:
                sys.setprofile(None)
        return self.trace_page

    def profile(self, frame, event, arg) -> None:
        """The first event of the call being made: its callee. Then disarmed."""
        if event == "c_call":
            code = frame.f_code
            if id(code) in self.code_ids:
                owner = getattr(arg, "__self__", None)
                key = (id(code), frame.f_lasti, arg.__qualname__, type(owner))
                if key not in self._seen:
                    self._seen.add(key)
                    self._record(code, frame.f_lasti, "c", arg)
        elif event == "call":
            caller = frame.f_back
            if caller is not None and id(caller.f_code) in self.code_ids:
                code = frame.f_code
                if id(code) not in self.code_ids:
                    key = (id(caller.f_code), caller.f_lasti, id(code))
                    if key not in self._seen:
                        self._seen.add(key)
                        self._record(caller.f_code, caller.f_lasti, "py", _python_callee(frame))
        else:
            return
        sys.setprofile(None)
        self._pending = None


@functools.cache
def _positions(code) -> list[tuple]:
    return list(code.co_positions())


class _Callee:
    """A Python function as its frame shows it: its module, qualified name and the type of the
    object it is bound to (its `self`, or its `cls` when it is a constructor)."""

    def __init__(self, module, qualname, owner_type) -> None:
        self.__module__ = module
        self.__qualname__ = qualname
        self.__objclass__ = owner_type


def _python_callee(frame) -> _Callee:
    code = frame.f_code
    module, qualname = frame.f_globals.get("__name__"), code.co_qualname
    if "<locals>" in qualname:  # a decorator's wrapper: the function it wraps (functools.wraps)
        for name in code.co_freevars:
            wrapped = frame.f_locals.get(name)
            inner = getattr(wrapped, "__qualname__", "<locals>")
            if callable(wrapped) and "<locals>" not in inner:
                module, qualname = getattr(wrapped, "__module__", module), inner
                break
    owner_type = None  # only a constructor's: the class it builds, which may inherit it
    if code.co_name in ("__init__", "__new__") and code.co_argcount:
        owner = frame.f_locals.get(code.co_varnames[0])
        owner_type = owner if isinstance(owner, type) else type(owner)
    return _Callee(module, qualname, owner_type)


def _static_callee(sources: dict[str, list[str]], code, lasti: int, scopes, local=()):
    """What the call at `lasti` calls, when its callee is a name or a chain of attributes
    (`torch.device`, `model.parameters`), looked up without running any code: a class, or a
    plain function (a method's, from its class); None otherwise."""
    line, end_line, col, end_col = _positions(code)[lasti // 2]
    lines = [text.encode() for text in sources.get(code.co_filename, [])[line - 1 : end_line]]
    if not lines or line is None:
        return None
    lines[-1] = lines[-1][:end_col]  # first the end: it may be the first line too
    lines[0] = lines[0][col:]
    try:
        callee = ast.parse(b"\n".join(lines).decode(), mode="eval").body.func
    except (SyntaxError, AttributeError, ValueError):
        return None
    names = []
    while isinstance(callee, ast.Attribute):
        names.insert(0, callee.attr)
        callee = callee.value
    if not isinstance(callee, ast.Name) or callee.id in local:
        return None
    found = next((scope[callee.id] for scope in scopes if callee.id in scope), None)
    for name in names:
        try:
            found = inspect.getattr_static(found, name)
        except AttributeError:
            return None
    found = getattr(found, "__func__", found)  # a classmethod or staticmethod's function
    if isinstance(found, type | types.FunctionType):
        return found
    return None


def _type_name(cls) -> str | None:
    if cls is None:
        return None
    return f"{cls.__module__}:{cls.__qualname__}"


def _cuda_in_use(torch) -> bool:
    return torch.cuda.is_available() and torch.cuda.is_initialized()


def _rng_states(torch) -> list[bytes]:
    states = [torch.random.get_rng_state().numpy().tobytes()]
    if _cuda_in_use(torch):
        states += [s.cpu().numpy().tobytes() for s in torch.cuda.get_rng_state_all()]
    return states


def _freshly_seeded_states(torch) -> list[bytes]:
    """The generators' states right after `torch.manual_seed(torch.initial_seed())`: what a
    block that seeds and then draws nothing leaves behind."""
    seed = torch.initial_seed()
    states = [torch.Generator().manual_seed(seed).get_state().numpy().tobytes()]
    if _cuda_in_use(torch):
        for index in range(torch.cuda.device_count()):
            generator = torch.Generator(device=f"cuda:{index}").manual_seed(seed)
            states.append(generator.get_state().numpy().tobytes())
    return states


# While a page run records calls, the Python processes the page starts record theirs too: the
# page's own files they run (CHILD_FILES) are traced as the page's blocks are, and each process
# leaves its calls in CHILD_CALLS when it exits. They load `record_in_child` at start-up from
# docsite/child_calls/sitecustomize.py, which `_record_children` puts first on their PYTHONPATH.
CHILD_CALLS = "DOCSITE_CHILD_CALLS"
CHILD_FILES = "DOCSITE_CHILD_FILES"
CHILD_SITE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "child_calls")


def _record_children(blocks: list[dict], folder: str) -> None:
    """Make the processes the page starts record the calls of the page's own files."""
    files = sorted(
        {os.path.realpath(b["filename"]) for b in blocks if b["filename"].endswith(".py")}
    )
    os.environ[CHILD_CALLS] = folder
    os.environ[CHILD_FILES] = os.pathsep.join(files)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [CHILD_SITE, os.environ.get("PYTHONPATH")])
    )


def record_in_child() -> None:
    """In a Python process a recording page run started: trace the code of CHILD_FILES as this
    process imports them (a module run by `python -m` included), and leave the calls it made,
    and which of its functions ran, in CHILD_CALLS/<pid>.json when the process exits."""
    from importlib.machinery import PathFinder, SourceFileLoader
    from importlib.util import decode_source

    files = set(filter(None, os.environ.get(CHILD_FILES, "").split(os.pathsep)))
    folder = os.environ.get(CHILD_CALLS)
    if not files or not folder:
        return
    recorder = CallRecorder()

    class TracedLoader(SourceFileLoader):
        def get_code(self, fullname):  # from the source, never a cached .pyc
            source = decode_source(self.get_data(self.path))
            code = compile(source, self.path, "exec", dont_inherit=True)
            recorder.add_block(code, source)
            return code

    class TracedFinder:
        @staticmethod
        def find_spec(name, path=None, target=None):
            spec = PathFinder.find_spec(name, path, target)
            if spec is not None and spec.origin and os.path.realpath(spec.origin) in files:
                spec.loader = TracedLoader(spec.name, spec.origin)
            return spec

    def leave() -> None:
        recorder.stop()
        if not recorder.calls:
            return
        ran = [
            (os.path.realpath(code.co_filename), code.co_name, code.co_firstlineno)
            for code in recorder._codes
            if id(code) in recorder.ran
        ]
        with open(os.path.join(folder, f"{os.getpid()}.json"), "w", encoding="utf-8") as out:
            json.dump({"calls": list(recorder.calls.values()), "ran": ran}, out)

    sys.meta_path.insert(0, TracedFinder)
    atexit.register(leave)
    recorder.start()


def _children_calls(folder: str) -> tuple[list[dict], set[tuple[str, str, int]]]:
    """The calls the page's processes left in `folder`, and the page's code that ran there."""
    calls, ran = [], set()
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, encoding="utf-8") as found:
            left = json.load(found)
        os.remove(path)
        calls += left["calls"]
        ran |= {tuple(where) for where in left["ran"]}
    os.rmdir(folder)
    return calls, ran


def main(spec_path: str, result_path: str) -> None:
    # A script's sys.path starts with its own folder (tests/): a page must not import from there.
    sys.path.pop(0)
    with open(spec_path, encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    # And its sys.argv is the script's name alone (`python part03-math.py`), not this worker's.
    sys.argv = [spec["script"]]

    import torch

    # What a new interpreter starts with: torch seeds its default generator with a fixed constant,
    # so a page that never seeds still prints the same numbers every run. It must seed visibly.
    new_interpreter_seed = torch.initial_seed()
    if spec["device"] != "cpu":
        torch.set_default_device(spec["device"])

    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module  # classes a page defines pickle as in a script
    recorder = CallRecorder() if spec.get("calls") else None
    if recorder is not None:
        import tempfile

        children = tempfile.mkdtemp(prefix="child-calls-")
        _record_children(spec["blocks"], children)
    results = []
    random_so_far = False
    failed = False
    for block in spec["blocks"]:
        result = {
            "output": "",
            "error": None,
            "random_so_far": random_so_far,
            "unseeded_draw": False,
            "missing_name": None,
            "seconds": 0.0,
        }
        if failed:
            result["error"] = "not run: an earlier block failed"
            results.append(result)
            continue
        # dont_inherit: the page's code gets no __future__ flag from this module.
        source = "\n" * (block["first_line"] - 1) + block["code"]
        before = _rng_states(torch)
        stdout = io.StringIO()
        started = time.perf_counter()
        try:
            code = compile(source, block["filename"], "exec", dont_inherit=True)
            if recorder is not None:
                recorder.add_block(code, source)
                recorder.block = len(results)
                recorder.start()
            try:
                with contextlib.redirect_stdout(stdout):
                    exec(code, main_module.__dict__)
            finally:
                if recorder is not None:
                    recorder.stop()
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                raise
            failed = True
            frames = error.__traceback__.tb_next if error.__traceback__ else None
            result["error"] = "".join(traceback.format_exception(type(error), error, frames))
            if isinstance(error, NameError):
                result["missing_name"] = error.name
        result["seconds"] = time.perf_counter() - started
        after = _rng_states(torch)
        # Drew: a generator moved, and not just to where seeding puts it. (A block that draws and
        # then seeds again is not told apart from one that only seeds.)
        drew = after != before and after != _freshly_seeded_states(torch)
        random_so_far = random_so_far or drew
        result["random_so_far"] = random_so_far
        result["unseeded_draw"] = drew and torch.initial_seed() == new_interpreter_seed
        result["output"] = stdout.getvalue()
        results.append(result)
    if recorder is not None:
        calls, ran = _children_calls(children)
        recorder.never_ran(main_module.__dict__, ran)
        for result in results:
            result["calls"] = []
        for call in recorder.calls.values():
            results[call.pop("block")]["calls"].append(call)
        blocks = [
            (b["filename"], b["first_line"], b["first_line"] + b["code"].count("\n"))
            for b in spec["blocks"]
        ]
        for call in calls:  # each in the block that shows its line (one the page shows)
            call.pop("block")
            line = call["span"][0]
            for index, (filename, first, last) in enumerate(blocks):
                same = os.path.realpath(filename) == os.path.realpath(call["filename"])
                if same and first <= line <= last:
                    call["filename"] = filename  # as the page's own calls name it
                    if call not in results[index]["calls"]:  # each worker made it
                        results[index]["calls"].append(call)
                    break
    with open(result_path, "w", encoding="utf-8") as result_file:
        json.dump(results, result_file)
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: the results are written


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
