"""README.md and CONTRIBUTING.md name only what exists: every repository path they mention is in
the checkout, and every `make <target>` they show is a target of the Makefile.

A path mention is a token of the text (in backticks or bare, in prose, tables or code fences)
whose first part is a top-level entry of the repository (`docs/...`, `tools/...`, `.github/...`),
or a bare file name such as `mkdocs.yml` or `site_checker.py` (then some file in the checkout
has that name). A mention may be a glob (`snippets/texts/*.txt`) or carry placeholders
(`docs/generated/<page>/`, `snippets/partNN_slug.py`): then some path must match it. Trailing
punctuation and a `:line` or `:section` suffix are dropped; `python -m tools.reading_time` names
tools/reading_time.py (or a package). `make X` is read in code: inline code and fenced blocks.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from docsite.config import ROOT
from tests.scratch_project import SKIPPED_ANYWHERE, SKIPPED_AT_THE_ROOT

TEXTS = ("README.md", "CONTRIBUTING.md")

# Paths the texts may name that a checkout never holds, each with the reason. Only what the texts
# name; each must be ignored by .gitignore (checked below), so an exception cannot hide a stale
# tracked path.
EXCEPTIONS = {
    ".venv": "the virtual environment `make setup` creates (`.venv/bin/pytest`, `rm -rf .venv`)",
}

# A bare file name (no folder) is checked when it ends like one of this project's files; not
# `name.svg` (an example), `torch.nn`, or `Node.js` (which is why .js, .css and .html are absent).
FILE_NAME = re.compile(r"[\w.-]+\.(py|md|ya?ml|toml|json|txt|cfg|ini|ipynb)|Makefile")
# Placeholders: `<page>`, a glob's `*`, and the texts' naming pattern `partNN-slug` (NN a number,
# slug a name). Each stands for one path segment or part of one.
PLACEHOLDER = re.compile(r"<[^<>/]+>|\*|(?<=[a-z])NN(?=[-_])|(?<=[-_])slug\b")
# Where a token ends: whitespace, quotes, brackets, table bars, commas, `=` (`--opt=path`).
SEPARATORS = re.compile(r"[\s`'\"()\[\]{}|,;=]+")
TRAILING = ".,:;!?*…"
PYTHON_M = re.compile(r"\bpython[\d.]*\s+-m\s+([\w.]+)")
CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})(.*)$")


@dataclass(frozen=True)
class Problem:
    filename: str
    line: int
    mention: str
    why: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.mention}: {self.why}"


@dataclass(frozen=True)
class Checkout:
    """What a checkout of `root` holds (no version control, environments, build output, caches:
    tests/scratch_project.py's rule), and the Makefile's targets."""

    root: Path
    files: frozenset[str]  # relative POSIX paths
    folders: frozenset[str]
    targets: frozenset[str]

    @classmethod
    def read(cls, root: Path) -> Checkout:
        files, folders = set(), set()
        for directory, subdirs, names in os.walk(root):
            here = Path(directory)
            subdirs[:] = [
                d
                for d in subdirs
                if d not in SKIPPED_ANYWHERE
                and not (here == root and (d in SKIPPED_AT_THE_ROOT or d.endswith(".egg-info")))
            ]
            relative = here.relative_to(root).as_posix()
            prefix = "" if relative == "." else relative + "/"
            folders.update(prefix + d for d in subdirs)
            files.update(prefix + n for n in names if not n.endswith(".pyc"))
        return cls(root, frozenset(files), frozenset(folders), make_targets(root / "Makefile"))

    @property
    def top_level(self) -> set[str]:
        """What may start a path: the checkout's top-level entries and what set-up adds there."""
        tops = {p.split("/")[0] for p in self.files | self.folders}
        return tops | SKIPPED_AT_THE_ROOT | {"node_modules"} | set(EXCEPTIONS)

    def has(self, path: str) -> bool:
        """Whether `path` (a file, or a folder when it ends in /; maybe a pattern) exists."""
        folder = path.endswith("/")
        path = path.rstrip("/")
        candidates = self.folders if folder else self.files | self.folders
        if not PLACEHOLDER.search(path):
            return path in candidates
        pattern = re.compile(as_regex(path))
        return any(pattern.fullmatch(c) for c in candidates)

    def has_file_named(self, name: str) -> bool:
        regex = re.compile(as_regex(name))
        return any(regex.fullmatch(f.rsplit("/", 1)[-1]) for f in self.files)

    def same_name(self, path: str) -> list[str]:
        """Where a file of that name lives now (a hint for a moved file)."""
        name = path.rstrip("/").rsplit("/", 1)[-1]
        return sorted(f for f in self.files if f.rsplit("/", 1)[-1] == name)


def as_regex(pattern: str) -> str:
    parts, last = [], 0
    for match in PLACEHOLDER.finditer(pattern):
        parts.append(re.escape(pattern[last : match.start()]))
        parts.append("[^/]*" if match.group() == "*" else "[^/]+")
        last = match.end()
    parts.append(re.escape(pattern[last:]))
    return "".join(parts)


def make_targets(makefile: Path) -> frozenset[str]:
    """The Makefile's targets a reader can name: its rules (`name: ...`, not `NAME := ...`)
    and its .PHONY targets, not file targets such as `$(VENV)/.installed`."""
    targets = set()
    for line in makefile.read_text(encoding="utf-8").splitlines():
        rule = re.match(r"([^\s:=#][^:=#]*?)\s*::?(?!=)(.*)", line)
        if rule and not line.startswith("\t"):
            names = rule.group(1).split()
            targets.update(names)
            if names == [".PHONY"]:
                targets.update(rule.group(2).split("#")[0].split())
    return frozenset(t for t in targets if re.fullmatch(r"\w[\w.-]*", t))


def code_of(text: str) -> list[tuple[int, str]]:
    """(line number, code): each inline code span, and each line inside a fenced block."""
    code, fence = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        opening = FENCE.match(line)
        if fence:
            closing = opening and not opening.group(2).strip()
            if closing and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
                continue
            code.append((number, line))
        elif opening:
            fence = opening.group(1)
        else:
            code.extend((number, span.group(2).strip()) for span in CODE_SPAN.finditer(line))
    return code


def make_commands(code: str) -> list[str]:
    """The targets of each `make` command in a piece of code (`make test PYTHON=...` -> test)."""
    targets = []
    for command in re.split(r"&&|\|\||[;|]", code.split(" #")[0]):
        words = command.split()
        while words and (words[0] in ("$", "sudo") or "=" in words[0]):
            words.pop(0)
        if words[:1] == ["make"]:
            targets += [w for w in words[1:] if not w.startswith("-") and "=" not in w]
    return targets


def path_mentions(line: str, top_level: set[str]) -> list[str]:
    """The tokens of a line that name a repository path."""
    mentions = []
    for token in SEPARATORS.split(line):
        token = token.removeprefix("**").rstrip(TRAILING)  # **bold**; a bare `*.txt` stays
        if not token or "://" in token or token.startswith(("-", "/", "~", "$")):
            continue
        token = token.split(":", 1)[0]  # path:line, path:section
        if ("/" in token and token.split("/", 1)[0] in top_level) or FILE_NAME.fullmatch(token):
            mentions.append(token)
    return mentions


def check_text(text: str, filename: str, root: Path) -> list[Problem]:
    """Every path, `python -m` module and `make` target `text` (the file `filename`) names that the
    checkout at `root` lacks, with what to do about it."""
    checkout = Checkout.read(root)
    top_level = checkout.top_level
    problems = []

    def missing(number: int, mention: str, path: str) -> None:
        moved = checkout.same_name(path)
        hint = f" (a file of that name is at {', '.join(moved)})" if moved else ""
        problems.append(
            Problem(
                filename,
                number,
                mention,
                f"not in the checkout{hint}: name the path where it lives now (`git ls-files`), "
                "or, for what the set-up or the build creates, add it to EXCEPTIONS in "
                "tests/test_project_text.py with the reason",
            )
        )

    for number, line in enumerate(text.splitlines(), start=1):
        for mention in path_mentions(line, top_level):
            first = mention.split("/", 1)[0]
            if first in EXCEPTIONS:
                continue
            found = (
                checkout.has(mention)
                if "/" in mention or mention in top_level
                else checkout.has_file_named(mention)
            )
            if not found:
                missing(number, f"`{mention}`", mention)
        for module in PYTHON_M.findall(line):
            path = module.replace(".", "/")
            if path.split("/")[0] in top_level and not (
                checkout.has(path + ".py") or checkout.has(path + "/__init__.py")
            ):
                missing(number, f"`python -m {module}`", path + ".py")

    for number, code in code_of(text):
        for target in make_commands(code):
            if target not in checkout.targets:
                problems.append(
                    Problem(
                        filename,
                        number,
                        f"`make {target}`",
                        f"the Makefile has no target {target!r} (it has "
                        f"{', '.join(sorted(checkout.targets))}): "
                        "name the target meant, or add the target to the Makefile",
                    )
                )
    return sorted(problems, key=lambda p: p.line)


@pytest.mark.parametrize("filename", TEXTS)
def test_the_text_names_only_paths_and_make_targets_that_exist(filename):
    text = (ROOT / filename).read_text(encoding="utf-8")
    problems = check_text(text, filename, ROOT)
    assert not problems, "\n".join(map(str, problems))


def test_each_exception_is_an_output_that_git_ignores_and_a_text_names():
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    texts = "\n".join((ROOT / filename).read_text(encoding="utf-8") for filename in TEXTS)
    for name in EXCEPTIONS:
        assert f"/{name}/" in ignored, f"{name} is not ignored by .gitignore: name the real path"
        assert f"{name}/" in texts, f"no text names {name}/ any more: drop it from EXCEPTIONS"


BROKEN = """
The loader keeps a diagram intact (`tools/mermaid_source.py:12`).

```sh
make nosuchtarget   # the site
```
Run `python -m tools.no_such_tool` over snippets/texts/*.rst, then `make test`.
"""


def test_the_check_reports_a_moved_file_and_an_unknown_target_with_file_and_line(tmp_path):
    """Each text, copied and broken on purpose: a path that moved (tools/ -> docsite/hooks/), a
    `make` target the Makefile lacks, a glob and a `python -m` module that match nothing."""
    for filename in TEXTS:
        copy = tmp_path / filename
        copy.write_text((ROOT / filename).read_text(encoding="utf-8") + BROKEN, encoding="utf-8")
        text = copy.read_text(encoding="utf-8")
        end = len(text.splitlines())  # BROKEN's lines are the last 7
        at = {line: f"{filename}:{end - 7 + line}: " for line in range(1, 8)}

        problems = [str(p) for p in check_text(text, filename, ROOT)]

        assert len(problems) == 4, problems
        moved, target, glob, module = problems
        assert moved.startswith(f"{at[2]}`tools/mermaid_source.py`: not in the checkout")
        assert "(a file of that name is at docsite/hooks/mermaid_source.py)" in moved
        assert moved.endswith("add it to EXCEPTIONS in tests/test_project_text.py with the reason")
        assert target.startswith(f"{at[5]}`make nosuchtarget`: the Makefile has no target")
        assert "(it has benchmark, browser, build, " in target
        assert target.endswith("name the target meant, or add the target to the Makefile")
        assert glob.startswith(f"{at[7]}`snippets/texts/*.rst`: not in the checkout: ")
        assert module.startswith(f"{at[7]}`python -m tools.no_such_tool`: not in the checkout: ")


@pytest.mark.parametrize(
    ("line", "mentions", "exist"),
    [
        (
            "see `docs/generated/<page>/`, (`snippets/texts/*.txt`).",
            ["docs/generated/<page>/", "snippets/texts/*.txt"],
            True,
        ),
        (
            '--8<-- "snippets/<module>.py:name" into docs/partNN-slug.md;',
            ["snippets/<module>.py", "docs/partNN-slug.md"],
            True,
        ),
        (
            "`tests/test_pages.py::test_page:3` and mkdocs.yml's nav (site_checker.py)",
            ["tests/test_pages.py", "mkdocs.yml", "site_checker.py"],
            True,
        ),
        ("http://127.0.0.1:8000/docs/x, float/complex, `torch.nn`, Node.js, name.svg", [], True),
        (
            "`docs/generated/<page>/nothing.svg` and **snippets/partNN_slug.rs**, setup.cfg",
            ["docs/generated/<page>/nothing.svg", "snippets/partNN_slug.rs", "setup.cfg"],
            False,
        ),
    ],
)
def test_mentions_patterns_suffixes_and_prose(line, mentions, exist):
    """Placeholders and globs match what exists, suffixes and punctuation are dropped, URLs and
    prose with a slash are not paths."""
    checkout = Checkout.read(ROOT)
    assert path_mentions(line, checkout.top_level) == mentions
    for mention in mentions:
        found = checkout.has(mention) if "/" in mention else checkout.has_file_named(mention)
        assert found == exist, mention
