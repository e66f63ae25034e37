"""The code of PyTorch in One Hour.

One module per page (``intro.py``, ``part01_tensors.py``, ...), cut into named sections that
the pages include with pymdownx.snippets, plus the helpers those pages import
(``data`` for the synthetic data set, ``plots`` to save a figure).
"""
