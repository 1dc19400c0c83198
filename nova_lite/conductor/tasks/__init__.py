"""Multi-step work of the conductor, one task class per operation."""
