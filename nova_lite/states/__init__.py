"""The states of an instance, as Nova names them: what the API shows
(``vm_states``), what is under way (``task_states``) and what the
hypervisor says (``power_state``).

A leaf: ``db``, ``virt``, ``compute`` and ``api`` all import it, and it
imports nothing of nova-lite.
"""
