"""The image service's own database: models, queries and migrations."""
