"""Green the standard library. Imported first by every nova-lite command.

NOTE: this module and ``utils.py`` are the only places that know about
eventlet, so a switch to native threads touches them alone.
"""

import os

if os.environ.get('NOVA_LITE_NO_MONKEY_PATCH') != '1':
    import warnings

    # NOTE: eventlet warns on import that it is deprecated; the switch to
    # native threads is tracked, and the warning helps no operator.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    import eventlet

    eventlet.monkey_patch()
