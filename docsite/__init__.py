"""The engine that keeps the pages honest; tests, tools and the site's hooks import it.

- `config`: every fact defined once (paths, mkdocs.yml, URLs, page <-> module <-> notebook names).
- `pages`: a page as MkDocs reads it, expanded, cut into blocks, each line traced to its origin.
- `running`: a page's blocks run in a brand-new Python process (`page_worker`), as a reader would.
- `update`: every write of `make update-outputs` (outputs, generated files, notebooks, the record).
- `notebooks`, `notebook_markdown`: each page with code as a Jupyter notebook;
  `page_notebooks`: which built page has which notebook (for the notebook hooks).
- `page_html`: where the hooks put what they add to a page (under its title).
- `reading_time`: how long a page takes to read.
- `server`: a built site served as GitHub Pages serves it.
- `hooks/`: the MkDocs hooks, one feature per file (mkdocs.yml lists them).

Arrows point one way: tests -> docsite -> snippets, and tools -> docsite; nothing here imports
`tests` or `tools`.
"""
