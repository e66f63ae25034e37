"""Loaded at start-up (as `sitecustomize`) by every Python process a page starts while its run
records the torch calls the page makes: docsite/page_worker.py puts this folder first on their
PYTHONPATH (`_record_children`), and nowhere else. Such a process records the calls made by the
page's own files it runs (`record_in_child`), as the page's own process does.

Being first, this module hides any other `sitecustomize` (a distribution's, a virtual
environment's) from Python's start-up; so it runs the one Python would have found without this
folder, after its own set-up, in its own module named `sitecustomize`: the page's processes
start as they would unrecorded.
"""

import importlib.machinery
import importlib.util
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location(
    "_docsite_page_worker", os.path.join(os.path.dirname(_HERE), "page_worker.py")
)
_worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_worker)
_worker.record_in_child()

_hidden = importlib.machinery.PathFinder.find_spec(
    __name__, [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]
)
if _hidden is not None:  # it takes this module's place, as start-up would have loaded it
    _module = importlib.util.module_from_spec(_hidden)
    sys.modules[__name__] = _module
    _hidden.loader.exec_module(_module)
