"""Every page on another torch release, in a cached side environment, recorded in
docs/torch-versions.json (docsite/torch_versions.py).

    python -m tools.test_torch 2.9.1          # make test-torch TORCH=2.9.1
    python -m tools.test_torch latest         # the newest torch the index serves
    python -m tools.test_torch --python PATH  # the torch of an existing Python
"""

import sys

from docsite.torch_versions import main

if __name__ == "__main__":
    sys.exit(main())
