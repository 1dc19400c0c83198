"""nova-lite-image: the Glance v2 subset that Nova and the clients use."""
