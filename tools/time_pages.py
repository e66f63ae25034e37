"""Each page's run time on one thread, split into start-up and blocks, against the budgets;
docsite/page_timing.py says how it measures.

    python -m tools.time_pages          # every page; exit 1 when a budget is exceeded
    python -m tools.time_pages further  # only the pages whose file name contains "further"
"""

import sys

from docsite.page_timing import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
