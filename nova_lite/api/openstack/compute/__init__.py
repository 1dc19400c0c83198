"""Controllers of the Compute API v2.1 resources and their route table."""
