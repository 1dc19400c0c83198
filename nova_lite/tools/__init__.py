"""Files nova-lite ships for its tools: the test guest's build script."""
