"""The variants of the machine's arithmetic that one machine can produce, and which run of the
suite checks each: every page must print the same bytes under all of them.

    VARIANTS      name -> the environment that makes it (set before torch loads)
    AS_INSTALLED  no setting changed: the page run of tests/test_pages.py
    FRESH         one thread (and more): a real new interpreter per page, the page as one script
                  (tests/test_as_a_reader_runs_it.py)
    IN_NOTEBOOKS  MKL's portable path (and more): every notebook's kernel (tests/test_notebooks.py)
    the others    the page as one script, forked (tests/test_as_a_reader_runs_it.py)

Each variant is one run of every page, and no page runs twice under one variant: the page run
and the notebooks' kernels have to run every page anyway, so each is one variant's run. Which
variant runs where is set here only; the tests that run them import it.
"""

from __future__ import annotations

import torch

from docsite.page_timing import ONE_THREAD_ENV

ONE_THREAD = "one thread"


def portability_variants() -> dict[str, dict[str, str]]:
    """Name -> environment for every variant one machine can produce, a few settings at a time.

    torch's own kernels come in one build per instruction-set level and `ATEN_CPU_CAPABILITY`
    picks a lower one than the CPU's best; `MKL_CBWR=COMPATIBLE` makes MKL (BLAS, LAPACK) take
    its most portable path; and `OMP_NUM_THREADS=1` runs on one thread instead of all cores.
    Each setting is changed in some variant and each variant changes several, as the machines
    readers have differ in several at once: the lowest level goes with MKL's portable path (a
    processor without AVX2), and the level just below this CPU's with one thread (without a
    lower level, one thread is a variant of its own). A page whose output depends on any setting
    fails in the variant that changes it, whose name lists every setting it changes; one run
    per page and variant, instead of one per setting. What changes from run to run (memory
    alignment, timing) shows too: the variants are separate runs, each compared with the same
    outputs.
    """
    best = torch.backends.cpu.get_cpu_capability()  # "AVX512", "AVX2", "DEFAULT", ...
    variants: dict[str, dict[str, str]] = {f"as installed ({best}, all cores)": {}}
    lower = {"AVX512": ["avx2", "default"], "AVX2": ["default"]}.get(
        best, [] if best == "DEFAULT" else ["default"]
    )
    settings = [{"ATEN_CPU_CAPABILITY": level} for level in lower]
    if settings:
        settings[-1]["MKL_CBWR"] = "COMPATIBLE"
    else:
        settings.append({"MKL_CBWR": "COMPATIBLE"})
    if len(settings) > 1:
        settings[0].update(ONE_THREAD_ENV)
    else:
        settings.append(dict(ONE_THREAD_ENV))
    for env in settings:
        name = ", ".join(f"{k}={v}" for k, v in env.items() if k != "MKL_NUM_THREADS")
        variants[name.replace("OMP_NUM_THREADS=1", ONE_THREAD)] = env
    return variants


VARIANTS = portability_variants()
AS_INSTALLED = next(iter(VARIANTS))
FRESH = next(name for name, env in VARIANTS.items() if env.get("OMP_NUM_THREADS") == "1")
IN_NOTEBOOKS = next(name for name, env in VARIANTS.items() if "MKL_CBWR" in env)
