"""Each page's reading time: the core path's pages against their budgets, then the pages after
the hour (shown on the site, not counted). The measure is docsite/reading_time.py's.

    python -m tools.reading_time
"""

import sys

from docsite.reading_time import main

if __name__ == "__main__":
    sys.exit(main())
