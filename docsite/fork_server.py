"""A Python that has done what a page's first line does (`import torch`) and nothing else, and
forks a clean child for every run asked of it: a page's worker or a reader's script.

Started by `docsite/forked.py` as ``python docsite/fork_server.py`` with the run's environment
(the variant's `ATEN_CPU_CAPABILITY`, `MKL_CBWR`, `OMP_NUM_THREADS` are set before torch loads,
as for a new interpreter). It reads one JSON request per line on stdin:
``{"cwd": ..., "argv": [script, *args], "stdout": file, "stderr": file}``, forks, and answers
``{"pid": ...}`` at once, then ``{"status": ...}`` when the child has exited. The child is what
``python script args`` started in `cwd` would be, minus the start: `sys.argv`, `sys.path[0]`
(the script's folder), `__main__` with the script's `__file__`, stdin from /dev/null, stdout and
stderr into the given files, uncaught exceptions printed as Python prints them (from the
script's first frame), exit handlers run at the end.

Why the child is equivalent to a new interpreter for a page: before the fork this process has
imported the standard library modules below and torch, started no thread of its own (torch's
pools start at the first parallel operation, in the child), drawn no random number, set no
torch option. It would not be if a module other than torch were imported here (a page that forgot
an import would find it in `sys.modules`, though not as a name), or if anything ran a torch
operation before the fork (threads do not survive a fork; their locks might). This file imports
nothing from the project, and the one test of `tests/test_as_a_reader_runs_it.py` that starts a
real new interpreter per page checks the two print the same bytes.
"""

import atexit
import builtins
import json
import os
import sys
import traceback
import types

import torch  # noqa: F401  (the one thing a page does first; imported once, before any fork)


def _child(request: dict) -> int:
    os.chdir(request["cwd"])
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    for fd, name in ((1, "stdout"), (2, "stderr")):
        target = os.open(request[name], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(target, fd)
        os.close(target)
    script = os.path.abspath(request["argv"][0])
    sys.argv = list(request["argv"])
    sys.path.insert(0, os.path.dirname(script))  # as `python script` puts it first
    main_module = types.ModuleType("__main__")
    main_module.__dict__.update(__file__=script, __builtins__=builtins, __cached__=None)
    sys.modules["__main__"] = main_module  # what the script defines pickles as in a script
    try:
        with open(script, "rb") as source:
            code = compile(source.read(), script, "exec", dont_inherit=True)
        exec(code, main_module.__dict__)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if stop.code is not None and not isinstance(stop.code, int):
            print(stop.code, file=sys.stderr)
    except BaseException as error:
        # As Python prints it: from the script's own first frame, not this file's.
        frames = error.__traceback__
        while frames is not None and frames.tb_frame.f_code.co_filename != script:
            frames = frames.tb_next
        sys.stderr.write("".join(traceback.format_exception(type(error), error, frames)))
        code = 1
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    return code


def main() -> None:
    sys.path.pop(0)  # this file's folder (docsite/): a page must not import from there
    requests = os.fdopen(0, "rb", buffering=0)
    replies = sys.stdout
    line = b""
    while True:
        chunk = requests.read(65536)
        if not chunk:
            return
        line += chunk
        while b"\n" in line:
            raw, line = line.split(b"\n", 1)
            request = json.loads(raw)
            replies.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    code = _child(request)
                finally:
                    os._exit(locals().get("code", 70))
            replies.write(json.dumps({"pid": pid}) + "\n")
            replies.flush()
            _, status = os.waitpid(pid, 0)
            replies.write(json.dumps({"status": os.waitstatus_to_exitcode(status)}) + "\n")
            replies.flush()


if __name__ == "__main__":
    main()
