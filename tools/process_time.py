"""Where a command's CPU time goes, process by process; docsite/process_time.py says how.

python -m tools.process_time -- make test
"""

import sys

from docsite.process_time import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
