"""Image service client."""
