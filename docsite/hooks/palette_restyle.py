"""MkDocs hook: no whole-page restyle while Material applies the colour palette on a page load.

Material applies the palette on every page load, not only when the reader switches, and did so in
two ways that each make the browser restyle the whole document:

- While it applies it, its script marks `<body>` with `data-md-color-switching`, and its
  stylesheet answers with `[data-md-color-switching] *, … {transition-duration: 0s !important}`
  so that colours switch without fading: a rule for every element under an attribute of `<body>`
  restyles the whole document when the attribute comes and again when it goes. On a phone that
  is a large share of the page's blocking time: Part 5 measured Lighthouse TBT 407-486 ms with
  the rule, 267-385 ms without (three runs each, same machine). Without it, a reader's switch
  between light and dark fades the theme's colours (its transitions last up to a quarter of a
  second) instead of switching them at once.
- Its script adds a `<meta name="color-scheme">` to the head, then sets it to the palette's
  scheme: each of the two changes the page's colour scheme, which Chrome answers by restyling
  every element (a trace names it `PlatformColorChange`: 7-17 ms each on the intro, on this
  machine, inside the script's start-up). The meta only tells the browser the scheme of the root
  (the page's scrollbar, the canvas): `<body>` and all it holds have theirs from the theme's
  stylesheet (`[data-md-color-scheme=slate] {color-scheme: dark}`). So the script's copy here
  leaves the meta out of the document (it still sets it, detached), and docs/stylesheets/extra.css
  gives the root the scheme of `<body>`. The intro, idle, Lighthouse phone, 7 runs each,
  alternating: performance 85-94 (median 90), blocking time 251-454 ms with the meta; 93-98
  (median 96), 133-257 ms without (the theme-colour meta left out too, in that measurement).

Only the built copy changes (the script's source map then points a few characters off on that
line). If either is not there (a new Material), the build warns, so `mkdocs build --strict` fails
and this is looked at again.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from docsite.theme_patch import patch

log = logging.getLogger("mkdocs.hooks.palette_restyle")  # under "mkdocs": fails --strict
RULE = re.compile(r"\[data-md-color-switching\][^{}]*\{transition-duration:0s!important\}")
# `let o=x("meta",{name:"color-scheme"});document.head.appendChild(o);` in the minified bundle.
SCHEME_META = re.compile(
    r"(let (\w+)=\w+\(\"meta\",\{name:\"color-scheme\"\}\);)document\.head\.appendChild\(\2\);"
)


def on_post_build(config) -> None:
    assets = Path(config.site_dir) / "assets"
    sheets = sorted((assets / "stylesheets").glob("palette.*.css"))
    if not patch(sheets, RULE, ""):
        log.warning(
            "Material's palette stylesheet no longer has the [data-md-color-switching] rule "
            "docsite/hooks/palette_restyle.py removes: check whether the theme still restyles "
            "every page twice while it loads, then update or drop this hook."
        )
    scripts = sorted((assets / "javascripts").glob("bundle.*.js"))
    if patch(scripts, SCHEME_META, r"\1") != 1:
        log.warning(
            "Material's script no longer adds its color-scheme meta as "
            "docsite/hooks/palette_restyle.py expects: check whether the theme still restyles "
            "every page twice while it loads, then update or drop this part of the hook (and the "
            "root's color-scheme in docs/stylesheets/extra.css)."
        )
