"""Lighthouse scores for every page of the site, on a phone and on a desktop.

Builds the site (`mkdocs build --strict`), serves it on 127.0.0.1 as GitHub Pages would (under
the site's path, text gzip-compressed), and runs Lighthouse (pinned in tools/lighthouse/, set up
here with `npm ci`; `make test` never needs it) on each page, once with Lighthouse's mobile
settings (a mid-range phone on a slow 4G network, simulated) and once with its desktop preset.
Prints a Markdown table: each page's four category scores, its Core Web Vitals and the bytes it
transferred. The goal: performance >= 95 on desktop and on mobile, on every page.

    .venv/bin/python -m tools.benchmark_site                     # every page, both form factors
    .venv/bin/python -m tools.benchmark_site --pages part03-math/ --form-factor mobile
    .venv/bin/python -m tools.benchmark_site --json results.json

Scores move by a few points from run to run (and more on a busy machine); `--runs 3` keeps each
page's median run, and the table shows the lowest and highest score beside it. Needs Node.js 20
and Chromium (CHROME_PATH, default the browser tools/find_browser.py finds).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from docsite import config
from docsite.config import ROOT
from docsite.server import SiteServer, site_pages
from tools.find_browser import CHROMIUM_ARGS, NoBrowser, session_browser

LIGHTHOUSE_DIR = ROOT / "tools" / "lighthouse"
LIGHTHOUSE = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
# Paint holding (Chrome keeps showing the previous page until the next has painted) leaves
# headless Chrome dropping every frame for a second or two after some loads here: the page is
# loaded and painted, yet its first paint is presented at 1.3 or 2.3 s instead of 0.2 s, and
# Lighthouse's simulation then scores the page 84-91 instead of 95-98 (3 of 12 runs of Part 8
# with it, 0 of 6 without; the trace shows only DroppedFrame events in between). A reader's
# first visit has no previous page to hold.
CHROME_FLAGS = " ".join([*CHROMIUM_ARGS, "--disable-features=PaintHolding"])
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"desktop": 95, "mobile": 95}
METRICS = {
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
}


def _browser_path() -> str:
    found = session_browser()
    if isinstance(found, NoBrowser):
        raise SystemExit(str(found))
    return found.path


def install_lighthouse() -> None:
    """`npm ci` in tools/lighthouse/ when its lock file is newer than the installed copy."""
    stamp = LIGHTHOUSE_DIR / "node_modules" / ".installed"
    lock = LIGHTHOUSE_DIR / "package-lock.json"
    if stamp.is_file() and stamp.stat().st_mtime >= lock.stat().st_mtime and LIGHTHOUSE.exists():
        return
    print("Installing Lighthouse (npm ci in tools/lighthouse/) ...", file=sys.stderr)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=LIGHTHOUSE_DIR,
        check=True,
    )
    stamp.touch()


def build_site(destination: Path) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", destination],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return destination


def lighthouse(url: str, form_factor: str, output: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={output}",
        f"--chrome-flags={CHROME_FLAGS}",
        f"--only-categories={','.join(CATEGORIES)}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or _browser_path()}
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    report = json.loads(output.read_text(encoding="utf-8"))
    audits = report["audits"]
    return {
        "scores": {c: round(100 * (report["categories"][c]["score"] or 0)) for c in CATEGORIES},
        "metrics": {name: audits[key]["numericValue"] for key, name in METRICS.items()},
        "bytes": round(audits["total-byte-weight"]["numericValue"]),
        "requests": len(audits["network-requests"]["details"]["items"]),
    }


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score, and every run's score beside it."""
    runs = sorted(runs, key=lambda r: r["scores"]["performance"])
    return {**runs[len(runs) // 2], "all_runs": [r["scores"]["performance"] for r in runs]}


def metric(name: str, value: float) -> str:
    return (
        f"{value:.2f}"
        if name == "CLS"
        else f"{value / 1000:.1f} s"
        if name == "LCP"
        else (f"{value:.0f} ms")
    )


def table(results: dict[str, dict[str, dict]], form_factors: list[str]) -> str:
    head = ["Page"]
    for ff in form_factors:
        head += [f"{ff} perf", f"{ff} LCP / TBT / CLS"]
    head += ["a11y / best pr. / SEO", "transferred"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for page, by_ff in results.items():
        row = [f"`/{page}`"]
        for ff in form_factors:
            r = by_ff[ff]
            score = r["scores"]["performance"]
            flag = "" if score >= GOALS[ff] else " ✗"
            spread = r["all_runs"]
            if len(spread) > 1:  # the median run, and the lowest and highest of all the runs
                flag += f" ({spread[0]}-{spread[-1]})"
            row += [f"{score}{flag}", " / ".join(metric(n, v) for n, v in r["metrics"].items())]
        first = by_ff[form_factors[0]]
        row.append(" / ".join(str(first["scores"][c]) for c in CATEGORIES[1:]))
        row.append(f"{first['bytes'] / 1024:.0f} KiB ({first['requests']} requests)")
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", nargs="*", help="site paths (default: every page)")
    parser.add_argument("--form-factor", choices=("mobile", "desktop", "both"), default="both")
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is kept")
    parser.add_argument("--json", type=Path, help="also write every result here")
    args = parser.parse_args()
    form_factors = ["mobile", "desktop"] if args.form_factor == "both" else [args.form_factor]

    if not shutil.which("node"):
        parser.error("Node.js is needed for Lighthouse")
    install_lighthouse()
    results: dict[str, dict[str, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="benchmark-") as tmp:
        site = build_site(Path(tmp) / "site")
        pages = args.pages if args.pages is not None else [*site_pages(site), "404.html"]
        base = config.site().base_path
        with SiteServer(site, base, gzip=True) as server:
            for page in pages:
                for ff in form_factors:
                    started = time.monotonic()
                    runs = [
                        lighthouse(server.url + page, ff, Path(tmp) / "report.json")
                        for _ in range(args.runs)
                    ]
                    result = results.setdefault(page, {})[ff] = median_run(runs)
                    print(
                        f"{ff:7s} /{page}: performance {result['scores']['performance']}, "
                        f"{result['bytes'] / 1024:.0f} KiB ({time.monotonic() - started:.0f} s)",
                        file=sys.stderr,
                    )
    print(table(results, form_factors))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    missed = [
        f"/{page} {ff}"
        for page, by_ff in results.items()
        for ff, r in by_ff.items()
        if r["scores"]["performance"] < GOALS[ff]
    ]
    if missed:
        print(
            f"\nBelow the goal (desktop {GOALS['desktop']}, mobile {GOALS['mobile']}): "
            + ", ".join(missed)
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
