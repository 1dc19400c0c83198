"""Networking: flat networks on Linux bridges, IPAM and the network model."""
