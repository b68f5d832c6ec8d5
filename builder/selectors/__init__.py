"""Selectors: the reads. Views, consumers and the API fetch through these functions so
that access rules (which workspaces a user sees) live in one place."""
