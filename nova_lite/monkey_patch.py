"""Green the standard library. Imported first by every nova-lite command.

NOTE: this module and ``utils.py`` are the only places that know about
eventlet, so a switch to native threads touches them alone.
"""

import os
import warnings

# NOTE: eventlet's green DNS imports dnspython, whose DNSSEC module touches
# cryptography's DSA classes at import and so warns on every command's
# start (a screen of it before nova-lite-manage's own output). nova-lite
# validates no DNSSEC: the warning is nothing an operator can act on.
warnings.filterwarnings('ignore', message=r'DSA is deprecated',
                        module=r'dns\.dnssecalgs\.')

if os.environ.get('NOVA_LITE_NO_MONKEY_PATCH') != '1':
    # NOTE: eventlet warns on import that it is deprecated; the switch to
    # native threads is tracked, and the warning helps no operator.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    import eventlet

    eventlet.monkey_patch()
