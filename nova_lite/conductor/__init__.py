"""The conductor: build orchestration, and the database door of computes."""
