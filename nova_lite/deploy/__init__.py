"""Deploying nova-lite on machines: what a node's files are made of."""
