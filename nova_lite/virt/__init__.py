"""Virt drivers: the layer that turns compute requests into guest calls."""
