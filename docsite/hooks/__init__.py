"""MkDocs hooks, one feature per file; mkdocs.yml lists them in the order they run."""
