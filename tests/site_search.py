"""The site's search as a reader uses it: Material's search box, driven in a browser page.

`search` types a query and returns the result links. `distinctive_terms` picks, for each page of
the search index, a word that should find it: one from its text that as few other pages as
possible hold, and that the search does not drop as a stop word (`search_stop_words`, read from
the installed theme).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path


def search(page, query: str, timeout_ms: int = 10000) -> list[str]:
    """Type `query` into Material's search box; return the result links (absolute URLs)."""
    box = page.locator("input.md-search__input")
    box.click()
    # Material reads the query on keyup: set the text, then release a key.
    box.fill("")
    box.press("End")
    page.wait_for_function("() => !document.querySelector('.md-search-result__link')")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        """() => {
          const meta = document.querySelector('.md-search-result__meta');
          return document.querySelector('.md-search-result__link')
            || /No matching/i.test(meta.textContent);
        }""",
        timeout=timeout_ms,
    )
    links = page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")
    page.keyboard.press("Escape")
    return links


def search_stop_words() -> frozenset[str]:
    """The words the site's search drops from the index and from queries ('across', 'should'):
    lunr's stopWordFilter list, as the installed theme's search worker holds it."""
    import material

    workers = Path(material.__file__).parent / "templates" / "assets" / "javascripts" / "workers"
    for script in sorted(workers.glob("search*.js")):
        found = re.search(r"generateStopWordFilter\(\[([^\]]*)\]\)", script.read_text("utf-8"))
        if found:
            return frozenset(re.findall(r'"(\w+)"', found.group(1)))
    raise LookupError(f"no stop-word list in the theme's search worker under {workers}")


def distinctive_terms(search_index: dict) -> dict[str, str]:
    """For each page, a word from its text that appears on as few other pages as possible (and
    that search does not drop as a stop word)."""
    stop_words = search_stop_words()
    words_by_page: dict[str, list[str]] = {}
    for doc in search_index["docs"]:
        page = doc["location"].split("#")[0]
        text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
        words = [w.lower() for w in re.findall(r"[A-Za-z]{6,}", text)]
        words = [w for w in words if w not in stop_words]
        words_by_page.setdefault(page, []).extend(words)
    frequency = Counter(w for words in words_by_page.values() for w in set(words))
    terms = {}
    for page, words in words_by_page.items():
        if words:
            terms[page] = min(words, key=lambda w: (frequency[w], words.index(w)))
    return terms
