"""Unit tests of the scheduler: filters, weighers, host states, claims."""
