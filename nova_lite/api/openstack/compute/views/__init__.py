"""View builders: API resources as the dictionaries clients receive."""
