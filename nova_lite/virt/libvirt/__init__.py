"""The libvirt virt driver: guests through a libvirt connection."""
