"""Versioned objects: what crosses RPC, and the one way services touch rows.

``register_all()`` imports every object module so the registry knows them;
``from nova_lite import objects`` then exposes them as ``objects.Instance``.
"""


def register_all():
    __import__('nova_lite.objects.aggregate')
    __import__('nova_lite.objects.allocation')
    __import__('nova_lite.objects.compute_node')
    __import__('nova_lite.objects.flavor')
    __import__('nova_lite.objects.image_meta')
    __import__('nova_lite.objects.instance')
    __import__('nova_lite.objects.instance_action')
    __import__('nova_lite.objects.instance_fault')
    __import__('nova_lite.objects.instance_group')
    __import__('nova_lite.objects.keypair')
    __import__('nova_lite.objects.migration')
    __import__('nova_lite.objects.network')
    __import__('nova_lite.objects.request_spec')
    __import__('nova_lite.objects.selection')
    __import__('nova_lite.objects.service')
    __import__('nova_lite.objects.tag')
    __import__('nova_lite.objects.task_log')
