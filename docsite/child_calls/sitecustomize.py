"""Loaded at start-up (as `sitecustomize`) by every Python process a page starts while its run
records the torch calls the page makes: docsite/page_worker.py puts this folder first on their
PYTHONPATH (`_record_children`), and nowhere else. Such a process records the calls made by the
page's own files it runs (`record_in_child`), as the page's own process does."""

import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "_docsite_page_worker",
    os.path.join(os.path.dirname(os.path.dirname(__file__)), "page_worker.py"),
)
_worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_worker)
_worker.record_in_child()
