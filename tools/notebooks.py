"""Generate every page's notebook (docs/notebooks/) from the page; docsite/notebooks.py says how.

python -m tools.notebooks          # rewrite docs/notebooks/*.ipynb
python -m tools.notebooks --check  # exit 1 and name each stale notebook
"""

import sys

from docsite.notebooks import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
