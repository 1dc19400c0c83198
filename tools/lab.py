"""``tools/lab``: a multi-node nova-lite lab on one Linux machine.

The code is the package ``tools/nova_lite_lab`` (its docstring draws the
lab); this file runs its command line, with ``tools/`` on the path.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nova_lite_lab import cli  # noqa: E402

if __name__ == '__main__':
    sys.exit(cli.main())
