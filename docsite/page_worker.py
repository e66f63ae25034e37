"""Run one page's blocks in this brand-new Python process, as a reader would, block by block.

Started by `docsite/running.py` (`PageRun`) as ``python docsite/page_worker.py SPEC RESULT`` in a
scratch working directory. SPEC is a JSON file: ``{"device": "cpu", "blocks": [{"code": ...,
"filename": ..., "first_line": ...}, ...]}``; RESULT receives one JSON object per block:
``output`` (what it printed), ``error`` (a traceback, or None), ``random_so_far`` (a random
generator changed during it or an earlier block), ``unseeded_draw`` (it drew random numbers while
the page had not seeded torch), ``missing_name`` (the name of a NameError) and ``seconds`` (the
block's wall time).

Nothing is set up before the first block: no seed, no thread count, no print options, nothing a
reader's new interpreter would not have. The one exception is the CUDA run of the suite, where
the default device is CUDA (``torch.set_default_device``), which is that run's whole point.
This module imports nothing from the project, so no project state leaks into the page.
"""

import builtins
import contextlib
import io
import json
import os
import sys
import time
import traceback
import types


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


def main(spec_path: str, result_path: str) -> None:
    # A script's sys.path starts with its own folder (tests/): a page must not import from there.
    sys.path.pop(0)
    with open(spec_path, encoding="utf-8") as spec_file:
        spec = json.load(spec_file)

    import torch

    # What a new interpreter starts with: torch seeds its default generator with a fixed constant,
    # so a page that never seeds still prints the same numbers every run. It must seed visibly.
    new_interpreter_seed = torch.initial_seed()
    if spec["device"] != "cpu":
        torch.set_default_device(spec["device"])

    main_module = types.ModuleType("__main__")
    main_module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = main_module  # classes a page defines pickle as in a script
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
            with contextlib.redirect_stdout(stdout):
                exec(code, main_module.__dict__)
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
    with open(result_path, "w", encoding="utf-8") as result_file:
        json.dump(results, result_file)
    sys.stdout.flush()
    os._exit(0)  # skip interpreter teardown: the results are written


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
