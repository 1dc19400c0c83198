"""``tools/lab``: a multi-node nova-lite lab on one Linux machine.

The code is the package ``tools/nova_lite_lab`` (its docstring draws the
lab); this file runs its command line, with ``tools/`` on the path. The
lab writes its hosts' configs with ``nova_lite.deploy.config``: the
installed nova-lite's, else this checkout's.
"""

import os
import sys

_TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, _TOOLS)
sys.path.append(os.path.dirname(_TOOLS))

from nova_lite_lab import cli  # noqa: E402

if __name__ == '__main__':
    sys.exit(cli.main())
