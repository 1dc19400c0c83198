"""Console entry points. Importing this package greens the process first."""

from nova_lite import monkey_patch  # noqa: F401
