"""Per page, the results its prose states: the values bound to the run, the numbers marked as
facts, and the numbers typed by hand that the page also prints (goal: none). Exit 1 when a page
has an unbound restatement, a bound value its output does not show, or a malformed marker.

    python -m tools.prose_values [part07-gradient-descent.md ...]
"""

import sys

from docsite.prose import main

if __name__ == "__main__":
    sys.exit(main())
