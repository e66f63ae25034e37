"""The environment `make setup` makes is the one requirements.txt pins, so a fresh clone installs
what this checkout was tested with: every distribution in the Python that runs the tests is
pinned there at its installed version. Two are pinned elsewhere: pip (the Makefile installs
`pip==...` first) and this project itself (installed editable, from the checkout)."""

from __future__ import annotations

import re
from importlib.metadata import distributions

from packaging.utils import canonicalize_name
from packaging.version import Version

from docsite.config import ROOT

PINNED_ELSEWHERE = {"pip": "Makefile", "pytorch-in-one-hour": "pyproject.toml (this project)"}


def pins(text: str) -> dict[str, str]:
    """name -> version of each `name==version` line (extras and markers dropped)."""
    found = {}
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;#]+)", line.strip())
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def unpinned(installed: dict[str, str], pinned: dict[str, str]) -> list[str]:
    """What is installed but not pinned, or pinned at another version (a local build tag such
    as torch's `+cpu` aside: the Makefile picks the build, requirements.txt the release)."""
    problems = []
    for name, version in sorted(installed.items()):
        if name in PINNED_ELSEWHERE:
            continue
        if name not in pinned:
            problems.append(f"{name} {version} is installed but not pinned in requirements.txt")
        elif Version(version).public != Version(pinned[name]).public:
            problems.append(f"{name} {version} is installed, requirements.txt pins {pinned[name]}")
    return problems


def test_every_installed_package_is_pinned_in_requirements():
    installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
    pinned = pins((ROOT / "requirements.txt").read_text(encoding="utf-8"))
    problems = unpinned(installed, pinned)
    assert not problems, "\n".join(problems)


def test_the_check_names_a_package_left_out_and_one_at_another_version():
    pinned = pins("torch==2.13.0\nnumpy==2.0.0 ; python_version >= '3.11'\n")
    installed = {"torch": "2.13.0+cpu", "numpy": "2.1.0", "setuptools": "84.2.1", "pip": "26.3"}
    assert unpinned(installed, pinned) == [
        "numpy 2.1.0 is installed, requirements.txt pins 2.0.0",
        "setuptools 84.2.1 is installed but not pinned in requirements.txt",
    ]
