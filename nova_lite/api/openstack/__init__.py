"""OpenStack Compute API v2.1: the framework and its middleware."""
