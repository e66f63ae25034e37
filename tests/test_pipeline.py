"""The doc-test pipeline itself: includes resolve both ways, outputs are deterministic, and a
broken page fails loudly (shown on a scratch copy of the project)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from docsite import config, running
from docsite import pages as docpages
from docsite.variants import IN_NOTEBOOKS
from tests.scratch_project import copy_project, replace_once, run_pytest

SECTION_START = re.compile(r"#\s*--8<--\s*\[start:(?P<name>[^\]]*)\]")
SECTION_MARKER = re.compile(r"#\s*--8<--\s*\[(?:start|end):(?P<name>[^\]]*)\]")
SECTION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # one naming style: kebab-case
PAGES = list(docpages.pages())


def _includes() -> list[tuple[Path, int, str, str | None]]:
    found = []
    for page in PAGES:
        for number, text in enumerate(page.lines, 1):
            match = docpages.INCLUDE.match(text)
            if match:
                found.append((page.path, number, match["file"], match["section"]))
    return found


def test_every_include_resolves():
    problems = []
    for page, number, file, section in _includes():
        source = config.ROOT / file
        where = f"{page.relative_to(config.ROOT)}:{number}"
        if not source.is_file():
            problems.append(f"{where}: no file {file}")
        elif section and f"[start:{section}]" not in source.read_text(encoding="utf-8"):
            problems.append(f"{where}: {file} has no section '{section}'")
        elif section and f"[end:{section}]" not in source.read_text(encoding="utf-8"):
            problems.append(f"{where}: {file} section '{section}' is never closed")
    assert not problems, "\n".join(problems)


def test_every_snippet_section_is_named_in_kebab_case():
    """One naming style for sections (polars' and FastAPI's docs name theirs one way too)."""
    problems = [
        f"{module.relative_to(config.ROOT)}:{text[: match.start()].count(chr(10)) + 1}: "
        f"section '{match['name']}' is not kebab-case (lower-case words joined by '-')"
        for module in sorted((config.ROOT / "snippets").glob("*.py"))
        for text in [module.read_text(encoding="utf-8")]
        for match in SECTION_MARKER.finditer(text)
        if not SECTION_NAME.fullmatch(match["name"])
    ]
    assert not problems, "\n".join(problems)


def test_every_snippet_section_is_shown_on_a_page():
    used = {(file, section) for _, _, file, section in _includes()}
    unused = []
    for module in sorted((config.ROOT / "snippets").glob("*.py")):
        file = module.relative_to(config.ROOT).as_posix()
        for match in SECTION_START.finditer(module.read_text(encoding="utf-8")):
            exercise = docpages.EXERCISE_SECTION.match(match["name"])
            if exercise and exercise["part"] == "wrong":
                continue  # run by tests/test_exercises.py, never shown
            if (file, match["name"]) not in used:
                unused.append(f"{file}: section '{match['name']}' is not included by any page")
    assert not unused, "\n".join(unused)


def test_a_page_includes_its_own_snippet_module():
    """FastAPI's docs_src convention: docs/part03-math.md shows snippets/part03_math.py. A page
    may also show a shared helper it imports (snippets/data.py), but never another page's code."""

    def name(path):
        return path.relative_to(config.DOCS).as_posix()

    page_modules = {config.module_path(name(p)) for p in docpages.all_pages()}
    problems = []
    for page, number, file, _ in _includes():
        own = config.module_path(name(page))
        if file in page_modules and file != own:
            problems.append(f"{page.relative_to(config.ROOT)}:{number} includes {file}, not {own}")
        if not (config.ROOT / own).is_file():
            problems.append(f"{page.relative_to(config.ROOT)}: its module {own} does not exist")
    assert not problems, "\n".join(problems)


# --- the pipeline fails loudly, on a scratch copy of the project --------------------------------


@pytest.mark.runs_long
def test_broken_pages_fail_with_the_page_the_line_and_a_diff(tmp_path):
    """Every kind of broken page fails, naming the page, the line and a diff or why: a changed
    snippet, a changed output (shown or closed), a block that would not run. And, as each page
    runs in a new Python, a page that relies on hidden state: a block that draws random numbers
    before the page seeds them, or reads a name no block above it defines. The update then
    rewrites the outputs from a real run, and the pages pass."""
    project = copy_project(tmp_path)
    # 1. one number changed in a snippet
    replace_once(project / "snippets/intro.py", "y = 2 * X + 1", "y = 3 * X + 1")
    # 2. one character changed in an output block
    replace_once(project / "docs/part01-tensors.md", "torch.int64\n", "torch.int32\n")
    # 3. a Python block fenced as ```py, which pytest-codeblocks alone would silently skip
    (project / "docs/broken.md").write_text("# Broken\n\n```py\nprint('never run')\n```\n")
    # 4. one word changed in an output shown closed (`??? question "Predict the output, then
    # open"`, indented inside it): compared, and rewritten in place, like any other
    part01 = project / "docs/part01-tensors.md"
    original = part01.read_text(encoding="utf-8").replace("torch.int32\n", "torch.int64\n")
    closed = next(b for b in docpages.load_page(config.DOCS / part01.name).blocks if b.predict)
    shown = closed.expected.splitlines()[-1]
    replace_once(part01, f"    {shown}\n", f"    {shown.replace('False', 'True')}\n")
    # 5. hidden state: an unseeded draw, and a name only another page (or none) defines
    (project / "docs/broken-random.md").write_text(
        "# Unseeded\n\n```python\nimport torch\n\nprint(torch.randn(2).shape)\n```\n"
    )
    (project / "docs/broken-state.md").write_text(
        "# Borrowed\n\n```python\nimport torch\n```\n\n```python\nprint(W.shape)\n```\n"
    )

    run = run_pytest(project)
    report = run.stdout + run.stderr
    assert run.returncode == 1, report
    assert re.search(
        r"docs/index\.md:\d+ \(code from snippets/intro\.py:\d+ \(section 'loop-from-scratch'\)\)",
        report,
    )
    assert "+++ output of a real run" in report and "--- docs/index.md:" in report
    assert "--- docs/part01-tensors.md:" in report
    assert "-torch.int32\n+torch.int64" in report
    assert "docs/broken.md:3: '```py' would not be executed" in report
    assert f"--- docs/part01-tensors.md:{closed.page_line} (output shown on the page)" in report
    assert f"-{shown.replace('False', 'True')}\n+{shown}" in report
    assert "docs/broken-random.md:3 draws random numbers before the page seeds them" in report
    assert "torch.manual_seed(" in report
    assert "docs/broken-state.md:7 reads `W`, which no block above it on the page creates" in report
    assert "NameError: name 'W' is not defined" in report

    # The update command rewrites the drifted outputs from a real run; then the pages pass.
    for broken in ("broken", "broken-random", "broken-state"):
        (project / f"docs/{broken}.md").unlink()
    update = run_pytest(project, "--update-outputs")
    assert update.returncode == 0, update.stdout + update.stderr
    assert part01.read_text(encoding="utf-8") == original  # the closed output too, indent and all
    again = run_pytest(project)
    assert again.returncode == 0, again.stdout + again.stderr


OPTIONAL_PAGE = """\
# Leaning

```python
x = 1
```

??? info "Going deeper: a second name"

    ```python
    y = 2
    print(y)
    ```

    <!--pytest-codeblocks:expected-output-->
    ```text title="Output"
    2
    ```

```python
print(x + y)
```

<!--pytest-codeblocks:expected-output-->
```text title="Output"
3
```
"""


@pytest.mark.runs_long
def test_the_portability_and_core_path_checks_catch_their_pages(tmp_path):
    """A page printing float32 round-off noise passes a plain run on the machine that wrote its
    outputs, and fails under another code path, with the variant, the page line and a diff: in
    its notebook's kernel, which runs the variant with the lowest instruction set and MKL's
    portable path (docsite/variants.py: IN_NOTEBOOKS).

    And collapsed "Going deeper" blocks are optional: a page whose core path reads a name only a
    collapsed block defines passes when run whole, and fails when run without them."""
    project = copy_project(tmp_path)
    (project / "docs/leaning.md").write_text(OPTIONAL_PAGE, encoding="utf-8")
    (project / "docs/noisy.md").write_text(
        "# Noisy\n\n```python\nimport torch\n\ntorch.manual_seed(0)\n"
        "x = torch.randn(10_000)\n"
        # torch's float32 sampler has one implementation per instruction set; they differ
        # in the last bits, which nine digits of a sum show.
        'print(f"{x.double().sum().item():.9g}")\n```\n'
    )
    update = run_pytest(project, "--update-outputs", select="noisy or leaning")
    assert update.returncode == 0, update.stdout + update.stderr
    assert (project / "docs/notebooks/noisy.ipynb").is_file()  # the update made its notebook
    modules = ("tests/test_as_a_reader_runs_it.py", "tests/test_notebooks.py")
    selected = "(noisy or leaning) and (reader or runs_and_prints)"
    run = run_pytest(project, module=modules, select=selected)
    report = run.stdout + run.stderr
    assert run.returncode == 1, report
    failed = [line for line in report.splitlines() if line.startswith("FAILED")]

    # The leaning page: only its core path fails, naming the block's missing name.
    leaning = [line for line in failed if "leaning.md" in line]
    assert len(leaning) == 1 and "without_the_collapsed_blocks[leaning.md]" in leaning[0], report
    assert "docs/leaning.md run as one script by a new python (without its collapsed" in report
    assert "NameError: name 'y' is not defined" in report

    # The noisy page: the machine that wrote the outputs agrees with itself; the notebook's
    # code path does not (a reader's variant may see it too: this sampler's bits differ between
    # some instruction-set levels only).
    failed = [line for line in failed if "noisy.md" in line]
    assert not [line for line in failed if "as installed" in line]
    assert "test_notebook_runs_and_prints_what_the_page_shows[cpu-noisy.md]" in report, report
    assert f"printed something else in a Jupyter kernel ({IN_NOTEBOOKS})" in report, report
    assert f"+++ docs/notebooks/noisy.ipynb run in a Jupyter kernel ({IN_NOTEBOOKS})" in report


def test_a_page_over_its_reading_budget_fails_naming_the_page_and_its_minutes(tmp_path):
    project = copy_project(tmp_path)
    page = project / "docs/part03-math.md"
    padding = " ".join(["word"] * 2000)  # some 9 minutes of prose, on the core path
    text = page.read_text(encoding="utf-8")
    first_h2 = text.index("\n## ")
    page.write_text(f"{text[:first_h2]}\n{padding}\n{text[first_h2:]}", encoding="utf-8")
    run = run_pytest(project, module="tests/test_reading_time.py", select="budget")
    report = run.stdout + run.stderr
    assert run.returncode == 1, report
    assert re.search(r"docs/part03-math\.md: \d+\.\d min, over its budget of \d+ min", report)


# --- the CUDA run's comparison rules, checked on the CPU ----------------------------------------


def test_cuda_printouts_are_normalised_to_the_cpu_ones():
    cuda = (
        "tensor([1., 2.], device='cuda:0', grad_fn=<MulBackward0>)\n"
        "cuda:0\ndevice(type='cuda', index=0)"
    )
    cpu = "tensor([1., 2.], grad_fn=<MulBackward0>)\ncpu\ndevice(type='cpu')"
    assert running.normalise_device(cuda) == cpu


def test_blocks_after_the_first_random_draw_are_marked_random():
    """On CUDA, outputs after a random draw are not compared: CUDA draws other numbers."""
    page = next(p for p in PAGES if p.name == "part01-tensors.md")
    results = running.PageRun(page).run_all()
    flags = [r.random_so_far for r in results]
    # Seeding alone is not a draw: the first block, which only seeds, is still compared on CUDA.
    first_random = next(i for i, b in enumerate(page.blocks) if "torch.randn" in b.code)
    assert first_random > 0 and "manual_seed" in page.blocks[0].code
    assert flags == [False] * first_random + [True] * (len(flags) - first_random)
