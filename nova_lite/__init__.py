"""nova-lite: a faithful mini-Nova."""
