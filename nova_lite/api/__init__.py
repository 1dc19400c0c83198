"""The Compute API service: WSGI app, controllers, schemas and views."""
