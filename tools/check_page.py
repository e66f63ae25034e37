"""One page, checked in seconds: its blocks run in a new Python, outputs, generated files and the
results its prose states compared with the run (docsite/page_check.py).

    python -m tools.check_page part03
"""

import sys

from docsite.page_check import main

if __name__ == "__main__":
    sys.exit(main())
