"""The cheat sheet (docs/cheatsheet.md): every public torch API the pages call, from the runs.

Where the calls come from: each page's run in the suite records the calls its own code makes
(docsite/page_worker.py's `CallRecorder`; `PageRun(calls=True)`, which the suite's `PageRuns`
asks for). Each call is resolved here to its public qualified name in the installed torch:
`torch.nn.functional.cross_entropy` for `F.cross_entropy`, `torch.Tensor.sum` for `x.sum()`,
`torch.nn.Linear` for `nn.Linear(1, 1)` (its `__init__`), `torch.optim.SGD.step` for
`optimizer.step()`, `torch.nn.Module.parameters` for `model.parameters()`. A function the page
defines but only another process runs (the workers torchrun starts on Going further 3) counts
too: the Python processes a recording page run starts record the calls of the page's own files
as the page's process does (page_worker.py's `record_in_child`), so `model.no_sync()` there is
`torch.nn.parallel.DistributedDataParallel.no_sync`. (A function the page defines and no
process runs is named from its text, where the callee is a global name or an attribute of one.)

Not APIs, so not listed (`not_listed`): Python's builtins (`print`, `len`), the project's own
`snippets` helpers, functions and classes a page defines, operators and other dunders (`x + y`,
`with`, `print(x)`'s `__repr__`), and calling a module (`model(x)` runs its `forward`: the class
is listed where the page builds it, and `torch.nn.Module` where a page subclasses it). Any other
call into torch must resolve to a public name, or the page's check fails: that is how the sheet
is known to hold every API the pages call.

The record (docs/api-calls.json) keeps, per page, the first place the page calls each API (the
call's source text and its H2 section; not the line, which any prose edit moves), in the page's
order; `make update-outputs` rewrites a page's entry from its run (an update narrowed with `-k`
rewrites only those pages' entries) and the sheet from the record. The sheet lists each API once,
under the first page in reading order (the nav's: the intro, Parts 1-10, then Going further)
that calls it, with a link to its page in torch's documentation (`docs_url`). The tests
(tests/test_cheatsheet.py) compare each page's run with its entry, the sheet with the record,
and resolve every listed name in the installed torch.

    python -m docsite.cheatsheet   # print the sheet the record gives (nothing is written)
"""

from __future__ import annotations

import html
import importlib
import io
import json
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import markdown

from docsite import config
from docsite.pages import Block, Page, load_page
from docsite.running import PageRun, code_location

# Where torch's documentation has a page for a name: Sphinx's autosummary gives most names one of
# their own, https://docs.pytorch.org/docs/2.13/generated/torch.nn.Linear.html. The exceptions,
# as the torch repository's docs/source (torch.md, nn.md, optim.md, ...) documents them:
DOCS_URL = "https://docs.pytorch.org/docs/{version}/"
API_CALLS_NAME = config.API_CALLS.relative_to(config.ROOT).as_posix()
# a module whose members are documented on the module's page, each under its own anchor;
MODULE_PAGES = {
    "torch.utils.data": "data.html",
    "torch.nn.init": "nn.init.html",
    "torch.testing": "testing.html",
    "torch.fx": "fx.html",
    "torch.distributed.elastic.multiprocessing.errors": "elastic/errors.html",
    "torch.distributed": "distributed.html",  # (after its submodule above: the first match)
    "torch.UntypedStorage": "storage.html",
}
# a class whose methods are documented on the class's own page (autosummary's class template);
METHODS_ON_THE_CLASS_PAGE = (
    "torch.nn.Module",
    "torch.nn.parallel.DistributedDataParallel",
    "torch.optim.SGD",
    "torch.optim.Adam",
    "torch.optim.lr_scheduler.LRScheduler",
    "torch.optim.lr_scheduler.LambdaLR",
    "torch.Generator",
)
# a name documented elsewhere: torch.md lists `autograd.grad_mode.inference_mode`; torch.device
# is on "Tensor Attributes", torch.finfo on "Type Info", torch.autocast on the AMP page.
DOCUMENTED_AT = {
    "torch.inference_mode": "generated/torch.autograd.grad_mode.inference_mode.html",
    "torch.device": "tensor_attributes.html#torch.device",
    "torch.finfo": "type_info.html#torch.finfo",
    "torch.autocast": "amp.html#torch.autocast",
}
# a name with no documentation of its own (torch.md does not list it): linked to its documented
# twin, and the sheet says so.
UNDOCUMENTED = {"torch.log_softmax": "torch.nn.functional.log_softmax"}
CONSTRUCTORS = ("__init__", "__new__")
# Calling a module (`model(x)`): Module.__call__'s implementation, or what stands in for it while
# torch.fx traces a model. Not listed: it runs the module's `forward`, and the module's class is
# listed where the page builds it (torch.nn.Module where a page subclasses it).
MODULE_CALLS = {
    ("torch.nn.modules.module", "Module._wrapped_call_impl"),
    ("torch.nn.modules.module", "Module._call_impl"),
    ("torch.fx._symbolic_trace", "Tracer.trace.<locals>.module_call_wrapper"),
}
C_EXTENSION = "torch._C"
# Where a function of torch's C extension is public under another name (torch._C._nn.one_hot is
# torch.nn.functional.one_hot, torch._C._linalg.linalg_lstsq is torch.linalg.lstsq): found by
# identity among these namespaces' members, in this order.
PUBLIC_NAMESPACES = ("torch", "torch.nn.functional", "torch.linalg", "torch.special", "torch.fft")


@dataclass(frozen=True)
class Use:
    """The first place a page calls an API, as the record keeps it."""

    api: str  # public qualified name: torch.nn.functional.cross_entropy
    call: str  # the call as the page writes it: F.cross_entropy(logits, y)
    section: str  # the anchor of the page's H2 it is under ("" before the first H2)


@dataclass(frozen=True)
class Found(Use):
    """A use found in a run, with where it is (not recorded: a prose edit moves lines)."""

    where: str = ""  # docs/part03-math.md:42 (code from snippets/part03_math.py:17)

    def entry(self) -> dict:
        return {"api": self.api, "call": self.call, "section": self.section}


# --- resolving a recorded call to a public name ------------------------------------------------


def _object(dotted: str):
    """The object a dotted name names, importing its module; None if there is none."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for part in parts[split:]:
            found = getattr(found, part, None)
            if found is None:
                return None
        return found
    return None


def resolves(api: str) -> bool:
    """Whether the name names something in the installed torch."""
    return _object(api) is not None


def _is_public(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


def _public_class(module: str, qualname: str, c_extension: bool = False) -> str | None:
    """The public name of a class (or function) defined as `qualname` in `module`: the shortest
    public module on its module's path that exposes the same object (torch.nn.modules.linear's
    Linear is torch.nn.Linear), under its own name or another (torch.nn.utils.get_total_norm is
    torch.nn.utils.clip_grad's _get_total_norm). A class of torch's C extension
    (torch._C.TensorBase) only when `c_extension`: whatever aliases it has, its methods are
    documented on the public class that inherits them (torch.Tensor)."""
    target = _object(f"{module}.{qualname}")
    if target is None or (module.startswith(C_EXTENSION) and not c_extension):
        return None
    public = [candidate for candidate in _module_path(module) if _is_public(candidate)]
    for candidate in public if _is_public(qualname) else ():
        if _object(f"{candidate}.{qualname}") is target:
            return f"{candidate}.{qualname}"
    return None if "." in qualname else _exposed(target, public)


def _is_class(module: str, qualname: str) -> bool:
    return isinstance(_object(f"{module}.{qualname}"), type)


def _type(name: str | None):
    if not name:
        return None
    module, qualname = name.split(":")
    return _object(f"{module}.{qualname}")


def _public_method(owner: type, name: str) -> str | None:
    """`torch.Tensor.sum` for `sum` on a Tensor (or a Parameter): the class that defines the
    method, or, when that one is private (torch._C.TensorBase), the nearest public class that
    inherits it."""
    public = None
    for cls in owner.__mro__:
        cls_name = _public_class(cls.__module__, cls.__qualname__, c_extension=cls is owner)
        if cls_name is not None:
            public = cls_name
        if name in vars(cls):
            return f"{public}.{name}" if public else None
    return None


def public_name(call: dict) -> str | None:
    """The public torch name of a recorded call (docsite/page_worker.py), or None when the call
    is not to a torch API (see the module's docstring)."""
    module, qualname = call["module"] or "", call["qualname"]
    name = qualname.rsplit(".", 1)[-1]
    if call["how"] in ("silent", "never-ran"):  # found from the code's text (page_worker.py)
        if module.split(".")[0] != "torch":
            return None
        if _is_class(module, qualname):
            found = _public_class(module, qualname, c_extension=True)
            return found if found and _is_public(found) else None
    if name in CONSTRUCTORS:
        built = _type(call["owner"])
        if built is not None and built.__module__.split(".")[0] == "torch":
            return _public_class(built.__module__, built.__qualname__)
        if module.split(".")[0] == "torch":  # super().__init__() in a page's own subclass
            return _public_class(module, qualname.rsplit(".", 1)[0])
        return None
    if not_listed(call) is not None:
        return None
    if call["how"] == "c":
        owner = _type(call["owner"])
        if owner is not None and owner.__module__.split(".")[0] == "torch":
            found = _public_method(owner, name)
        elif module.split(".")[0] == "torch":  # a function: torch.zeros is _VariableFunctions'
            found = next(
                (
                    f"{candidate}.{name}"
                    for candidate in _module_path(module)
                    if _is_public(candidate)
                    and _same_builtin(_object(f"{candidate}.{name}"), module, qualname)
                ),
                None,
            ) or _exposed(_object(f"{module}.{qualname}"))
        else:
            return None
    elif module.split(".")[0] == "torch":
        if "." in qualname:  # a method: the public name of its class, then the method
            cls = _public_class(module, qualname.rsplit(".", 1)[0])
            found = cls and f"{cls}.{name}"
        else:
            found = _public_class(module, qualname)
    else:
        return None
    return found if found and _is_public(found) else None


def _exposed(target, namespaces: Iterable[str] = ()) -> str | None:
    """The public name of an object exposed under another name than its own, found among
    `namespaces`, then PUBLIC_NAMESPACES (torch._C._nn.one_hot is torch.nn.functional.one_hot)."""
    if target is None:
        return None
    for namespace in [*namespaces, *PUBLIC_NAMESPACES]:
        for name, value in vars(_object(namespace)).items():
            same = value is target or getattr(value, "__wrapped__", None) is target
            if same and not name.startswith("_"):
                return f"{namespace}.{name}"
    return None


def _is_torch(call: dict) -> bool:
    owner = (call["owner"] or "").split(":")[0]
    return "torch" in ((call["module"] or "").split(".")[0], owner.split(".")[0])


def not_listed(call: dict) -> str | None:
    """Why a recorded call is rightly not on the sheet; None for a call to a torch API, which
    `public_name` must then name."""
    if not _is_torch(call):
        return "not torch's (Python's builtins, the project's snippets, the page's own code)"
    name = (call["qualname"] or "").rsplit(".", 1)[-1]
    if name.startswith("__") and name not in CONSTRUCTORS:
        return "an operator or protocol method (x + y, with, print(x)), not called by name"
    if (call["module"], call["qualname"]) in MODULE_CALLS:
        return "calling a module, which runs its forward"
    return None


def _module_path(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:end]) for end in range(1, len(parts) + 1)]


def _same_builtin(found, module: str, qualname: str) -> bool:
    return found is not None and (
        getattr(found, "__module__", None),
        getattr(found, "__qualname__", None),
    ) == (module, qualname)


# --- where a call is on its page -----------------------------------------------------------


def _call_text(lines: list[str], span: list[int]) -> str:
    """The source text of a call expression from its span (1-based lines of `lines`, 0-based
    UTF-8 columns), on one line: comments dropped, line breaks joined as Python reads them."""
    line, col, end_line, end_col = span
    chunk = [text.encode() for text in lines[line - 1 : end_line]]
    chunk[-1] = chunk[-1][:end_col]
    chunk[0] = chunk[0][col:]
    source = "\n".join(part.decode() for part in chunk)
    if not source.endswith(")"):  # a decorator: its position is its expression's
        return "@" + source
    if "\n" not in source:
        return source
    pieces, previous = [], None
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            continue
        if previous is not None and token.start[0] == previous.end[0]:
            gap = source.splitlines()[token.start[0] - 1][previous.end[1] : token.start[1]]
        elif previous is not None and previous.string not in "([{" and token.string not in ")]}":
            gap = " "
        else:
            gap = ""
        pieces.append(gap + token.string)
        previous = token
    return re.sub(r",(?=[)\]}])", "", "".join(pieces))


def headings(page: Page) -> list[tuple[int, int, str, str]]:
    """Each heading of the page as written: its line, level, id (as MkDocs makes it: Python
    Markdown's toc, which numbers repeated ids) and its Markdown text."""
    found: list[tuple[int, int, str]] = []
    fence = None
    for number, text in enumerate(page.lines, 1):
        stripped = text.strip()
        if fence is not None:
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
            continue
        match = re.match(r"^(`{3,}|~{3,})", stripped)
        if match:
            fence = match[1]
        elif heading := re.match(r"^(#{1,6}) (.*?)\s*(\{[^}]*\})?\s*$", text):
            found.append((number, len(heading[1]), heading[2]))
    rendered = markdown.Markdown(extensions=["toc", "attr_list"]).convert(
        "\n\n".join(page.lines[number - 1] for number, _, _ in found)
    )
    ids = [html.unescape(anchor) for anchor in re.findall(r'<h\d id="([^"]*)"', rendered)]
    return [
        (number, level, anchor, text)
        for (number, level, text), anchor in zip(found, ids, strict=True)
    ]


class _Locator:
    """Maps a recorded call's file and line to its page's block, line and section."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.sections = [(n, anchor) for n, level, anchor, _ in headings(page) if level == 2]
        self.blocks: list[tuple[str, int, Block, list[str]]] = []
        for block in page.blocks:
            filename, first_line = code_location(block)
            self.blocks.append((filename, first_line, block, block.code.splitlines()))

    def find(self, call: dict, api: str) -> tuple[tuple[int, int], Found]:
        """The use, and where it is on the page (its line and column, to order uses by)."""
        line, col, end_line, end_col = call["span"]
        for filename, first_line, block, lines in self.blocks:
            if filename == call["filename"] and first_line <= line < first_line + len(lines):
                relative = [line - first_line + 1, col, end_line - first_line + 1, end_col]
                origin = block.origins[line - first_line]
                section = ""
                for heading, anchor in self.sections:
                    if heading < origin.page_line:
                        section = anchor
                where = f"{self.page.relpath}:{origin.page_line}"
                if origin.source is not None:
                    where += f" (code from {origin.source.relative_to(config.ROOT)}"
                    where += f":{origin.source_line})"
                use = Found(api, _call_text(lines, relative), section, where)
                return (origin.page_line, origin.source_line or 0, col), use
        raise LookupError(f"{self.page.relpath}: no block holds {call['filename']}:{line}")


def page_uses(run: PageRun) -> list[Found]:
    """The first place the page calls each torch API, in page order (from the run's calls)."""
    locator = _Locator(run.page)
    first: dict[str, tuple[tuple, Found]] = {}
    for result in run.results:
        for call in result.calls:
            api = public_name(call)
            if api is None:
                continue
            place, use = locator.find(call, api)
            if api not in first or place < first[api][0]:
                first[api] = (place, use)
    return [use for _, use in sorted(first.values(), key=lambda item: item[0])]


def locate(page: Page, use: Use) -> str:
    """Where a recorded use is on the page: page:line of a code line holding the call's text
    (a one-line call as recorded), else the page and its section."""
    for block in page.blocks:
        for offset, text in enumerate(block.code.splitlines()):
            if use.call in text:
                origin = block.origins[offset]
                where = f"{page.relpath}:{origin.page_line}"
                if origin.source is not None:
                    where += f" (code from {origin.source.relative_to(config.ROOT)}"
                    where += f":{origin.source_line})"
                return where
    return f"{page.relpath} (section #{use.section})" if use.section else page.relpath


def problems(run: PageRun, record: dict) -> list[str]:
    """How the record (and so the sheet) disagrees with what the page's run called: an API the
    page calls that the record does not list for it, one listed that it no longer calls, a
    first call now written differently or in another section, a torch call with no public
    name. Each names the page and line."""
    found: list[str] = []
    locator = _Locator(run.page)
    version = record.get("torch")
    for result in run.results:
        for call in result.calls:
            if not_listed(call) is None and public_name(call) is None and _is_torch(call):
                _, use = locator.find(call, "")
                found.append(
                    f"{use.where} calls {call['module']}.{call['qualname']} (`{use.call}`), "
                    f"which has no public name in torch {version} that docsite/cheatsheet.py "
                    "can find: name it there, or say why it is not an API (not_listed)"
                )
    uses = page_uses(run)
    recorded = [Use(**use) for use in record.get("pages", {}).get(run.page.name, [])]
    listed = {use.api: use for use in recorded}
    called = {use.api: use for use in uses}
    update = f"run `{config.UPDATE_COMMAND}`"
    for use in uses:
        known = listed.get(use.api)
        if known is None:
            found.append(
                f"{use.where} calls {use.api} (`{use.call}`), which the cheat sheet misses: "
                f"{API_CALLS_NAME} does not list it for {run.page.name}; {update}"
            )
        elif (known.call, known.section) != (use.call, use.section):
            found.append(
                f"{use.where} first calls {use.api} as `{use.call}` (section #{use.section}); "
                f"the cheat sheet says `{known.call}` (section #{known.section}); {update}"
            )
    for use in recorded:
        if use.api not in called:
            found.append(
                f"{locate(run.page, use)}: the cheat sheet lists {use.api} (`{use.call}`) for "
                f"{run.page.name}, which the page no longer calls; {update}"
            )
    if not found and [use.api for use in uses] != [use.api for use in recorded]:
        found.append(
            f"{run.page.relpath}: the cheat sheet lists its APIs in another order than the page "
            f"calls them; {update}"
        )
    return found


def unresolved(record: dict, pages: dict[str, Page]) -> list[str]:
    """Each name the record lists that does not resolve in the installed torch."""
    import torch

    return [
        f"{locate(pages[page], Use(**use))}: {use['api']}, on the cheat sheet, does not "
        f"resolve in torch {torch.__version__}"
        for page, uses in record.get("pages", {}).items()
        for use in uses
        if not resolves(use["api"])
    ]


# --- the record and the sheet --------------------------------------------------------------


def recorded(path: Path = config.API_CALLS) -> dict:
    if not path.is_file():
        return {"torch": None, "pages": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def merged_record(runs: Iterable[PageRun], previous: dict, torch_version: str) -> dict:
    """The record with each of `runs`' pages rewritten from its run, the other pages kept, in
    the nav's order."""
    pages = dict(previous.get("pages", {}))
    for run in runs:
        pages[run.page.name] = [use.entry() for use in page_uses(run)]
    order = {name: index for index, name in enumerate(config.site().nav_pages)}
    pages = {name: pages[name] for name in sorted(pages, key=lambda n: order.get(n, len(order)))}
    pages = {name: uses for name, uses in pages.items() if name in order}
    return {"torch": torch_version, "pages": pages}


def docs_url(api: str, torch_version: str) -> str:
    """The API's page in torch's documentation for the release (its major.minor)."""
    version = ".".join(torch_version.split("+")[0].split(".")[:2])
    base = DOCS_URL.format(version=version)
    api = UNDOCUMENTED.get(api, api)
    if api in DOCUMENTED_AT:
        return base + DOCUMENTED_AT[api]
    owner = api.rsplit(".", 1)[0]
    for module, page in MODULE_PAGES.items():
        if api.startswith(module + "."):
            return f"{base}{page}#{api}"
    if owner in METHODS_ON_THE_CLASS_PAGE:
        return f"{base}generated/{owner}.html#{api}"
    return f"{base}generated/{api}.html"


def _nav_titles(nav, found: dict[str, str] | None = None) -> dict[str, str]:
    """Each page of the nav with its title there ('Part 3 · Math and reductions')."""
    found = {} if found is None else found
    for item in nav or []:
        for title, value in item.items() if isinstance(item, dict) else ():
            if isinstance(value, list):
                _nav_titles(value, found)
            else:
                found[value] = title
    return found


HEADER = """<!-- Generated by `make update-outputs` (docsite/cheatsheet.py) from
     docs/api-calls.json, the torch calls the pages' code made when the tests ran it.
     Do not edit by hand. -->"""


def render(record: dict) -> str:
    """The sheet's Markdown: each API once, under the first page (in the record's order, the
    nav's) that calls it, in that page's order."""
    torch_version = record["torch"]
    titles = _nav_titles(config.mkdocs_config().nav)
    seen: set[str] = set()
    groups = []
    for page, uses in record["pages"].items():
        new = [Use(**use) for use in uses if use["api"] not in seen]
        seen.update(use.api for use in new)
        if not new:
            continue
        sections = {
            anchor: text
            for _, level, anchor, text in headings(load_page(config.DOCS / page))
            if level == 2
        }
        lines = [f"## {titles.get(page, page)}", ""]
        for use in new:
            where = (
                f"[{sections[use.section]}]({page}#{use.section})"
                if use.section
                else (f"[the page's opening]({page})")
            )
            name = f"[`{use.api}`]({docs_url(use.api, torch_version)})"
            if use.api in UNDOCUMENTED:
                name += f" (no page of its own: {UNDOCUMENTED[use.api]}'s)"
            lines.append(f"- `{use.call}`: {name}, in {where}")
        groups.append("\n".join(lines))
    release = ".".join(torch_version.split("+")[0].split(".")[:2])
    intro = f"""# Cheat sheet

Every torch function, class and method the pages call: {len(seen)}, each under the page that
first uses it, in reading order. A line shows the call as the page writes it, the API's full name
(a link to its page in the documentation of torch {release}) and the section where it appears.
The list is collected from the code the tests run, so it is what the pages call, no more and no
less; Python's own functions, operators such as `x @ W` and calling a module (`model(x)` runs its
`forward`) are not listed."""
    return "\n\n".join([HEADER, intro, *groups]) + "\n"


def main() -> int:
    print(render(recorded()), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
