"""Nova's metadata API for guests (nova-lite-metadata): ``handler.py``
identifies the asking instance, ``base.py`` walks the tree, ``password.py``
keeps the guest's password."""
